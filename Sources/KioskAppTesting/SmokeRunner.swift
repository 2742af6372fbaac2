import Domain
import Foundation
import KioskApp
import KioskRuntime
import KioskUI

/// One step of a smoke scenario (syntax in docs/scenarios.md).
public enum ScenarioStep: Equatable, Sendable {
    case tap(String)
    /// Taps again and again (at most 50 times) until the text shows: paging
    /// that does not depend on how many rows the screen holds.
    case tapUntil(String, text: String)
    case type(String)
    /// Types the code of the last SMS the scenario's gateway received.
    case typeSMSCode
    case cardInsert(String)
    case cardRemove
    /// Waits until the reader sees the card leave on its own (a card that
    /// pulls itself out mid-write, in live runs).
    case cardGone
    /// A card in the slot, not read yet (the wait screen).
    case cardReading
    case advance(seconds: Double)
    case expectScreen(String)
    case expectText(String)
    case expectNoText(String)
    case expectSpeech(String)
    case expectColor(widget: String, color: Color)
    case expectFits
    case screenshot(String)
    case compare(name: String, reference: String, tolerancePercent: Double)
    case set(key: String, value: String)
    case gallery
    case listen
    /// The out-of-service screen with a technician's reason.
    case outOfService(String)
    /// The assuré's phone sends this file to the address of the QR code on
    /// screen; with a status, the phone's page must answer it (410: the
    /// address is closed).
    case phoneSend(String, status: Int?)
}

public struct Scenario: Sendable {
    public var name: String
    public var path: String
    public var steps: [(line: Int, step: ScenarioStep)]

