import CentralAPI
import Domain
import Foundation
import KioskUI
import Printing
import PrintingTesting
import Testing
@testable import KioskApp
@testable import KioskRuntime

/// A service's own page (`KioskDocument.sheet`): printed under the caisse's
/// name, every block in order, French typography applied, as the printing
/// part's own documents.
@Suite struct DocumentSheetTests {
    @Test func aSheetIsLaidOutUnderTheCaissesName() throws {
        let sheet = DocumentSheet(kind: "essai", title: "Essai", blocks: [
            .title("Un titre"), .subtitle("Édité le 23 novembre 2026"), .heading("Une rubrique"),
            .field(label: "Nom", value: "Jean DUPONT"), .paragraph("Un paragraphe : avec ses espaces !"), .space, .note("Une note."),
        ])
        let document = try CUPSKioskPrinter.layout(.sheet(sheet), caisse: DemoDocuments.caisse)
        #expect(document.kind == "essai")
        #expect(document.layout.title == "Essai")
        let text = try PDFText.extract(try PDFRenderer().render(document.layout))
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(lines.first == "L’Assurance Maladie — \(DemoDocuments.caisse.name)")
        for expected in ["Un titre", "Édité le 23 novembre 2026", "Une rubrique", "Nom", "Jean DUPONT", "Une note."] {
            #expect(lines.contains(expected), "\(expected): \(lines)")
        }
        // French typography on the way (pdftotext reads no-break spaces as spaces).
        #expect(document.layout.plainText.contains("Un paragraphe\u{00A0}: avec ses espaces\u{202F}!"))
        #expect(text.contains("Un paragraphe : avec ses espaces !"), "\(text)")
    }

    /// « Mes informations » on paper: what the screen shows, in French
    /// whatever the screen's language, the address and mobile masked as on
    /// screen, the NPAI and what it blocks; read back from the PDF.
    @Test @MainActor func mesInformationsPrintsWhatTheScreenShows() throws {
        let catalogs = try AssetLocator.catalogs(URL(fileURLWithPath: asset("Assets")))
        let context = FlowContext(catalog: try #require(catalogs["en"]), documentCatalog: try #require(catalogs["fr"]))
        let today = CivilDate(year: 2026, month: 11, day: 23)!
        let situation = AssureSituation(npai: true)
        let persons = [DemoDocuments.holder, DemoDocuments.claire, DemoDocuments.lea].enumerated().map { i, p in
            PersonView(index: i, person: p, ceam: CEAMRecord(), vitale: i == 0 ? .active(serial: "25010000000001") : .none,
                       situation: situation, rightsSufficient: true,
                       rights: PersonRights(index: i, amoStart: CivilDate(year: 2026, month: 1, day: 1)!, amoEnd: CivilDate(year: 2027, month: 12, day: 31)!,
                                            ald: i == 0),
                       ceamRules: CEAMRules(), vitaleRules: VitaleRules(), now: context.now, today: today)
        }
        let address = PostalAddress(number: "12", street: "rue des Lilas", complement: "Bâtiment B", postalCode: "75019", commune: "PARIS")
        let foyer = FoyerResponse(serial: "25010000000001", today: today, persons: persons, maskedMobile: "06 •• •• •• 34",
                                  codeTriesLeft: 3, codeLocked: false, address: address.masked, npai: true)
        let document = try CUPSKioskPrinter.layout(.sheet(MesInformationsMachine.sheet(foyer, context)), caisse: DemoDocuments.caisse)
        #expect(document.kind == "mes-informations")
        let pdf = try PDFRenderer().render(document.layout)
        // INFORMATIONS_PDF=DIR keeps the page to look at.
        if let dir = ProcessInfo.processInfo.environment["INFORMATIONS_PDF"] {
            try pdf.write(to: URL(fileURLWithPath: dir).appendingPathComponent("mes-informations.pdf"))
        }
        // Lines as one text: a field's value wraps in its column.
        let text = try PDFText.extract(pdf)
            .replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        for expected in ["L’Assurance Maladie — CPAM de Paris", "Mes informations", "Relevé édité le 23 novembre 2026 à la borne multiservices",
                         "Les personnes de votre carte Vitale et leurs droits", "Jean DUPONT", "Assuré, 46 ans.", "Léa DUPONT",
                         "Droits ouverts jusqu’au 31 décembre 2027.", "Adresse postale", "1• rue des L•••, Bâtiment B, 75019 PARIS",
                         "Téléphone portable", "06 •• •• •• 34", "Votre adresse n’est plus valable", "commander une carte Vitale",
                         "en partie masqués", "36 46"] {
            #expect(text.contains(expected), "\(expected): \(text)")
        }
        // Nothing more than the screen: the address whole, ALD, the screen's English.
        for absent in ["Lilas", "12 rue", "ALD", "Covered"] { #expect(!text.contains(absent), "\(absent)") }
    }
}
