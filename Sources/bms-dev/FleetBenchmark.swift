import AsyncHTTPClient
import Central
import CentralAPI
import CentralTesting
import Domain
import Foundation
import NIOCore
import SyncClient

/// The open-loop fleet model of `bms-central bench --fleet`: N kiosks, each
/// with its own foyers (cards), sessions arriving at random (Poisson) at a
/// lobby's peak rate whatever the answers, ten requests a session, each
/// kiosk its own key. Latency is per request kind; the rate is raised in
/// steps until p99 passes the target. Unlike the closed loop (every kiosk
/// fires back to back on one card), it measures a fleet, not a pile-up.
struct FleetBenchmark {
    var kioskCounts = [100, 1000, 2000]
    /// Sessions an hour per kiosk at the lobby's peak.
    var sessionsPerHour = 60.0
    /// Seconds per rate step.
    var seconds = 10.0
    /// Multiples of the peak rate tried, in order, until p99 passes the target.
    var multipliers: [Double] = [1, 2, 4, 8, 16, 32]
    var targetP99 = 0.050
    /// Foyers (each with its own card) per kiosk.
    var foyersPerKiosk = 2
    /// HTTP connections from the simulated fleet to each instance.
    var connections = 64
    var engines = ["sqlite", "postgres", "postgres2"]
    var demoSeed = URL(fileURLWithPath: "Assets/demo/central-seed.json")
    /// Production scrypt cost for the code checks (else the tests' cost).
    var productionHash = true

    /// One session at the kiosk, as the screens call the central store.
    static let session: [Kind] = [.status, .codeCheck, .foyer, .foyer, .command, .attestation, .foyer, .rights, .command, .foyer]

    enum Kind: String, CaseIterable, Sendable {
        case status, codeCheck = "code-check", foyer, attestation, rights, command
    }

    func run() async throws {
        let perSession = Self.session.count
        say("bms-dev bench central --fleet (\(ProcessInfo.processInfo.activeProcessorCount) cores, shared): open loop, "
            + "\(Int(sessionsPerHour)) sessions/h per kiosk at peak, \(perSession) requests a session "
            + "(\(Self.session.map(\.rawValue).joined(separator: ", "))), \(foyersPerKiosk) foyers per kiosk, "
            + "\(seconds) s per step, target p99 ≤ \(Int(targetP99 * 1000)) ms; "
            + "code checks at scrypt N=2^\(productionHash ? 14 : 10) (their floor; excluded from the target)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bms-fleet-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let maxKiosks = kioskCounts.max() ?? 0
        let foyerCount = maxKiosks * foyersPerKiosk

        if engines.contains("sqlite") {
            let store = try SQLCentralStore.sqlite(path: dir.appendingPathComponent("fleet.sqlite").path)
            say("SQLite: WAL, synchronous=FULL")
            try await engine("SQLite", stores: [store], foyers: foyerCount)
        }
        if engines.contains(where: { $0.hasPrefix("postgres") }) {
            let cluster: PostgresTestCluster
            do { cluster = try await PostgresTestCluster.start() } catch {
                say("PostgreSQL: skipped (\(error))")
                return
            }
            defer { cluster.stop() }
            let settings = (try? cluster.settings(["fsync", "synchronous_commit", "shared_buffers", "max_connections"])) ?? "?"
            say("PostgreSQL \(cluster.version), throw-away cluster on loopback: \(settings)")
            if engines.contains("postgres") {
                let url = try cluster.createDatabase()
                try await engine("PostgreSQL", stores: [try .postgres(url: url, maximumConnections: 16)],
                                 foyers: foyerCount)
            }
            if engines.contains("postgres2") {
                let url = try cluster.createDatabase()
                try await engine("PostgreSQL, 2 instances", stores: [try .postgres(url: url, maximumConnections: 8),
                                                                     try .postgres(url: url, maximumConnections: 8)],
                                 foyers: foyerCount)
            }
        }
    }

    /// The demo foyer copied `count` times, each with its own NIR and card.
    static func fleetFoyers(template: FoyerFile, count: Int) -> [FoyerFile] {
        (0..<count).map { i in
            var f = template
            f.nir = "2" + String(format: "%014d", i)
            let serial = "27" + String(format: "%012d", i)
            f.cards = [CardRecord(serial: serial, personIndex: 0, generation: 2, issuer: "011751234",
                                  issueDate: CivilDate(year: 2025, month: 1, day: 15))]
            f.persons[0].vitale = .active(serial: serial)
            return f
        }
    }

    func engine(_ name: String, stores: [SQLCentralStore], foyers: Int) async throws {
        let hasher = productionHash ? CodeHasher() : .fastForTests
        let seed = try DemoSeed.load(from: demoSeed)
        try await stores[0].migrate()
        try await seed.load(into: stores[0], hasher: hasher, at: Date())
        // One scrypt hash for all: seeding stays quick, each check still pays it.
        let template = try seed.foyers(hasher: hasher)[0]
        let files = Self.fleetFoyers(template: template, count: foyers)
        let t0 = Date()
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<8 {
                g.addTask { for i in stride(from: w, to: files.count, by: 8) { try await stores[0].insertFoyer(files[i], at: Date()) } }
            }
            try await g.waitForAll()
        }
        say(String(format: "%@: %d foyers seeded in %.1f s", name, files.count, Date().timeIntervalSince(t0)))
        let raw = try await rawInsertRate(stores[0])
        say(String(format: "%@: raw store inserts %.0f/s (audit rows, one transaction each, 4 writers)", name, raw))

        var servers: [CentralTestServer] = []
        for s in stores {
            let service = CentralService(store: s, hasher: hasher, sms: LogFileSMSGatewayForDevelopment(path: "/dev/null"))
            servers.append(try await CentralTestServer.start(service: service))
        }
        var http = HTTPClient.Configuration()
        http.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        http.timeout.connect = .seconds(3)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)