    public init(name: String, path: String, steps: [(line: Int, step: ScenarioStep)]) {
        self.name = name; self.path = path; self.steps = steps
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): \(message)" }
    }

    public static func load(_ path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(path: path, line: 0, message: "scenario file not found")
        }
        guard data.count <= 1_000_000 else { throw ParseError(path: path, line: 0, message: "scenario file over 1 MB: split it") }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(String(decoding: data, as: UTF8.self), name: name, path: path)
    }

    public static func parse(_ text: String, name: String, path: String = "<text>") throws -> Scenario {
        var steps: [(Int, ScenarioStep)] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do { steps.append((i + 1, try parseStep(tokens(line)))) } catch let m as StepError {
                throw ParseError(path: path, line: i + 1, message: m.message)
            }
        }
        return Scenario(name: name, path: path, steps: steps)
    }

    struct StepError: Error { var message: String }

    /// Words, with "double quotes" keeping spaces.
    static func tokens(_ line: String) throws -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false, inToken = false
        for c in line {
            if c == "\"" { quoted.toggle(); inToken = true; continue }
            if c.isWhitespace && !quoted {
                if inToken { out.append(cur); cur = ""; inToken = false }
            } else { cur.append(c); inToken = true }
        }
        if quoted { throw StepError(message: "unclosed quote") }
        if inToken { out.append(cur) }
        return out
    }

    static func parseStep(_ t: [String]) throws -> ScenarioStep {
        func rest(_ from: Int) throws -> String {
            guard t.count > from else { throw StepError(message: "\(t.joined(separator: " ")): missing argument") }
            return t[from...].joined(separator: " ")
        }
        switch t[0].lowercased() {
        case "tap":
            if t.count == 4, t[2] == "until" { return .tapUntil(t[1], text: t[3]) }
            return .tap(try rest(1))
        case "type":
            if t.count == 2, t[1].lowercased() == "sms" { return .typeSMSCode }
            let digits = try rest(1).replacingOccurrences(of: " ", with: "")
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw StepError(message: "type takes digits for the keypad, found \(digits)") }
            return .type(digits)
        case "card":
            switch t.count > 1 ? t[1] : "" {
            case "insert": return .cardInsert(try rest(2))
            case "remove": return .cardRemove
            case "reading": return .cardReading
            case "gone": return .cardGone
            default: throw StepError(message: "card insert FILE | card reading | card remove | card gone")
            }
        case "advance":
            let v = try rest(1)
            guard let s = parseDuration(v) else { throw StepError(message: "advance takes a duration like 30s, 2m, 500ms; found \(v)") }
            return .advance(seconds: s)
        case "expect":
            if t.count == 2, t[1] == "fits" { return .expectFits }
            guard t.count >= 3 else { throw StepError(message: "expect screen ID | text \"…\" | no text \"…\" | speech \"…\" | color WIDGET #RRGGBB | fits") }
            switch t[1] {
            case "screen": return .expectScreen(t[2])
            case "text": return .expectText(try rest(2))
            case "no" where t[2] == "text": return .expectNoText(try rest(3))
            case "speech": return .expectSpeech(try rest(2))
            case "color":
                guard t.count == 4, let c = parseColor(t[3]) else { throw StepError(message: "expect color WIDGET #RRGGBB") }
                return .expectColor(widget: t[2], color: c)
            default: throw StepError(message: "unknown expectation \(t[1])")
            }
        case "expect-fits", "fits": return .expectFits
        case "screenshot": return .screenshot(try rest(1))
        case "compare":
            guard t.count >= 3 else { throw StepError(message: "compare NAME REFERENCE.png [tolerance N%]") }
            var tol = 0.5
            if t.count >= 5, t[3] == "tolerance", let v = Double(t[4].replacingOccurrences(of: "%", with: "")) { tol = v }
            return .compare(name: t[1], reference: t[2], tolerancePercent: tol)
        case "set":
            guard t.count == 3 else { throw StepError(message: "set lang|contrast|scale|speech|reader|tray VALUE") }
            return .set(key: t[1], value: t[2])
        case "gallery": return .gallery
        case "out-of-service": return .outOfService(try rest(1))
        case "listen": return .listen
        case "phone":
            guard t.count >= 3, t[1] == "send" else { throw StepError(message: "phone send FILE [status N]") }
            if t.count == 5, t[3] == "status", let n = Int(t[4]) { return .phoneSend(t[2], status: n) }
            guard t.count == 3 else { throw StepError(message: "phone send FILE [status N]") }
            return .phoneSend(t[2], status: nil)
        default: throw StepError(message: "unknown step \(t[0])")
        }
    }

    static func parseDuration(_ s: String) -> Double? {
        if s.hasSuffix("ms"), let v = Double(s.dropLast(2)) { return v / 1000 }
        if s.hasSuffix("s"), let v = Double(s.dropLast()) { return v }
        if s.hasSuffix("m"), let v = Double(s.dropLast()) { return v * 60 }
        if s.hasSuffix("h"), let v = Double(s.dropLast()) { return v * 3600 }
        return Double(s)
    }

    static func parseColor(_ s: String) -> Color? {
        let hex = s.hasPrefix("#") ? String(s.dropFirst()) : s
        guard hex.count == 6, let v = UInt32(hex, radix: 16) else { return nil }
        return Color(hex: v)
    }
}

/// The card side of a scenario: puts a card in and takes it out, and hands
/// over the events the kiosk would get. `ScenarioCards` answers from
/// card files at once; the live driver (KioskRuntime) inserts a virtual
/// card into pcscd and waits, bounded, until the real reader has read it.
@MainActor
public protocol ScenarioCardDriver: AnyObject {
    /// The events of the insertion, in order, once the card is read.
    func insert(file: String) async throws -> [CardEvent]
    /// The events of the removal.
    func remove() async throws -> [CardEvent]
    /// Waits (bounded) for the card to leave on its own; its events.
    func waitGone() async throws -> [CardEvent]
    /// Events that arrived on their own since the last call.
    func takeArrived() -> [CardEvent]
    /// Ends the scenario: cards out, streams closed.
    func finish() async
}

/// Card files through `FakeCardSource`: events at once. The `"central"`
/// section of the file inserted is loaded into the scenario's central store
/// first, wherever the file is: a malformed one fails the step with the
/// file and the field.
@MainActor
public final class ScenarioCards: ScenarioCardDriver {
    public let source = FakeCardSource()
    let services: ScenarioServices?
    public init(services: ScenarioServices? = nil) { self.services = services }
    public func insert(file: String) async throws -> [CardEvent] {
        try await services?.seed(cardFile: file)
        return try source.insert(file: file)
    }
    public func remove() async throws -> [CardEvent] { source.remove() }
    public func waitGone() async throws -> [CardEvent] { source.remove() }
    public func takeArrived() -> [CardEvent] { [] }
    public func finish() async {}
}

