import CentralAPI
import Domain
import Foundation
import GRDB

/// Dead letters: commands the central store will never take as they are.
/// They leave the queue (so the commands behind them go on) but stay in the
/// kiosk's SQLite with their body and the reason, until a technician sends
/// them again (`requeueDeadLetter`) or deals with them at the caisse.
extension KioskStore {
    public struct DeadLetter: Sendable, Hashable {
        public var id: UUID
        /// The command action's name ("ceam.order"…): no personal data.
        public var action: String?
        public var createdAt: Date
        public var parkedAt: Date
        public var attempts: Int
        public var reason: String
    }

    /// Parks a pending command: it is no longer sent, and it is kept.
    public func markDeadLetter(id: UUID, reason: String, at now: Date = Date()) throws {
        try db.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ? AND state = 'pending'
                """, arguments: [String(reason.prefix(500)), now.timeIntervalSince1970, id.uuidString.lowercased()])
        }
    }

    public func deadLetters() throws -> [DeadLetter] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, body, created_at, done_at, attempts, last_error FROM outbox WHERE state = 'dead' ORDER BY seq
                """).map { row in
                let body: Data? = row["body"]
                let idText: String = row["id"]
                let command = body.flatMap { try? CentralJSON.decoder().decode(KioskCommand.self, from: $0) }
                return DeadLetter(id: UUID(uuidString: idText) ?? UUID(), action: command.map { "\($0.action.name)" },
                                  createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                  parkedAt: Date(timeIntervalSince1970: (row["done_at"] as Double?) ?? 0),
                                  attempts: row["attempts"], reason: row["last_error"] ?? "")
            }
        }
    }

    /// Puts a dead letter back at the end of the queue (after a fix on the
    /// central side); true when there was one with this id.
    @discardableResult
    public func requeueDeadLetter(id: UUID, at now: Date = Date()) throws -> Bool {
        try db.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'pending', attempts = 0, failures = 0, next_attempt_at = ?, done_at = NULL WHERE id = ? AND state = 'dead'
                """, arguments: [now.timeIntervalSince1970, id.uuidString.lowercased()])
            return db.changesCount > 0
        }
    }

    /// What `doctor` and the logs report about the outbox.
    public struct OutboxHealth: Sendable, Hashable {
        /// Commands waiting to be sent.
        public var pending: Int
        /// When the oldest of them was confirmed.
        public var oldestPendingAt: Date?
        /// Its attempts and last error, when it has failed.
        public var oldestAttempts: Int
        public var oldestLastError: String?
        public var deadLetters: Int

        public func oldestAge(at now: Date) -> TimeInterval? { oldestPendingAt.map { now.timeIntervalSince($0) } }
    }

    public func outboxHealth() throws -> OutboxHealth {
        try db.read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
            let dead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'dead'") ?? 0
            let oldest = try Row.fetchOne(db, sql: """
                SELECT created_at, attempts, last_error FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 1
                """)
            return OutboxHealth(pending: pending, oldestPendingAt: oldest.map { Date(timeIntervalSince1970: $0["created_at"]) },
                                oldestAttempts: oldest?["attempts"] ?? 0, oldestLastError: oldest?["last_error"], deadLetters: dead)
        }
    }
}
