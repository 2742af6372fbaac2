import Foundation
import Testing
@testable import KioskUI

@Suite struct TypographyTests {
    @Test func nonBreakingSpacesWhereFrenchPutsThem() {
        #expect(FrenchTypography.apply("Code oublié ?") == "Code oublié\u{202F}?")
        #expect(FrenchTypography.apply("Attention : 1 essai ; voilà !") == "Attention\u{00A0}: 1\u{00A0}essai\u{202F}; voilà\u{202F}!")
        #expect(FrenchTypography.apply("puis « Valider ».") == "puis «\u{00A0}Valider\u{00A0}».")
        #expect(FrenchTypography.apply("l'accueil") == "l’accueil")
    }

    @Test func timesAndAddressesKeepTheirColon() {
        #expect(FrenchTypography.apply("à 10:30") == "à 10:30")
        #expect(FrenchTypography.apply("https://ameli.fr") == "https://ameli.fr")
    }

    /// The print rules, now shared: % gets its no-break space.
    @Test func percentAsOnPaper() {
        #expect(FrenchTypography.apply("remboursé à 70 %") == "remboursé à 70\u{00A0}%")
    }

    @Test func idempotent() {
        let once = FrenchTypography.apply("Êtes-vous toujours là ? « Oui » : d'accord !")
        #expect(FrenchTypography.apply(once) == once)
        #expect(FrenchTypography.isWellFormed(once))
    }
}

