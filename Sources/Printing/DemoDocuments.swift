import Domain

/// The shared demo foyer's documents (fictional people, see the team's
/// demo card): what `bms-kiosk print-test` prints and what tests read back.
public enum DemoDocuments {
    public static let caisse = Caisse(name: "CPAM de Paris", identifier: "011751234")

    public static var holder: Person {
        let nir = try! NIR("180057505612342")
        return Person(ouvrantDroitNIR: nir, ownNIR: nir, nomFamille: "DUPONT", prenoms: "Jean",
                      birthDate: BirthDate(year: 1980, month: 5, day: 14)!, qualite: .assure)
    }

    public static var lea: Person {
        Person(ouvrantDroitNIR: try! NIR("180057505612342"), ownNIR: try! NIR("212033306301160"),
               nomFamille: "DUPONT", prenoms: "Léa", birthDate: BirthDate(year: 2012, month: 3, day: 21)!, qualite: .enfant)
    }

    public static var claire: Person {
        Person(ouvrantDroitNIR: try! NIR("180057505612342"), ownNIR: try! NIR("282116912304563"),
               nomFamille: "MARTIN", nomUsage: "DUPONT", prenoms: "Claire",
               birthDate: BirthDate(year: 1982, month: 11, day: 3)!, qualite: .conjoint)
    }

    public static func attestation(issuedOn: CivilDate) -> AttestationDeDroits {
        AttestationDeDroits(
            holder: holder, beneficiary: lea,
            rights: PersonRights(index: 2, amoStart: CivilDate(year: issuedOn.year, month: 1, day: 1)!,
                                 amoEnd: CivilDate(year: issuedOn.year + 1, month: 12, day: 31)!, ald: true,
                                 complementaireSanteSolidaireEnd: issuedOn.adding(months: 6)),
            issuedOn: issuedOn, caisse: caisse)
    }

    public static func ceamCertificate(issuedOn: CivilDate) -> CEAMProvisionalCertificate {
        CEAMProvisionalCertificate(
            beneficiary: claire,
            certificate: ProvisionalCertificate(issuedOn: issuedOn, validUntil: issuedOn.adding(months: 3)),
            caisse: caisse)
    }

    public static func receipt(issuedOn: CivilDate, queuedOffline: Bool) -> RequestReceipt {
        RequestReceipt(
            requestID: "BMS-0001-000042", what: "Commande de carte européenne d'assurance maladie (CEAM)",
            forWhom: claire, submittedOn: issuedOn, submittedAt: "14:05",
            transmission: queuedOffline ? .queuedOffline : .transmitted,
            nextStep: "Vous recevrez votre carte à votre domicile dans un délai de 10 jours.", caisse: caisse)
    }
}
