import Testing
@testable import KioskUI

/// The longest names a card may carry (80 bytes for the nom, the nom
/// d'usage and the prénoms: `Assets/demo/cards/noms-longs.json`), in the
/// boxes the screens give them. A word wider than its box breaks after a
/// hyphen or an apostrophe (which stays at the end of the line); only a
/// word with neither makes its run step down, never below the type floor;
/// at the floor, it breaks between characters. Never cut, never « … ».
enum LongNames {
    /// The issue's name: 390 px in a 326 px box at ×1.5, portrait.
    static let issue = "FRANCESCHINI-SANTUCCI"
    static let compound = "FRANCESCHINI-SANTUCCI-DELLA-ROCCA-BONAPARTE-CASABIANCA-POZZO-DI-BORGO-PERALDI-OR"
    static let apostrophes = "D'ORNANO-D'ISTRIA-D'ALBERTAS-FRANCESCHINI-SANTUCCI-DE-LECA-DE-LA-ROCCA-CINARCA-O"
    static let oneWord = "WOLFESCHLEGELSTEINHAUSENBERGERDORFFVORALTERNWARENGEWISSENHAFTSCHAFERSWESSENSCHAF"
    static let prenoms = "Jean-Baptiste Marie Dominique François-Xavier Angelo Toussaint Pascal Napoléon"
}

@Suite @MainActor struct LongNameWrapTests {
    let bold45 = FontSpec(pixels: 45, bold: true)

    @Test func theCardsLongestNamesAreAtTheProfilesMaximum() {
        for n in [LongNames.compound, LongNames.apostrophes, LongNames.oneWord, LongNames.prenoms] { #expect(n.utf8.count == 80) }
    }

    @Test func aCompoundNameWiderThanItsBoxBreaksAfterItsHyphen() throws {
        let fonts = try makeFonts()
        let box = fonts.width(of: "FRANCESCHINI-", font: bold45) + 2
        #expect(fonts.width(of: LongNames.issue, font: bold45) > box)
        let w = TextWrapper.wrap(LongNames.issue, font: bold45, maxWidth: box, measurer: fonts)
        #expect(w.lines == ["FRANCESCHINI-", "SANTUCCI"])
        #expect(w.wordsFit)
        #expect(w.font == bold45)
        #expect(w.continuing == [0])
    }

    @Test func anApostropheIsABreakPointToo() throws {
        let fonts = try makeFonts()
        for name in ["D'ORNANO", "D’ORNANO"] {
            let box = fonts.width(of: "ORNANO", font: bold45) + 2
            let w = TextWrapper.wrap(name, font: bold45, maxWidth: box, measurer: fonts)
            #expect(w.lines == [String(name.prefix(2)), "ORNANO"])
            #expect(w.wordsFit)
        }
    }

    /// An apostrophe breaks only a part (between hyphens) still too wide:
    /// « D’ISTRIA » stays whole when it fits, « D’ORNANO » alone does not.
    @Test func anApostropheBreaksOnlyAPartTooWide() throws {
        let fonts = try makeFonts()
        let box = fonts.width(of: "D’ORNANO-", font: bold45) + 2
        let w = TextWrapper.wrap("D’ORNANO-D’ISTRIA", font: bold45, maxWidth: box, measurer: fonts)
        #expect(w.lines == ["D’ORNANO-", "D’ISTRIA"])
    }

    /// Between characters, a binding space stays with what it binds: no
    /// line starts with « ? » (French typography, as at a space).
    @Test func aBreakBetweenCharactersKeepsTheQuestionMark() throws {
        let fonts = try makeFonts()
        let word = "WOLFESCHLEGELSTEINHAUSEN"
        let text = "pour \(word)\u{202F}?"
        for box in stride(from: fonts.width(of: "WOLFESCHLEGEL", font: bold45), to: fonts.width(of: word, font: bold45), by: 7) {
            let w = TextWrapper.wrap(text, font: bold45, maxWidth: box, measurer: fonts, betweenCharacters: true)
            #expect(w.brokenBetweenCharacters)
            #expect(w.lines.allSatisfy { !$0.hasPrefix("\u{202F}") && !$0.hasPrefix("?") }, "\(box): \(w.lines)")
            #expect(w.lines.allSatisfy { fonts.width(of: $0, font: bold45) <= box })
            #expect(w.lines.dropFirst().joined() == word + "\u{202F}?")
        }
    }

    /// The first part goes on the line where the name starts, as many
    /// parts on a line as fit; the hyphens stay at the ends of lines.
    @Test func partsFillTheLinesInOrder() throws {
        let fonts = try makeFonts()
        let box = fonts.width(of: "Lucas FRANCESCHINI-SANTUCCI-", font: bold45) + 1
        let w = TextWrapper.wrap("Lucas " + LongNames.compound + " · Enfant, 11 ans", font: bold45, maxWidth: box, measurer: fonts)
        #expect(w.lines.first == "Lucas FRANCESCHINI-SANTUCCI-")
        #expect(w.lines.allSatisfy { fonts.width(of: $0, font: bold45) <= box })
        #expect(w.lines.dropLast().allSatisfy { $0.hasSuffix("-") || $0.hasSuffix("·") || $0.hasSuffix(",") || $0.hasSuffix("ans") })
        #expect(w.lines.joined(separator: "\u{1}").replacingOccurrences(of: "-\u{1}", with: "-").replacingOccurrences(of: "\u{1}", with: " ")
                == "Lucas " + LongNames.compound + " · Enfant, 11 ans")
    }

