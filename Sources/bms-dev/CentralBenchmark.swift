import Central
import CentralAPI
import CentralTesting
import Domain
import Foundation
import KioskStore
import SyncClient

/// The figures of `bms-central bench`. Everything runs on this machine:
/// an in-process bms-central on loopback, SQLite in a temp folder, a
/// throw-away PostgreSQL cluster and Kannel when installed.
struct CentralBenchmark {
    var kioskCounts = [1, 10, 100, 500, 2000]
    var seconds = 3.0
    var outboxCommands = 10_000
    var demoSeed = URL(fileURLWithPath: "Assets/demo/central-seed.json")
    /// "one": every kiosk on the demo card (a pile-up on one foyer's rows);
    /// "own": each kiosk its own foyer.
    var cardModes = ["one", "own"]
    var engines = ["sqlite", "postgres", "postgres2"]
    /// PostgreSQL connections per instance (nil: 16 for one instance, 8 each for two).
    var pool: Int?

    func run() async throws {
        if let pool { say("PostgreSQL connections per instance: \(pool)") }
        say("bms-dev bench central (\(ProcessInfo.processInfo.activeProcessorCount) cores); closed loop: each simulated kiosk runs "
            + "sessions (status, foyer, one command) back to back; each row \(seconds) s")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bms-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)

        if engines.contains("sqlite") {
            let sqlite = try SQLCentralStore.sqlite(path: dir.appendingPathComponent("central.sqlite").path)
            try await engine("SQLite", stores: [sqlite])
        }