/// What one scenario's kiosk talks to: the real central store in process,
/// card files, a printer ledger by default (`inProcess`); the real central
/// store, reader, printer and SMS gateway in live runs (`LiveSmokeSetup`).
@MainActor
public struct SmokeKit {
    public var services: any KioskServices
    public var cards: any ScenarioCardDriver
    public var printer: (any KioskPrinter)?
    public var rightsWriter: (any CardRightsWriter)?
    /// The order's documents: no scanner unless a scenario says `set scanner …`; QR codes and previews.
    public var documentDesk: any DocumentDesk = KioskDocumentDesk(scanner: nil)
    /// The code of the last SMS sent to the assuré (live runs: read at the gateway).
    public var smsCode: (@MainActor () async throws -> String)?
    /// `set KEY VALUE` acted out on the real parts (live runs: the printer
    /// out of paper, the central store away…); false: not handled here.
    public var setting: (@MainActor (String, String) async throws -> Bool)?
    /// Stops what the kit started (servers, stores), after the scenario.
    public var finish: (@Sendable () async -> Void)?

    public init(services: any KioskServices, cards: any ScenarioCardDriver, printer: (any KioskPrinter)? = nil,
                rightsWriter: (any CardRightsWriter)? = nil, smsCode: (@MainActor () async throws -> String)? = nil) {
        self.services = services; self.cards = cards; self.printer = printer; self.rightsWriter = rightsWriter; self.smsCode = smsCode
    }

    /// The real central store and the kiosk's real client and outbox in
    /// process (`ScenarioServices`), card files, a printer ledger and a card
    /// writer that need no hardware, on the scenario's clock.
    public static func inProcess(clock: any Domain.Clock, offered: [KioskService] = KioskService.allCases) async throws -> SmokeKit {
        let services = try await ScenarioServices.start(clock: clock, offered: offered)
        var kit = SmokeKit(services: services, cards: ScenarioCards(services: services), printer: FakeKioskPrinter(),
                           rightsWriter: FakeCardRightsWriter(),
                           smsCode: { try services.lastSMSCode().orThrow("type sms: no provisional code was sent") })
        kit.finish = { await services.shutdown() }
        return kit
    }
}

/// Runs scenarios headless: software renderer at a fixed size, a test clock,
/// no animation, the real central store in process and card files unless
/// `makeKit` gives others. Every step that fails is reported with its file and line.
@MainActor
public final class SmokeRunner {
    public struct Options: Sendable {
        public var size = Size(width: 1280, height: 800)
        public var physicalWidthMM = 336.0
        public var language = "fr"
        public var contrast = Theme.Contrast.normal
        public var fontScale = 1.0
        public var outputDirectory: URL
        public var assets: URL
        public init(outputDirectory: URL, assets: URL) { self.outputDirectory = outputDirectory; self.assets = assets }
    }

    public struct Failure: Sendable, CustomStringConvertible {
        public var scenario: String
        public var line: Int
        public var message: String
        public var description: String { "\(scenario):\(line): \(message)" }
    }

    public let options: Options
    public private(set) var failures: [Failure] = []

    /// A screenshot's display list, as the screen audit reads it.
    public struct Shot: Sendable {
        public var scenario: String
        public var name: String
        public var list: DisplayList
        public var metrics: ScreenMetrics
        public var contrast: Theme.Contrast
        /// A key or the speech controls (`listen`, « Écouter ») moved the focus in this session.
        public var focusMoved: Bool
    }
    /// Every screenshot taken, with its display list (kept when `keepShots`).
    public private(set) var shots: [Shot] = []