    /// A word that fits its box on a line of its own is not broken: the
    /// screens' texts (« Êtes-vous », « l’accueil ») wrap as before.
    @Test func aWordThatFitsItsBoxStaysWhole() throws {
        let fonts = try makeFonts()
        let font = FontSpec(pixels: 30, bold: false)
        let box = fonts.width(of: "Êtes-vous", font: font) + 4
        let w = TextWrapper.wrap("Êtes-vous toujours là ?", font: font, maxWidth: box, measurer: fonts)
        #expect(w.lines.first == "Êtes-vous")
        #expect(w.continuing.isEmpty)
    }
}

@Suite @MainActor struct LongNameLayoutTests {
    func engine(_ fonts: FontLibrary, scale: Double = 1.5, size: Size = Size(width: 800, height: 1280)) -> LayoutEngine {
        LayoutEngine(metrics: ScreenMetrics(size: size, physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size),
                                            fontScale: scale), theme: .normal, measurer: fonts)
    }

    /// A compound name keeps the chosen size: it breaks after its hyphen
    /// instead of stepping down.
    @Test func aHyphenBreakKeepsTheChosenSize() throws {
        let fonts = try makeFonts()
        let e = engine(fonts)
        let full = e.font(.button)
        let box = fonts.width(of: "FRANCESCHINI-", font: full) + 2
        #expect(fonts.width(of: LongNames.issue, font: full) > box)
        let w = e.wrap(LongNames.issue, style: .button, width: box)
        #expect(w.font == full)
        #expect(w.lines == ["FRANCESCHINI-", "SANTUCCI"])
        #expect(!w.brokenBetweenCharacters)
    }

    /// A word with no hyphen or apostrophe a little too wide: its run steps
    /// down, to no less than the floor (90 % of the chosen size at ×1.5).
    @Test func aWordWithNoBreakPointStepsDownNotBelowTheFloor() throws {
        let fonts = try makeFonts()
        let e = engine(fonts)
        let word = "WOLFESCHLEGEL"
        let full = fonts.width(of: word, font: e.font(.button))
        let floor = e.metrics.fontPixels(.button, shrink: e.shrinkFloor)
        // 4 % too wide: one step down, whole.
        let w = e.wrap(word, style: .button, width: full * 96 / 100)
        #expect(w.lines == [word])
        #expect(w.font.pixels < e.font(.button).pixels && w.font.pixels >= floor)
        #expect(!w.brokenBetweenCharacters)
        // 30 % too wide: 60 % would fit, but the run stops at the floor
        // and, last resort, breaks between characters, nothing cut.
        let narrow = full * 70 / 100
        let n = e.wrap(word, style: .button, width: narrow)
        #expect(n.font.pixels == floor)
        #expect(n.brokenBetweenCharacters)
        #expect(n.lines.count == 2)
        #expect(n.lines.joined() == word)
        #expect(n.lines.allSatisfy { fonts.width(of: $0, font: n.font) <= narrow })
        #expect(n.continuing == [0])
    }

    /// The longest single word a card allows, in the narrowest box a name
    /// gets: whole, on several lines at the floor, each within the box.
    @Test(arguments: [1.0, 1.5])
    func theLongestWordIsShownWhole(_ scale: Double) throws {
        let fonts = try makeFonts()
        let e = engine(fonts, scale: scale)
        let w = e.wrap("Maximilien " + LongNames.oneWord, style: .button, width: 326)
        #expect(w.font.pixels == e.metrics.fontPixels(.button, shrink: e.shrinkFloor))
        #expect(w.lines.allSatisfy { fonts.width(of: $0, font: w.font) <= 326 })
        #expect(w.lines.first == "Maximilien")
        #expect(w.lines.dropFirst().joined() == LongNames.oneWord)
    }

    func ceamRow(_ title: String) -> ScreenModel {
        let row = ListView.Row(id: "ceam.person.4", title: title,
                               detail: "Carte déclarée volée le 17 novembre 2026. Nouvelle carte attendue vers le 28 novembre 2026.",
                               actions: [Button(id: "ceam.4.viewPrint", label: "Voir / imprimer", style: .secondary, width: .natural)])
        return ScreenModel(id: "flow.ceam.list", title: "Carte européenne d’assurance maladie", body: .vstack([
            .list(ListView(id: "ceam.list", rows: [row], visibleRows: 4, previousLabel: "Précédent", nextLabel: "Suivant")),
            .flexible,
        ], spacing: .grid), footer: [Button(id: "finish", label: "Terminer", style: .neutral, width: .natural)])
    }

    /// The issue: « FRANCESCHINI-SANTUCCI » in a beneficiary row at
    /// 800×1280 and text ×1.5 was reported 390 px wide in a 326 px box.
    @Test(arguments: [LongNames.issue, LongNames.compound, LongNames.apostrophes, LongNames.oneWord])
    func aBeneficiaryRowShowsTheWholeName(_ name: String) throws {
        let fonts = try makeFonts()
        for (size, scale) in [(Size(width: 800, height: 1280), 1.5), (Size(width: 800, height: 1280), 1.0),
                              (Size(width: 1280, height: 800), 1.5), (Size(width: 1920, height: 1080), 1.5)] {
            let e = engine(fonts, scale: scale, size: size)
            let l = e.layout(ceamRow("Lucas \(name) · Enfant, 11 ans"))
            #expect(l.problems == [], "\(size) ×\(scale)")
            #expect(l.screenText.contains("Lucas \(name) · Enfant, 11 ans"), "\(size) ×\(scale): \(l.screenText)")
            // The chosen size when the name breaks after its hyphens (the
            // actions go under the text: 326 px beside them at 800×1280
            // ×1.5 is too narrow even for « FRANCESCHINI- »); the floor
            // at worst for a word with neither.
            let title = l.texts.filter { $0.widgetID == "ceam.person.4" }.compactMap { t -> FontSpec? in
                if case .text(_, let font, _) = t.kind, font.bold { return font } else { return nil }
            }
            #expect(!title.isEmpty)
            for font in title {
                if name == LongNames.oneWord {
                    #expect(font.pixels >= e.metrics.fontPixels(.button, shrink: e.shrinkFloor), "\(size) ×\(scale)")
                } else {
                    // (The screen's own tolerance, `textShrink`, applies to every text alike.)
                    #expect(font.pixels == e.metrics.fontPixels(.button, shrink: l.textShrink), "\(size) ×\(scale)")
                }
            }
            #expect(l.brokenWords == (name == LongNames.oneWord ? ["ceam.person.4"] : []), "\(size) ×\(scale)")
        }
    }

    /// A name broken over two lines reads back whole, for scenarios and speech.
    @Test func aBrokenNameReadsBackWhole() throws {
        let fonts = try makeFonts()
        let l = engine(fonts).layout(ceamRow("Lucas \(LongNames.compound)"))
        let lines = l.texts.filter { $0.widgetID == "ceam.person.4" }.compactMap(\.text)
        #expect(lines.count > 2)
        #expect(l.visibleText.contains("Lucas \(LongNames.compound)"))
        #expect(l.label(of: "ceam.person.4").hasPrefix("Lucas \(LongNames.compound)"))
    }
}
