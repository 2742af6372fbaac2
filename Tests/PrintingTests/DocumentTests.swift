import Domain
import Foundation
import Printing
import PrintingTesting
import Testing

private let nbsp = "\u{00A0}", thin = "\u{202F}"
private let today = CivilDate(year: 2026, month: 11, day: 23)!

@Suite struct FrenchTypographyTests {
    @Test func highPunctuationGetsNonBreakingSpaces() {
        #expect(FrenchTypography.apply("Attention : oui ! Vraiment ? Non ; si.")
                == "Attention\(nbsp): oui\(thin)! Vraiment\(thin)? Non\(thin); si.")
        #expect(FrenchTypography.apply("Statut: ouvert") == "Statut\(nbsp): ouvert")
    }

    @Test func guillemetsAndPercent() {
        #expect(FrenchTypography.apply("« carte Vitale »") == "«\(nbsp)carte Vitale\(nbsp)»")
        #expect(FrenchTypography.apply("«Vitale»") == "«\(nbsp)Vitale\(nbsp)»")
        #expect(FrenchTypography.apply("à 100 %") == "à 100\(nbsp)%")
    }

    @Test func urlsAndTimesAreLeftAlone() {
        #expect(FrenchTypography.apply("https://www.ameli.fr à 10:30") == "https://www.ameli.fr à 10:30")
    }

    /// The screen's rules, now shared: the apostrophe, and a digit before a
    /// colon that is not a time keeps its space.
    @Test func sameRulesAsTheScreen() {
        #expect(FrenchTypography.apply("Date d'expiration") == "Date d’expiration")
        #expect(FrenchTypography.apply("Étape 3 : signer") == "Étape 3\(nbsp): signer")
        #expect(FrenchTypography.apply("à 14:05") == "à 14:05")
    }

    @Test func longDates() {
        #expect(FrenchTypography.longDate(year: 2026, month: 8, day: 1) == "1er août 2026")
        #expect(FrenchTypography.longDate(year: 1980, month: 5, day: 14) == "14 mai 1980")
    }
}

/// Renders each document and reads it back with pdftotext.
@Suite struct DocumentPDFTests {
    /// pdftotext gives no-break spaces back as plain spaces: the layout's
    /// spaces are checked in FrenchTypographyTests and by where lines break.
    func text(_ document: some PrintableDocument) throws -> String {
        let t = try PDFText.extract(try PDFRenderer().render(document.layout))
        for line in t.split(separator: "\n") {
            #expect(!(line.first.map { ":;!?»%".contains($0) } ?? false), "a line starts with high punctuation: \(line)")
        }
        return t
    }

    @Test func attestationDeDroitsReadsBackExactly() throws {
        let t = try text(DemoDocuments.attestation(issuedOn: today))
        #expect(t.contains("Attestation de droits à l’assurance maladie"))
        #expect(t.contains("Délivrée le 23 novembre 2026"))
        #expect(t.contains("DUPONT Léa"))
        #expect(t.contains("2 12 03 33 063 011 60"), "beneficiary's own NIR, grouped")
        #expect(t.contains("1 80 05 75 056 123 42"), "ouvrant droit's NIR")
        #expect(t.contains("du 01/01/2026 au 31/12/2027"))
        #expect(t.contains("Droits ouverts"))
        #expect(t.contains("Oui : prise en charge à 100 %"))
        #expect(t.contains("Complémentaire santé solidaire"))
        #expect(t.contains("jusqu’au 23/05/2027"))
        #expect(t.contains("CPAM de Paris (011751234)"))
    }

    @Test func attestationForTheHolderHasNoSecondIdentityBlock() throws {
        var doc = DemoDocuments.attestation(issuedOn: today)
        doc.beneficiary = DemoDocuments.holder
        doc.rights.complementaireSanteSolidaireEnd = nil
        doc.rights.ald = false
        let t = try text(doc)
        #expect(!t.contains("Assuré ouvrant droit"))
        #expect(t.contains("DUPONT Jean"))
        #expect(!t.contains("jusqu’au"))
    }

    @Test func closedRightsSayClosed() throws {
        var doc = DemoDocuments.attestation(issuedOn: today)
        doc.rights.amoEnd = today.adding(days: -1)
        #expect(try text(doc).contains("Droits fermés"))
    }

