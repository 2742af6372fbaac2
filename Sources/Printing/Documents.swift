import Domain

/// The caisse that issues a document.
public struct Caisse: Hashable, Sendable, Codable {
    /// As printed: "CPAM de Paris".
    public var name: String
    /// The institution's identification number (régime + caisse + centre,
    /// as on the card: "011751234").
    public var identifier: String

    public init(name: String, identifier: String) {
        self.name = name
        self.identifier = identifier
    }
}

extension CivilDate {
    var longFrench: String { FrenchTypography.longDate(year: year, month: month, day: day) }
}

private func fullName(_ p: Person) -> String {
    var s = "\(p.nomFamille.uppercased()) \(p.prenoms)"
    if let usage = p.nomUsage, usage != p.nomFamille { s += " (nom d'usage\u{00A0}: \(usage.uppercased()))" }
    return s
}

private func qualiteText(_ q: Qualite) -> String {
    switch q {
    case .assure: return "Assuré(e)"
    case .conjoint: return "Conjoint(e)"
    case .enfant: return "Enfant"
    case .autreAyantDroit: return "Autre ayant droit"
    }
}

/// Attestation de droits à l'assurance maladie, for one beneficiary of a
/// card: who they are, whose rights they are on, and the rights in force on
/// the day of issue, as the card's signed rights say.
public struct AttestationDeDroits: PrintableDocument, Hashable {
    public var holder: Person
    public var beneficiary: Person
    public var rights: PersonRights
    public var issuedOn: CivilDate
    public var caisse: Caisse

    public init(holder: Person, beneficiary: Person, rights: PersonRights, issuedOn: CivilDate, caisse: Caisse) {
        self.holder = holder
        self.beneficiary = beneficiary
        self.rights = rights
        self.issuedOn = issuedOn
        self.caisse = caisse
    }

    public var kind: String { "attestation-droits" }

    public var layout: DocumentLayout {
        let own = beneficiary.ownNIR ?? beneficiary.ouvrantDroitNIR
        let amoOpen = rights.amoOpen(on: issuedOn)
        let css: String
        if let end = rights.complementaireSanteSolidaireEnd, rights.complementaireOpen(on: issuedOn) {
            css = "Oui, jusqu'au \(end.french)"
        } else {
            css = "Non"
        }
        var blocks: [DocumentLayout.Block] = [
            .issuer("L'Assurance Maladie — \(caisse.name)"),
            .title("Attestation de droits à l'assurance maladie"),
            .subtitle("Délivrée le \(issuedOn.longFrench) à la borne multiservices"),
            .space,
            .heading("Bénéficiaire"),
            .field(label: "Nom et prénom", value: fullName(beneficiary)),
            .field(label: "Date de naissance", value: beneficiary.birthDate.french),
            .field(label: "Qualité", value: qualiteText(beneficiary.qualite)),
            .field(label: "Numéro de sécurité sociale", value: own.formatted),
        ]
        if beneficiary.id != holder.id {
            blocks += [
                .heading("Assuré ouvrant droit"),
                .field(label: "Nom et prénom", value: fullName(holder)),
                .field(label: "Numéro de sécurité sociale", value: holder.ouvrantDroitNIR.formatted),
            ]
        }
        blocks += [
            .heading("Droits à l'assurance maladie obligatoire"),
            .field(label: "Période de droits", value: "du \(rights.amoStart.french) au \(rights.amoEnd.french)"),
            .field(label: "Situation au \(issuedOn.french)", value: amoOpen ? "Droits ouverts" : "Droits fermés"),
            .field(label: "Affection de longue durée (ALD)", value: rights.ald ? "Oui : prise en charge à 100 % des soins en rapport" : "Non"),
            .field(label: "Complémentaire santé solidaire", value: css),
            .field(label: "Organisme d'affiliation", value: "\(caisse.name) (\(caisse.identifier))"),
            .space,
            .paragraph("Cette attestation justifie de vos droits auprès des professionnels de santé, notamment si vous n'avez pas votre carte Vitale. Elle est valable à la date de sa délivrance : pensez à mettre votre carte Vitale à jour."),
            .note("Document édité à partir des droits inscrits sur la carte Vitale lors de sa dernière mise à jour. En cas de changement de situation, contactez votre caisse : ameli.fr ou 3646."),
        ]
        return DocumentLayout(title: "Attestation de droits", blocks: blocks)
    }
}

/// Certificat provisoire de remplacement de la carte européenne
/// d'assurance maladie: given when the departure is too close to wait for
/// the card. The numbered fields follow the European model (3 nom,
/// 4 prénoms, 5 date de naissance, 6 numéro personnel d'identification,
/// 7 institution, 8 carte, 9 date d'expiration).
public struct CEAMProvisionalCertificate: PrintableDocument, Hashable {
    public var beneficiary: Person
    public var certificate: ProvisionalCertificate
    public var caisse: Caisse

    public init(beneficiary: Person, certificate: ProvisionalCertificate, caisse: Caisse) {
        self.beneficiary = beneficiary
        self.certificate = certificate
        self.caisse = caisse
    }

    public var kind: String { "ceam-certificat-provisoire" }

