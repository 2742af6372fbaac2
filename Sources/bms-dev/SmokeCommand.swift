import ArgumentParser
import CardReader
import CentralAPI
import Foundation
import KioskApp
import KioskAppTesting
import KioskConfig
import KioskRuntime
import KioskUI
import Printing
import ServiceSupport

/// `bms-dev smoke`: scenarios headless, screenshots, exit 1 on any failure.
struct Smoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run UI scenarios headless (software renderer, virtual clock) and keep screenshots.",
        discussion: """
        Step syntax: docs/scenarios.md. With --live the scenarios run against the real stack: a running \
        bms-central (--central, --key), pcscd with vpcd's reader (`card insert FILE` puts a virtual card, a \
        CardSpec file, into vpcd on --vpcd-port and waits until the kiosk has read it), CUPS (--queue) and \
        the SMS of a development gateway log (--sms-log) for `type sms`. --config DIR takes the central \
        store, key, trusted keys and queue from a kiosk configuration. See docs/runtime.md.
        """)

    @Argument(help: "Scenario files (.scenario).") var scenarios: [String]
    @Option(help: "Where screenshots, diffs and speech files go.") var out: String
    @Option(help: "Surface size, WxH.") var size = "1280x800"
    @Option(help: "Screen diagonal in inches.") var diagonal = 15.6
    @Option(help: "Language at start.") var lang = "fr"
    @Option(help: "normal or high.") var contrast = "normal"
    @Option(help: "Text scale, 1 to 1.5.") var scale = 1.0
    @Flag(help: "Audit every screenshot (one primary action, steps, full pages, focus, contrast, targets); fail on a finding.")
    var audit = false
    @Flag(help: "Against the real central store, pcscd + vpcd, CUPS (see the discussion).") var live = false
    @Option(help: "Live: a kiosk configuration folder (central store, key, trusted keys, printer queue).") var config: String?
    @Option(help: "Live: the central store's URL.") var central: String?
    @Option(help: "Live: the kiosk key file (bms-central kiosk add).") var key: String?
    @Option(help: "Live: a trust file (JSON, as Assets/demo/demo-trust.json); repeatable.") var trust: [String] = []
    @Option(help: "Live: the vpcd port of the reader pcscd serves.") var vpcdPort: UInt16 = 35963
    @Option(help: "Live: the CUPS queue for documents.") var queue: String?
    @Option(help: "Live: the development SMS log of bms-central (--sms log:FILE), for `type sms`.") var smsLog: String?
    @Option(help: "Live: where each scenario's kiosk database goes.") var state = ".run/smoke"

    func validate() throws {
        guard Size(parsing: size) != nil else { throw ValidationError("--size must look like 1280x800") }
        guard ["normal", "high"].contains(contrast) else { throw ValidationError("--contrast is normal or high") }
        guard (1...1.5).contains(scale) else { throw ValidationError("--scale is 1 to 1.5") }
    }

    func run() async throws {
        // Live, the scenarios read cards through the reader layer: its threads are joined before the exit.
        if live { try await ReaderShutdown.run { try await smoke() } } else { try await smoke() }
    }

    func smoke() async throws {
        // The real parts log each card read: only what goes wrong, between the step lines.
        if live { StructuredLogHandler.bootstrap(level: .warning) }
        let setup = live ? try liveSetup() : nil
        let ok = try await SmokeMain.run(scenarios: scenarios, out: out, size: Size(parsing: size)!, diagonal: diagonal, lang: lang,
                                         contrast: contrast == "high" ? .high : .normal, scale: scale, live: setup, audit: audit)
        if !ok { throw ExitCode(1) }
    }

    func liveSetup() throws -> LiveSmokeSetup {
        var url = central.flatMap(URL.init(string:))
        var credentials = try key.map { try KioskKeyFile.load(from: URL(fileURLWithPath: $0)) }
        var trustStore = try TrustStore.load(paths: trust)
        var queueName = queue
        if let dir = config {
            switch ConfigurationState.load(directory: URL(fileURLWithPath: dir)) {
            case .outOfService:
                throw ValidationError("--config \(dir) is not valid: bms-kiosk config check \(dir)")
            case .ready(let c):
                url = url ?? c.central.url
                credentials = credentials ?? KioskCredentials(kioskID: c.central.keyFileKioskID ?? c.terminal.id, privateKey: c.central.privateKey)
                for k in c.trust.issuers { if let id = TrustStore.KeyID(k.id) { trustStore.issuers[id] = k.publicKey } }
                for k in c.trust.central { if let id = TrustStore.KeyID(k.id) { trustStore.central[id] = k.publicKey } }
                queueName = queueName ?? c.printer.queue
            }
        }
        guard let url else { throw ValidationError("--live needs --central URL (or --config DIR)") }
        guard let credentials else { throw ValidationError("--live needs --key FILE (or --config DIR)") }
        var setup = LiveSmokeSetup(centralURL: url, credentials: credentials, trust: trustStore, vpcdPort: vpcdPort,
                                   stateDirectory: URL(fileURLWithPath: state))
        setup.printQueue = queueName.map { CUPSPrinter(queue: $0) }
        if let log = smsLog {
            setup.smsCode = {
                guard let code = SMSCode.fromLogFile(log) else { throw ValidationError("no provisional code in \(log)") }
                return code
            }
        }
        return setup
    }
}

@MainActor
enum SmokeMain {
    static func run(scenarios: [String], out: String, size: Size, diagonal: Double, lang: String, contrast: Theme.Contrast,
                    scale: Double, live: LiveSmokeSetup? = nil, audit: Bool = false) async throws -> Bool {
        var options = SmokeRunner.Options(outputDirectory: URL(fileURLWithPath: out), assets: try AssetLocator.require())
        options.size = size
        options.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: diagonal, size: size)
        options.language = lang
        options.contrast = contrast
        options.fontScale = scale
        let runner = try SmokeRunner(options: options)
        runner.keepShots = audit
        if let live { runner.makeKit = { scenario, _ in try await live.makeKit(for: scenario) } }
        for path in scenarios {
            let s = try Scenario.load(path)
            await runner.run(s)
        }
        let findings = audit ? runner.auditFindings() : []
        for f in findings { print("audit: \(f)") }
        if runner.failures.isEmpty, findings.isEmpty {
            print("smoke: \(scenarios.count) scenario(s) passed" + (audit ? ", every screenshot audited" : ""))
            return true
        }
        if !findings.isEmpty { FileHandle.standardError.write(Data("smoke: \(findings.count) audit finding(s)\n".utf8)) }
        for f in runner.failures { FileHandle.standardError.write(Data("smoke: \(f)\n".utf8)) }
        return false
    }
}
