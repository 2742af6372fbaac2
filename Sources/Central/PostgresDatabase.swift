import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// PostgreSQL through postgres-nio's pooled client.
///
/// Transactions run SERIALIZABLE and are retried when PostgreSQL reports a
/// serialization failure or deadlock: several `bms-central` instances can
/// share one database and still count rate limits and lock-outs exactly.
/// Transaction bodies are synchronous (see `SQLConnection`), so each runs on
/// a thread of a private pool and waits on its connection's futures: the
/// event loops are never blocked.
public final class PostgresSQLDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    let client: PostgresClient
    let threads: NIOThreadPool
    let runTask: Task<Void, Never>
    let logger: Logger

    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
    /// How long a statement waits for a row or table lock held by another
    /// transaction (a long migration, a manual `LOCK`) before the request is
    /// answered 503 with Retry-After, well within the kiosk's 10 s time-out.
    public static let defaultLockTimeout: Duration = .seconds(5)

    public init(url: String, maximumConnections: Int = 20, lockTimeout: Duration = PostgresSQLDatabase.defaultLockTimeout,
                logger: Logger = Logger(label: "bms-central.postgres")) throws {
        guard let components = URLComponents(string: url), components.scheme == "postgres" || components.scheme == "postgresql",
              let host = components.host, let user = components.user, !host.isEmpty else {
            throw StoreError.badLocation("a PostgreSQL URL")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var config = PostgresClient.Configuration(host: host, port: components.port ?? 5432, username: user,
                                                  password: components.password, database: database.isEmpty ? nil : database,
                                                  tls: .disable)
        config.options.maximumConnections = maximumConnections
        config.options.connectTimeout = .seconds(5)
        // Set once per connection (no round trip per transaction).
        let ms = lockTimeout.components.seconds * 1000 + lockTimeout.components.attoseconds / 1_000_000_000_000_000
        config.options.additionalStartupParameters = [("lock_timeout", "\(max(ms, 1))")]
        self.logger = logger
        client = PostgresClient(configuration: config, backgroundLogger: logger)
        threads = NIOThreadPool(numberOfThreads: maximumConnections + 2)
        threads.start()
        let client = self.client
        runTask = Task { await client.run() }
    }

    static let retryableStates: Set<String> = ["40001", "40P01", "23505"]

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await withLeaseTimeout { try await self.runOnce(body) }
            } catch let error as PSQLError {
                if let state = error.serverInfo?[.sqlState], Self.retryableStates.contains(state), attempt < 20 {
                    // Lost a race with another transaction: try again after a short, jittered pause.
                    try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...(5_000_000 * UInt64(attempt))))
                    continue
                }
                // 55P03: lock_timeout; 57014: a statement cancelled (statement_timeout).
                if let state = error.serverInfo?[.sqlState], state == "55P03" || state == "57014" {
                    throw StoreError.busy("PostgreSQL \(state): a lock held by another transaction")
                }
                throw StoreError.unavailable(Self.describe(error))
            }
        }
    }

    public func statement(_ sql: String, _ arguments: [SQLValue], readOnly: Bool) async throws -> [SQLRow] {
        let query = PostgresBlockingConnection.query(sql, arguments)
        let logger = self.logger
        do {
            return try await withLeaseTimeout {
                try await self.client.withConnection { connection in
                    try PostgresBlockingConnection.rows(try await connection.query(query, logger: logger).get())
                }
            }
        } catch let error as PSQLError {
            if let state = error.serverInfo?[.sqlState], state == "55P03" || state == "57014" {
                throw StoreError.busy("PostgreSQL \(state): a lock held by another transaction")
            }
            throw StoreError.unavailable(Self.describe(error))
        }
    }

    /// How long a transaction may wait for a connection (PostgreSQL down or
    /// restarting): then the caller gets `unavailable` (HTTP 503) and retries.
    public static let leaseTimeout: Duration = .seconds(10)

    /// Races the work against a timer without waiting for the loser: a
    /// query on a connection the server dropped mid-restart may take long to
    /// fail, and the kiosk should hear "retry" in seconds, not minutes.
    private func withLeaseTimeout<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = ResumeOnce()
        let timer = TimerBox()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let worker = Task {
                do {
                    let value = try await work()
                    if once.claim() { continuation.resume(returning: value) }
                } catch {
                    if once.claim() { continuation.resume(throwing: error) }
                }
                timer.cancel()
            }
            // An event-loop timer, not two more tasks per call (profiling:
            // task switches were a large part of a request's cost).
            timer.set(MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .seconds(Int64(Self.leaseTimeout.components.seconds))) {
                if once.claim() {
                    worker.cancel()
                    continuation.resume(throwing: StoreError.unavailable("no answer from PostgreSQL within \(Self.leaseTimeout)"))
                }
            })
        }
    }

    private func runOnce<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        let logger = self.logger
        let threads = self.threads
        return try await client.withConnection { connection in
            try await threads.runIfActive {
                let c = PostgresBlockingConnection(connection: connection, logger: logger)
                try c.query("BEGIN ISOLATION LEVEL SERIALIZABLE", [])
                do {
                    let result = try body(c)
                    try c.query("COMMIT", [])
                    return result
                } catch {
                    _ = try? c.query("ROLLBACK", [])
                    throw error
                }
            }
        }
    }

    /// Stops the pool. Does not wait for a query stuck on a connection the
    /// server dropped: its thread is released when the socket finally fails.
    public func close() async throws {
        runTask.cancel()
        threads.shutdownGracefully(queue: .global()) { _ in }
    }

    /// The server's message and SQLSTATE; never the query's bound values.
    static func describe(_ error: PSQLError) -> String {
        if let info = error.serverInfo {
            return "PostgreSQL \(info[.sqlState] ?? "?"): \(info[.message] ?? "error")"
        }
        return "PostgreSQL connection: \(error.code)"
    }
}

/// One connection inside a transaction, used from a pool thread.
struct PostgresBlockingConnection: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try Self.rows(try connection.query(Self.query(sql, arguments), logger: logger).wait())
    }

    static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.count)
        for a in arguments {
            switch a {
            case .null: binds.appendNull()
            case .int(let i): binds.append(i)
            case .text(let s): binds.append(s)
            case .blob(let b): binds.append(ByteBuffer(bytes: b))
            }
        }
        return PostgresQuery(unsafeSQL: SQLDialect.postgres.render(sql), binds: binds)
    }

    static func rows(_ result: PostgresQueryResult) throws -> [SQLRow] {
        try result.rows.map { row in
            try SQLRow(row.map { cell -> SQLValue in
                guard cell.bytes != nil else { return .null }
                switch cell.dataType {
                case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
                case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
                case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
                default: return .text(try cell.decode(String.self))
                }
            })
        }
    }
}

/// The lease timer, cancelled by the work when it ends first.
final class TimerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var scheduled: Scheduled<Void>?
    private var cancelled = false
    func set(_ s: Scheduled<Void>) {
        let cancelNow = lock.withLock { () -> Bool in
            if cancelled { return true }
            scheduled = s
            return false
        }
        if cancelNow { s.cancel() }
    }
    func cancel() {
        let s = lock.withLock { () -> Scheduled<Void>? in cancelled = true; return scheduled }
        s?.cancel()
    }
}

/// Lets exactly one of several racers resume a continuation.
final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func claim() -> Bool { lock.withLock { if done { return false }; done = true; return true } }
}
