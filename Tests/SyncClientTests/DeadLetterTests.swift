import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import KioskStore
import SyncClient
import Testing

/// A command the central store refuses for good is parked as a dead letter
/// (kept, reported) and the queue behind it goes on; a refused kiosk key
/// holds the whole queue instead.
@Suite("Sync: dead letters against a real bms-central")
struct DeadLetterTests {
    @Test func aDefinitiveRefusalIsParkedAndTheQueueGoesOn() async throws {
        let server = try await startCentral()
        defer { Task { await server.stop() } }
        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds),
                                backoff: Backoff(first: 0, maximum: 0))
        // Larger than the central store takes (413, for good): it would be
        // refused the same way forever.
        let unknown = KioskCommand(serial: String(repeating: "9", count: 70_000), personIndex: 0,
                                   action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date())
        // Refused by the rules (unknown card): acknowledged, not a dead letter.
        let refused = KioskCommand(serial: "99990000000001", personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date())
        let behind = [viewPrint(), viewPrint()]
        try kiosk.enqueue(unknown)
        try kiosk.enqueue(refused)
        for c in behind { try kiosk.enqueue(c) }

        let report = try await relay.drainOnce()
        #expect(report.parked == 1 && report.refused == 1 && report.delivered == 2 && report.stoppedOn == nil)
        #expect(try kiosk.entry(id: refused.id)?.state == .refused)
        #expect(try kiosk.pendingCount() == 0)
        let counts = try await appliedCounts(server)
        #expect(behind.allSatisfy { counts[$0.id] == 1 })

        // Kept with its body and the reason, never purged, never resent by itself.
        let dead = try kiosk.deadLetters()
        #expect(dead.map(\.id) == [unknown.id])
        #expect(dead.first?.action == "ceam.viewPrint")
        #expect(dead.first?.reason.contains("413 body_too_large") == true)
        #expect(try kiosk.entry(id: unknown.id)?.state == .deadLetter)
        #expect(try kiosk.entry(id: unknown.id)?.command?.serial == unknown.serial, "the body is kept")
        try kiosk.purgeAcknowledged(before: Date().addingTimeInterval(86_400))
        #expect(try kiosk.deadLetters().count == 1)
        let again = try await relay.drainOnce()
        #expect(again.delivered == 0 && again.parked == 0 && again.refused == 0)
        #expect(try kiosk.outboxHealth().deadLetters == 1)

        // A technician may send it again once the central side is fixed.
        #expect(try kiosk.requeueDeadLetter(id: unknown.id))
        #expect(try kiosk.pendingCount() == 1)
    }

    /// Sent from the screen and refused for good at once: the assuré is told
    /// it was refused (not "it will be sent"), and it is kept as a dead letter.
    @Test func aDefinitiveRefusalOnSubmitIsSaidAndKept() async throws {
        let server = try await startCentral()
        defer { Task { await server.stop() } }
        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let sync = KioskSync(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds))
        let oversized = KioskCommand(serial: String(repeating: "9", count: 70_000), personIndex: 0,
                                     action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date())
        guard case .acknowledged(let receipt) = try await sync.submit(oversized, immediateTimeout: .seconds(60)) else {
            Issue.record("a request refused for good was said to be queued"); return
        }
        #expect(receipt.status == .refused)
        #expect(try kiosk.deadLetters().map(\.id) == [oversized.id])
        #expect(try kiosk.pendingCount() == 0)
        // The queue is not blocked: the next request goes at once.
        guard case .acknowledged(let next) = try await sync.submit(viewPrint(), immediateTimeout: .seconds(60)) else {
            Issue.record("queued behind a dead letter"); return
        }
        #expect(next.status == .applied)
    }

    @Test func aRevokedKioskKeyHoldsTheWholeQueue() async throws {
        let server = try await startCentral()
        defer { Task { await server.stop() } }
        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds),
                                backoff: Backoff(first: 0, maximum: 0), maxAttempts: 1)
        try await server.service.store.revokeKiosk(id: creds.kioskID, at: Date())
        let commands = [viewPrint(), viewPrint()]
        for c in commands { try kiosk.enqueue(c) }
        for _ in 0..<3 {
            let report = try await relay.drainOnce()
            #expect(report.parked == 0 && report.delivered == 0)
            #expect(report.stoppedOn?.contains("401 unknown_kiosk") == true)
        }
        #expect(try kiosk.pendingCount() == 2)
        #expect(try kiosk.deadLetters().isEmpty)
        let health = try kiosk.outboxHealth()
        #expect(health.pending == 2 && health.oldestAttempts == 3)
    }

    @Test func whichFailuresParkACommand() {
        func rejected(_ status: Int, _ code: String) -> DeliveryFailure { DeliveryFailure(.rejected(status: status, body: .init(code: code, message: ""))) }
        #expect(DeliveryFailure(.unreachable("ConnectError")) == .queueWaits)
        #expect(rejected(503, "store_unavailable") == .queueWaits)
        #expect(rejected(401, "clock_skew") == .queueWaits)
        #expect(rejected(401, "replay") == .queueWaits)
        #expect(rejected(429, "rate_limited") == .queueWaits)
        #expect(rejected(502, "http_502") == .queueWaits)
        #expect(rejected(404, "http_404") == .queueWaits, "a proxy's answer, not the central store's")
        #expect(rejected(401, "unknown_kiosk") == .kioskRefused)
        #expect(rejected(401, "bad_signature") == .kioskRefused)
        #expect(rejected(409, "dependency_pending") == .dependencyPending)
        #expect(rejected(500, "internal") == .queueWaits, "the central store's fault, not the command's")
        #expect(rejected(503, "shutting_down") == .queueWaits)
        #expect(DeliveryFailure(.badAnswer("CommandReceipt")) == .commandSuspect)
        #expect(rejected(400, "bad_request") == .definitive)
        #expect(rejected(404, "unknown_card") == .definitive)
        #expect(rejected(404, "not_found") == .queueWaits, "a route the central store does not know: a wrong URL, not this command")
        #expect(rejected(408, "request_timeout") == .queueWaits)
        #expect(rejected(403, "card_refused") == .definitive)
        #expect(rejected(413, "body_too_large") == .definitive)
    }
}