        for kiosks in kioskCounts {
            var fleet: [(CentralClient, [String])] = []
            for i in 0..<kiosks {
                let server = servers[i % servers.count]
                let creds = try await server.addKiosk("fleet-\(kiosks)-\(i)")
                let cards = (0..<foyersPerKiosk).map { files[i * foyersPerKiosk + $0].cards[0].serial }
                fleet.append((CentralClient(baseURL: server.baseURL, credentials: creds, http: client), cards))
            }
            let peak = Double(kiosks) * sessionsPerHour / 3600 * Double(Self.session.count)
            var best: (rate: Double, multiplier: Double)?
            for m in multipliers {
                let step = try await runStep(fleet: fleet, sessionsPerSecond: Double(kiosks) * sessionsPerHour / 3600 * m)
                let storeKinds = Kind.allCases.filter { $0 != .codeCheck }
                let p99 = percentile(storeKinds.flatMap { step.latencies[$0] ?? [] }.sorted(), 0.99)
                let ok = p99 <= targetP99 && step.errors * 100 <= step.requests && !step.overloaded
                var line = String(format: "%@: %5d kiosks ×%-4g offered %6.0f req/s, served %6.0f req/s, errors %d, p99 %6.1f ms %@",
                                  name, kiosks, m, peak * m, step.served, step.errors, p99 * 1000, ok ? "ok" : "over")
                if step.overloaded { line += " (sessions piled up: stopped)" }
                say(line)
                for k in Kind.allCases {
                    let l = (step.latencies[k] ?? []).sorted()
                    guard !l.isEmpty else { continue }
                    say("    " + k.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: " n %6d  p50 %6.1f ms  p99 %6.1f ms", l.count, percentile(l, 0.5) * 1000, percentile(l, 0.99) * 1000))
                }
                if ok { best = (step.served, m) } else { break }
            }
            if let best {
                say(String(format: "%@: %d kiosks: highest rate with p99 ≤ %.0f ms: %.0f req/s (×%g the peak; %.0f%% of the raw insert rate)",
                           name, kiosks, targetP99 * 1000, best.rate, best.multiplier, best.rate / raw * 100))
            } else {
                say(String(format: "%@: %d kiosks: p99 > %.0f ms already at the peak rate", name, kiosks, targetP99 * 1000))
            }
        }
        try await client.shutdown()
        for s in servers { await s.stop() }
        for s in stores { try await s.close() }
    }

    struct Step {
        var latencies: [Kind: [Double]]
        var errors: Int
        var requests: Int
        var served: Double
        var overloaded: Bool
    }

    /// Sessions arrive at random (exponential gaps) for `seconds`, whatever
    /// the answers (open loop); then the step waits for those in flight.
    func runStep(fleet: [(CentralClient, [String])], sessionsPerSecond: Double) async throws -> Step {
        let recorder = Recorder()
        let started = Date()
        let end = started.addingTimeInterval(seconds)
        // Beyond this many sessions in flight the store is far behind: stop the step.
        let maxInFlight = max(500, Int(sessionsPerSecond * 5))
        var overloaded = false
        await withTaskGroup(of: Void.self) { g in
            var next = started
            while next < end {
                let wait = next.timeIntervalSinceNow
                if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                if recorder.inFlight > maxInFlight { overloaded = true; break }
                let (client, cards) = fleet[Int.random(in: 0..<fleet.count)]
                let serial = cards[Int.random(in: 0..<cards.count)]
                recorder.begin()
                g.addTask { await Self.runSession(client, serial: serial, recorder: recorder) }
                next = next.addingTimeInterval(-log(Double.random(in: Double.ulpOfOne..<1)) / sessionsPerSecond)
            }
            await g.waitForAll()
        }
        let elapsed = Date().timeIntervalSince(started)
        let (latencies, errors) = recorder.result
        let requests = latencies.values.reduce(0) { $0 + $1.count } + errors
        // Over the window sessions arrived in (or longer, when the last ones ended late).
        return Step(latencies: latencies, errors: errors, requests: requests, served: Double(requests - errors) / max(elapsed, seconds),
                    overloaded: overloaded)
    }

    static func runSession(_ c: CentralClient, serial: String, recorder: Recorder) async {
        defer { recorder.end() }
        for kind in session {
            let t = ContinuousClock.now
            do {
                switch kind {
                case .status: _ = try await c.cardStatus(serial: serial)
                case .codeCheck: _ = try await c.checkCode(serial: serial, code: "1234")
                case .foyer: _ = try await c.foyer(serial: serial)
                case .attestation: _ = try await c.attestation(serial: serial)
                case .rights: _ = try await c.rights(serial: serial)
                case .command:
                    _ = try await c.submit(KioskCommand(serial: serial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)),
                                                        confirmedAt: Date()))
                }
                let d = ContinuousClock.now - t
                recorder.record(kind, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            } catch {
                recorder.failed()
            }
        }
    }

    /// Latencies and errors from every session task.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var latencies: [Kind: [Double]] = [:]
        private var errors = 0
        private var running = 0
        func record(_ k: Kind, _ seconds: Double) { lock.withLock { latencies[k, default: []].append(seconds) } }
        func failed() { lock.withLock { errors += 1 } }
        func begin() { lock.withLock { running += 1 } }
        func end() { lock.withLock { running -= 1 } }
        var inFlight: Int { lock.withLock { running } }
        var result: ([Kind: [Double]], Int) { lock.withLock { (latencies, errors) } }
    }
}

/// Audit rows, one transaction each, 4 writers: the store's raw write rate.
func rawInsertRate(_ store: SQLCentralStore, count n: Int = 4000) async throws -> Double {
    let t0 = Date()
    try await withThrowingTaskGroup(of: Void.self) { g in
        for w in 0..<4 {
            g.addTask {
                for i in 0..<(n / 4) {
                    try await store.appendAudit(AuditEntry(at: Date(), kioskID: "bench", action: "bench", subject: nil, outcome: "\(w)-\(i)"))
                }
            }
        }
        try await g.waitForAll()
    }
    return Double(n) / Date().timeIntervalSince(t0)
}
