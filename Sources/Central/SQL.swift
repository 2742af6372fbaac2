import Foundation

/// The small SQL seam both stores share: one transaction at a time, plain
/// values in and out. The store's logic is written once over it and runs on
/// SQLite (GRDB) and PostgreSQL (postgres-nio).
///
/// Statements use PostgreSQL's `$1` placeholders; the SQLite side rewrites
/// them to `?1`. Tokens in braces pick the dialect's spelling (see
/// `SQLDialect.render`).
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLValue {
    public init(_ v: Int) { self = .int(Int64(v)) }
    public init(_ v: String?) { self = v.map { .text($0) } ?? .null }
    public init(_ v: Data) { self = .blob(Array(v)) }
    public init(seconds date: Date) { self = .int(Int64(date.timeIntervalSince1970.rounded(.down))) }
}

public struct SQLRow: Sendable {
    public var values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }

    public func int(_ i: Int) throws -> Int64 {
        if case .int(let v) = values[i] { return v }
        throw StoreError.corrupt("column \(i): expected an integer")
    }

    public func optionalInt(_ i: Int) throws -> Int64? {
        if case .null = values[i] { return nil }
        return try int(i)
    }

    public func text(_ i: Int) throws -> String {
        if case .text(let v) = values[i] { return v }
        throw StoreError.corrupt("column \(i): expected text")
    }

    public func optionalText(_ i: Int) throws -> String? {
        if case .null = values[i] { return nil }
        return try text(i)
    }

    public func blob(_ i: Int) throws -> Data {
        switch values[i] {
        case .blob(let b): return Data(b)
        case .text(let t): return Data(t.utf8)
        default: throw StoreError.corrupt("column \(i): expected bytes")
        }
    }
}

public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// Rewrites `$N` placeholders and `{TOKENS}` for this dialect.
    public func render(_ sql: String) -> String {
        var s = sql
        switch self {
        case .sqlite:
            s = s.replacingOccurrences(of: "{FOR_UPDATE}", with: "")
                .replacingOccurrences(of: "{SERIAL_PK}", with: "INTEGER PRIMARY KEY AUTOINCREMENT")
                .replacingOccurrences(of: "BYTEA", with: "BLOB")
            // $1 → ?1 (no literal in our SQL contains a dollar sign).
            s = s.replacingOccurrences(of: "$", with: "?")
        case .postgres:
            s = s.replacingOccurrences(of: "{FOR_UPDATE}", with: "FOR UPDATE")
                .replacingOccurrences(of: "{SERIAL_PK}", with: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
        }
        return s
    }
}

/// One open transaction. Synchronous on purpose: a transaction body holds
/// no `await`, so it cannot wait on anything but the database.
public protocol SQLConnection {
    var dialect: SQLDialect { get }
    /// Runs one statement; returns its rows (none for most writes).
    @discardableResult
    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLConnection {
    @discardableResult
    public func query(_ sql: String, _ arguments: SQLValue...) throws -> [SQLRow] {
        try query(sql, arguments)
    }
}

/// A database that runs transactions. Implementations retry transactions
/// that lost a serialization race, so bodies must be free of side effects
/// outside the database.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T
    /// One statement on its own: atomic by itself, so no BEGIN and COMMIT
    /// (two round trips and a pool thread fewer on PostgreSQL); `readOnly`
    /// goes to a reader connection on SQLite, never queued behind the writer.
    @discardableResult
    func statement(_ sql: String, _ arguments: [SQLValue], readOnly: Bool) async throws -> [SQLRow]
    func close() async throws
}

/// Errors of the store, in words that say what to do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The data in the store does not decode: a bug or a manual edit.
    case corrupt(String)
    /// The store location is not understood.
    case badLocation(String)
    /// The database could not be reached or refused the statement.
    case unavailable(String)
    /// The database is there but a lock held elsewhere (another writer, a
    /// backup, a migration) outlasted the wait: retry in a few seconds.
    case busy(String)
    /// The schema is newer than this program.
    case schemaTooNew(found: Int, known: Int)

    public var description: String {
        switch self {
        case .corrupt(let what): return "central store data does not decode (\(what))"
        case .badLocation(let what): return "store location not understood: \(what); expected sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        case .unavailable(let what): return "central store unavailable: \(what)"
        case .busy(let what): return "central store busy: \(what); retry in a few seconds"
        case .schemaTooNew(let found, let known): return "the store's schema is version \(found) but this bms-central knows up to \(known): upgrade bms-central"
        }
    }
}
