import Foundation

/// The schema, in order. A migration is never edited once released: a
/// change is a new migration. Both dialects run the same list.
enum Migrations {
    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
        var sqliteOnly: [String] = []
        var postgresOnly: [String] = []
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "initial", statements: [
            """
            CREATE TABLE kiosks (
                id TEXT PRIMARY KEY,
                public_key BYTEA NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            // Nonces seen, kept until their timestamp is out of the skew window.
            """
            CREATE TABLE request_nonces (
                kiosk_id TEXT NOT NULL,
                nonce TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                PRIMARY KEY (kiosk_id, nonce)
            )
            """,
            "CREATE INDEX request_nonces_expiry ON request_nonces (expires_at)",
            // One row per assuré ouvrant droit; the foyer's persons and the
            // codes' hashes are JSON documents read and written whole, under
            // the row's lock.
            """
            CREATE TABLE assures (
                nir TEXT PRIMARY KEY,
                mobile TEXT,
                situation_json TEXT NOT NULL,
                persons_json TEXT NOT NULL,
                codes_json TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE cards (
                serial TEXT PRIMARY KEY,
                assure_nir TEXT NOT NULL REFERENCES assures(nir),
                person_index INTEGER NOT NULL,
                generation INTEGER,
                issuer TEXT,
                issue_date TEXT,
                status TEXT NOT NULL,
                status_changed_at BIGINT
            )
            """,
            "CREATE INDEX cards_assure ON cards (assure_nir)",
            // A command id is applied once; the first answer is kept and repeated.
            """
            CREATE TABLE applied_commands (
                id TEXT PRIMARY KEY,
                kiosk_id TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                receipt_json TEXT NOT NULL
            )
            """,
            // No number and no text: the text holds the code.
            """
            CREATE TABLE sms_messages (
                id TEXT PRIMARY KEY,
                kiosk_id TEXT,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                dlr_status INTEGER,
                dlr_at BIGINT
            )
            """,
            // Append-only (triggers below). Subjects are keyed hashes, never NIRs.
            """
            CREATE TABLE audit_log (
                seq {SERIAL_PK},
                at BIGINT NOT NULL,
                kiosk_id TEXT,
                action TEXT NOT NULL,
                subject TEXT,
                outcome TEXT NOT NULL,
                command_id TEXT
            )
            """,
            """
            CREATE TABLE central_secrets (
                name TEXT PRIMARY KEY,
                value BYTEA NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE TABLE trusted_issuer_keys (id TEXT PRIMARY KEY, public_key BYTEA NOT NULL)",
            "CREATE TABLE ceam_countries (code TEXT PRIMARY KEY, name TEXT NOT NULL, position INTEGER NOT NULL)",
        ], sqliteOnly: [
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        ], postgresOnly: [
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
            'BEGIN RAISE EXCEPTION ''audit_log is append-only''; END'
            """,
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
        ]),
        Migration(version: 2, name: "command identity, failed authentication counts", statements: [
            // What a command id was used for: a resend is a duplicate only
            // from the same kiosk with the same body (its hash); `status` and
            // `invalidated_card` say whether it may be the predecessor that
            // explains a request on a card no longer active. NULL on commands
            // applied before this migration.
            "ALTER TABLE applied_commands ADD COLUMN body_hash TEXT",
            "ALTER TABLE applied_commands ADD COLUMN status TEXT",
            "ALTER TABLE applied_commands ADD COLUMN invalidated_card TEXT",
            // Failed authentications, counted per source address and minute
            // (never a row per request, never the kiosk id the sender chose);
            // pruned after 90 days.
            """
            CREATE TABLE auth_failures (
                window_start BIGINT NOT NULL,
                source TEXT NOT NULL,
                reason TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (window_start, source, reason)
            )
            """,
        ]),
        Migration(version: 3, name: "postal address on file", statements: [
            // The assuré's postal address (Domain.PostalAddress as JSON);
            // NULL for rows written before: no address on file.
            "ALTER TABLE assures ADD COLUMN address_json TEXT",
        ]),
        Migration(version: 4, name: "payments and daily allowances", statements: [
            // Reimbursements paid, per assuré (NIR of the ouvrant droit) and
            // person; read by the day paid. `payee` is 'assure' or the
            // professional's name after 'professional:'.
            """
            CREATE TABLE payments (
                id TEXT PRIMARY KEY,
                assure_nir TEXT NOT NULL REFERENCES assures(nir),
                person_index INTEGER NOT NULL,
                care_date TEXT NOT NULL,
                nature TEXT NOT NULL,
                amount_cents BIGINT NOT NULL,
                paid_on TEXT NOT NULL,
                payee TEXT NOT NULL
            )
            """,
            "CREATE INDEX payments_assure_paid ON payments (assure_nir, paid_on)",
            // Indemnités journalières paid to the assuré, per period of leave.
            """
            CREATE TABLE daily_allowances (
                id TEXT PRIMARY KEY,
                assure_nir TEXT NOT NULL REFERENCES assures(nir),
                from_day TEXT NOT NULL,
                to_day TEXT NOT NULL,
                daily_cents BIGINT NOT NULL,
                amount_cents BIGINT NOT NULL,
                paid_on TEXT NOT NULL
            )
            """,
            "CREATE INDEX daily_allowances_assure_paid ON daily_allowances (assure_nir, paid_on)",
        ]),
        Migration(version: 5, name: "documents sent from a phone", statements: [
            // One row per one-time upload address (issue 13): the token's
            // SHA-256 only; the file sealed with AES-GCM (central secret
            // document-key-aes256), NULL once taken; rows purged 30 days
            // after they were opened.
            """
            CREATE TABLE document_uploads (
                id TEXT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                kiosk_id TEXT NOT NULL,
                session_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                received_at BIGINT,
                taken_at BIGINT,
                media_type TEXT,
                byte_count BIGINT,
                orientation INTEGER,
                sealed BYTEA
            )
            """,
            "CREATE INDEX document_uploads_created ON document_uploads (created_at)",
        ]),
        Migration(version: 6, name: "carte Vitale orders", statements: [
            // One row per order placed (issue 13, seed 000): its stage for
            // tracking; the record (use case, documents, the card before)
            // as JSON. The documents it names stay in document_uploads
            // (order_id) until the order is handled, then are deleted.
            """
            CREATE TABLE vitale_orders (
                id TEXT PRIMARY KEY,
                assure_nir TEXT NOT NULL REFERENCES assures(nir),
                person_index INTEGER NOT NULL,
                kiosk_id TEXT NOT NULL,
                stage TEXT NOT NULL,
                placed_at BIGINT NOT NULL,
                stage_changed_at BIGINT NOT NULL,
                handled_at BIGINT,
                record_json TEXT NOT NULL
            )
            """,
            "CREATE INDEX vitale_orders_assure ON vitale_orders (assure_nir, placed_at)",
            "ALTER TABLE document_uploads ADD COLUMN order_id TEXT",
            "CREATE INDEX document_uploads_order ON document_uploads (order_id)",
        ]),
    ]

    static var latest: Int { all.last!.version }

    /// Applies what is missing. On PostgreSQL an advisory lock makes
    /// concurrent starts of several instances safe.
    static func run(on db: any SQLDatabase) async throws -> [Int] {
        try await db.transaction { c in
            if c.dialect == .postgres { try c.query("SELECT pg_advisory_xact_lock(424242)") }
            try c.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """)
            let done = Set(try c.query("SELECT version FROM schema_migrations").map { try Int($0.int(0)) })
            if let newest = done.max(), newest > latest { throw StoreError.schemaTooNew(found: newest, known: latest) }
            var applied: [Int] = []
            for m in all where !done.contains(m.version) {
                let extra = c.dialect == .sqlite ? m.sqliteOnly : m.postgresOnly
                for s in m.statements + extra { try c.query(s) }
                try c.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                            .init(m.version), .text(m.name), .init(seconds: Date()))
                applied.append(m.version)
            }
            return applied
        }
    }
}