    /// The screen audit (`ScreenAudit`) of every screenshot kept, as
    /// « scenario/shot: screen: rule: detail ». The widget gallery is the
    /// developers' (smoke and development only), not an assuré's screen:
    /// its tabs show each widget alone, with no way on; its contrast and
    /// targets are audited all the same.
    public func auditFindings() -> [String] {
        shots.flatMap { shot -> [String] in
            let parts = shot.list.screenID.split(separator: ".")
            let service = parts.count >= 2 && (parts[0] == "flow" || parts[0] == "confirmation") ? KioskService(rawValue: String(parts[1])) : nil
            let context = ScreenAudit.Context(metrics: shot.metrics, contrast: shot.contrast, focusMoved: shot.focusMoved,
                                              serviceSteps: service.map(KioskController.stepCount(of:)) ?? 0)
            return ScreenAudit.audit(shot.list, context)
                .filter { !(shot.list.screenID.hasPrefix("gallery.") && $0.rule == .onePrimary) }
                .map { redact("\(shot.scenario)/\(shot.name): \($0)") }
        }
    }
    public var keepShots = false
    /// Seen by the runner itself, not asked of the kiosk: the audit checks the kiosk against it.
    private var focusMoved = false
    public var log: (String) -> Void = { print($0) }
    /// The services and cards of each scenario, on the scenario's clock
    /// (in process unless replaced; live runs keep the real clock).
    public var makeKit: @MainActor (Scenario, TestClock) async throws -> SmokeKit = { _, clock in try await SmokeKit.inProcess(clock: clock) }

    private let fonts: FontLibrary
    private let catalogs: [String: Catalog]
    /// Names and NIRs of the cards inserted so far: failure messages quote
    /// the screen, and must not carry them into logs.
    private var personal: Set<String> = []

    public init(options: Options) throws {
        self.options = options
        try SDLRuntime.start(headless: true)
        fonts = try FontLibrary(fontsDirectory: options.assets.appendingPathComponent("fonts"))
        catalogs = try AssetLocator.catalogs(options.assets)
        try FileManager.default.createDirectory(at: options.outputDirectory, withIntermediateDirectories: true)
    }

    /// A fresh kiosk for one scenario, as the smoke mode builds it, and its
    /// services (insert cards with `ScenarioServices.insert(cardFile:into:)`,
    /// which loads the card file's `"central"` section first). Its central
    /// store stops when the host goes (or at `ScenarioServices.shutdown()`).
    public func makeHost(speechDirectory: URL?, offered: [KioskService] = KioskService.allCases) async throws
        -> (KioskHost, TestClock, ScenarioServices) {
        let clock = Self.scenarioClock()
        let kit = try await SmokeKit.inProcess(clock: clock, offered: offered)
        let host = try makeHost(speechDirectory: speechDirectory, kit: kit, clock: clock)
        let services = kit.services as! ScenarioServices
        // The host is what a test holds: its central store stops when it goes.
        host.owned.append(ScenarioServices.StopWhenReleased(services))
        return (host, clock, services)
    }

    /// Monday 23 November 2026, noon in Paris: every scenario's first instant.
    nonisolated public static func scenarioClock() -> TestClock { TestClock(day: CivilDate(year: 2026, month: 11, day: 23)!) }

    /// A fresh kiosk for one scenario over `kit`, on `clock`.
    public func makeHost(speechDirectory: URL?, kit: SmokeKit, clock: TestClock) throws -> KioskHost {
        let settings = KioskController.Settings(language: options.language, contrast: options.contrast, fontScale: options.fontScale)
        let controller = KioskController(clock: clock, services: kit.services, catalogs: catalogs, settings: settings)
        if let p = kit.printer { controller.printer = p }
        if let w = kit.rightsWriter { controller.rightsWriter = w }
        controller.documentDesk = kit.documentDesk
        let renderer = try SDLRenderer(mode: .headless(options.size), fonts: fonts, assetsDirectory: options.assets)
        let out: SpeechOutput? = speechDirectory.flatMap { try? EspeakSpeech(outputDirectory: $0) }
        let speech = SpeechController(output: out, language: options.language)
        let metrics = ScreenMetrics(size: options.size, physicalWidthMM: options.physicalWidthMM)
        return KioskHost(controller: controller, renderer: renderer, metrics: metrics, speech: speech)
    }

