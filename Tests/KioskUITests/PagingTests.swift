import Testing
@testable import KioskUI

/// A body much longer than a screen: seven paragraphs, then the action.
func denseScreen(page: Int = 0) -> ScreenModel {
    let paragraphs = (1...7).map { i in
        "Paragraphe \(i) : après la déclaration, cette carte Vitale sera désactivée et ne pourra plus être utilisée, "
            + "même si vous la retrouvez ; une nouvelle carte vous sera envoyée à l’adresse connue de votre caisse."
    }
    var s = ScreenModel(id: "dense", title: "Carte Vitale perdue, volée ou qui ne fonctionne plus", brand: "Assurance Maladie",
                        body: .vstack(paragraphs.enumerated().map { i, p in .text(Text(p, id: "para.\(i)")) }
                                      + [.flexible, .button(Button(id: "go", label: "Déclarer", style: .primary))], spacing: .block),
                        footer: [Button(id: "finish", label: "Terminer", style: .neutral, width: .natural)], focusID: "go")
    s.bodyPage = page
    s.pageLabels = PageLabels(previous: "Précédent", next: "Suite", position: "Page {n} sur {total}")
    return s
}

/// A sworn statement too long for a portrait screen at ×1.5.
func swornModal(page: Int = 0) -> Modal {
    var m = Modal(id: "m", title: "Déclaration sur l’honneur",
                  message: Array(repeating: "Je déclare sur l’honneur que la carte européenne de Léa DUPONT a été perdue à la date indiquée, "
                                 + "et je m’engage à ne plus l’utiliser si je la retrouve.", count: 4).joined(separator: " "),
                  buttons: [Button(id: "m.no", label: "Annuler", style: .secondary), Button(id: "m.yes", label: "Je confirme")])
    m.page = page
    return m
}