/// A busy central store (a write lock held elsewhere) answers 503 with
/// Retry-After; the relay waits on it without counting it against the
/// command, so a long busy spell never parks a command (issue 15, part 4).
@Suite("Sync: a busy central store")
struct BusyStoreTests {
    @Test func busyAnswersWaitAndParkNothing() async throws {
        let path = try tempPath("central.sqlite").path
        let store = try SQLCentralStore.sqlite(path: path, busyTimeout: 0.2)
        try await store.migrate()
        try await DemoSeed.load(from: demoSeedURL).load(into: store, hasher: .fastForTests, at: Date())
        let server = try await CentralTestServer.start(service: CentralService(
            store: store, hasher: .fastForTests, sms: LogFileSMSGatewayForDevelopment(path: try tempPath("sms.log").path)))
        defer { Task { await server.stop() } }
        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        // Two failures of its own would park a command: more busy answers than that must not.
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds),
                                backoff: Backoff(first: 0, maximum: 0), maxAttempts: 2)
        let command = viewPrint()
        try kiosk.enqueue(command)

        // Another writer on the central store's file holds its lock.
        let other = try SQLCentralStore.sqlite(path: path)
        let released = Flag()
        let (held, signal) = AsyncStream<Void>.makeStream()
        let holder = Task.detached {
            try await other.database.transaction { c in
                try c.query("INSERT INTO request_nonces (kiosk_id, nonce, expires_at) VALUES ('holder', 'n', 0)")
                signal.yield()
                let until = Date().addingTimeInterval(20)
                while !released.isSet && Date() < until { Thread.sleep(forTimeInterval: 0.02) }
            }
        }
        var it = held.makeAsyncIterator()
        _ = await it.next()

        for _ in 0..<4 {
            let before = Date()
            let report = try await relay.drainOnce()
            #expect(report.parked == 0 && report.delivered == 0)
            #expect(report.stoppedOn?.contains("503 store_unavailable") == true, "\(report.stoppedOn ?? "nil")")
            let entry = try #require(try kiosk.entry(id: command.id))
            #expect(entry.state == .pending && entry.failures == 0)
            // Retry-After (2 s) is a floor under the backoff (0 here).
            #expect(entry.nextAttemptAt.timeIntervalSince(before) >= 1.5)
        }
        #expect(try kiosk.entry(id: command.id)?.attempts == 4)
        #expect(try kiosk.deadLetters().isEmpty)

        released.set()
        try await holder.value
        let report = try await relay.drainOnce()
        #expect(report.delivered == 1 && report.parked == 0)
        #expect(try await appliedCounts(server)[command.id] == 1)
        try await other.close()
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