    /// Runs one scenario; returns true when every expectation held.
    @discardableResult
    public func run(_ scenario: Scenario) async -> Bool {
        let before = failures.count
        let speechDir = options.outputDirectory.appendingPathComponent("speech").appendingPathComponent(scenario.name)
        let host: KioskHost, kit: SmokeKit
        let clock = Self.scenarioClock()
        do {
            kit = try await makeKit(scenario, clock)
        } catch {
            failures.append(Failure(scenario: scenario.name, line: 0, message: "cannot start: \(error)"))
            return false
        }
        do {
            host = try makeHost(speechDirectory: speechDir, kit: kit, clock: clock)
        } catch {
            await kit.finish?()
            failures.append(Failure(scenario: scenario.name, line: 0, message: "cannot start: \(error)"))
            return false
        }
        let cards = kit.cards
        focusMoved = false
        defer { smsCode = nil; setting = nil }
        smsCode = kit.smsCode
        setting = kit.setting
        host.renderIfNeeded(force: true)
        for (line, step) in scenario.steps {
            do {
                // A card that left on its own (live runs) is news before the next step.
                for e in cards.takeArrived() { host.controller.handle(card: e) }
                try await execute(step, host: host, clock: clock, cards: cards, scenario: scenario)
                await host.controller.settle()
                host.renderIfNeeded()
            } catch {
                let message = redact("\(error)")
                failures.append(Failure(scenario: scenario.name, line: line, message: message))
                log("FAIL \(scenario.path):\(line): \(message)")
                // Later steps depend on this one: stop the scenario.
                break
            }
        }
        (host.speech.output as? EspeakSpeech)?.waitUntilDone()
        await host.controller.settle()
        await cards.finish()
        await kit.finish?()
        let ok = failures.count == before
        log("\(ok ? "ok  " : "FAIL") \(scenario.name) (\(scenario.steps.count) steps)")
        return ok
    }

    struct StepFailure: Error, CustomStringConvertible { var description: String }

    func remember(_ id: CardIdentity) {
        for p in id.foyer.persons {
            for n in [p.nomFamille, p.nomUsage].compactMap({ $0 }) + p.prenoms.split(separator: " ").map(String.init) where n.count >= 2 {
                personal.insert(n)
                // A long name broken after a hyphen or an apostrophe shows
                // in parts, one a line: each part is personal too.
                for part in n.split(whereSeparator: { "-'’ ".contains($0) }) where part.count >= 3 { personal.insert(String(part)) }
            }
            for nir in [p.ownNIR, p.ouvrantDroitNIR].compactMap({ $0 }) { personal.insert(nir.text); personal.insert(nir.formatted) }
        }
    }

    /// The message with every remembered name or NIR replaced by ‹…›.
    func redact(_ message: String) -> String {
        personal.sorted { $0.count > $1.count }.reduce(message) { $0.replacingOccurrences(of: $1, with: "‹…›") }
    }

    func resolve(_ path: String, scenario: Scenario) -> String {
        let fm = FileManager.default
        if path.hasPrefix("/") { return path }
        let candidates = [
            URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent(path),
            URL(fileURLWithPath: scenario.path).deletingLastPathComponent().appendingPathComponent(path),
            options.assets.deletingLastPathComponent().appendingPathComponent(path),
        ]
        return candidates.first { fm.fileExists(atPath: $0.path) }?.path ?? path
    }

    /// The current scenario's SMS reader and live settings.
    private var smsCode: (@MainActor () async throws -> String)?
    private var setting: (@MainActor (String, String) async throws -> Bool)?

