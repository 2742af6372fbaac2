import Domain
import Foundation
import Printing
import PrintingTesting
import Testing

/// The foyer with the longest names a card may carry (80 bytes for the
/// nom, the nom d'usage and the prénoms), the same card as the screens'
/// scenario: `Assets/demo/cards/noms-longs.json`.
enum LongNamesCard {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Assets/demo/cards/noms-longs.json")

    static func identity() throws -> CardIdentity {
        struct File: Decodable { var identity: CardIdentity }
        let decoder = JSONDecoder()
        return try decoder.decode(File.self, from: Data(contentsOf: url)).identity
    }
}

/// Every printed document, for every person of that card: the whole name
/// is on the paper (pdftotext reads it back, in order, whatever the line
/// breaks), and no word is drawn past the margins (nothing clipped).
@Suite struct LongNamesPrintTests {
    static let today = CivilDate(year: 2026, month: 11, day: 23)!

    static func documents(for p: Person, holder: Person) -> [(String, any PrintableDocument)] {
        let rights = PersonRights(index: 0, amoStart: CivilDate(year: 2026, month: 1, day: 1)!,
                                  amoEnd: CivilDate(year: 2026, month: 12, day: 31)!, ald: false)
        return [
            ("attestation", AttestationDeDroits(holder: holder, beneficiary: p, rights: rights, issuedOn: today, caisse: DemoDocuments.caisse)),
            ("certificat", CEAMProvisionalCertificate(beneficiary: p, certificate: ProvisionalCertificate(issuedOn: today, validUntil: today.adding(months: 3)),
                                                      caisse: DemoDocuments.caisse)),
            ("copie", CEAMCardCopy(beneficiary: p, validUntil: CivilDate(year: 2028, month: 5, day: 31)!, printedOn: today, caisse: DemoDocuments.caisse)),
            ("récépissé", RequestReceipt(requestID: "BMS-0001-000042", what: "Commande de carte européenne d'assurance maladie (CEAM)",
                                         forWhom: p, submittedOn: today, submittedAt: "14:05", transmission: .transmitted,
                                         nextStep: "Vous recevrez votre carte à votre domicile dans un délai de 10 jours.", caisse: DemoDocuments.caisse)),
        ]
    }

    /// Letters only, apostrophes as the paper prints them: a line break
    /// (after a hyphen, or between characters) or a space changes nothing.
    static func squeezed(_ s: String) -> String {
        String(s.replacingOccurrences(of: "'", with: "’").filter { !$0.isWhitespace })
    }

    @Test func theCardsNamesAreAtTheProfilesMaximum() throws {
        let persons = try LongNamesCard.identity().foyer.persons
        let longest = persons.flatMap { [$0.nomFamille, $0.nomUsage ?? "", $0.prenoms] }.map(\.utf8.count).max()
        #expect(longest == 80, "BMS-VIT and Vitale 2 read 80 bytes at most for a name")
        #expect(persons.contains { $0.nomUsage?.utf8.count == 80 })
        #expect(persons.contains { $0.prenoms.utf8.count >= 79 && $0.prenoms.contains(" ") })
        #expect(persons.contains { $0.nomFamille.utf8.count == 80 && !$0.nomFamille.contains("-") && !$0.nomFamille.contains("'") })
    }

    @Test func everyDocumentPrintsEveryNameWholeWithinTheMargins() throws {
        let id = try LongNamesCard.identity()
        let holder = id.foyer.holder
        for p in id.foyer.persons {
            for (kind, doc) in Self.documents(for: p, holder: holder) {
                let pdf = try PDFRenderer().render(doc.layout)
                let text = Self.squeezed(try PDFText.extract(pdf, raw: true))
                // The name the document prints (the nom d'usage on the CEAM
                // forms and the receipt; the nom de famille and the nom
                // d'usage on the attestation), and every prénom.
                var names = [p.nomUsage ?? p.nomFamille, p.prenoms]
                if kind == "attestation" { names.append(p.nomFamille) }
                for n in names {
                    #expect(text.contains(Self.squeezed(n)), "\(kind): \(n.prefix(12))… not whole")
                }
                let (pages, words) = try PDFText.words(pdf)
                #expect(!pages.isEmpty && !words.isEmpty)
                let margin = PDFRenderer().margin
                for w in words {
                    let page = pages[min(w.page, pages.count - 1)]
                    #expect(w.xMin >= margin - 1 && w.xMax <= page.width - margin + 1, "\(kind): « \(w.text) » past the margin (\(w.xMax))")
                    #expect(w.yMin >= 0 && w.yMax <= page.height, "\(kind): « \(w.text) » off the page")
                }
            }
        }
    }

    /// A name with no hyphen wider than its column breaks between
    /// characters with no hyphen added (pango adds one by default): the
    /// first line is drawn exactly as wide as its letters alone.
    @Test func aNameBrokenBetweenCharactersGetsNoHyphenOnPaper() throws {
        let word = try #require(try LongNamesCard.identity().foyer.persons.map(\.nomFamille).first { !$0.contains("-") && $0.utf8.count == 80 })
        func firstWord(_ value: String) throws -> PDFText.Word {
            let layout = DocumentLayout(title: "t", blocks: [.field(label: "Nom", value: value)], labelColumn: 0.56)
            return try #require(try PDFText.words(try PDFRenderer().render(layout)).words.first { $0.text != "Nom" })
        }
        let broken = try firstWord(word)
        #expect(broken.text.count < word.count && word.hasPrefix(broken.text), "broken between characters: \(broken.text)")
        let alone = try firstWord(broken.text)
        #expect(alone.text == broken.text)
        #expect(abs((broken.xMax - broken.xMin) - (alone.xMax - alone.xMin)) < 0.5, "a hyphen was drawn after « \(broken.text) »")
    }

    /// A compound name wraps after its hyphens on paper too: the label
    /// column is narrow on the CEAM forms.
    @Test func aCompoundNameWrapsAfterItsHyphensOnTheCertificate() throws {
        let p = try LongNamesCard.identity().foyer.holder
        let doc = CEAMProvisionalCertificate(beneficiary: p, certificate: ProvisionalCertificate(issuedOn: Self.today, validUntil: Self.today.adding(months: 3)),
                                             caisse: DemoDocuments.caisse)
        let lines = try PDFText.extract(try PDFRenderer().render(doc.layout), raw: true).split(separator: "\n").map(String.init)
        let nameLines = lines.filter { l in l.contains("FRANCESCHINI") || l.contains("BONAPARTE") || l.contains("PERALDI") }
        #expect(nameLines.count >= 2, "the name goes over several lines")
        #expect(nameLines.dropLast().allSatisfy { $0.hasSuffix("-") }, "\(nameLines)")
    }
}
