import Domain
import Foundation
import KioskApp
import Printing
import PrintingTesting
import Testing
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
}
