import Domain

/// A paper copy of a beneficiary's valid CEAM, as the BMS "Voir / imprimer"
/// gives it (seed 003, "Visualisation … et impression"): the card's fields
/// for information. It says it does not replace the card.
public struct CEAMCardCopy: PrintableDocument, Hashable {
    public var beneficiary: Person
    /// Last day of validity of the card.
    public var validUntil: CivilDate
    public var printedOn: CivilDate
    public var caisse: Caisse

    public init(beneficiary: Person, validUntil: CivilDate, printedOn: CivilDate, caisse: Caisse) {
        self.beneficiary = beneficiary
        self.validUntil = validUntil
        self.printedOn = printedOn
        self.caisse = caisse
    }

    public var kind: String { "ceam-copie" }

    public var layout: DocumentLayout {
        let nir = beneficiary.ownNIR ?? beneficiary.ouvrantDroitNIR
        return DocumentLayout(title: "Copie de la carte européenne d'assurance maladie", blocks: [
            .issuer("L'Assurance Maladie — \(caisse.name)"),
            .title("Copie de la carte européenne d'assurance maladie"),
            .subtitle("État membre émetteur : FR"),
            .space,
            .field(number: "3", label: "Nom", value: (beneficiary.nomUsage ?? beneficiary.nomFamille).uppercased()),
            .field(number: "4", label: "Prénoms", value: beneficiary.prenoms),
            .field(number: "5", label: "Date de naissance", value: beneficiary.birthDate.french),
            .field(number: "6", label: "Numéro personnel d'identification", value: nir.formatted),
            .field(number: "7", label: "Numéro d'identification de l'institution", value: "\(caisse.identifier) — \(caisse.name)"),
            .field(number: "9", label: "Date d'expiration", value: validUntil.french),
            .space,
            .paragraph("Cette copie est donnée pour information : elle ne remplace pas la carte. Pendant votre séjour, présentez la carte européenne d'assurance maladie elle-même."),
            .note("Imprimé à la borne multiservices de \(caisse.name) le \(printedOn.longFrench)."),
        ], labelColumn: 0.56)
    }
}