    public var layout: DocumentLayout {
        let nir = beneficiary.ownNIR ?? beneficiary.ouvrantDroitNIR
        return DocumentLayout(title: "Certificat provisoire de remplacement de la CEAM", blocks: [
            .issuer("L'Assurance Maladie — \(caisse.name)"),
            .title("Certificat provisoire de remplacement de la carte européenne d'assurance maladie"),
            .subtitle("Règlements (CE) n° 883/2004 et n° 987/2009 — État membre émetteur : FR"),
            .space,
            .heading("Titulaire du certificat"),
            .field(number: "3", label: "Nom", value: (beneficiary.nomUsage ?? beneficiary.nomFamille).uppercased()),
            .field(number: "4", label: "Prénoms", value: beneficiary.prenoms),
            .field(number: "5", label: "Date de naissance", value: beneficiary.birthDate.french),
            .field(number: "6", label: "Numéro personnel d'identification", value: nir.formatted),
            .field(number: "7", label: "Numéro d'identification de l'institution", value: "\(caisse.identifier) — \(caisse.name)"),
            .field(number: "8", label: "Numéro d'identification de la carte", value: "carte en cours de fabrication"),
            .field(number: "9", label: "Date d'expiration", value: certificate.validUntil.french),
            .heading("Période de validité du certificat"),
            .field(label: "a) Du", value: certificate.issuedOn.french),
            .field(label: "b) Au", value: certificate.validUntil.french),
            .field(label: "Date de délivrance", value: certificate.issuedOn.french),
            .space,
            .paragraph("Ce certificat atteste les droits de son titulaire aux soins médicalement nécessaires lors d'un séjour temporaire dans un autre État de l'Union européenne, de l'Espace économique européen, en Suisse ou au Royaume-Uni, comme la carte européenne d'assurance maladie qu'il remplace."),
            .paragraph("Votre carte européenne d'assurance maladie vous sera envoyée par courrier. Présentez ce certificat avec une pièce d'identité."),
            .note("Délivré par \(caisse.name) à la borne multiservices le \(certificate.issuedOn.longFrench)."),
        ], labelColumn: 0.56)
    }
}

/// Récépissé: what the assuré asked at the kiosk, for whom, when, and the
/// request's id to quote to the caisse. When the kiosk is offline the
/// request is queued and the receipt says it will be sent.
public struct RequestReceipt: PrintableDocument, Hashable {
    public enum Transmission: Hashable, Sendable {
        /// The central store took it.
        case transmitted
        /// Kept in the kiosk's outbox; sent when the link is back.
        case queuedOffline
    }

    /// The request's id (the kiosk outbox's), also the print job's stable id.
    public var requestID: String
    /// What was asked, in the assuré's words ("Commande de carte européenne d'assurance maladie").
    public var what: String
    public var forWhom: Person
    public var submittedOn: CivilDate
    /// "14:05", local time, as the kiosk displays it.
    public var submittedAt: String
    public var transmission: Transmission
    /// What happens next ("Vous recevrez votre carte sous 10 jours.").
    public var nextStep: String?
    public var caisse: Caisse

    public init(requestID: String, what: String, forWhom: Person, submittedOn: CivilDate, submittedAt: String,
                transmission: Transmission, nextStep: String? = nil, caisse: Caisse) {
        self.requestID = requestID
        self.what = what
        self.forWhom = forWhom
        self.submittedOn = submittedOn
        self.submittedAt = submittedAt
        self.transmission = transmission
        self.nextStep = nextStep
        self.caisse = caisse
    }

    public var kind: String { "recepisse" }

    public var layout: DocumentLayout {
        var blocks: [DocumentLayout.Block] = [
            .issuer("L'Assurance Maladie — \(caisse.name)"),
            .title("Récépissé de votre demande"),
            .space,
            .field(label: "Demande", value: what),
            .field(label: "Pour", value: "\(forWhom.prenoms) \((forWhom.nomUsage ?? forWhom.nomFamille).uppercased())"),
            .field(label: "Date", value: "le \(submittedOn.longFrench) à \(submittedAt.replacingColonWithH)"),
            .field(label: "Numéro de la demande", value: requestID),
            .space,
        ]
        switch transmission {
        case .transmitted:
            blocks.append(.paragraph("Votre demande a bien été transmise à votre caisse d'assurance maladie."))
        case .queuedOffline:
            // What is left to do, if anything, is the `nextStep` (a carte Vitale order needs documents).
            blocks.append(.paragraph("Votre demande est bien enregistrée : elle sera transmise à votre caisse d'assurance maladie dès que la borne sera de nouveau connectée."))
        }
        if let nextStep { blocks.append(.paragraph(nextStep)) }
        blocks.append(.note("Conservez ce récépissé : il vous sera demandé si vous contactez votre caisse à propos de cette demande (ameli.fr ou 3646)."))
        return DocumentLayout(title: "Récépissé de demande", blocks: blocks)
    }
}

private extension String {
    /// "14:05" → "14 h 05", the French way of writing a time in prose.
    var replacingColonWithH: String {
        let parts = split(separator: ":")
        guard parts.count == 2 else { return self }
        return "\(parts[0])\u{00A0}h\u{00A0}\(parts[1])"
    }
}
