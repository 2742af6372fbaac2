import CentralAPI
import Domain
import Foundation
import GRDB
import Synchronization

/// The kiosk's own SQLite: the outbox of confirmed commands not yet
/// acknowledged by the central store, the reference data cache with its
/// age, and local lock-out counters.
///
/// Durability: WAL with `synchronous = FULL`, so `enqueue` returns only
/// after the commit is on disk: a screen may then say the request was taken,
/// even if the power goes the next instant. It keeps no assuré data past
/// the session except what an unsent command needs; an acknowledged
/// command's body is erased.
public final class KioskStore: Sendable {
    let db: DatabaseQueue
    public let path: String
    /// The decoded reference data, kept while its row is unchanged: every
    /// card read asks for it (trust keys, opposition list), and decoding
    /// the JSON each time cost more than the read itself.
    private let decodedReference = Mutex<DecodedReference?>(nil)

    struct DecodedReference: Sendable {
        var fetchedAt: Double
        var cached: CachedReference
        var opposed: Set<String>
    }

    public init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        config.busyMode = .timeout(10)
        self.path = path
        db = try DatabaseQueue(path: path, configuration: config)
        // WAL outside a transaction, once; it persists in the file.
        _ = try db.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator.migrate(db)
    }

    /// Closes the database (its file, WAL and shared memory): a test or a
    /// scenario that is over gives its descriptors back at once.
    public func close() throws { try db.close() }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    body BLOB,
                    created_at DOUBLE NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DOUBLE NOT NULL,
                    last_error TEXT,
                    receipt BLOB,
                    done_at DOUBLE
                );
                CREATE INDEX outbox_pending ON outbox (state, next_attempt_at);
                CREATE TABLE reference_cache (
                    name TEXT PRIMARY KEY,
                    body BLOB NOT NULL,
                    fetched_at DOUBLE NOT NULL
                );
                CREATE TABLE lockouts (
                    key TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    updated_at DOUBLE NOT NULL
                );
                """)
        }
        // Printed documents, so none is printed twice (PrintJobLedger in KioskRuntime).
        m.registerMigration("v2-print-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE print_ledger (
                    document_id TEXT PRIMARY KEY,
                    cups_job_id INTEGER,
                    updated_at DOUBLE NOT NULL
                );
                """)
        }
        // The card and person of a request, so that a provisional certificate
        // the central store issued once the assuré had left (card pulled,
        // request queued) is printed at their next visit. Kept after the
        // acknowledgement only for a receipt with a certificate.
        m.registerMigration("v3-outbox-card") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN serial TEXT;
                ALTER TABLE outbox ADD COLUMN person_index INTEGER;
                CREATE INDEX outbox_serial ON outbox (serial);
                """)
        }
        // A request the assuré was told was recorded, then refused by the
        // central store or parked after they left: said at their next visit,
        // once (told_at). `action` is the command's name ("ceam.order"), no
        // personal data, so the right service says it.
        m.registerMigration("v4-outbox-told") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN action TEXT;
                ALTER TABLE outbox ADD COLUMN told_at DOUBLE;
                """)
        }
        // Failures of the command's own (an answer that does not decode, a
        // predecessor that does not come), apart from `attempts` (every try):
        // only those park it, never the central store being busy or down.
        m.registerMigration("v5-outbox-failures") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN failures INTEGER NOT NULL DEFAULT 0")
        }
        return m
    }

    // MARK: outbox

    public enum EntryState: String, Sendable, Codable {
        case pending
        /// Acknowledged as applied (or as a duplicate of an applied one).
        case delivered
        /// Acknowledged and refused by the rules: final, nothing to resend.
        case refused
        /// Refused for good by the central store at the HTTP level (malformed,
        /// unknown card…) or failing past the attempt limit: parked, body kept,
        /// never purged, so the queue behind it goes on (`DeadLetters.swift`).
        case deadLetter = "dead"
    }

    public struct OutboxEntry: Sendable, Hashable {
        public var seq: Int64
        public var id: UUID
        /// nil once acknowledged (erased).
        public var command: KioskCommand?
        public var state: EntryState
        /// Every try.
        public var attempts: Int
        /// Tries that failed on the command's own account (see `markRetry`).
        public var failures: Int
        public var nextAttemptAt: Date
        public var lastError: String?
        public var receipt: CommandReceipt?
    }

    /// Writes a confirmed command durably. Returns after the fsync'd commit.
    /// The same id twice is a no-op (a double tap cannot queue it twice).
    public func enqueue(_ command: KioskCommand, at now: Date = Date()) throws {
        let body = try CentralJSON.encoder().encode(command)
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO outbox (id, body, created_at, next_attempt_at, serial, person_index, action) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """, arguments: [command.id.uuidString.lowercased(), body, now.timeIntervalSince1970, now.timeIntervalSince1970,
                                 command.serial, command.personIndex, command.action.name])
        }
    }

    /// Pending commands due at `now`, oldest first (the order they were
    /// confirmed in). A retry set more than `maxWait` ahead is due too: the
    /// kiosk's clock was set back since it was scheduled.
    public func due(at now: Date, limit: Int = 100, maxWait: TimeInterval = 3600) throws -> [OutboxEntry] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, id, body, state, attempts, failures, next_attempt_at, last_error, receipt FROM outbox
                WHERE state = 'pending' AND (next_attempt_at <= ? OR next_attempt_at > ?) ORDER BY seq LIMIT ?
                """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970 + maxWait, limit]).map(Self.entry)
        }
    }

    public func entry(id: UUID) throws -> OutboxEntry? {
        try db.read { db in
            try Row.fetchOne(db, sql: """
                SELECT seq, id, body, state, attempts, failures, next_attempt_at, last_error, receipt FROM outbox WHERE id = ?
                """, arguments: [id.uuidString.lowercased()]).map(Self.entry)
        }
    }

    public func all() throws -> [OutboxEntry] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, id, body, state, attempts, failures, next_attempt_at, last_error, receipt FROM outbox ORDER BY seq
                """).map(Self.entry)
        }
    }

    static func entry(_ row: Row) throws -> OutboxEntry {
        let decoder = CentralJSON.decoder()
        let body: Data? = row["body"]
        let receipt: Data? = row["receipt"]
        let idText: String = row["id"]
        let stateText: String = row["state"]
        return OutboxEntry(seq: row["seq"], id: UUID(uuidString: idText) ?? UUID(),
                           command: try body.map { try decoder.decode(KioskCommand.self, from: $0) },
                           state: EntryState(rawValue: stateText) ?? .pending, attempts: row["attempts"],
                           failures: row["failures"], nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastError: row["last_error"],
                           receipt: try receipt.map { try decoder.decode(CommandReceipt.self, from: $0) })
    }

    /// The central store answered: erase the body, keep the outcome.
    public func markAcknowledged(id: UUID, receipt: CommandReceipt, at now: Date = Date()) throws {
        // The person's state (names, NIR, rights) is for the screen of the
        // moment, never for the kiosk's disk: the body is erased for the
        // same reason.
        var kept = receipt
        kept.person = nil
        let data = try CentralJSON.encoder().encode(kept)
        let state: EntryState = receipt.status == .applied ? .delivered : .refused
        // Which card and person: only while a certificate may still be owed,
        // or a refusal said at the next visit.
        let keepCard = receipt.status == .refused || receipt.provisionalCertificate != nil
        try db.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = ?, body = NULL, receipt = ?, done_at = ?, attempts = attempts + 1, last_error = NULL,
                    serial = CASE WHEN ? THEN serial END, person_index = CASE WHEN ? THEN person_index END
                WHERE id = ? AND state = 'pending'
                """, arguments: [state.rawValue, data, now.timeIntervalSince1970, keepCard, keepCard, id.uuidString.lowercased()])
        }
    }

    /// Not delivered: try again at `next`. `countsAgainstCommand` when the
    /// failure may be the command's own (it adds to `failures`, which parks
    /// it in the end); a busy or unreachable central store does not.
    public func markRetry(id: UUID, error: String, next: Date, countsAgainstCommand: Bool = false) throws {
        try db.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, failures = failures + ?, last_error = ?, next_attempt_at = ?
                WHERE id = ? AND state = 'pending'
                """, arguments: [countsAgainstCommand ? 1 : 0, String(error.prefix(500)), next.timeIntervalSince1970, id.uuidString.lowercased()])
        }
    }

    /// Commands still waiting (not acknowledged, not parked), oldest first.
    /// Their bodies are kept until acknowledged, so each says its card,
    /// person and action: what a session needs to know is on its way. An
    /// entry that no longer decodes is left out, not the whole list.
    public func pending() throws -> [OutboxEntry] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, id, body, state, attempts, failures, next_attempt_at, last_error, receipt FROM outbox
                WHERE state = 'pending' ORDER BY seq
                """).compactMap { try? Self.entry($0) }
        }
    }

    /// A provisional certificate the central store issued for a request of
    /// this kiosk.
    /// Certificates issued for this card's applied requests, oldest first,
    /// as long as their entries are kept (`purgeAcknowledged`).
    public func issuedCertificates(serial: String) throws -> [IssuedCertificate] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, person_index, receipt FROM outbox
                WHERE state = 'delivered' AND serial = ? AND person_index IS NOT NULL AND receipt IS NOT NULL ORDER BY seq
                """, arguments: [serial]).compactMap { row in
                let idText: String = row["id"], receipt: Data = row["receipt"]
                guard let id = UUID(uuidString: idText),
                      let cert = try? CentralJSON.decoder().decode(CommandReceipt.self, from: receipt).provisionalCertificate else { return nil }
                return IssuedCertificate(commandID: id, personIndex: row["person_index"], certificate: cert)
            }
        }
    }

    /// This card's refused or parked requests not yet said, oldest first.
    public func unsuccessful(serial: String) throws -> [UnsuccessfulRequest] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, person_index, action, created_at, state FROM outbox
                WHERE state IN ('refused', 'dead') AND told_at IS NULL AND serial = ?
                    AND person_index IS NOT NULL AND action IS NOT NULL ORDER BY seq
                """, arguments: [serial]).compactMap { row in
                let idText: String = row["id"], state: String = row["state"]
                guard let id = UUID(uuidString: idText) else { return nil }
                return UnsuccessfulRequest(id: id, personIndex: row["person_index"], action: row["action"],
                                           confirmedAt: Date(timeIntervalSince1970: row["created_at"]), parked: state == "dead")
            }
        }
    }

    /// The assuré was told (on the screen of the moment or at a later visit): not said again.
    public func markTold(ids: [UUID], at now: Date = Date()) throws {
        guard !ids.isEmpty else { return }
        try db.write { db in
            for id in ids {
                try db.execute(sql: "UPDATE outbox SET told_at = ? WHERE id = ? AND told_at IS NULL",
                               arguments: [now.timeIntervalSince1970, id.uuidString.lowercased()])
            }
        }
    }

    /// Commands still waiting.
    public func pendingCount() throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0 }
    }

    /// Forgets acknowledged entries older than `before`.
    @discardableResult
    public func purgeAcknowledged(before: Date) throws -> Int {
        try db.write { db in
            // Dead letters stay until someone deals with them.
            try db.execute(sql: "DELETE FROM outbox WHERE state IN ('delivered', 'refused') AND done_at < ?", arguments: [before.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: reference data

    public struct CachedReference: Sendable {
        public var data: ReferenceData
        public var fetchedAt: Date
        public func age(at now: Date) -> TimeInterval { now.timeIntervalSince(fetchedAt) }
    }

    public func saveReference(_ data: ReferenceData, fetchedAt: Date = Date()) throws {
        let body = try CentralJSON.encoder().encode(data)
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO reference_cache (name, body, fetched_at) VALUES ('reference', ?, ?)
                ON CONFLICT (name) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at
                """, arguments: [body, fetchedAt.timeIntervalSince1970])
        }
        decodedReference.withLock { $0 = nil }
    }

    public func reference() throws -> CachedReference? {
        try decoded()?.cached
    }

    /// Whether the cached opposition list refuses this serial (offline check).
    public func isOpposed(serial: String) throws -> Bool {
        try decoded()?.opposed.contains(serial) ?? false
    }

    /// The row's date is read each time (another process may have saved
    /// newer data); the body is decoded only when it changed.
    private func decoded() throws -> DecodedReference? {
        try db.read { db -> DecodedReference? in
            guard let at = try Double.fetchOne(db, sql: "SELECT fetched_at FROM reference_cache WHERE name = 'reference'") else {
                return nil
            }
            if let known = decodedReference.withLock({ $0 }), known.fetchedAt == at { return known }
            guard let body = try Data.fetchOne(db, sql: "SELECT body FROM reference_cache WHERE name = 'reference'") else { return nil }
            let data = try CentralJSON.decoder().decode(ReferenceData.self, from: body)
            let fresh = DecodedReference(fetchedAt: at, cached: CachedReference(data: data, fetchedAt: Date(timeIntervalSince1970: at)),
                                         opposed: Set(data.opposedSerials))
            decodedReference.withLock { $0 = fresh }
            return fresh
        }
    }

    // MARK: lock-out counters

    /// Counts one failure under `key` (a keyed hash, never a NIR); the new count.
    @discardableResult
    public func recordFailure(key: String, at now: Date = Date()) throws -> Int {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO lockouts (key, failures, updated_at) VALUES (?, 1, ?)
                ON CONFLICT (key) DO UPDATE SET failures = failures + 1, updated_at = excluded.updated_at
                """, arguments: [key, now.timeIntervalSince1970])
            return try Int.fetchOne(db, sql: "SELECT failures FROM lockouts WHERE key = ?", arguments: [key]) ?? 0
        }
    }

    public func failures(key: String) throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT failures FROM lockouts WHERE key = ?", arguments: [key]) ?? 0 }
    }

    public func resetFailures(key: String) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM lockouts WHERE key = ?", arguments: [key]) }
    }
}

extension KioskStore {
    /// Makes every pending command due now: the central store has just
    /// answered (a foyer read), so what waits on a backoff of up to minutes
    /// goes at the relay's next turn. Order is kept (the relay sends by seq).
    @discardableResult
    public func retryPendingNow(at now: Date = Date()) throws -> Int {
        try db.write { db in
            try db.execute(sql: "UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?",
                           arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

extension KioskStore {
    /// Holds every pending command after `seq` until `date` (keeps the order
    /// when an earlier one cannot be delivered).
    public func postpone(after seq: Int64, until date: Date) throws {
        try db.write { db in
            try db.execute(sql: """
                UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?) WHERE state = 'pending' AND seq > ?
                """, arguments: [date.timeIntervalSince1970, seq])
        }
    }
}

extension KioskStore {
    /// journal_mode and synchronous as SQLite reports them (for checks and `status`).
    public func pragmas() throws -> (journal: String, synchronous: Int) {
        try db.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }
}