    @Test func ceamCertificateHasTheEuropeanFieldNumbers() throws {
        let t = try text(DemoDocuments.ceamCertificate(issuedOn: today))
        #expect(t.contains("Certificat provisoire de remplacement"))
        #expect(t.contains("3. Nom"))
        #expect(t.contains("DUPONT"), "nom d'usage")
        #expect(t.contains("4. Prénoms"))
        #expect(t.contains("5. Date de naissance"))
        #expect(t.contains("03/11/1982"))
        #expect(t.contains("6. Numéro personnel d’identification"))
        #expect(t.contains("2 82 11 69 123 045 63"))
        #expect(t.contains("7. Numéro d’identification de l’institution"))
        #expect(t.contains("9. Date d’expiration"))
        #expect(t.contains("23/02/2027"), "three months of validity")
        #expect(t.contains("État membre émetteur : FR"))
    }

    @Test func receiptSaysWhetherTheRequestIsQueued() throws {
        let offline = try text(DemoDocuments.receipt(issuedOn: today, queuedOffline: true))
        #expect(offline.contains("Récépissé de votre demande"))
        #expect(offline.contains("BMS-0001-000042"))
        #expect(offline.contains("elle sera transmise"))
        // Not true of every request (an order still needs documents): said by the next step, if any.
        #expect(!offline.contains("rien d’autre à faire") && !offline.contains("rien d'autre à faire"))
        #expect(offline.contains("le 23 novembre 2026 à 14 h 05"))
        let online = try text(DemoDocuments.receipt(issuedOn: today, queuedOffline: false))
        #expect(online.contains("a bien été transmise"))
        #expect(!online.contains("elle sera transmise"))
    }

    @Test func longTextWrapsOntoMorePages() throws {
        let paragraph = String(repeating: "Les droits à l'assurance maladie sont ouverts ; ", count: 40)
        let layout = DocumentLayout(title: "Long", blocks: Array(repeating: .paragraph(paragraph), count: 12))
        let t = try PDFText.extract(try PDFRenderer().render(layout))
        let pages = t.split(separator: "\u{0C}", omittingEmptySubsequences: true).count
        #expect(pages >= 2)
        let lines = t.split(separator: "\n")
        #expect(lines.count > 40)
        // Many line breaks, none before a semicolon.
        #expect(lines.allSatisfy { !$0.hasPrefix(";") })
    }

    @Test func pagesAreA4() throws {
        let data = try PDFRenderer().render(DemoDocuments.receipt(issuedOn: today, queuedOffline: false).layout)
        let pdf = String(decoding: data.prefix(5), as: UTF8.self)
        #expect(pdf == "%PDF-")
        #expect(String(decoding: data, as: UTF8.self).contains("/MediaBox [ 0 0 595.28 841.89 ]")
                || String(decoding: data, as: UTF8.self).contains("595.28"))
    }

    @Test func namesAreTextNotMarkup() throws {
        var doc = DemoDocuments.attestation(issuedOn: today)
        doc.beneficiary.prenoms = "Léa <b>Zoé</b> & Co"
        let t = try text(doc)
        #expect(t.contains("DUPONT Léa <b>Zoé</b> & Co"), "\(t.prefix(400))")
    }

    @Test func aChildWithoutANIRIsAttestedUnderTheOuvrantDroits() throws {
        var doc = DemoDocuments.attestation(issuedOn: today)
        doc.beneficiary = Person(ouvrantDroitNIR: DemoDocuments.holder.ouvrantDroitNIR, nomFamille: "DUPONT", prenoms: "Hugo",
                                 birthDate: BirthDate(year: 2018, month: 7, day: 9)!, qualite: .enfant)
        let t = try text(doc)
        #expect(t.contains("DUPONT Hugo"))
        #expect(t.contains("09/07/2018"))
        #expect(t.components(separatedBy: "1 80 05 75 056 123 42").count == 3, "the ouvrant droit's NIR, for the child and the holder")
    }

    @Test func fileAndMemoryRenderingsSayTheSame() throws {
        let layout = DemoDocuments.ceamCertificate(issuedOn: today).layout
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bms-ceam-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: url) }
        try PDFRenderer().render(layout, to: url.path)
        #expect(try PDFText.extract(url) == PDFText.extract(try PDFRenderer().render(layout)))
    }

    @Test func renderingToAMissingDirectoryIsATypedError() {
        #expect(throws: PDFRenderer.RenderError.self) {
            try PDFRenderer().render(DemoDocuments.receipt(issuedOn: today, queuedOffline: false).layout,
                                     to: "/nonexistent-dir-\(UUID().uuidString)/x.pdf")
        }
    }
}
