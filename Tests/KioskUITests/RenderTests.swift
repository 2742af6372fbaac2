import Foundation
import Testing
@testable import KioskUI

/// A screen with one of each widget kind, for layout and pixel checks.
func sampleScreen(toggleOn: Bool = false, modal: Bool = false) -> ScreenModel {
    let rows = (1...6).map { i in
        ListView.Row(id: "row\(i)", title: "Bénéficiaire numéro \(i)", detail: "né le 0\(i)/01/2000 — pas de carte européenne",
                     actions: [Button(id: "row\(i).order", label: "Commander", width: .natural)])
    }
    return ScreenModel(
        id: "sample", title: "Carte européenne d’assurance maladie", brand: "Assurance Maladie",
        tools: [Button(id: "tool.listen", label: "Écouter", style: .toggle(on: toggleOn), width: .natural)],
        banner: Banner(kind: .error, text: "Le service est momentanément indisponible."),
        body: .vstack([
            .text(Text("Choisissez une action pour chaque bénéficiaire\u{202F}:", id: "intro")),
            .list(ListView(id: "benef", rows: rows, visibleRows: 3, previousLabel: "Précédent", nextLabel: "Suivant")),
        ]),
        footer: [Button(id: "finish", label: "Terminer", style: .neutral, width: .natural),
                 Button(id: "back", label: "Retour", style: .secondary, width: .natural)],
        modal: modal ? Modal(id: "m", title: "Confirmer\u{202F}?", message: "Commander une carte pour Léa\u{202F}?",
                             buttons: [Button(id: "m.no", label: "Annuler", style: .secondary), Button(id: "m.yes", label: "Confirmer")]) : nil)
}

@Suite @MainActor struct LayoutTests {
    @Test func everyTargetIsAtLeastTwentyMillimetres() throws {
        let fonts = try makeFonts()
        let m = ScreenMetrics.development
        for scale in ScreenMetrics.fontScales {
            var mm = m; mm.fontScale = scale
            let list = LayoutEngine(metrics: mm, theme: .normal, measurer: fonts).layout(sampleScreen())
            #expect(!list.targets.isEmpty)
            for t in list.targets where t.role != .listRow {
                #expect(t.frame.width >= m.minTarget && t.frame.height >= m.minTarget, "\(t.widgetID ?? "?") is \(t.frame)")
            }
        }
    }

    @Test func oneAndAHalfTimesTextStillFits() throws {
        let fonts = try makeFonts()
        for contrast in Theme.Contrast.allCases {
            var m = ScreenMetrics.development
            m.fontScale = 1.5
            let list = LayoutEngine(metrics: m, theme: .named(contrast), measurer: fonts).layout(sampleScreen(modal: true))
            #expect(list.problems == [])
            let screen = Rect(x: 0, y: 0, width: m.size.width, height: m.size.height)
            for t in list.texts { #expect(screen.contains(t.frame), "\(t.text!) at \(t.frame)") }
            // Text is really bigger than at ×1.
            let body = list.texts.first { $0.widgetID == "intro" }!
            var m1 = m; m1.fontScale = 1
            let small = LayoutEngine(metrics: m1, theme: .normal, measurer: fonts).layout(sampleScreen()).texts.first { $0.widgetID == "intro" }!
            #expect(body.frame.height > small.frame.height)
        }
    }

    @Test func textLinesStayInsideTheirButtons() throws {
        let fonts = try makeFonts()
        var m = ScreenMetrics.development
        m.fontScale = 1.5
        let list = LayoutEngine(metrics: m, theme: .normal, measurer: fonts).layout(sampleScreen())
        for t in list.targets {
            for line in list.texts where line.widgetID == t.widgetID {
                #expect(t.frame.contains(line.frame), "« \(line.text!) » leaves \(t.widgetID!)")
            }
        }
    }

    @Test func bannerHugsItsText() throws {
        let fonts = try makeFonts()
        let engine = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts)
        // Lengths around every line break: measuring and placing must agree.
        for n in 1...40 {
            var screen = sampleScreen()
            screen.banner = Banner(kind: .error, text: Array(repeating: "indisponible", count: n).joined(separator: " "))
            let list = engine.layout(screen)
            let banner = try #require(list.items.first { $0.role == .banner && $0.text == nil })
            let lines = list.items.filter { $0.role == .banner && $0.text != nil }
            let below = banner.frame.maxY - lines.map(\.frame.maxY).max()!
            let above = lines.map(\.frame.minY).min()! - banner.frame.minY
            #expect(below == above, "\(n) words: \(above) px above the text, \(below) below")
        }
    }