    func execute(_ step: ScenarioStep, host: KioskHost, clock: TestClock, cards: any ScenarioCardDriver, scenario: Scenario) async throws {
        let c = host.controller
        // Deterministic: an utterance finishes before the next step (so
        // "Écouter" never finds the previous one still speaking).
        (host.speech.output as? EspeakSpeech)?.waitUntilDone()
        func current() -> DisplayList { host.renderIfNeeded(); return host.list! }
        switch step {
        case .tap(let label):
            var l = current()
            let id = label.hasPrefix("#") ? String(label.dropFirst()) : label
            if l.findTarget(id)?.widgetID == "tool.listen" { focusMoved = true }
            // On a paged screen, turn the pages as the assuré would ("Suite", then "Précédent") to find it.
            for way in ["next", "previous"] where l.findTarget(id) == nil {
                let pager = l.paging.modalPageCount > 1 ? "modal.page.\(way)" : "page.\(way)"
                var turns = 0
                while l.findTarget(id) == nil, turns < 20, let turn = l.target(id: pager), turn.isEnabled {
                    await host.tap(at: turn.frame.center)
                    l = current()
                    turns += 1
                }
            }
            guard let target = l.findTarget(id) else {
                let labels = l.reachableTargets.compactMap { t in t.widgetID.map { "\(l.label(of: $0).normalizedSpaces) (#\($0))" } }
                throw StepFailure(description: "no reachable widget \"\(label)\" on screen \(l.screenID); there are: \(labels.joined(separator: ", "))")
            }
            guard target.isEnabled else { throw StepFailure(description: "widget \"\(label)\" is disabled") }
            // Through hit testing, as a finger would.
            let reached = await host.tap(at: target.frame.center)
            guard reached == target.widgetID else {
                throw StepFailure(description: "a tap at the centre of \"\(label)\" reached \(reached ?? "nothing")")
            }
        case .tapUntil(let label, let text):
            let wanted = text.normalizedSpaces.lowercased()
            var taps = 0
            while !current().screenText.lowercased().contains(wanted) {
                guard taps < 50 else { throw StepFailure(description: "\"\(text)\" still not shown after 50 taps on \"\(label)\"") }
                try await execute(.tap(label), host: host, clock: clock, cards: cards, scenario: scenario)
                taps += 1
            }
        case .typeSMSCode:
            guard let read = smsCode else { throw StepFailure(description: "type sms: this run has no SMS gateway (live runs only)") }
            let code = try await read()
            try await execute(.type(code), host: host, clock: clock, cards: cards, scenario: scenario)
        case .type(let digits):
            for d in digits {
                let l = current()
                guard let key = l.target(id: "keypad.\(d)") else { throw StepFailure(description: "no keypad on screen \(l.screenID)") }
                await host.tap(at: key.frame.center)
            }
        case .cardInsert(let file):
            let events = try await cards.insert(file: resolve(file, scenario: scenario))
            for case .read(let id, _) in events { remember(id) }
            for e in events {
                c.handle(card: e)
                host.renderIfNeeded()
            }
        case .cardRemove:
            focusMoved = false
            for e in try await cards.remove() { c.handle(card: e) }
        case .cardGone:
            focusMoved = false
            for e in try await cards.waitGone() { c.handle(card: e) }
        case .cardReading:
            c.handle(card: .inserted)
        case .advance(let seconds):
            // One tick a second, as the real loop does.
            var left = seconds
            while left > 0 {
                let stepSeconds = min(1, left)
                clock.advance(seconds: stepSeconds)
                left -= stepSeconds
                c.tick()
                host.renderIfNeeded()
            }
        case .expectScreen(let id):
            let l = current()
            guard l.screenID == id else { throw StepFailure(description: "expected screen \(id), found \(l.screenID)") }
        case .expectText(let text):
            let l = current()
            // On any page of a paged screen.
            guard l.screenText.lowercased().contains(text.normalizedSpaces.lowercased()) else {
                throw StepFailure(description: "text \"\(text)\" not on screen \(l.screenID); it shows: \(l.visibleText.prefix(300))")
            }
        case .expectNoText(let text):
            let l = current()
            guard !l.screenText.lowercased().contains(text.normalizedSpaces.lowercased()) else {
                throw StepFailure(description: "text \"\(text)\" is on screen \(l.screenID)")
            }
        case .expectSpeech(let text):
            _ = current()
            let said = host.speech.lastUtterance ?? ""
            guard said.lowercased().contains(text.normalizedSpaces.lowercased()) else {
                throw StepFailure(description: "speech did not say \"\(text)\"; last said: \"\(said)\"")
            }
        case .expectColor(let name, let color):
            let l = current()
            let widget = name.hasPrefix("#") ? String(name.dropFirst()) : name
            guard let item = l.items.last(where: { $0.widgetID == widget && $0.text == nil }) ?? l.findTarget(widget) else {
                throw StepFailure(description: "no widget \(widget) on screen \(l.screenID)")
            }
            let found = try host.renderer.snapshot().dominantColor(in: item.frame)
            guard found.distance(to: color) <= 8 else {
                throw StepFailure(description: "widget \(widget) is mostly \(found), expected \(color)")
            }
        case .expectFits:
            let l = current()
            guard l.problems.isEmpty else { throw StepFailure(description: "layout: " + l.problems.joined(separator: "; ")) }
        case .screenshot(let name):
            let l = current()
            let path = options.outputDirectory.appendingPathComponent(name.hasSuffix(".png") ? name : "\(name).png").path
            try host.renderer.savePNG(to: path)
            log("     screenshot \(path)")
            if keepShots {
                shots.append(Shot(scenario: scenario.name, name: name, list: l, metrics: host.metrics, contrast: c.settings.contrast,
                                  focusMoved: focusMoved))
            }
            guard l.problems.isEmpty else { throw StepFailure(description: "layout: " + l.problems.joined(separator: "; ")) }
        case .compare(let name, let reference, let tolerance):
            _ = current()
            let ref = try PNGFile.read(resolve(reference, scenario: scenario))
            let result = ImageComparison.compare(try host.renderer.snapshot(), ref)
            if !result.sameSize || result.differingFraction * 100 > tolerance {
                if let d = result.diff {
                    let p = options.outputDirectory.appendingPathComponent("\(name).diff.png").path
                    try PNGFile.write(d, to: p)
                }
                try host.renderer.savePNG(to: options.outputDirectory.appendingPathComponent("\(name).actual.png").path)
                throw StepFailure(description: result.sameSize
                    ? String(format: "%@ differs from %@ on %.2f %% of pixels (tolerance %.2f %%)", name, reference, result.differingFraction * 100, tolerance)
                    : "\(name): reference \(reference) has another size (\(ref.width)x\(ref.height))")
            }
        case .set(let key, let value):
            switch key {
            case "lang", "language":
                guard c.catalogs[value] != nil else { throw StepFailure(description: "no catalog Assets/i18n/\(value).json") }
                c.settings.language = value
            case "contrast": c.settings.contrast = value == "high" ? .high : .normal
            case "scale":
                guard let v = Double(value), (1...1.5).contains(v) else { throw StepFailure(description: "scale is 1 to 1.5") }
                c.settings.fontScale = v
            case "speech": c.settings.autoSpeech = value == "on"
            case "reader", "tray":
                // Where the terminal's card reader or printer tray stands (kiosk.yaml `hardware:`).
                guard let side = TerminalHardware.Side(rawValue: value) else {
                    throw StepFailure(description: "set \(key) " + TerminalHardware.Side.allCases.map(\.rawValue).joined(separator: "|"))
                }
                if key == "reader" { c.hardware.cardReader = side } else { c.hardware.printerTray = side }
            case "printer", "cardwriter", "sms", "central", "submit", "scanner":
                if let live = setting, try await live(key, value) { break }
                try await setInProcess(key, value, c)
            default: throw StepFailure(description: "set lang|contrast|scale|speech|reader|tray|printer|cardwriter|sms|central|submit|scanner")
            }
            c.changed()
        case .gallery:
            c.openGallery()
        case .outOfService(let reason):
            c.outOfService = reason
        case .listen:
            focusMoved = true
            host.listen()
        case .phoneSend(let file, let expected):
            guard let services = c.services as? ScenarioServices else {
                throw StepFailure(description: "phone send: this run's services are not the in-process central store")
            }
            let path = resolve(file, scenario: scenario)
            guard let bytes = FileManager.default.contents(atPath: path) else { throw StepFailure(description: "phone send: no file \(file)") }
            let status = try await services.phoneSends(Array(bytes), filename: URL(fileURLWithPath: path).lastPathComponent)
            if let expected {
                guard status == expected else { throw StepFailure(description: "phone send: the phone's page answered \(status), not \(expected)") }
            } else if !(status == 200 || status == 400 || status == 413 || status == 415) {
                throw StepFailure(description: "phone send: the phone's page answered \(status)")
            }
        }
    }
}
