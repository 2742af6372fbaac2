import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import KioskStore
import SyncClient
import Testing
#if canImport(Glibc)
import Glibc
import ProcessHygiene
#endif

let demoSeedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Assets/demo/central-seed.json")
let holderSerial = "25010000000001"
let sophieSerial = "25010000000002"

func tempPath(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name)
}

/// bms-central over SQLite with the demo data, on the real clock.
func startCentral() async throws -> CentralTestServer {
    let store = try SQLCentralStore.sqlite(path: try tempPath("central.sqlite").path)
    try await store.migrate()
    try await DemoSeed.load(from: demoSeedURL).load(into: store, hasher: .fastForTests, at: Date())
    let service = CentralService(store: store, hasher: .fastForTests,
                                 sms: LogFileSMSGatewayForDevelopment(path: try tempPath("sms.log").path))
    return try await CentralTestServer.start(service: service)
}

func viewPrint() -> KioskCommand {
    KioskCommand(serial: holderSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date())
}

/// How many times the central store applied (not repeated) each command id.
func appliedCounts(_ server: CentralTestServer) async throws -> [UUID: Int] {
    try await server.service.store.auditLog(limit: 100_000).filter { $0.outcome == "applied" }
        .reduce(into: [UUID: Int]()) { counts, e in if let id = e.commandID { counts[id, default: 0] += 1 } }
}

@Suite("Sync: outbox relay against a real bms-central, with faults")
struct SyncClientTests {
    @Test func centralDownThenBackDrainsTheQueueWithNothingDoubled() async throws {
        let server = try await startCentral()
        let creds = try await server.addKiosk()
        let port = server.port
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let sync = KioskSync(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds, timeout: .seconds(10)),
                             backoff: Backoff(first: 0, maximum: 0))
        await server.stop()
        let commands = (0..<5).map { _ in viewPrint() }
        for c in commands {
            guard case .queued(let message) = try await sync.submit(c) else { Issue.record("sent while central is down"); return }
            #expect(message.contains("enregistrée"))
        }
        // Codes cannot be queued: said plainly.
        guard case .unavailable(let message) = await sync.requestProvisionalCode(serial: holderSerial) else { Issue.record("code offline"); return }
        #expect(message.contains("indisponible"))
        #expect(try kiosk.pendingCount() == 5)
        #expect(try kiosk.due(at: Date()).count == 5)

        try await server.start(port: port)
        // The relay keeps trying, as its run loop does, until the queue is empty.
        var delivered = 0
        let deadline = Date().addingTimeInterval(30)
        while try kiosk.pendingCount() > 0 && Date() < deadline {
            delivered += try await sync.relay.drainOnce().delivered
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(delivered == 5)
        #expect(try kiosk.pendingCount() == 0)
        let counts = try await appliedCounts(server)
        #expect(commands.allSatisfy { counts[$0.id] == 1 })
        // Another pass sends nothing more.
        #expect(try await sync.relay.drainOnce().delivered == 0)
        await server.stop()
    }

    @Test func lostAnswerMeansResendAndTheCentralRepeatsTheFirstReceipt() async throws {
        let server = try await startCentral()
        let creds = try await server.addKiosk()
        let client = CentralClient(baseURL: server.baseURL, credentials: creds)
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let order = KioskCommand(serial: holderSerial, personIndex: 1, action: .ceam(CEAMRequest(action: .order)), confirmedAt: Date())
        try kiosk.enqueue(order)
        // The central applied it but the answer never reached the kiosk.
        #expect(try await client.submit(order).status == .applied)
        let report = try await OutboxRelay(store: kiosk, client: client).drainOnce()
        #expect(report.duplicates == 1 && report.delivered == 1)
        #expect(try kiosk.entry(id: order.id)?.receipt?.status == .applied)
        #expect(try await appliedCounts(server)[order.id] == 1)
        await server.stop()
    }