    @Test func modalScrimSwallowsTapsOutside() throws {
        let fonts = try makeFonts()
        let list = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(sampleScreen(modal: true))
        let finish = list.target(id: "finish")!
        #expect(list.hitTest(finish.frame.center) == nil)
        #expect(list.hitTest(list.target(id: "m.yes")!.frame.center)?.widgetID == "m.yes")
        #expect(list.findTarget("Terminer") == nil)
        #expect(list.findTarget("Confirmer")?.widgetID == "m.yes")
    }

    @Test func scrollingListShowsItsAffordance() throws {
        let fonts = try makeFonts()
        let list = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(sampleScreen())
        // « Page 1 sur 2 » between the arrows (beside the rows: the list is wide).
        #expect(list.label(of: "benef.position").normalizedSpaces == "Page 1 of 2")
        let previous = try #require(list.target(id: "benef.previous")), next = try #require(list.target(id: "benef.next"))
        #expect(previous.frame.minX > list.items.filter { $0.role == .listRow }.map(\.frame.maxX).max()!)
        #expect(previous.frame.maxY < next.frame.minY && previous.speech == "Précédent" && next.speech == "Suivant")
        #expect(list.target(id: "benef.previous")?.isEnabled == false)
        #expect(list.target(id: "benef.next")?.isEnabled == true)
        let shown = list.items.filter { $0.role == .listRow }.count
        #expect((2...3).contains(shown))
        #expect(list.paging.listPageSizes["benef"] == shown)
        // Each row carries its own action.
        #expect(list.target(id: "row1.order") != nil && list.target(id: "row4.order") == nil)
    }

    @Test func speechSaysTitleThenFocus() throws {
        let fonts = try makeFonts()
        var s = sampleScreen()
        s.focusID = "row1.order"
        let list = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(s)
        // The banner (the sample's "service unavailable") is said between them, one full stop each.
        let banner = list.items.first { $0.role == .banner }?.speech
        let said = SpeechController.utterance(for: list)
        #expect(said == "Carte européenne d'assurance maladie. " + (banner.map { $0.normalizedSpaces + " " } ?? "") + "Commander")
        #expect(!said.contains(".."))
    }
}

