import Domain
import Foundation
import Printing
import PrintingTesting
import Testing

/// The paper copy of a valid CEAM ("Voir / imprimer").
@Suite struct CEAMCardCopyTests {
    @Test func theCopyCarriesTheCardsFieldsAndSaysItIsNotTheCard() throws {
        let claire = try #require(DemoDocuments.ceamCertificate(issuedOn: CivilDate(year: 2026, month: 11, day: 23)!).beneficiary)
        let copy = CEAMCardCopy(beneficiary: claire, validUntil: CivilDate(year: 2028, month: 5, day: 31)!,
                                printedOn: CivilDate(year: 2026, month: 11, day: 23)!, caisse: DemoDocuments.caisse)
        // Lines may wrap anywhere: read the text as one line.
        let t = try PDFText.extract(try PDFRenderer().render(copy.layout)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(t.contains("Copie de la carte européenne d’assurance maladie"))
        #expect(t.contains("3. Nom") && t.contains("DUPONT"))
        #expect(t.contains("5. Date de naissance") && t.contains("03/11/1982"))
        #expect(t.contains("9. Date d’expiration") && t.contains("31/05/2028"))
        #expect(t.contains("ne remplace pas la carte"))
        #expect(t.contains("23 novembre 2026"))
        #expect(copy.kind == "ceam-copie")
    }
}
