import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

/// Holds a write lock on the store from another connection (another
/// process on the SQLite file, a migration or a manual LOCK on PostgreSQL)
/// until `release()`.
final class LockHolder: @unchecked Sendable {
    let task: Task<Void, any Error>

    /// Returns once the lock is held.
    init(on store: SQLCentralStore) async throws {
        let (held, signal) = AsyncStream<Void>.makeStream()
        let box = ReleaseFlag()
        flag = box
        task = Task.detached {
            try await store.database.transaction { c in
                if c.dialect == .postgres {
                    try c.query("LOCK TABLE request_nonces IN EXCLUSIVE MODE")
                } else {
                    try c.query("INSERT INTO request_nonces (kiosk_id, nonce, expires_at) VALUES ('holder', $1, 0)",
                                .text(UUID().uuidString))
                }
                signal.yield()
                // Synchronous on purpose: the transaction stays open on this thread.
                let until = Date().addingTimeInterval(20)
                while !box.isSet && Date() < until { Thread.sleep(forTimeInterval: 0.02) }
            }
        }
        var it = held.makeAsyncIterator()
        _ = await it.next()
    }
    private let flag: ReleaseFlag

    func release() async throws {
        flag.set()
        try await task.value
    }
}

final class ReleaseFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// A busy or unavailable store is the store's state, not the request's
/// fault: 503 with Retry-After (issue 15, part 4), never 500.
@Suite("A busy store answers 503 with Retry-After")
struct StoreBusyTests {
    /// Two stores on one database: the served one waits 300 ms for a lock.
    func stores(_ engine: Engine) async throws -> (served: SQLCentralStore, other: SQLCentralStore) {
        switch engine {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("busy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("central.sqlite").path
            let served = try SQLCentralStore.sqlite(path: path, busyTimeout: 0.3)
            try await served.migrate()
            return (served, try .sqlite(path: path))
        case .postgres:
            let url = try await PostgresTestCluster.shared().createDatabase()
            let served = try SQLCentralStore.postgres(url: url, maximumConnections: 4, lockTimeout: .milliseconds(300))
            try await served.migrate()
            return (served, try .postgres(url: url, maximumConnections: 2))
        }
    }

    @Test(arguments: Engine.selected)
    func aLockHeldElsewhereGives503WithRetryAfter(engine: Engine) async throws {
        let (served, other) = try await stores(engine)
        let service = try await makeService(engine, store: served, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service)
        let client = SignedTestClient(baseURL: server.baseURL, credentials: try await server.addKiosk())

        let holder = try await LockHolder(on: other)
        let started = Date()
        let busy = try await client.send("GET", "/v1/cards/\(holderSerial)/foyer")
        let waited = Date().timeIntervalSince(started)
        try await holder.release()
        #expect(busy.status == 503, "a busy store is not the request's fault")
        #expect(busy.error?.code == "store_unavailable")
        #expect(busy.error?.message.contains("retry") == true)
        #expect(busy.retryAfter.flatMap(Int.init).map { (1...60).contains($0) } == true, "Retry-After in seconds")
        // The kiosk gives up after 10 s (timeouts.centralRequestSeconds): the
        // answer comes from the 300 ms lock wait, well before, even on a loaded run.
        #expect(waited < 9, "answered after the lock wait, not the kiosk's time-out")
        // Health never touches the store.
        #expect(try await client.send("GET", "/v1/health").status == 200)

        // The lock gone, the same request is served.
        #expect(try await client.send("GET", "/v1/cards/\(holderSerial)/foyer").status == 200)
        await server.stop()
        try await other.close()
    }
}
