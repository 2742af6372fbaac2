import Domain

/// The nature of a reimbursement as the relevé prints it.
func natureText(_ n: CareNature) -> String {
    switch n {
    case .consultation: "Consultation"
    case .pharmacie: "Pharmacie"
    case .analyses: "Analyses de laboratoire"
    case .radiologie: "Radiologie"
    case .dentaire: "Soins dentaires"
    case .optique: "Optique"
    case .hospitalisation: "Hospitalisation"
    case .transport: "Transport"
    case .infirmier: "Soins infirmiers"
    case .kinesitherapie: "Kinésithérapie"
    case .autre: "Autres soins"
    }
}

/// Relevé de remboursements: what the Assurance Maladie paid within a
/// period, for the foyer or one beneficiary, line by line, with the exact
/// total (seed 001 §7, « Mes paiements »).
public struct PaymentsStatement: PrintableDocument, Hashable {
    public var assure: Person
    /// The foyer's persons, in EF.BENEF order (the lines name them).
    public var persons: [Person]
    public var from: CivilDate
    public var to: CivilDate
    /// One beneficiary (EF.BENEF order), nil: the whole foyer.
    public var person: Int?
    public var payments: [Payment]
    public var total: Money
    public var issuedOn: CivilDate
    public var caisse: Caisse

    public init(assure: Person, persons: [Person], from: CivilDate, to: CivilDate, person: Int?, payments: [Payment], total: Money,
                issuedOn: CivilDate, caisse: Caisse) {
        self.assure = assure; self.persons = persons; self.from = from; self.to = to; self.person = person
        self.payments = payments; self.total = total; self.issuedOn = issuedOn; self.caisse = caisse
    }

    public var kind: String { "releve-remboursements" }

    public var layout: DocumentLayout {
        func name(_ i: Int) -> String { persons.indices.contains(i) ? persons[i].displayName : "Bénéficiaire \(i + 1)" }
        var blocks: [DocumentLayout.Block] = [
            .issuer("L'Assurance Maladie — \(caisse.name)"),
            .title("Relevé de remboursements"),
            .subtitle("Délivré le \(issuedOn.longFrench) à la borne multiservices"),
            .space,
            .heading("Assuré(e)"),
            .field(label: "Nom et prénom", value: "\(assure.nomFamille.uppercased()) \(assure.prenoms)"),
            .field(label: "Numéro de sécurité sociale", value: assure.ouvrantDroitNIR.formatted),
            .heading("Remboursements payés du \(from.longFrench) au \(to.longFrench)"),
            .field(label: "Pour", value: person.map(name) ?? "Tout le foyer"),
        ]
        if payments.isEmpty {
            blocks.append(.paragraph("Aucun remboursement n'a été payé sur cette période."))
        }
        for p in payments {
            let payee = switch p.payee {
            case .assure: "versé à l'assuré(e)"
            case .professional(let n): "versé à \(n)"
            }
            blocks.append(.field(label: "Payé le \(p.paidOn.french) — \(natureText(p.nature)) du \(p.careDate.french) — \(name(p.personIndex)) — \(payee)",
                                 value: p.amountPaid.french))
        }
        blocks += [
            .field(label: "Total payé sur la période", value: total.french),
            .space,
            .note("Montants versés par l'Assurance Maladie obligatoire, hors part de votre complémentaire santé. Le détail de chaque paiement (décompte) est sur votre compte ameli, rubrique « Mes paiements »."),
        ]
        return DocumentLayout(title: "Relevé de remboursements", blocks: blocks)
    }
}

/// Attestation de paiement des indemnités journalières: the IJ paid to the
/// assuré within a period (seed 001 §4: « dans les 8 ans qui précèdent la
/// demande »), period by period, with the exact total.
public struct DailyAllowancesAttestation: PrintableDocument, Hashable {
    public var assure: Person
    public var from: CivilDate
    public var to: CivilDate
    public var allowances: [DailyAllowancePayment]
    public var total: Money
    public var issuedOn: CivilDate
    public var caisse: Caisse

    public init(assure: Person, from: CivilDate, to: CivilDate, allowances: [DailyAllowancePayment], total: Money, issuedOn: CivilDate,
                caisse: Caisse) {
        self.assure = assure; self.from = from; self.to = to; self.allowances = allowances; self.total = total
        self.issuedOn = issuedOn; self.caisse = caisse
    }

    public var kind: String { "attestation-ij" }

    public var layout: DocumentLayout {
        var blocks: [DocumentLayout.Block] = [
            .issuer("L'Assurance Maladie — \(caisse.name)"),
            .title("Attestation de paiement des indemnités journalières"),
            .subtitle("Délivrée le \(issuedOn.longFrench) à la borne multiservices"),
            .space,
            .heading("Assuré(e)"),
            .field(label: "Nom et prénom", value: "\(assure.nomFamille.uppercased()) \(assure.prenoms)"),
            .field(label: "Numéro de sécurité sociale", value: (assure.ownNIR ?? assure.ouvrantDroitNIR).formatted),
            .heading("Indemnités journalières payées du \(from.longFrench) au \(to.longFrench)"),
        ]
        for a in allowances {
            let days = a.days == 1 ? "1 jour" : "\(a.days) jours"
            blocks.append(.field(label: "Arrêt du \(a.from.french) au \(a.to.french) — \(days) à \(a.dailyAmount.french) — payé le \(a.paidOn.french)",
                                 value: a.amountPaid.french))
        }
        blocks += [
            .field(label: "Total payé sur la période", value: total.french),
            .space,
            .paragraph("L'Assurance Maladie atteste avoir versé à l'assuré(e) désigné(e) ci-dessus les indemnités journalières détaillées, sur la période indiquée."),
            .note("Pour une attestation avec des mentions complémentaires (affection de longue durée, temps partiel thérapeutique), utilisez votre compte ameli, rubrique « Mes démarches », ou adressez-vous à l'accueil."),
        ]
        return DocumentLayout(title: "Attestation de paiement des indemnités journalières", blocks: blocks)
    }
}
