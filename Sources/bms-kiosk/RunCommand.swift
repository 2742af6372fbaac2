import ArgumentParser
import CentralAPI
import Domain
import Foundation
import KioskApp
import KioskConfig
import KioskRuntime
import KioskUI
import Logging
import ServiceSupport
import VirtualCard

/// `bms-kiosk run`: the kiosk itself, full screen, windowed for development,
/// or headless.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk UI (window, --fullscreen, or --headless).",
        discussion: """
        With --config DIR: the real kiosk. Cards from the PC/SC reader the configuration names, codes, \
        foyers and requests from its central store (outbox in the state directory), documents to its CUPS \
        queue. READY=1 for systemd once the first frame is drawn; watchdog pings only while the UI loop turns. \
        An invalid configuration shows the out-of-service screen (read again every 30 s), never a crash.
        Without --config it refuses to start: a kiosk without its configuration has no central store, reader \
        or printer to serve with (the demo: scripts/run.sh; scenarios without hardware: bms-dev smoke).
        Keys: F4 opens the widget gallery, digits and Return type on the code keypad, Escape quits (not in full screen).
        """)

    @Flag(help: "Full screen on the kiosk's display.") var fullscreen = false
    @Flag(help: "No window: a software surface (for services without a screen).") var headless = false
    @Option(help: "Window or surface size, WxH.") var size = "1280x800"
    @Option(help: "Screen diagonal in inches, to size touch targets in millimetres.") var diagonal = 15.6
    @Option(help: "Language at start (a file in Assets/i18n).") var lang = "fr"
    @Flag(help: "Speak each new screen.") var speech = false
    @Option(help: "A configuration folder (kiosk.yaml…): screen, languages, services, speech and session rules come from it.")
    var config: String?
    @Option(help: "Where the kiosk's database goes (default: $STATE_DIRECTORY, else .run/).")
    var state: String?
    @Option(help: "A kiosk key file (bms-central kiosk add) instead of the configuration's (the demo registers a fresh one).")
    var centralKey: String?
    @Option(help: "Demo without a real reader: this virtual card (a CardSpec file) is put into vpcd at start; F2 inserts it again, F3 pulls it.")
    var virtualCard: String?
    @Option(help: "The vpcd port for --virtual-card.") var vpcdPort: UInt16 = 35963

    func run() async throws {
        // SIGTERM/SIGINT end the UI loop (ServiceRuntime): the reader threads
        // are joined when it returns.
        try await ReaderShutdown.kiosk(handleSignals: false) { try await serve() }
    }

    func serve() async throws {
        guard let s = Size(parsing: size) else { throw ValidationError("--size must look like 1280x800") }
        var options = KioskMain.Options(size: s, fullscreen: fullscreen, headless: headless,
                                        physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: diagonal, size: s),
                                        lang: lang, speech: speech)
        let service = ServiceRuntime.bootstrap(label: "bms-kiosk", level: .info)
        options.service = service
        // Before SDL starts, so that SDL leaves the signals to us.
        service.handleTermination { InputMapper.pushWake() }
        defer { service.stopping() }
        guard let dir = config else {
            throw ValidationError("""
                bms-kiosk run needs --config DIR: the kiosk's configuration folder (kiosk.yaml, central.yaml, rules.yaml, \
                keys; see kiosk-config/README.md) says which central store, reader and printer it serves with. \
                The demo: scripts/run.sh. Scenarios without hardware: bms-dev smoke.
                """)
        }
        let stateDirectory = URL(fileURLWithPath: state ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?
            .split(separator: ":").first.map(String.init) ?? ".run")
        var credentials: KioskCredentials?
        if let key = centralKey {
            do { credentials = try KioskKeyFile.load(from: URL(fileURLWithPath: key)) } catch {
                throw ValidationError("--central-key \(key): not a kiosk key file (\(error))")
            }
        }
        // A bad configuration never stops the kiosk: it shows the
        // out-of-service screen and reads the folder again every 30 s.
        let url = URL(fileURLWithPath: dir)
        while true {
            let state = ConfigurationState.load(directory: url)
            switch state {
            case .ready(let c):
                options.size = Size(width: c.screen.width, height: c.screen.height)
                options.physicalWidthMM = c.screen.physicalWidthMM
                options.fullscreen = c.screen.fullscreen && !headless
                options.lang = c.languages.default
                options.languages = c.languages.offered
                options.services = c.services
                options.speech = c.speech.enabled
                options.wordsPerMinute = c.speech.wordsPerMinute
                options.session = c.rules.session
                options.rules = c.rules
                options.hardware = c.hardware
                options.virtualCard = virtualCard.map { ($0, vpcdPort) }
                // Back from out of service: this run serves.
                options.outOfService = nil
                options.recheck = nil
                let parts: KioskRuntimeParts
                do { parts = try KioskRuntimeParts(configuration: c, stateDirectory: stateDirectory, credentials: credentials) } catch {
                    // Cannot serve (state directory, database): out of service, said plainly, retried.
                    service.logger.error("kiosk runtime cannot start", metadata: ["error": "\(error)"])
                    options.outOfService = "Démarrage impossible : \(error)"
                    options.recheck = { true }
                    guard try await KioskMain.run(options) else { return }
                    options.outOfService = nil
                    options.recheck = nil
                    continue
                }
                await parts.start()
                defer { parts.stop() }
                options.runtime = parts
                _ = try await KioskMain.run(options)
                return
            case .outOfService(let errors):
                for e in errors.errors {
                    let fields = e.logFields.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value.replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: " ")
                    FileHandle.standardError.write(Data("level=error msg=\"configuration error\" \(fields)\n".utf8))
                }
                options.outOfService = state.outOfServiceReason ?? "configuration"
                options.recheck = { if case .ready = ConfigurationState.load(directory: url) { return true }; return false }
                // Back round the loop only when the configuration was fixed (not on quit).
                guard try await KioskMain.run(options) else { return }
            }
        }
    }
}

