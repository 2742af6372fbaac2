import Foundation
import GRDB

/// SQLite through GRDB: WAL, one writer, full fsync on commit.
public final class GRDBSQLDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    let pool: DatabasePool

    /// How long a write waits for a lock held by another connection (another
    /// process on the file, a backup) before the request is answered 503:
    /// well under the kiosk's 10 s time-out, so it hears "busy, retry".
    public static let defaultBusyTimeout: TimeInterval = 5

    public init(path: String, busyTimeout: TimeInterval = GRDBSQLDatabase.defaultBusyTimeout) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        config.busyMode = .timeout(busyTimeout)
        pool = try DatabasePool(path: path, configuration: config)
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        do {
            return try await pool.write { db in try body(GRDBConnection(db: db)) }
        } catch let error as DatabaseError {
            throw Self.storeError(error) ?? error
        }
    }

    /// A lock that outlasted the busy time-out, or a file that cannot be
    /// written, is the store's state, not the request's fault: 503, retry.
    /// Other SQLite errors (constraints…) stay what they are.
    static func storeError(_ error: DatabaseError) -> StoreError? {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy("SQLite database locked by another connection")
        case .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_NOMEM:
            return .unavailable("SQLite \(error.resultCode)")
        default:
            return nil
        }
    }

    public func statement(_ sql: String, _ arguments: [SQLValue], readOnly: Bool) async throws -> [SQLRow] {
        do {
            if readOnly { return try await pool.read { db in try GRDBConnection(db: db).query(sql, arguments) } }
            return try await pool.write { db in try GRDBConnection(db: db).query(sql, arguments) }
        } catch let error as DatabaseError {
            throw Self.storeError(error) ?? error
        }
    }

    public func close() async throws { try pool.close() }
}

struct GRDBConnection: SQLConnection {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: dialect.render(sql))
        try statement.setArguments(StatementArguments(arguments.map(\.databaseValue)))
        return try Row.fetchAll(statement).map { row in
            SQLRow(row.databaseValues.map { v in
                switch v.storage {
                case .null: return .null
                case .int64(let i): return .int(i)
                case .double(let d): return .int(Int64(d))
                case .string(let s): return .text(s)
                case .blob(let b): return .blob(Array(b))
                }
            })
        }
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .int(let i): return i.databaseValue
        case .text(let s): return s.databaseValue
        case .blob(let b): return Data(b).databaseValue
        }
    }
}