@Suite @MainActor struct WrapTests {
    @Test func neverCutsAWord() throws {
        let fonts = try makeFonts()
        let words = ["Insérez", "votre", "carte", "Vitale", "européenne", "d’assurance", "maladie", "bénéficiaire",
                     "«\u{00A0}Valider\u{00A0}»", "oublié\u{202F}?", "à", "renouvellement"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let n = Int.random(in: 1...25, using: &rng)
            let text = (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
            let width = Int.random(in: 260...900, using: &rng)
            let font = FontSpec(pixels: Int.random(in: 20...45, using: &rng), bold: Bool.random(using: &rng))
            let w = TextWrapper.wrap(text, font: font, maxWidth: width, measurer: fonts)
            // Same words, same order, none split (a word wider than the box
            // may go on over the next line after its apostrophe).
            var got: [String] = []
            var glued = false
            for (i, line) in w.lines.enumerated() {
                var words = line.split(separator: " ").map(String.init)
                if glued, !got.isEmpty, !words.isEmpty { got[got.count - 1] += words.removeFirst() }
                got += words
                glued = w.continues(i)
            }
            let want: [String] = text.split(separator: " ").map(String.init)
            #expect(got == want)
            if w.wordsFit {
                for line in w.lines { #expect(fonts.width(of: line, font: font) <= width, "\(line) wider than \(width)") }
            }
        }
    }

    @Test func nonBreakingSpaceKeepsQuestionMarkWithItsWord() throws {
        let fonts = try makeFonts()
        let font = FontSpec(pixels: 30, bold: false)
        let text = "Que souhaitez-vous faire\u{202F}?"
        let width = fonts.width(of: "Que souhaitez-vous faire", font: font) + 2
        let w = TextWrapper.wrap(text, font: font, maxWidth: width, measurer: fonts)
        #expect(w.lines.last == "faire\u{202F}?")
    }

    @Test func fitShrinksTheFontRatherThanCutAWord() throws {
        let fonts = try makeFonts()
        let font = FontSpec(pixels: 40, bold: true)
        let long = "renouvellement"
        let width = fonts.width(of: long, font: font) * 8 / 10
        #expect(!TextWrapper.wrap(long, font: font, maxWidth: width, measurer: fonts).wordsFit)
        let fitted = TextWrapper.fit(long, font: font, maxWidth: width, measurer: fonts)
        #expect(fitted.wordsFit)
        #expect(fitted.lines == [long])
        #expect(fitted.font.pixels < 40)
    }

    @Test func fontHasEveryGlyphTheCatalogsUse() throws {
        let fonts = try makeFonts()
        let dir = assetsURL.appendingPathComponent("i18n")
        for code in Catalog.availableLanguages(in: dir) {
            let c = try Catalog.load(directory: dir, language: code)
            for key in c.strings.keys {
                let s = c.text(key)
                #expect(fonts.covers(s) && fonts.covers(s, bold: true), "\(code) \(key): a glyph is missing in DejaVu Sans")
            }
        }
        #expect(fonts.covers("●▲▼⌫⇧«»’\u{00A0}\u{202F}"))
    }
}

@Suite struct CatalogTests {
    let dir = assetsURL.appendingPathComponent("i18n")

    @Test func frenchAndEnglishAreComplete() throws {
        let fr = try Catalog.load(directory: dir, language: "fr")
        let en = try Catalog.load(directory: dir, language: "en")
        #expect(en.missingKeys(comparedTo: fr) == [])
        #expect(fr.missingKeys(comparedTo: en) == [])
        // Same placeholders on both sides.
        func placeholders(_ s: String) -> Set<String> {
            // Not omitting empty pieces: a text that starts with its placeholder ("{name}’s EHIC") keeps it.
            Set(s.split(separator: "{", omittingEmptySubsequences: false).dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) })
        }
        for (k, v) in fr.strings { #expect(placeholders(v) == placeholders(en.strings[k] ?? ""), "placeholders differ for \(k)") }
    }

    /// The third language, written right to left: every key of French,
    /// the same placeholders, its own name, its direction.
    @Test func arabicIsCompleteAndRightToLeft() throws {
        let fr = try Catalog.load(directory: dir, language: "fr")
        let ar = try Catalog.load(directory: dir, language: "ar")
        #expect(ar.missingKeys(comparedTo: fr) == [])
        #expect(Set(ar.strings.keys).subtracting(fr.strings.keys) == ["_language.direction"])
        func placeholders(_ s: String) -> Set<String> {
            Set(s.split(separator: "{", omittingEmptySubsequences: false).dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) })
        }
        for (k, v) in fr.strings { #expect(placeholders(v) == placeholders(ar.strings[k] ?? ""), "placeholders differ for \(k)") }
        #expect(ar["_language.name"] == "العربية")
        #expect(ar.direction == .rightToLeft && fr.direction == .leftToRight)
        #expect(try Catalog.load(directory: dir, language: "en").direction == .leftToRight)
        // Proper names stay recognisable.
        #expect(ar["attract.insert"].contains("Vitale") && ar["help.phone"].contains("36 46"))
        // Every screen text is Arabic (what stays French is the printed receipt's words).
        let french = ["_language.direction", "address.receipt.what", "address.receipt.next", "date.firstOfMonth"]
        // A pattern of placeholders only (`money.pattern`, `time`) has no words to be Arabic.
        for (k, v) in ar.strings where !french.contains(k) && !k.hasPrefix("_") {
            let words = v.replacing(/\{[^}]*\}/, with: "")
            #expect(Bidi.containsRightToLeft(v) || words.allSatisfy { !$0.isLetter }, "\(k) is not in Arabic: \(v)")
        }
        #expect(Catalog.availableLanguages(in: dir) == ["fr", "ar", "en"])
    }

    @Test func frenchTextIsTypographicallyRight() throws {
        let fr = try Catalog.load(directory: dir, language: "fr")
        for k in fr.strings.keys {
            let s = fr.text(k)
            #expect(!s.contains("'"), "\(k) keeps a straight apostrophe")
            #expect(!s.contains(" ?") && !s.contains(" :") && !s.contains(" !") && !s.contains(" ;"), "\(k): breakable space before punctuation")
            #expect(!s.contains("« ") && !s.contains(" »"), "\(k): breakable space inside guillemets")
        }
    }

    @Test func aThirdLanguageIsOneFile() throws {
        let d = tempDir()
        try FileManager.default.copyItem(at: dir.appendingPathComponent("fr.json"), to: d.appendingPathComponent("fr.json"))
        try Data(#"{"_language.name": "Deutsch", "attract.title": "Willkommen"}"#.utf8).write(to: d.appendingPathComponent("de.json"))
        #expect(Catalog.availableLanguages(in: d) == ["fr", "de"])
        let de = try Catalog.load(directory: d, language: "de")
        #expect(de["attract.title"] == "Willkommen")
        // What it lacks falls back to French and is listed.
        #expect(de["footer.finish"] == "Terminer")
        #expect(de.missingKeys(comparedTo: try Catalog.load(directory: d, language: "fr")).contains("footer.finish"))
    }

    @Test func badCatalogIsAClearError() throws {
        let d = tempDir()
        try Data(#"{"a": 3}"#.utf8).write(to: d.appendingPathComponent("xx.json"))
        #expect(throws: Catalog.LoadError.self) { try Catalog.load(directory: d, language: "xx") }
        #expect(throws: Catalog.LoadError.self) { try Catalog.load(directory: d, language: "zz") }
    }
}
