import CardReader
import CentralAPI
import Domain
import Foundation
import KioskApp
import KioskRuntime
import KioskStore
import Printing
import SyncClient
import VirtualCard

/// Scenario cards through the real stack: a virtual card (a CardSpec file)
/// put into vpcd, read by the kiosk's own PC/SC card source through pcscd.
/// A card file inserted again is the same card (what was written on it
/// stays), as a real card keeps its memory between two insertions.
@MainActor
public final class LiveScenarioCards: ScenarioCardDriver {
    public let source: PCSCCardSource
    public let vpcdHost: String
    public let vpcdPort: UInt16
    /// Longest wait for a card to be read, or to leave.
    public var wait: Duration
    private var applets: [String: CardApplet] = [:]
    private var connection: VirtualCardConnection?
    private let inbox = Inbox()
    private var pump: Task<Void, Never>?
    /// The card left on its own and the runner already took that event.
    private var goneSinceInsert = false

    final class Inbox: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [CardEvent] = []
        func put(_ e: CardEvent) { lock.withLock { events.append(e) } }
        func take() -> [CardEvent] { lock.withLock { defer { events = [] }; return events } }
        func contains(_ match: (CardEvent) -> Bool) -> Bool { lock.withLock { events.contains(where: match) } }
    }

    struct CardError: Error, CustomStringConvertible { var description: String }

    public init(source: PCSCCardSource, vpcdHost: String = "127.0.0.1", vpcdPort: UInt16, wait: Duration = .seconds(15)) {
        self.source = source
        self.vpcdHost = vpcdHost
        self.vpcdPort = vpcdPort
        self.wait = wait
        let inbox = self.inbox
        let stream = source.events
        pump = Task.detached { for await e in stream { inbox.put(e) } }
        source.start()
    }

    public func insert(file: String) async throws -> [CardEvent] {
        if connection?.isInserted == true { throw CardError(description: "a card is already in the reader: card remove first") }
        let applet: CardApplet
        if let a = applets[file] { applet = a } else {
            applet = try CardApplet(spec: try CardSpec.load(path: file))
            applets[file] = applet
        }
        let c = VirtualCardConnection(applet: applet, host: vpcdHost, port: vpcdPort)
        try c.insert()
        connection = c
        goneSinceInsert = false
        return try await collect(until: { e in
            if case .read = e { return true }
            return e == .mute
        }, what: "the card to be read")
    }

    public func remove() async throws -> [CardEvent] {
        guard let c = connection else { return [] }
        connection = nil
        c.pull()
        return try await collect(until: { $0 == .removed }, what: "the reader to see the card leave")
    }

    public func waitGone() async throws -> [CardEvent] {
        if goneSinceInsert {
            connection?.pull()
            connection = nil
            return []
        }
        let events = try await collect(until: { $0 == .removed }, what: "the card to leave on its own")
        connection?.pull()
        connection = nil
        return events
    }

    public func takeArrived() -> [CardEvent] {
        let events = inbox.take()
        if events.contains(.removed) { goneSinceInsert = true }
        return events
    }

    public func finish() async {
        // A scenario that stopped with the card in: pull it and let pcscd see
        // the reader empty, so the next scenario starts as a fresh kiosk would.
        if let c = connection, c.isInserted {
            c.pull()
            _ = try? await collect(until: { $0 == .removed }, what: "the reader to see the card leave", within: .seconds(3))
        }
        connection = nil
        source.stop()
        pump?.cancel()
    }

    /// Waits (bounded) for an event matching `done`; returns every event so far.
    private func collect(until done: (CardEvent) -> Bool, what: String, within: Duration? = nil) async throws -> [CardEvent] {
        let start = ContinuousClock.now
        let wait = within ?? self.wait
        while !inbox.contains(done) {
            guard ContinuousClock.now - start < wait else { throw CardError(description: "waited \(wait) for \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return inbox.take()
    }
}

/// Reads provisional codes out of SMS text ("Votre code provisoire ameli : 4821. Valable 48 h.").
public enum SMSCode {
    public static func extract(from text: String, digits: Int = 4) -> String? {
        var run = ""
        for c in text + " " {
            if c.isASCII, c.isNumber { run.append(c); continue }
            if run.count == digits { return run }
            run = ""
        }
        return nil
    }

    /// The code in the last line of a development SMS log (`bms-central serve --sms log:FILE`) that holds one.
    public static func fromLogFile(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n").reversed() {
            // The line starts with a timestamp and a message id: read the message only.
            guard let message = line.range(of: "ameli", options: .backwards).map({ line[$0.upperBound...] }) else { continue }
            if let code = extract(from: String(message)) { return code }
        }
        return nil
    }
}

/// How a live smoke run reaches the real parts.
public struct LiveSmokeSetup: Sendable {
    public var centralURL: URL
    public var credentials: KioskCredentials
    public var trust: TrustStore
    public var vpcdPort: UInt16
    public var reader: PCSCCardSource.ReaderChoice = .any
    /// A CUPS queue (and server, e.g. a private cupsd's socket); nil: no printer.
    public var printQueue: (any PrintQueue)?
    public var services: [KioskService] = KioskService.allCases
    /// The code of the last SMS sent (the fake SMSC's log, or a development log file).
    public var smsCode: (@Sendable () async throws -> String)?
    /// `set KEY VALUE` on the real parts (the test's stack: `printer
    /// paper-out|ready`, `central away|up`); false: not handled.
    public var control: (@Sendable (String, String) async throws -> Bool)?
    /// Where each scenario's kiosk SQLite goes (a fresh file per scenario).
    public var stateDirectory: URL

    public init(centralURL: URL, credentials: KioskCredentials, trust: TrustStore, vpcdPort: UInt16, stateDirectory: URL) {
        self.centralURL = centralURL
        self.credentials = credentials
        self.trust = trust
        self.vpcdPort = vpcdPort
        self.stateDirectory = stateDirectory
    }

    /// Seconds for each request to the central store (tests on loaded machines give more).
    public var requestSeconds: Int64 = 10

    /// A kit for one scenario: a fresh kiosk store, the central services,
    /// the PC/SC card source with the virtual card driver, the printer.
    @MainActor
    public func makeKit(for scenario: Scenario) async throws -> SmokeKit {
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        let path = stateDirectory.appendingPathComponent("\(scenario.name)-\(UUID().uuidString.prefix(8)).sqlite").path
        let store = try KioskStore(path: path)
        let client = CentralClient(baseURL: centralURL, credentials: credentials, timeout: .seconds(requestSeconds))
        let sync = KioskSync(store: store, client: client)
        let services = CentralKioskServices(sync: sync, enabled: self.services)
        await sync.refreshReference()
        let source = PCSCCardSource(choice: reader, trust: TrustSource(configured: trust, store: store),
                                    opposition: CachedOppositionList(store: store))
        let cards = LiveScenarioCards(source: source, vpcdPort: vpcdPort)
        let printer: (any KioskPrinter)? = printQueue.map {
            CUPSKioskPrinter(queue: $0, ledger: StorePrintJobLedger(store: store),
                             caisse: Caisse(name: "CPAM de Paris", identifier: ""), followSeconds: 20)
        }
        var kit = SmokeKit(services: services, cards: cards, printer: printer, rightsWriter: source)
        if let control {
            let set: @MainActor (String, String) async throws -> Bool = { try await control($0, $1) }
            kit.setting = set
        }
        if let read = smsCode {
            let code: @MainActor () async throws -> String = { try await read() }
            kit.smsCode = code
        }
        return kit
    }
}