        let cluster: PostgresTestCluster?
        if engines.contains(where: { $0.hasPrefix("postgres") }) {
            do { cluster = try await PostgresTestCluster.start() } catch {
                say("PostgreSQL: skipped (\(error))")
                cluster = nil
            }
        } else {
            cluster = nil
        }
        if let cluster {
            say("PostgreSQL \(cluster.version), throw-away cluster on loopback: \((try? cluster.settings(["fsync", "synchronous_commit", "shared_buffers"])) ?? "?")")
            let url = try cluster.createDatabase()
            if engines.contains("postgres") {
                try await engine("PostgreSQL", stores: [try .postgres(url: url, maximumConnections: pool ?? 16)])
            }
            if engines.contains("postgres2") {
                try await engine("PostgreSQL, 2 instances", stores: [try .postgres(url: url, maximumConnections: pool ?? 8),
                                                                     try .postgres(url: url, maximumConnections: pool ?? 8)])
            }
            cluster.stop()
        }
        try await kannel(dir)
        try await outbox(dir, commands: outboxCommands)
    }

    func service(_ store: SQLCentralStore, sms: any SMSGateway = LogFileSMSGatewayForDevelopment(path: "/dev/null")) async throws -> CentralService {
        try await store.migrate()
        // Production hashing cost (scrypt N=2^14): the code figures include it.
        try await DemoSeed.load(from: demoSeed).load(into: store, hasher: CodeHasher(), at: Date())
        return CentralService(store: store, hasher: CodeHasher(), sms: sms)
    }

    func engine(_ name: String, stores: [SQLCentralStore]) async throws {
        let services = try await stores.asyncMap { try await service($0) }
        // Each kiosk's own foyer ("own"): copies of the demo foyer, one scrypt hash for all.
        let maxKiosks = kioskCounts.max() ?? 0
        var ownSerials: [String] = []
        if cardModes.contains("own") {
            let template = try DemoSeed.load(from: demoSeed).foyers(hasher: CodeHasher())[0]
            let files = FleetBenchmark.fleetFoyers(template: template, count: maxKiosks)
            for f in files { try await stores[0].insertFoyer(f, at: Date()) }
            ownSerials = files.map { $0.cards[0].serial }
        }
        let raw = try await rawInsertRate(stores[0])
        say(String(format: "%@: raw store inserts %.0f/s (audit rows, one transaction each, 4 writers)", name, raw))

        var servers: [CentralTestServer] = []
        for s in services { servers.append(try await CentralTestServer.start(service: s)) }
        for mode in cardModes {
        for kiosks in kioskCounts {
            var clients: [(CentralClient, String)] = []
            for i in 0..<kiosks {
                let server = servers[i % servers.count]
                let client = CentralClient(baseURL: server.baseURL, credentials: try await server.addKiosk("bench-\(mode)-\(kiosks)-\(i)"))
                clients.append((client, mode == "one" ? "25010000000001" : ownSerials[i]))
            }
            let started = Date()
            let deadline = started.addingTimeInterval(seconds)
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { g in
                for (c, serial) in clients {
                    g.addTask {
                        var l: [Double] = []
                        while Date() < deadline {
                            // A session: status, foyer, one confirmed command.
                            var t = Date()
                            _ = try? await c.cardStatus(serial: serial)
                            l.append(Date().timeIntervalSince(t)); t = Date()
                            _ = try? await c.foyer(serial: serial)
                            l.append(Date().timeIntervalSince(t)); t = Date()
                            _ = try? await c.submit(KioskCommand(serial: serial, personIndex: 0,
                                                                  action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date()))
                            l.append(Date().timeIntervalSince(t))
                        }
                        return l
                    }
                }
                return try await g.reduce(into: [Double]()) { $0 += $1 }
            }
            // Over the real elapsed time: every kiosk finishes the session it started.
            let elapsed = Date().timeIntervalSince(started)
            let sorted = latencies.sorted()
            let rate = Double(sorted.count) / elapsed
            say(String(format: "%@, %@: %5d kiosks  %7.0f req/s (%3.0f%% of raw)  p50 %6.1f ms  p99 %7.1f ms", name,
                       mode == "one" ? "one card" : "own foyers", kiosks, rate, rate / raw * 100,
                       percentile(sorted, 0.5) * 1000, percentile(sorted, 0.99) * 1000))
        }
        }
        for s in servers { await s.stop() }
        for s in stores { try await s.close() }
    }

    func kannel(_ dir: URL) async throws {
        let gateway: KannelTestGateway
        do { gateway = try await KannelTestGateway.start() } catch {
            say("Kannel: skipped (\(error))")
            return
        }
        defer { gateway.stop() }
        let store = try SQLCentralStore.sqlite(path: dir.appendingPathComponent("kannel.sqlite").path)
        let s = try await service(store, sms: KannelSMSGateway(sendsmsURL: gateway.sendsmsURL, username: gateway.username, password: gateway.password))
        var l: [Double] = []
        let clock = s.clock
        _ = clock
        for i in 0..<60 {
            // The rate limit allows 3 a day per assuré: reset it between requests.
            _ = try await store.updateFoyer(serial: "25010000000001") { f in f.codes.provisionalRequests = [] }
            let t = Date()
            let r = try await s.requestProvisionalCode(serial: "25010000000001", kiosk: "bench")
            if r.status == .sent { l.append(Date().timeIntervalSince(t)) } else if i == 0 { say("Kannel: \(r.status)") }
        }
        let sorted = l.sorted()
        say(String(format: "provisional code → accepted by Kannel: %d sent, p50 %.1f ms, p99 %.1f ms (includes the code's scrypt hash)",
                     sorted.count, percentile(sorted, 0.5) * 1000, percentile(sorted, 0.99) * 1000))
        try await store.close()
    }

    func outbox(_ dir: URL, commands: Int) async throws {
        let store = try SQLCentralStore.sqlite(path: dir.appendingPathComponent("outbox-central.sqlite").path)
        let server = try await CentralTestServer.start(service: try await service(store))
        let kiosk = try KioskStore(path: dir.appendingPathComponent("kiosk.sqlite").path)
        let t0 = Date()
        for _ in 0..<commands {
            try kiosk.enqueue(KioskCommand(serial: "25010000000001", personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date()))
        }
        let written = Date().timeIntervalSince(t0)
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: try await server.addKiosk("bench-outbox")))
        let t1 = Date()
        while try kiosk.pendingCount() > 0 { try await relay.drainOnce() }
        say(String(format: "outbox: %d commands written (fsync'd each) in %.1f s, drained in %.1f s", commands, written, Date().timeIntervalSince(t1)))
        await server.stop()
        try await store.close()
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

extension Array {
    func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await f(e)) }
        return out
    }
}
