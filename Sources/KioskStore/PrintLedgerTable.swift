import Foundation
import GRDB

extension KioskStore {
    /// One document's print record: nil job id means "about to submit"
    /// (written before cupsd is asked).
    public struct PrintRecord: Sendable, Hashable {
        public var documentID: String
        public var cupsJobID: Int?
        public init(documentID: String, cupsJobID: Int?) { self.documentID = documentID; self.cupsJobID = cupsJobID }
    }

    public func printRecord(documentID: String) throws -> PrintRecord? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT cups_job_id FROM print_ledger WHERE document_id = ?", arguments: [documentID]) else {
                return nil
            }
            return PrintRecord(documentID: documentID, cupsJobID: row["cups_job_id"])
        }
    }

    /// Durable when it returns (synchronous = FULL).
    public func savePrintRecord(_ record: PrintRecord, at now: Date = Date()) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO print_ledger (document_id, cups_job_id, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (document_id) DO UPDATE SET cups_job_id = excluded.cups_job_id, updated_at = excluded.updated_at
                """, arguments: [record.documentID, record.cupsJobID, now.timeIntervalSince1970])
        }
    }

    /// Forgets records older than `before` (their documents were printed or given up).
    @discardableResult
    public func purgePrintRecords(before: Date) throws -> Int {
        try db.write { db in
            try db.execute(sql: "DELETE FROM print_ledger WHERE updated_at < ?", arguments: [before.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