@Suite @MainActor struct PagingTests {
    func engine(_ fonts: FontLibrary, scale: Double, size: Size = Size(width: 1280, height: 800)) -> LayoutEngine {
        LayoutEngine(metrics: ScreenMetrics(size: size, physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size),
                                            fontScale: scale), theme: .normal, measurer: fonts)
    }

    /// Every page of the body, in order.
    func pages(_ e: LayoutEngine, _ screen: (Int) -> ScreenModel) -> [DisplayList] {
        let first = e.layout(screen(0))
        return [first] + (1..<max(1, first.paging.bodyPageCount)).map { e.layout(screen($0)) }
    }

    @Test(arguments: [1.0, 1.5])
    func aDenseBodyKeepsItsTypeSizeAndGainsPageControls(_ scale: Double) throws {
        let fonts = try makeFonts()
        let e = engine(fonts, scale: scale)
        let l = e.layout(denseScreen())
        #expect(l.textShrink == 1)
        let para = try #require(l.texts.first { $0.widgetID == "para.0" })
        guard case .text(_, let font, _) = para.kind else { Issue.record("not text"); return }
        #expect(font.pixels == e.metrics.fontPixels(.body))
        #expect(l.paging.bodyPageCount > 1)
        #expect(l.problems == [])
        let next = try #require(l.target(id: "page.next"))
        #expect(next.isEnabled && next.frame.height >= e.metrics.minTarget && next.frame.width >= e.metrics.minTarget)
        #expect(l.target(id: "page.previous")?.isEnabled == false)
        #expect(l.visibleText.contains("Page 1 sur \(l.paging.bodyPageCount)"))
        // By label, as a scenario taps it.
        #expect(l.findTarget("Suite")?.widgetID == "page.next")
        // The action is in the footer's bottom-right slot on every page (the
        // same place on every screen); until the last page the focus, and
        // speech, go to "Suite": read on first.
        let go = try #require(l.target(id: "go"))
        let divider = try #require(l.items.first { $0.role == .divider }).frame
        #expect(go.frame.minY > divider.maxY && go.frame.maxX > e.metrics.size.width * 3 / 4)
        #expect(l.focusID == "page.next")
        // Title and action bar stay.
        #expect(l.texts.contains { $0.widgetID == "title" })
        #expect(l.target(id: "finish") != nil)
    }

    @Test(arguments: [1.0, 1.5])
    func everyPageTogetherHoldsTheWholeBodyNoWordCut(_ scale: Double) throws {
        let fonts = try makeFonts()
        let e = engine(fonts, scale: scale, size: Size(width: 800, height: 1280))
        let all = pages(e) { denseScreen(page: $0) }
        #expect(all.count > 1)
        var lines: [String] = []
        for (i, l) in all.enumerated() {
            #expect(l.paging.bodyPage == i)
            #expect(l.problems == [], "page \(i + 1): \(l.problems)")
            lines += l.texts.filter { $0.widgetID?.hasPrefix("para.") == true }.map { $0.text! }
            // Nothing of a page under the pager or the action bar.
            let pager = try #require(l.target(id: "page.next")).frame
            for t in l.texts where t.widgetID?.hasPrefix("para.") == true { #expect(t.frame.maxY <= pager.minY, "\(t.text!) under the pager") }
            #expect(l.target(id: "page.next")?.isEnabled == (i < all.count - 1))
        }
        let body = denseScreen().body
        guard case .stack(let s) = body else { Issue.record("not a stack"); return }
        let source = s.children.compactMap { n -> String? in if case .text(let t) = n { return t.string }; return nil }
        // Every word once, in order: nothing lost, nothing twice, no word cut.
        #expect(lines.joined(separator: " ").normalizedSpaces == source.joined(separator: " ").normalizedSpaces)
        #expect(all.last?.target(id: "go")?.isEnabled == true)
        // What the other pages hold is known from any page.
        #expect(all[0].screenText.contains("Paragraphe 7"))
    }

    @Test func aPageBeyondTheLastShowsTheLast() throws {
        let fonts = try makeFonts()
        let e = engine(fonts, scale: 1.5)
        let l = e.layout(denseScreen(page: 99))
        #expect(l.paging.bodyPage == l.paging.bodyPageCount - 1)
        #expect(l.target(id: "go") != nil)
    }

    @Test func speechSaysThePageShown() throws {
        let fonts = try makeFonts()
        let e = engine(fonts, scale: 1.5)
        let first = SpeechController.utterance(for: e.layout(denseScreen()))
        #expect(first.hasPrefix("Carte Vitale perdue, volée ou qui ne fonctionne plus. Page 1 sur"))
        #expect(first.contains("Paragraphe 1"))
        #expect(!first.contains("Paragraphe 7"))
        #expect(first.hasSuffix("Suite"))
        let n = e.layout(denseScreen()).paging.bodyPageCount
        let last = SpeechController.utterance(for: e.layout(denseScreen(page: n - 1)))
        #expect(last.contains("Page \(n) sur \(n)") && last.contains("Paragraphe 7") && last.hasSuffix("Déclarer"))
    }

    @Test func aModalTooLongIsReadToTheEndBeforeItsConfirmation() throws {
        let fonts = try makeFonts()
        let e = engine(fonts, scale: 1.5, size: Size(width: 800, height: 1280))
        func screen(_ page: Int) -> ScreenModel {
            var s = denseScreen()
            s.modal = swornModal(page: page)
            s.pageLabels = PageLabels(previous: "Précédent", next: "Suite", position: "Page {n} sur {total}")
            return s
        }
        let first = e.layout(screen(0))
        #expect(first.textShrink == 1)
        #expect(first.paging.modalPageCount > 1)
        #expect(first.target(id: "m.yes") == nil, "« Je confirme » before the statement was read")
        #expect(first.findTarget("Annuler")?.widgetID == "m.no")
        #expect(first.findTarget("Suite")?.widgetID == "modal.page.next")
        #expect(first.focusID == "modal.page.next")
        var words: [String] = []
        for i in 0..<first.paging.modalPageCount {
            let l = e.layout(screen(i))
            #expect(l.problems == [], "page \(i + 1): \(l.problems)")
            words += l.texts.filter { $0.widgetID == "m.message" }.map { $0.text! }
            // Inside the modal, under nothing.
            let modal = try #require(l.items.last { $0.role == .modal }).frame
            for t in l.texts where t.widgetID?.hasPrefix("m") == true { #expect(modal.contains(t.frame)) }
            #expect((l.target(id: "m.yes") != nil) == (i == first.paging.modalPageCount - 1))
            #expect(l.items.last { $0.role == .modal }?.speech?.contains("Page \(i + 1) sur") == true)
        }
        #expect(words.joined(separator: " ").normalizedSpaces == swornModal().message.normalizedSpaces)
        // The body's own pager is under the scrim: out of reach.
        #expect(first.findTarget("page.next") == nil)
    }

    @Test func aScreenThatFitsHasNoPager() throws {
        let fonts = try makeFonts()
        let l = engine(fonts, scale: 1.5).layout(sampleScreen())
        #expect(l.paging.bodyPageCount == 1 && l.paging.modalPageCount == 1)
        #expect(l.target(id: "page.next") == nil && l.paging.bodyPageSpeech == nil && l.paging.pagedText.isEmpty)
    }
}
