import ArgumentParser
import Domain
import Foundation
import KioskApp
import KioskUI

/// `bms-kiosk run`: the kiosk itself, full screen, windowed for development,
/// or headless.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk UI (window, --fullscreen, or --headless).",
        discussion: """
        Development keys: F2 inserts the demo card (--card), F3 removes it, F4 opens the widget gallery, \
        digits and Return type on the code keypad, Escape quits (not in full screen).
        Card events come from the fake card source here; the real PC/SC reader is wired by the flows work.
        """)

    @Flag(help: "Full screen on the kiosk's display.") var fullscreen = false
    @Flag(help: "No window: a software surface (for services without a screen).") var headless = false
    @Option(help: "Window or surface size, WxH.") var size = "1280x800"
    @Option(help: "Screen diagonal in inches, to size touch targets in millimetres.") var diagonal = 15.6
    @Option(help: "Language at start (a file in Assets/i18n).") var lang = "fr"
    @Option(help: "Card file for F2 (JSON, see docs/scenarios.md).") var card = "Assets/demo/cards/dupont-jean.json"
    @Flag(help: "Speak each new screen.") var speech = false

    func run() async throws {
        guard let s = Size(parsing: size) else { throw ValidationError("--size must look like 1280x800") }
        try await KioskMain.run(size: s, fullscreen: fullscreen, headless: headless, diagonal: diagonal, lang: lang, card: card, speech: speech)
    }
}

@MainActor
enum KioskMain {
    static func run(size: Size, fullscreen: Bool, headless: Bool, diagonal: Double, lang: String, card: String, speech: Bool) async throws {
        let assets = try AssetLocator.require()
        let catalogs = try AssetLocator.catalogs(assets)
        guard catalogs[lang] != nil else { throw ValidationError("no catalog Assets/i18n/\(lang).json") }
        try SDLRuntime.start(headless: headless)
        let fonts = try FontLibrary(fontsDirectory: assets.appendingPathComponent("fonts"))
        let renderer = try SDLRenderer(mode: headless ? .headless(size) : .window(size, fullscreen: fullscreen), fonts: fonts, assetsDirectory: assets)
        let metrics = ScreenMetrics(size: renderer.size,
                                    physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: diagonal, size: renderer.size))
        let controller = KioskController(clock: SystemClock(), services: FakeKioskServices(), catalogs: catalogs,
                                         settings: .init(language: lang, autoSpeech: speech))
        controller.animates = true
        let speaker = SpeechController(output: try? EspeakSpeech(), enabled: speech, language: lang)
        let host = KioskHost(controller: controller, renderer: renderer, metrics: metrics, speech: speaker)
        let loop = KioskRunLoop(host: host, cards: FakeCardSource())
        loop.demoCardPath = card
        loop.allowEscape = !fullscreen
        await loop.run()
    }
}