@Suite @MainActor struct PixelTests {
    @Test func tappedToggleChangesColour() throws {
        let fonts = try makeFonts()
        let r = try makeRenderer(fonts: fonts)
        let engine = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts)
        let off = engine.layout(sampleScreen(toggleOn: false))
        let button = off.target(id: "tool.listen")!.frame
        r.draw(off)
        let before = try r.snapshot().dominantColor(in: button.inset(by: 6))
        // The tap goes through hit testing to the toggle.
        #expect(off.hitTest(button.center)?.widgetID == "tool.listen")
        r.draw(engine.layout(sampleScreen(toggleOn: true)))
        let after = try r.snapshot().dominantColor(in: button.inset(by: 6))
        #expect(before == Theme.normal.topBar)
        #expect(after == Theme.normal.onTopBar)
    }

    @Test func highContrastChangesColours() throws {
        let fonts = try makeFonts()
        let r = try makeRenderer(fonts: fonts)
        let normal = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(sampleScreen())
        r.draw(normal)
        let a = try r.snapshot()
        r.draw(LayoutEngine(metrics: .development, theme: .high, measurer: fonts).layout(sampleScreen()))
        let b = try r.snapshot()
        let intro = normal.texts.first { $0.widgetID == "intro" }!.frame
        #expect(a.dominantColor(in: intro) == Color(hex: 0xFFFFFF))
        #expect(b.dominantColor(in: intro) == Color(hex: 0x000000))
        let banner = normal.items.first { $0.role == .banner }!.frame
        #expect(a.dominantColor(in: banner) == Theme.normal.bannerError)
        #expect(b.dominantColor(in: banner) == Theme.high.bannerError)
        // Text pixels are really drawn, and light on dark in high contrast.
        #expect(b.count(of: Color(hex: 0xFFFFFF), in: intro) > 100)
    }

    @Test func softwareRenderingIsDeterministic() throws {
        let fonts = try makeFonts()
        let list = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(sampleScreen(modal: true))
        let r1 = try makeRenderer(fonts: fonts), r2 = try makeRenderer(fonts: fonts)
        r1.draw(list); r2.draw(list)
        r2.draw(list)  // from the text cache this time
        #expect(try r1.snapshot() == r2.snapshot())
    }

    @Test func pngRoundTripAndComparison() throws {
        let fonts = try makeFonts()
        let r = try makeRenderer(fonts: fonts)
        r.draw(LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(sampleScreen()))
        let img = try r.snapshot()
        let path = tempDir().appendingPathComponent("s.png").path
        try r.savePNG(to: path)
        let back = try PNGFile.read(path)
        #expect(back == img)
        #expect(ImageComparison.compare(img, back).differingPixels == 0)
        var changed = img
        for x in 0..<10 { changed.pixels[400 * img.width + x] = 0x00FF00 }
        let c = ImageComparison.compare(img, changed)
        #expect(c.differingPixels == 10)
        #expect(c.diff!.color(x: 3, y: 400) == Color(hex: 0xFF0000))
        #expect(c.diff!.color(x: 300, y: 300) != Color(hex: 0xFF0000))
        // Small differences within the tolerance do not count.
        var faint = img
        faint.pixels[0] ^= 0x000003
        #expect(ImageComparison.compare(img, faint, channelTolerance: 4).differingPixels == 0)
    }
}

@Suite @MainActor struct InputTests {
    @Test func fingerAndMouseBecomeOneTap() throws {
        _ = try makeFonts()
        let size = Size(width: 1280, height: 800)
        InputMapper.flush()
        InputMapper.pushFingerTap(Point(x: 640, y: 400), size: size)
        #expect(InputMapper.waitInputs(timeoutMS: 100, size: size) == [.tap(Point(x: 640, y: 400))])
        InputMapper.pushMouseClick(Point(x: 10, y: 20))
        #expect(InputMapper.waitInputs(timeoutMS: 100, size: size) == [.tap(Point(x: 10, y: 20))])
        InputMapper.pushWake()
        #expect(InputMapper.waitInputs(timeoutMS: 100, size: size) == [.wake])
    }
}

@Suite @MainActor struct SpeechTests {
    @Test func espeakWritesAWaveFile() throws {
        let dir = tempDir()
        let speech = try EspeakSpeech(outputDirectory: dir)
        speech.speak("Insérez votre carte Vitale.", language: "fr")
        speech.waitUntilDone()
        let file = try #require(speech.writtenFiles.first)
        let data = try Data(contentsOf: file)
        #expect(data.count > 1000)
        #expect(String(decoding: data.prefix(4), as: UTF8.self) == "RIFF")
    }

    @Test func speechCanBeInterruptedAndRepeated() throws {
        let speech = try EspeakSpeech(outputDirectory: tempDir(), wordsPerMinute: 80)
        let controller = SpeechController(output: speech, enabled: true)
        controller.say(String(repeating: "Votre session se terminera bientôt. ", count: 40))
        #expect(speech.isSpeaking)
        controller.interrupt()
        #expect(!speech.isSpeaking)
        controller.repeatLast()
        #expect(controller.history.count == 2)
        #expect(controller.history[0] == controller.history[1])
        speech.stop()
    }

    @Test func optionLikeTextIsSpokenNotParsed() throws {
        let dir = tempDir()
        let speech = try EspeakSpeech(outputDirectory: dir)
        speech.speak("-w /tmp/evil.wav", language: "fr")
        speech.waitUntilDone()
        #expect(speech.writtenFiles.count == 1)
        #expect(FileManager.default.fileExists(atPath: speech.writtenFiles[0].path))
    }
}