    @Test func outOfOrderCommandsEndUpAppliedInTheirOrder() async throws {
        let server = try await startCentral()
        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds), backoff: Backoff(first: 0, maximum: 0))
        let declaration = KioskCommand(serial: sophieSerial, personIndex: 0,
                                       action: .vitaleDeclaration(reason: .perte, commitsToReturnFoundCard: true), confirmedAt: Date())
        var ids: [UUID] = []
        for kind in [DocumentKind.photo, .identityDocument] {
            let slot = try await server.service.createUpload(UploadSlotRequest(session: UUID(), kind: kind), kiosk: creds.kioskID, base: "http://x")
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02] + [UInt8](repeating: 0x5A, count: 60_000) + [0xFF, 0xD9]
            _ = try await server.service.putUpload(id: slot.id, kiosk: creds.kioskID, file: jpeg)
            ids.append(slot.id)
        }
        let request = VitaleOrderRequest(useCase: .lossOrTheft, photo: ids[0], identityDocument: ids[1], swornStatement: true)
        let order = KioskCommand(serial: sophieSerial, personIndex: 0, action: .vitaleOrder(order: request), confirmedAt: Date(),
                                 after: declaration.id)
        try kiosk.enqueue(order)
        try kiosk.enqueue(declaration)
        let first = try await relay.drainOnce()
        #expect(first.waiting >= 1)
        var rounds = 0
        while try kiosk.pendingCount() > 0 && rounds < 10 { try await relay.drainOnce(); rounds += 1 }
        #expect(try kiosk.entry(id: order.id)?.receipt?.status == .applied)
        #expect(try kiosk.entry(id: declaration.id)?.receipt?.status == .applied)
        await server.stop()
    }

    @Test func clockSkewIsRetriedOnceTheKioskClockIsRight() async throws {
        let server = try await startCentral()
        let creds = try await server.addKiosk()
        let clock = TestClock(Date().addingTimeInterval(3600))
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds, clock: clock),
                                backoff: Backoff(first: 0, maximum: 0))
        let c = viewPrint()
        try kiosk.enqueue(c, at: clock.now)
        let report = try await relay.drainOnce()
        #expect(report.stoppedOn?.contains("clock_skew") == true)
        #expect(try kiosk.pendingCount() == 1)
        clock.set(Date())
        #expect(try await relay.drainOnce().delivered == 1)
        await server.stop()
    }

    @Test func referenceDataIsCachedWithItsAge() async throws {
        let server = try await startCentral()
        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let sync = KioskSync(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds))
        #expect(await sync.refreshReference())
        let cached = try #require(try kiosk.reference())
        #expect(cached.data.ceamCountries.contains { $0.code == "BE" })
        #expect(cached.data.rightsSigningKeys.count == 1)
        await server.stop()
        #expect(await sync.refreshReference() == false)
        #expect(try kiosk.reference()?.fetchedAt == cached.fetchedAt)
    }
}

// MARK: - SIGKILL: the kiosk process dies between write and send, and during send

/// The `bms-dev` executable (kiosk-sim, benchmarks) built beside this test bundle.
func bmsDevBinary() throws -> String {
    guard let url = ProcessHygiene.builtExecutable("bms-dev") else {
        throw HarnessError("bms-dev is not built next to the tests (\(CommandLine.arguments[0])): run swift build --scratch-path … first")
    }
    return url.path
}

