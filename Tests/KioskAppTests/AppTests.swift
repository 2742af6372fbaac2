import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let assets = repoRoot.appendingPathComponent("Assets")
let demoCard = assets.appendingPathComponent("demo/cards/dupont-jean.json").path

func outDir(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("kioskapp-\(name)-\(UUID().uuidString)")
}

@MainActor
func makeRunner(_ name: String, configure: (inout SmokeRunner.Options) -> Void = { _ in }) throws -> SmokeRunner {
    var o = SmokeRunner.Options(outputDirectory: outDir(name), assets: assets)
    configure(&o)
    let r = try SmokeRunner(options: o)
    r.log = { _ in }
    return r
}

let shippedScenarios: [String] = ((try? FileManager.default.contentsOfDirectory(
    atPath: repoRoot.appendingPathComponent("Tests/Scenarios").path)) ?? []).filter { $0.hasSuffix(".scenario") }.sorted()

@Suite @MainActor struct ScenarioTests {
    @Test func scenariosAreShipped() {
        #expect(shippedScenarios.count >= 5)
    }

    /// Every scenario shipped in Tests/Scenarios passes headless through the
    /// real SDL software renderer.
    @Test(arguments: shippedScenarios)
    func shippedScenarioPasses(_ file: String) async throws {
        let runner = try makeRunner(file)
        let s = try Scenario.load(repoRoot.appendingPathComponent("Tests/Scenarios/\(file)").path)
        await runner.run(s)
        #expect(runner.failures.map(\.description) == [])
    }