@MainActor
enum KioskMain {
    struct Options {
        var size: Size
        var fullscreen: Bool
        var headless: Bool
        var physicalWidthMM: Double
        var lang: String
        var speech: Bool
        var languages: [String]? = nil
        var services: [KioskService]? = nil
        var wordsPerMinute = 150
        var session = SessionParameters()
        /// The rules in force (rules.yaml): what the screens offer, e.g. the loss-date window.
        var rules = RuleParameters.standard
        /// Where the card reader and the printer's tray stand (kiosk.yaml `hardware:`).
        var hardware = TerminalHardware()
        /// Out of service with this reason, until `recheck` says otherwise.
        var outOfService: String? = nil
        var recheck: (@MainActor () -> Bool)? = nil
        /// The real parts; nil only out of service (nothing to serve with).
        var runtime: KioskRuntimeParts? = nil
        /// READY=1, watchdog, logs.
        var service: ServiceRuntime? = nil
        /// A virtual card (CardSpec file, vpcd port) that F2/F3 put in and pull.
        var virtualCard: (file: String, port: UInt16)? = nil
    }

    /// Runs until quit; true when it stopped because an out-of-service
    /// kiosk's configuration became good.
    static func run(_ o: Options) async throws -> Bool {
        let assets = try AssetLocator.require()
        var catalogs = try AssetLocator.catalogs(assets)
        if let offered = o.languages {
            let missing = offered.filter { catalogs[$0] == nil }
            guard missing.isEmpty else { throw KioskStartError(description: "no catalog Assets/i18n/<code>.json for: \(missing.joined(separator: ", "))") }
            catalogs = catalogs.filter { offered.contains($0.key) }
        }
        guard catalogs[o.lang] != nil else { throw KioskStartError(description: "no catalog Assets/i18n/\(o.lang).json") }
        try SDLRuntime.start(headless: o.headless)
        let fonts = try FontLibrary(fontsDirectory: assets.appendingPathComponent("fonts"))
        let renderer = try SDLRenderer(mode: o.headless ? .headless(o.size) : .window(o.size, fullscreen: o.fullscreen),
                                       fonts: fonts, assetsDirectory: assets)
        // Full screen may give another size than asked: keep the millimetres right.
        let mmPerPixel = o.physicalWidthMM / Double(o.size.width)
        let metrics = ScreenMetrics(size: renderer.size, physicalWidthMM: mmPerPixel * Double(renderer.size.width))
        // Out of service there is no runtime: the screen says so and offers nothing.
        let services: any KioskServices = o.runtime?.services ?? OutOfServiceKioskServices()
        let controller = KioskController(clock: SystemClock(), services: services, catalogs: catalogs,
                                         settings: .init(language: o.lang, autoSpeech: o.speech), sessionParameters: o.session, rules: o.rules)
        controller.animates = true
        controller.hardware = o.hardware
        if let parts = o.runtime {
            controller.printer = parts.printer
            controller.documentDesk = parts.documentDesk
            controller.rightsWriter = parts.cards
        }
        let speaker = SpeechController(output: try? EspeakSpeech(wordsPerMinute: o.wordsPerMinute), enabled: o.speech, language: o.lang)
        let host = KioskHost(controller: controller, renderer: renderer, metrics: metrics, speech: speaker)
        let cards: any CardEventSource = o.runtime?.cards ?? NoCardSource()
        let loop = KioskRunLoop(host: host, cards: cards)
        loop.allowEscape = !o.fullscreen
        var demoCard: VirtualCardConnection?
        if let (file, port) = o.virtualCard, o.runtime != nil {
            do {
                let card = VirtualCardConnection(applet: try CardApplet(spec: try CardSpec.load(path: file)), port: port)
                try card.insert()
                demoCard = card
                loop.onCardKey = { key in if key == "F2" { try? card.insert() } else { card.pull() } }
            } catch {
                o.service?.logger.warning("virtual card not inserted", metadata: ["error": "\(error)"])
            }
        }
        defer { demoCard?.pull() }
        // The watchdog needs a turn of the loop well within its interval,
        // even on an idle attract screen.
        if let pinger = o.service?.pinger {
            let half = pinger.interval.components.seconds * 1000 / 2
            loop.maxSleepMS = Int32(clamping: max(100, min(5_000, half)))
        }
        // The loop calls `until` once per turn, after the first frame: READY=1
        // then, and a heartbeat on every turn.
        var announced = false
        let service = o.service
        func turn(_ status: String) {
            if !announced { announced = true; service?.ready(status: status) }
            service?.heartbeat()
        }
        if let reason = o.outOfService, let recheck = o.recheck {
            controller.outOfService = reason
            loop.maxSleepMS = min(loop.maxSleepMS ?? 30_000, 30_000)
            var last = monotonicNanos()
            var recovered = false
            await loop.run(until: {
                // The reason for the technician (systemctl status), not the screen.
                turn("out of service: \(reason)")
                if service?.terminationRequested == true { return true }
                // Re-read at most every 30 s, whatever woke the loop.
                guard monotonicNanos() - last >= 30_000_000_000 else { return false }
                last = monotonicNanos()
                recovered = recheck()
                return recovered
            })
            return recovered
        }
        // SIGTERM (systemctl stop): out of the loop; the callers stop the
        // runtime parts and send STOPPING=1.
        await loop.run(until: { turn("attract screen"); return service?.terminationRequested ?? false })
        return false
    }
}

/// Why the kiosk cannot start, in words a technician can act on.
struct KioskStartError: Error, CustomStringConvertible {
    var description: String
}