/// Runs `bms-dev kiosk-sim`, calls `until` on each output line; kills it
/// with SIGKILL when `until` says so.
func runKioskSim(_ args: [String], killWhen: @escaping (String) -> Bool) throws -> (lines: [String], killed: Bool) {
    let out = try tempPath("sim.out")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_APPEND, 0)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let binary = try bmsDevBinary()
    let argv: [UnsafeMutablePointer<CChar>?] = ([binary, "kiosk-sim"] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    ProcessHygiene.closeInheritedDescriptors(&actions)
    guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else { throw HarnessError("cannot start kiosk-sim") }
    var killed = false
    let deadline = Date().addingTimeInterval(60)
    var status: Int32 = 0
    while Date() < deadline {
        let lines = ((try? String(contentsOf: out, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        if !killed, lines.contains(where: killWhen) {
            kill(pid, SIGKILL)
            killed = true
        }
        if waitpid(pid, &status, WNOHANG) == pid { break }
        usleep(2_000)
    }
    let lines = ((try? String(contentsOf: out, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    return (lines, killed)
}

@Suite("Sync: kiosk killed with SIGKILL")
struct KillTests {
    func setUp() async throws -> (CentralTestServer, URL, URL) {
        let server = try await startCentral()
        let creds = try await server.addKiosk()
        let key = try tempPath("kiosk.key.json")
        try CentralJSON.encoder().encode(KioskKeyFile(creds)).write(to: key)
        return (server, key, try tempPath("kiosk.sqlite"))
    }

    @Test func killedBetweenWriteAndSendLosesNothing() async throws {
        let (server, key, db) = try await setUp()
        let result = try runKioskSim(["--db", db.path, "--central", server.baseURL.absoluteString, "--key", key.path,
                                      "--count", "3", "--hold-after-write", "30", "--relay"],
                                     killWhen: { $0.hasPrefix("written 2 ") })
        #expect(result.killed)
        let written = result.lines.filter { $0.hasPrefix("written") }.compactMap { UUID(uuidString: String($0.split(separator: " ")[2])) }
        #expect(written.count == 3)
        // Every command the kiosk said was written is in its outbox, unsent.
        let kiosk = try KioskStore(path: db.path)
        #expect(Set(try kiosk.due(at: Date()).map(\.id)) == Set(written))
        #expect(try await appliedCounts(server).isEmpty)
        // The kiosk restarts: its relay sends them, once.
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: try KioskKeyFile.load(from: key)))
        #expect(try await relay.drainOnce().delivered == 3)
        let counts = try await appliedCounts(server)
        #expect(written.allSatisfy { counts[$0] == 1 })
        await server.stop()
    }

    @Test func killedDuringSendLosesAndDoublesNothing() async throws {
        let (server, key, db) = try await setUp()
        let count = 150
        // Kill once the relay has started sending (some sent, some not, maybe one in flight).
        let result = try runKioskSim(["--db", db.path, "--central", server.baseURL.absoluteString, "--key", key.path,
                                      "--count", "\(count)", "--relay"],
                                     killWhen: { $0 == "sending" })
        let written = result.lines.filter { $0.hasPrefix("written") }.compactMap { UUID(uuidString: String($0.split(separator: " ")[2])) }
        #expect(written.count == count)
        let kiosk = try KioskStore(path: db.path)
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: try KioskKeyFile.load(from: key)))
        while try kiosk.pendingCount() > 0 { try await relay.drainOnce() }
        let counts = try await appliedCounts(server)
        #expect(counts.count == count)
        #expect(written.allSatisfy { counts[$0] == 1 })
        await server.stop()
    }
}

@Suite("Sync: submitting from a session")
struct SubmitTests {
    @Test func onlineSubmitIsAcknowledgedAtOnceAndQueuedBehindOlderCommands() async throws {
        let server = try await startCentral()
        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let sync = KioskSync(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds))
        let first = viewPrint()
        // A generous wait: on a loaded CI machine the first request (TLS-free, but a cold
        // server) can take longer than the screen's 3 s; what is tested here is the order.
        guard case .acknowledged(let receipt) = try await sync.submit(first, immediateTimeout: .seconds(60)) else { Issue.record("not sent"); return }
        #expect(receipt.status == .applied)
        #expect(try kiosk.entry(id: first.id)?.command == nil) // erased once acknowledged
        // An older command still waiting keeps its place: the new one is queued behind it.
        let older = viewPrint()
        try kiosk.enqueue(older)
        guard case .queued = try await sync.submit(viewPrint(), immediateTimeout: .seconds(60)) else { Issue.record("overtook an older command"); return }
        #expect(try await sync.relay.drainOnce().delivered == 2)
        await server.stop()
    }
}