    /// The same scenarios on a portrait screen and on a 1080p one
    /// (reference images aside: they are 1280×800).
    @Test(arguments: shippedScenarios.filter { $0 != "reference-images.scenario" },
          [Size(width: 800, height: 1280), Size(width: 1920, height: 1080)])
    func shippedScenarioPassesAtOtherSizes(_ file: String, _ size: Size) async throws {
        let runner = try makeRunner(file) { o in
            o.size = size
            o.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size)
        }
        await runner.run(try Scenario.load(repoRoot.appendingPathComponent("Tests/Scenarios/\(file)").path))
        #expect(runner.failures.map(\.description) == [])
    }

    @Test func aFailedExpectationIsReportedWithItsLine() async throws {
        let runner = try makeRunner("fail")
        let s = try Scenario.parse("expect screen attract\n\nexpect text \"Bonjour Jean\"\nscreenshot never\n", name: "fail")
        let ok = await runner.run(s)
        #expect(!ok)
        #expect(runner.failures.count == 1)
        #expect(runner.failures.first?.line == 3)
    }

    @Test func failureMessagesCarryNoNameOrNIR() async throws {
        let runner = try makeRunner("redact")
        let s = try Scenario.parse("card insert \(demoCard)\ntype 1234\ntap Valider\nexpect text \"Au revoir\"\n", name: "r")
        let ok = await runner.run(s)
        #expect(!ok)
        let message = try #require(runner.failures.first?.message)
        #expect(message.contains("it shows"))
        #expect(!message.contains("Jean") && !message.contains("DUPONT") && !message.contains("180057505612342"))
        #expect(message.contains("Bonjour ‹…›"))
    }

    /// A card file written outside the project (a technician's, a tester's)
    /// with a serial the demo folder does not have: its `"central"` section is
    /// the foyer the scenario starts from.
    static func outsideCard(central: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: demoCard))) as! [String: Any]
        var identity = json["identity"] as! [String: Any]
        identity["serial"] = "25010000000777"
        json["identity"] = identity
        json["central"] = try JSONSerialization.jsonObject(with: Data(central.utf8))
        let path = dir.appendingPathComponent("outside.json").path
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aCardFileFromAnyFolderBringsItsCentralSection() async throws {
        let card = try Self.outsideCard(central: #"{"npai": true, "persons": [{"index": 0, "ceam": {"state": "valid", "until": "2027-06-30"}}]}"#)
        let runner = try makeRunner("outside-card")
        let ok = await runner.run(try Scenario.parse("""
            card insert \(card)
            type 1234
            tap #keypad.ok
            tap #service.ceam
            tap #ceam.continue
            expect text "mettez-la à jour auprès de votre caisse"
            expect text "valable jusqu’au 30 juin 2027"
            """, name: "outside"))
        #expect(ok, "\(runner.failures.map(\.description))")
    }

    @Test func aMalformedCentralSectionFailsTheStepWithTheFileAndTheField() async throws {
        for (central, field) in [(#"{"persons": [{"index": 0, "ceam": {"state": "perdue", "on": "2026-11-01"}}]}"#, "central.persons[0].ceam.state"),
                                 (#"{"persons": [{"index": 0, "ceam": {"state": "valid"}}]}"#, "central.persons[0].ceam.until"),
                                 (#"{"npai": "oui"}"#, "central.npai"),
                                 (#"{"persons": [{"index": 0, "lossDeclarations": ["2026-13-01"]}]}"#, "central.persons[0].lossDeclarations[0]"),
                                 (#"{"mobile": "01 23 45 67 89"}"#, "central.mobile"),
                                 (#"{"address": {"street": "rue des Lilas", "postalCode": "96100", "commune": "PARIS"}}"#, "central.address.postalCode"),
                                 (#"{"address": {"street": "rue des Lilas", "postalCode": "75019"}}"#, "central.address.commune")] {
            let card = try Self.outsideCard(central: central)
            let runner = try makeRunner("bad-central")
            let ok = await runner.run(try Scenario.parse("card insert \(card)\nexpect screen code\n", name: "bad"))
            #expect(!ok)
            let failure = try #require(runner.failures.first)
            #expect(failure.line == 1)
            #expect(failure.message.contains(card) && failure.message.contains(field), "\(failure.message)")
        }
    }

    @Test func badStepsAreParseErrorsWithTheLine() {
        #expect(throws: Scenario.ParseError.self) { try Scenario.parse("tap\n", name: "x") }
        do { _ = try Scenario.parse("# ok\nadvance soon\n", name: "x") } catch let e as Scenario.ParseError {
            #expect(e.line == 2)
        } catch { Issue.record("wrong error \(error)") }
        #expect(throws: Scenario.ParseError.self) { try Scenario.parse("type 12a4\n", name: "x") }
        #expect(throws: Scenario.ParseError.self) { try Scenario.parse("expect text \"open\n", name: "x") }
    }

    @Test func stepsParse() throws {
        let s = try Scenario.parse("""
        tap "Code oublié ?"
        tap #keypad.ok
        type 12 34
        card insert Assets/demo/cards/dupont-jean.json
        advance 1m
        advance 500ms
        expect color #keypad.1 #FFFFFF
        compare code ref/code.png tolerance 1%
        set scale 1.5
        tap "▼ Suivant" until "Pays-Bas"
        card reading
        out-of-service "config"
        """, name: "p")
        #expect(s.steps.map(\.step) == [
            .tap("Code oublié ?"), .tap("#keypad.ok"), .type("1234"), .cardInsert("Assets/demo/cards/dupont-jean.json"),
            .advance(seconds: 60), .advance(seconds: 0.5), .expectColor(widget: "#keypad.1", color: Color(hex: 0xFFFFFF)),
            .compare(name: "code", reference: "ref/code.png", tolerancePercent: 1), .set(key: "scale", value: "1.5"),
            .tapUntil("▼ Suivant", text: "Pays-Bas"), .cardReading, .outOfService("config"),
        ])
    }

    @Test func referenceImagesCompareAndWriteTheDifference() async throws {
        let runner = try makeRunner("compare")
        let dir = runner.options.outputDirectory
        let ok1 = await runner.run(try Scenario.parse("screenshot ref\n", name: "a"))
        #expect(ok1)
        let ref = dir.appendingPathComponent("ref.png").path
        let same = await runner.run(try Scenario.parse("compare same \(ref)\n", name: "b"))
        #expect(same)
        let differs = await runner.run(try Scenario.parse("set contrast high\ncompare other \(ref) tolerance 1%\n", name: "c"))
        #expect(!differs)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("other.diff.png").path))
    }
}

@Suite @MainActor struct FlowTests {
    func host(_ name: String = "flow") async throws -> (KioskHost, TestClock, SmokeRunner) {
        let runner = try makeRunner(name)
        let (h, clock, _) = try await runner.makeHost(speechDirectory: nil)
        defer { withExtendedLifetime(runner) {} }
        h.renderIfNeeded(force: true)
        return (h, clock, runner)
    }

    /// Inserted and read; the code's tries asked of the (fake) central store.
    func insert(_ h: KioskHost, _ path: String = demoCard) async throws {
        try await insertCard(h, path)
        await h.controller.settle()
        h.renderIfNeeded()
    }

    func tap(_ h: KioskHost, _ id: String) async throws {
        h.renderIfNeeded()
        let t = try #require(h.list?.findTarget(id), "no \(id) on \(h.list?.screenID ?? "?")")
        let reached = await h.tap(at: t.frame.center)
        #expect(reached == t.widgetID)
        h.renderIfNeeded()
    }

    @Test func oddMenuKeepsEqualButtons() async throws {
        let runner = try makeRunner("menu5")
        let (base, clock, _) = try await runner.makeHost(speechDirectory: nil)
        defer { withExtendedLifetime(runner) {} }
        // An odd number of services on one page of the menu (nine at ×1 on this screen; more page).
        let odd = Array(KioskService.allCases.prefix(9))
        let services = try await ScenarioServices.start(clock: clock, offered: odd, assets: assets)
        let controller = KioskController(clock: clock, services: services, catalogs: base.controller.catalogs)
        // A terminal that can perform them all (printer, card writer).
        controller.printer = FakeKioskPrinter()
        controller.rightsWriter = FakeCardRightsWriter()
        let h = KioskHost(controller: controller, renderer: base.renderer, metrics: base.metricsBase, speech: base.speech)
        try await insert(h)
        for d in "1234" { try await tap(h, "keypad.\(d)") }
        try await tap(h, "keypad.ok")
        let widths = odd.compactMap { h.list?.target(id: "service.\($0.rawValue)")?.frame.width }
        #expect(widths.count == odd.count && odd.count % 2 == 1)
        #expect(Set(widths).count == 1, "\(widths)")
    }

    @Test func drawsOnlyWhenSomethingChanged() async throws {
        let (h, clock, _) = try await host()
        let frames = h.framesDrawn
        for _ in 0..<5 { clock.advance(seconds: 10); h.controller.tick() }
        #expect(!h.renderIfNeeded())
        #expect(h.framesDrawn == frames)
        try await tap(h, "tool.contrast")
        #expect(h.framesDrawn == frames + 1)
    }

    @Test func waitIndicatorMovesWithTheClockOnlyWhenAnimating() async throws {
        let (h, clock, _) = try await host()
        h.controller.handle(card: .inserted)
        #expect(h.controller.animationStep == -1)
        h.controller.animates = true
        let p0 = h.controller.animationPhase
        clock.advance(seconds: 0.3)
        #expect(h.controller.animationPhase != p0)
        #expect(h.renderIfNeeded())
    }

    @Test func keypadDigitIsMaskedAndShownInPixels() async throws {
        let (h, _, _) = try await host()
        try await insert(h)
        #expect(h.list?.screenID == "code")
        let box = try #require(h.list?.items.first { $0.widgetID == "code.field.0" && $0.role == .codeField }).frame
        let before = try h.renderer.snapshot()
        try await tap(h, "keypad.7")
        let after = try h.renderer.snapshot()
        // A dot appears in the first box; the digit itself is nowhere on screen.
        #expect(after.count(of: Theme.normal.text, in: box) > before.count(of: Theme.normal.text, in: box) + 100)
        #expect(h.list?.texts.contains { $0.text == "●" } == true)
        #expect(h.list?.texts.contains { $0.text == "7" && $0.role == .codeField } == false)
        #expect(h.controller.code == "7")
    }

    @Test func wrongCodesCountDownThenLock() async throws {
        let (h, _, _) = try await host()
        try await insert(h)
        for expected in [2, 1] {
            for d in "9999" { try await tap(h, "keypad.\(d)") }
            try await tap(h, "keypad.ok")
            #expect(h.controller.session.state == .codeEntry(triesLeft: expected))
        }
        #expect(h.list?.visibleText.contains("il vous reste 1 essai") == true)
        for d in "9999" { try await tap(h, "keypad.\(d)") }
        try await tap(h, "keypad.ok")
        #expect(h.list?.screenID == "locked")
    }

    @Test func inactivityWarningIsShownSpokenAndExtendedWithOneTap() async throws {
        let (h, clock, _) = try await host()
        h.speech.enabled = true
        try await insert(h)
        h.controller.settings.autoSpeech = true
        let p = h.controller.session.parameters
        clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
        h.controller.tick()
        h.renderIfNeeded()
        #expect(h.list?.items.contains { $0.role == .modal && $0.widgetID == "warning" } == true)
        #expect(h.speech.lastUtterance?.contains("Êtes-vous toujours là") == true)
        try await tap(h, "warning.extend")
        #expect(h.list?.items.contains { $0.role == .modal } == false)
        #expect(h.controller.session.state == .codeEntry(triesLeft: 3))
        // Without a tap, the session ends and the screen is wiped.
        clock.advance(seconds: Double(p.inactivityTimeoutSeconds + 1))
        h.controller.tick()
        h.renderIfNeeded()
        #expect(h.list?.screenID == "ended")
    }

    @Test func extensionsAreLimited() async throws {
        let (h, clock, _) = try await host()
        try await insert(h)
        let p = h.controller.session.parameters
        for _ in 0..<p.maxExtensions {
            clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
            h.controller.tick()
            try await tap(h, "warning.extend")
        }
        clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
        h.controller.tick()
        h.renderIfNeeded()
        #expect(h.list?.findTarget("warning.extend") == nil)
        #expect(h.list?.findTarget("warning.finish") != nil)
    }

    @Test func cardRemovalWipesEverythingPersonal() async throws {
        let (h, _, _) = try await host()
        try await insert(h)
        for d in "1234" { try await tap(h, "keypad.\(d)") }
        try await tap(h, "keypad.ok")
        try await tap(h, "tool.contrast")
        #expect(h.list?.visibleText.contains("Jean") == true)
        try await tap(h, "footer.finish")
        // Ended: nothing personal, but still in the person's contrast.
        #expect(h.list?.screenID == "ended")
        #expect(h.list?.visibleText.contains("Jean") == false)
        #expect(h.controller.settings.contrast == .high)
        h.controller.handle(card: .removed)
        h.renderIfNeeded()
        #expect(h.list?.screenID == "attract")
        #expect(h.list?.visibleText.contains("Jean") == false)
        #expect(h.controller.settings == h.controller.defaults)
        #expect(h.controller.code.isEmpty)
    }

    @Test func refusedAndMuteCardsSayWhy() async throws {
        let (h, _, _) = try await host()
        try await insert(h, assets.appendingPathComponent("demo/cards/forged.json").path)
        #expect(h.list?.screenID == "refused")
        #expect(h.list?.visibleText.contains("authentifiée") == true)
        h.controller.handle(card: .removed)
        try await insert(h, assets.appendingPathComponent("demo/cards/mute.json").path)
        #expect(h.list?.visibleText.contains("ne répond pas") == true)
    }

    @Test func listenSpeaksTitleAndFocus() async throws {
        let dir = outDir("speech")
        let runner = try makeRunner("listen")
        // A menu of one page (nine services): the focus is its first service, not « Suite ».
        let (h, _, _) = try await runner.makeHost(speechDirectory: dir, offered: Array(KioskService.allCases.prefix(9)))
        defer { withExtendedLifetime(runner) {} }
        h.renderIfNeeded(force: true)
        try await insert(h)
        for d in "1234" { try await tap(h, "keypad.\(d)") }
        try await tap(h, "keypad.ok")
        try await tap(h, "tool.listen")
        #expect(h.speech.lastUtterance == "Bonjour Jean. Carte européenne d'assurance maladie")
        (h.speech.output as? EspeakSpeech)?.waitUntilDone()
        #expect((h.speech.output as? EspeakSpeech)?.writtenFiles.isEmpty == false)
        // Automatic speech is now on: the next screen is spoken by itself.
        try await tap(h, "service.ceam")
        #expect(h.speech.lastUtterance?.hasPrefix("Carte européenne d'assurance maladie") == true)
    }

    @Test func listenTappedWhileSpeakingInterruptsThenRepeats() async throws {
        let (h, _, _) = try await host()
        // espeak-ng writing a WAV finishes in milliseconds: a slow fake makes
        // "still speaking" deterministic.
        let slow = FakeSlowSpeech()
        h.speech.output = slow
        try await tap(h, "tool.listen")
        #expect(slow.isSpeaking && slow.spoken.count == 1)
        try await tap(h, "tool.listen")
        #expect(!slow.isSpeaking && slow.stops == 1)
        try await tap(h, "tool.listen")
        #expect(slow.spoken.count == 2 && slow.spoken[0] == slow.spoken[1])
    }

    /// Every screen, FR, EN and AR, normal and high contrast, ×1 and ×1.5:
    /// no missing string, no text cut or off screen.
    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 800, height: 1280), Size(width: 1920, height: 1080)])
    func everyScreenFitsInEveryLanguageAndSize(_ size: Size) async throws {
        for lang in ["fr", "en", "ar"] {
            for contrast in Theme.Contrast.allCases {
                for scale in [1.0, 1.5] {
                    let runner = try makeRunner("all") { o in
                        o.language = lang; o.contrast = contrast; o.fontScale = scale; o.size = size
                        o.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size)
                    }
                    let (h, clock, _) = try await runner.makeHost(speechDirectory: nil)
                    defer { withExtendedLifetime(runner) {} }
                    var seen: [DisplayList] = []
                    func snap() { h.renderIfNeeded(); seen.append(h.list!) }
                    snap()
                    try await insert(h); snap()
                    try await tap(h, "keypad.1"); snap()
                    try await tap(h, "code.forgot"); snap()
                    try await tap(h, "footer.back"); snap()
                    for d in "1234" { try await tap(h, "keypad.\(d)") }
                    try await tap(h, "keypad.ok"); snap()
                    for s in h.controller.offered {
                        try await tap(h, "service.\(s.rawValue)"); snap()
                        try await tap(h, "footer.back")
                    }
                    let p = h.controller.session.parameters
                    clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
                    h.controller.tick(); snap()
                    try await tap(h, "warning.finish"); snap()
                    try await tap(h, "tool.language"); snap()
                    try await tap(h, "settings.done")
                    h.controller.openGallery(); snap()
                    for tab in GalleryState.Tab.allCases { try await tap(h, "gallery.tab.\(tab.rawValue)"); snap() }
                    try await tap(h, "gallery.tab.ceam")
                    try await tap(h, "ceam.jean.order"); snap()
                    for l in seen {
                        #expect(l.problems == [], "\(size) \(lang) \(contrast) ×\(scale) \(l.screenID): \(l.problems)")
                        // The chosen text size holds: paged, never shrunk below 90 % of it, nor below ×1.
                        #expect(l.textShrink >= (scale > 1 ? 0.9 : 1) - 0.0001, "\(size) \(lang) ×\(scale) \(l.screenID): type ×\(l.textShrink)")
                        #expect(!l.visibleText.contains("⟦"), "\(lang) \(l.screenID): missing string in \(l.visibleText)")
                        // Only a name too long for its box breaks between characters, never a word of the screens.
                        #expect(l.brokenWords == [], "\(size) \(lang) ×\(scale) \(l.screenID): \(l.brokenWords)")
                    }
                }
            }
        }
    }
}

@Suite struct FakeTests {
    @Test func demoCardsDecodeToTheDemoFoyer() throws {
        let f = try CardFile.load(demoCard)
        let id = try #require(f.identity)
        #expect(try f.cardVerdict() == .authentic)
        #expect(id.holder.ownNIR == (try NIR("180057505612342")))
        #expect(id.foyer.persons.map(\.prenoms) == ["Jean", "Claire", "Léa", "Hugo"])
        #expect(id.foyer.persons[3].ownNIR == nil)
        let sophie = try #require(try CardFile.load(assets.appendingPathComponent("demo/cards/bernard-sophie.json").path).identity)
        #expect(sophie.holder.ownNIR == (try NIR("275022A12301293")))
    }

    @Test func badCardFilesAreClearErrors() throws {
        #expect(throws: CardFile.Problem.self) { try CardFile.load("/nonexistent.json") }
        let bad = CardFile(verdict: "shiny", identity: nil)
        #expect(throws: CardFile.Problem.self) { try bad.cardVerdict() }
        #expect(throws: CardFile.Problem.self) { try CardFile(verdict: "authentic").insertionEvents() }
    }

    @Test func theCentralStoreChecksTheScenarioCode() async throws {
        let id = try #require(try CardFile.load(demoCard).identity)
        try await withScenarioServices { s in
            try await s.seed(cardFile: demoCard)
            #expect(try await s.checkCode("0000", card: id) == .rejected(triesLeft: 2))
            #expect(try await s.checkCode(CardFileCentral.code, card: id) == .accepted)
            for _ in 0..<2 { _ = try await s.checkCode("0000", card: id) }
            #expect(try await s.checkCode("0000", card: id) == .locked)
            #expect(try await s.checkCode(CardFileCentral.code, card: id) == .locked)
        }
    }
}

/// The real loop on SDL's one event queue: one test at a time.
@Suite(.serialized) @MainActor struct RunLoopTests {
    func host(_ name: String) async throws -> (KioskHost, TestClock, SmokeRunner) {
        let runner = try makeRunner(name)
        let (h, clock, _) = try await runner.makeHost(speechDirectory: nil)
        defer { withExtendedLifetime(runner) {} }
        h.renderIfNeeded(force: true)
        return (h, clock, runner)
    }

    @Test func runLoopTakesAnInjectedFingerTap() async throws {
        let (h, _, _) = try await host("loop")
        let target = try #require(h.list?.target(id: "tool.contrast"))
        InputMapper.flush()
        InputMapper.pushFingerTap(target.frame.center, size: h.renderer.size)
        let loop = KioskRunLoop(host: h, cards: FakeCardSource())
        await loop.run(seconds: 60) { h.controller.settings.contrast == .high }
        #expect(h.controller.settings.contrast == .high)
        #expect(try h.renderer.snapshot().dominantColor(in: Rect(x: 0, y: 300, width: 100, height: 100)) == Theme.high.background)
    }

    @Test func runLoopTakesCardEventsFromAnotherThread() async throws {
        let (h, _, _) = try await host("loop-card")
        let cards = FakeCardSource()
        let loop = KioskRunLoop(host: h, cards: cards)
        let path = demoCard
        Task.detached { try? await Task.sleep(for: .milliseconds(50)); _ = try? cards.insert(file: path) }
        await loop.run(seconds: 60) { h.list?.screenID == "code" }
        #expect(h.list?.screenID == "code")
    }

}

/// Speaks until stopped (test double for timing only; the real output is
/// EspeakSpeech, tested on its own).
@MainActor final class FakeSlowSpeech: SpeechOutput {
    var spoken: [String] = []
    var stops = 0
    private(set) var isSpeaking = false
    func speak(_ text: String, language: String) { spoken.append(text); isSpeaking = true }
    func stop() { if isSpeaking { stops += 1 }; isSpeaking = false }
}
