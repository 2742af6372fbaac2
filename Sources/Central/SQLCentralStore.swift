import CentralAPI
import Domain
import Foundation

/// The central store's logic, once, over SQLite or PostgreSQL.
public final class SQLCentralStore: CentralStore {
    public let database: any SQLDatabase
    public var dialect: SQLDialect { database.dialect }

    public init(database: any SQLDatabase) { self.database = database }

    /// SQLite via GRDB: the embedded default.
    public static func sqlite(path: String, busyTimeout: TimeInterval = GRDBSQLDatabase.defaultBusyTimeout) throws -> SQLCentralStore {
        SQLCentralStore(database: try GRDBSQLDatabase(path: path, busyTimeout: busyTimeout))
    }

    /// PostgreSQL via postgres-nio: several instances, one fleet.
    public static func postgres(url: String, maximumConnections: Int = 20,
                                lockTimeout: Duration = PostgresSQLDatabase.defaultLockTimeout) throws -> SQLCentralStore {
        SQLCentralStore(database: try PostgresSQLDatabase(url: url, maximumConnections: maximumConnections, lockTimeout: lockTimeout))
    }

    /// `sqlite:PATH` or `postgres://…`.
    public static func open(location: String) throws -> SQLCentralStore {
        if location.hasPrefix("sqlite:") { return try sqlite(path: String(location.dropFirst("sqlite:".count))) }
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") { return try postgres(url: location) }
        throw StoreError.badLocation(location.hasPrefix("postgres") ? "postgres URL" : "'\(location.prefix(20))…'")
    }

    @discardableResult
    public func migrate() async throws -> [Int] { try await Migrations.run(on: database) }
    public func close() async throws { try await database.close() }

    // MARK: kiosks

    public func registerKiosk(id: String, publicKey: Data, at: Date) async throws {
        try await database.transaction { c in
            try c.query("""
                INSERT INTO kiosks (id, public_key, created_at) VALUES ($1, $2, $3)
                ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key, revoked_at = NULL
                """, .text(id), SQLValue(publicKey), SQLValue(seconds: at))
        }
    }

    @discardableResult
    public func revokeKiosk(id: String, at: Date) async throws -> KioskRevocation {
        try await database.transaction { c in
            guard let row = try c.query("SELECT revoked_at FROM kiosks WHERE id = $1", .text(id)).first else { return .unknown }
            if let earlier = try row.optionalInt(0) { return .alreadyRevoked(at: Date(timeIntervalSince1970: Double(earlier))) }
            try c.query("UPDATE kiosks SET revoked_at = $2 WHERE id = $1", .text(id), SQLValue(seconds: at))
            return .revoked
        }
    }

    public func kiosks() async throws -> [(id: String, revokedAt: Date?)] {
        try await database.transaction { c in
            try c.query("SELECT id, revoked_at FROM kiosks ORDER BY id").map { r in
                (id: try r.text(0), revokedAt: try r.optionalInt(1).map { Date(timeIntervalSince1970: Double($0)) })
            }
        }
    }

    public func kioskPublicKey(id: String) async throws -> Data? {
        try await database.statement("SELECT public_key FROM kiosks WHERE id = $1 AND revoked_at IS NULL", [.text(id)], readOnly: true)
            .first?.blob(0)
    }

    public func useNonce(kioskID: String, nonce: String, at: Date, keepUntil: Date) async throws -> Bool {
        // One statement, atomic on the unique key: a replay finds the row.
        let inserted = try await database.statement("""
            INSERT INTO request_nonces (kiosk_id, nonce, expires_at) VALUES ($1, $2, $3)
            ON CONFLICT (kiosk_id, nonce) DO NOTHING RETURNING nonce
            """, [.text(kioskID), .text(nonce), SQLValue(seconds: keepUntil)], readOnly: false)
        // Expired nonces cannot be replayed anyway (their timestamp is
        // out of the window): forget them now and then.
        if Int.random(in: 0..<64) == 0 {
            try await database.statement("DELETE FROM request_nonces WHERE expires_at < $1", [SQLValue(seconds: at)], readOnly: false)
        }
        return !inserted.isEmpty
    }

    // MARK: files

    public func loadFoyer(serial: String) async throws -> FoyerFile? {
        // One statement sees one snapshot: no transaction needed.
        try Self.foyer(from: try await database.statement(Self.foyerQuery(lock: false, dialect: dialect), [.text(serial)], readOnly: true))
    }

    public func updateFoyer<T: Sendable>(serial: String, _ body: @escaping @Sendable (inout FoyerFile) throws -> T) async throws -> T? {
        try await database.transaction { c in
            guard var file = try Self.readFoyer(c, serial: serial, lock: true) else { return nil }
            let before = file
            let result = try body(&file)
            if file != before { try Self.writeFoyer(c, file, before: before, at: Date()) }
            return result
        }
    }

    public func insertFoyer(_ file: FoyerFile, at: Date) async throws {
        try await database.transaction { c in
            let e = CentralJSON.encoder()
            try c.query("""
                INSERT INTO assures (nir, mobile, situation_json, persons_json, codes_json, updated_at, address_json)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (nir) DO UPDATE SET mobile = excluded.mobile, situation_json = excluded.situation_json,
                    persons_json = excluded.persons_json, codes_json = excluded.codes_json, updated_at = excluded.updated_at,
                    address_json = excluded.address_json
                """, .text(file.nir), SQLValue(file.mobile?.national), .text(try Self.json(e, file.situation)),
                        .text(try Self.json(e, file.persons)), .text(try Self.json(e, file.codes)), SQLValue(seconds: at),
                        SQLValue(try file.address.map { try Self.json(e, $0) }))
            for card in file.cards { try Self.upsertCard(c, card, nir: file.nir) }
        }
    }

    public func applyCommand(_ command: KioskCommand, kioskID: String, bodyHash: String, at: Date,
                             audit: @escaping @Sendable (String?, CommandApplication) -> AuditEntry,
                             _ body: @escaping @Sendable (inout FoyerFile?, CommandPredecessor?) -> CommandReceipt) async throws -> CommandApplication {
        try await database.transaction { c in
            let id = command.id.uuidString.lowercased()
            let result: CommandApplication
            var nir: String?
            if let row = try c.query("SELECT receipt_json, kiosk_id, body_hash FROM applied_commands WHERE id = $1", .text(id)).first {
                // The first receipt goes back only to the kiosk that sent this
                // very command (rows from before body hashes: the kiosk alone).
                let sameBody = try row.optionalText(2).map { $0 == bodyHash } ?? true
                if try row.text(1) == kioskID && sameBody {
                    var receipt = try CentralJSON.decoder().decode(CommandReceipt.self, from: Data(try row.text(0).utf8))
                    receipt.duplicate = true
                    result = .duplicate(receipt)
                } else {
                    result = .idConflict
                }
            } else if let after = command.after,
                      try c.query("SELECT id FROM applied_commands WHERE id = $1", .text(after.uuidString.lowercased())).isEmpty {
                result = .dependencyPending
            } else {
                let predecessor = try command.after.flatMap { after in
                    try c.query("SELECT status, invalidated_card, receipt_json FROM applied_commands WHERE id = $1",
                                .text(after.uuidString.lowercased())).first.map { r in
                        // Rows from before the status column: the receipt says it.
                        let status = try r.optionalText(0)
                            ?? (try Self.decode(CommandReceipt.self, try r.text(2), "a command receipt")).status.rawValue
                        return CommandPredecessor(applied: status == CommandReceipt.Status.applied.rawValue, invalidatedCard: try r.optionalText(1))
                    }
                }
                var file = try Self.readFoyer(c, serial: command.serial, lock: true)
                nir = file?.nir
                let before = file
                let receipt = body(&file, predecessor)
                var invalidated: String?
                if let file, let before, file != before {
                    try Self.writeFoyer(c, file, before: before, at: at)
                    // The card this command made inactive: what a command chained to it may follow.
                    invalidated = file.cards.first { $0.status != .active && before.card($0.serial)?.status == .active }?.serial
                    // An order placed: kept for tracking, with its documents (VitaleOrders.swift).
                    for order in file.placedOrders { try Self.insertVitaleOrder(c, order, nir: file.nir, kioskID: kioskID, at: at) }
                }
                try c.query("""
                    INSERT INTO applied_commands (id, kiosk_id, received_at, receipt_json, body_hash, status, invalidated_card)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, .text(id), .text(kioskID), SQLValue(seconds: at), .text(try Self.json(CentralJSON.encoder(), receipt)),
                            .text(bodyHash), .text(receipt.status.rawValue), SQLValue(invalidated))
                result = .applied(receipt)
            }
            if case .applied = result {} else {
                nir = try c.query("SELECT assure_nir FROM cards WHERE serial = $1", .text(command.serial)).first?.text(0)
            }
            // In the same transaction: an applied command always has its audit entry.
            try Self.insertAudit(c, audit(nir, result))
            return result
        }
    }

    public func isEmpty() async throws -> Bool {
        try await database.transaction { c in try c.query("SELECT nir FROM assures LIMIT 1").isEmpty }
    }

    // MARK: failed authentications

    public func addAuthFailures(_ counts: [AuthFailureCount], pruneBefore: Date) async throws {
        guard !counts.isEmpty else { return }
        try await database.transaction { c in
            for n in counts {
                try c.query("""
                    INSERT INTO auth_failures (window_start, source, reason, count) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (window_start, source, reason) DO UPDATE SET count = auth_failures.count + excluded.count
                    """, SQLValue(seconds: n.windowStart), .text(n.source), .text(n.reason), SQLValue(n.count))
            }
            try c.query("DELETE FROM auth_failures WHERE window_start < $1", SQLValue(seconds: pruneBefore))
        }
    }

    public func authFailures(since: Date) async throws -> [AuthFailureCount] {
        try await database.transaction { c in
            try c.query("""
                SELECT window_start, source, reason, count FROM auth_failures WHERE window_start >= $1
                ORDER BY window_start, source, reason
                """, SQLValue(seconds: since)).map { r in
                AuthFailureCount(windowStart: Date(timeIntervalSince1970: Double(try r.int(0))), source: try r.text(1),
                                 reason: try r.text(2), count: Int(try r.int(3)))
            }
        }
    }

    static func json<T: Encodable>(_ e: JSONEncoder, _ value: T) throws -> String {
        String(decoding: try e.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, _ what: String) throws -> T {
        do { return try CentralJSON.decoder().decode(type, from: Data(text.utf8)) } catch { throw StoreError.corrupt(what) }
    }

    /// Decoding an assuré's persons was the largest single cost of a request
    /// (profile: ~8 % of CPU, every request reads the foyer). Decoding is a
    /// pure function of the stored text, so the text is the key: exact, and
    /// right for several instances (a changed file is a new text).
    static let personsCache = DecodeCache<[PersonFile]>()
    static let situationCache = DecodeCache<AssureSituation>()
    static let codesCache = DecodeCache<CodeFile>()
    static let addressCache = DecodeCache<PostalAddress>()


    /// The assuré of a card and all their cards, in one statement (one row
    /// per card): one round trip instead of three. `lock` takes the assuré's
    /// row lock on PostgreSQL (SQLite has one writer).
    static func foyerQuery(lock: Bool, dialect: SQLDialect) -> String {
        """
        SELECT a.nir, a.mobile, a.situation_json, a.persons_json, a.codes_json,
               k.serial, k.person_index, k.generation, k.issuer, k.issue_date, k.status, k.status_changed_at,
               a.address_json
        FROM cards c JOIN assures a ON a.nir = c.assure_nir JOIN cards k ON k.assure_nir = a.nir
        WHERE c.serial = $1 ORDER BY k.serial\(lock && dialect == .postgres ? " FOR UPDATE OF a" : "")
        """
    }

    static func foyer(from rows: [SQLRow]) throws -> FoyerFile? {
        guard let row = rows.first else { return nil }
        let cards = try rows.map { r in
            CardRecord(serial: try r.text(5), personIndex: Int(try r.int(6)), generation: try r.optionalInt(7).map(Int.init),
                       issuer: try r.optionalText(8), issueDate: try r.optionalText(9).flatMap { CivilDate($0) },
                       status: CardStatus(rawValue: try r.text(10)) ?? .invalidated,
                       statusChangedAt: try r.optionalInt(11).map { Date(timeIntervalSince1970: Double($0)) })
        }
        return FoyerFile(nir: try row.text(0), mobile: try row.optionalText(1).flatMap { MobileNumber($0) },
                         address: try row.optionalText(12).map { text in
                             try addressCache.value(text) { try decode(PostalAddress.self, $0, "address of an assuré") }
                         },
                         situation: try situationCache.value(try row.text(2)) { try decode(AssureSituation.self, $0, "situation of an assuré") },
                         persons: try personsCache.value(try row.text(3)) { try decode([PersonFile].self, $0, "persons of an assuré") },
                         codes: try codesCache.value(try row.text(4)) { try decode(CodeFile.self, $0, "codes of an assuré") },
                         cards: cards)
    }

    static func readFoyer(_ c: any SQLConnection, serial: String, lock: Bool) throws -> FoyerFile? {
        try foyer(from: try c.query(foyerQuery(lock: lock, dialect: c.dialect), .text(serial)))
    }

    static func writeFoyer(_ c: any SQLConnection, _ file: FoyerFile, before: FoyerFile, at: Date) throws {
        let e = CentralJSON.encoder()
        try c.query("""
            UPDATE assures SET mobile = $2, situation_json = $3, persons_json = $4, codes_json = $5, updated_at = $6,
                address_json = $7 WHERE nir = $1
            """, .text(file.nir), SQLValue(file.mobile?.national), .text(try json(e, file.situation)),
                    .text(try json(e, file.persons)), .text(try json(e, file.codes)), SQLValue(seconds: at),
                    SQLValue(try file.address.map { try json(e, $0) }))
        for card in file.cards where !before.cards.contains(card) { try upsertCard(c, card, nir: file.nir) }
    }

    static func upsertCard(_ c: any SQLConnection, _ card: CardRecord, nir: String) throws {
        try c.query("""
            INSERT INTO cards (serial, assure_nir, person_index, generation, issuer, issue_date, status, status_changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (serial) DO UPDATE SET assure_nir = excluded.assure_nir, person_index = excluded.person_index,
                generation = excluded.generation, issuer = excluded.issuer, issue_date = excluded.issue_date,
                status = excluded.status, status_changed_at = excluded.status_changed_at
            """, .text(card.serial), .text(nir), SQLValue(card.personIndex), card.generation.map { SQLValue($0) } ?? .null,
                    SQLValue(card.issuer), SQLValue(card.issueDate?.iso), .text(card.status.rawValue),
                    card.statusChangedAt.map { SQLValue(seconds: $0) } ?? .null)
    }

    // MARK: audit

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await database.statement(Self.auditInsert, Self.auditArguments(entry), readOnly: false)
    }

    static let auditInsert = """
        INSERT INTO audit_log (at, kiosk_id, action, subject, outcome, command_id) VALUES ($1, $2, $3, $4, $5, $6)
        """

    static func auditArguments(_ entry: AuditEntry) -> [SQLValue] {
        [SQLValue(seconds: entry.at), SQLValue(entry.kioskID), .text(entry.action), SQLValue(entry.subject),
         .text(entry.outcome), SQLValue(entry.commandID?.uuidString.lowercased())]
    }

    static func insertAudit(_ c: any SQLConnection, _ entry: AuditEntry) throws {
        try c.query(auditInsert, auditArguments(entry))
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await database.transaction { c in
            try c.query("""
                SELECT seq, at, kiosk_id, action, subject, outcome, command_id FROM audit_log ORDER BY seq DESC LIMIT $1
                """, SQLValue(limit)).map { r in
                AuditEntry(seq: try r.int(0), at: Date(timeIntervalSince1970: Double(try r.int(1))), kioskID: try r.optionalText(2),
                           action: try r.text(3), subject: try r.optionalText(4), outcome: try r.text(5),
                           commandID: try r.optionalText(6).flatMap { UUID(uuidString: $0) })
            }
        }
    }

    // MARK: SMS

    public func recordSMS(id: String, kioskID: String?, status: String, attempts: Int, error: String?, at: Date) async throws {
        try await database.transaction { c in
            try c.query("""
                INSERT INTO sms_messages (id, kiosk_id, status, attempts, last_error, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $6)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                    last_error = excluded.last_error, updated_at = excluded.updated_at
                """, .text(id), SQLValue(kioskID), .text(status), SQLValue(attempts), SQLValue(error), SQLValue(seconds: at))
        }
    }

    public func recordDeliveryReport(id: String, status: Int, at: Date) async throws -> Bool {
        try await database.transaction { c in
            !(try c.query("UPDATE sms_messages SET dlr_status = $2, dlr_at = $3 WHERE id = $1 RETURNING id",
                          .text(id), SQLValue(status), SQLValue(seconds: at)).isEmpty)
        }
    }

    public func sms(id: String) async throws -> SMSRecord? {
        try await database.transaction { c in
            try c.query("SELECT id, kiosk_id, status, attempts, last_error, dlr_status FROM sms_messages WHERE id = $1", .text(id))
                .first.map { r in
                    SMSRecord(id: try r.text(0), kioskID: try r.optionalText(1), status: try r.text(2), attempts: Int(try r.int(3)),
                              lastError: try r.optionalText(4), deliveryStatus: try r.optionalInt(5).map(Int.init))
                }
        }
    }

    // MARK: secrets and reference data

    public func secret(named name: String, make: @escaping @Sendable () -> Data, at: Date) async throws -> Data {
        try await database.transaction { c in
            try c.query("INSERT INTO central_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                        .text(name), SQLValue(make()), SQLValue(seconds: at))
            guard let value = try c.query("SELECT value FROM central_secrets WHERE name = $1", .text(name)).first?.blob(0) else {
                throw StoreError.corrupt("secret \(name) missing after insert")
            }
            return value
        }
    }

    public func setReference(issuerKeys: [TrustedKey], countries: [CEAMCountry]) async throws {
        try await database.transaction { c in
            try c.query("DELETE FROM trusted_issuer_keys")
            for k in issuerKeys {
                try c.query("INSERT INTO trusted_issuer_keys (id, public_key) VALUES ($1, $2)", .text(k.id), SQLValue(k.publicKey))
            }
            try c.query("DELETE FROM ceam_countries")
            for (i, country) in countries.enumerated() {
                try c.query("INSERT INTO ceam_countries (code, name, position) VALUES ($1, $2, $3)",
                            .text(country.code), .text(country.name), SQLValue(i))
            }
        }
    }

    public func trustedIssuerKeys() async throws -> [TrustedKey] {
        try await database.statement("SELECT id, public_key FROM trusted_issuer_keys ORDER BY id", [], readOnly: true)
            .map { TrustedKey(id: try $0.text(0), publicKey: try $0.blob(1)) }
    }

    public func ceamCountries() async throws -> [CEAMCountry] {
        try await database.statement("SELECT code, name FROM ceam_countries ORDER BY position", [], readOnly: true)
            .map { CEAMCountry(code: try $0.text(0), name: try $0.text(1)) }
    }

    public func setPayments(nir: String, payments: [Payment], allowances: [DailyAllowancePayment]) async throws {
        try await database.transaction { c in
            try c.query("DELETE FROM payments WHERE assure_nir = $1", .text(nir))
            try c.query("DELETE FROM daily_allowances WHERE assure_nir = $1", .text(nir))
            for p in payments {
                let payee = switch p.payee { case .assure: "assure"; case .professional(let name): "professional:" + name }
                try c.query("""
                    INSERT INTO payments (id, assure_nir, person_index, care_date, nature, amount_cents, paid_on, payee)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """, .text(p.id), .text(nir), SQLValue(p.personIndex), .text(p.careDate.description), .text(p.nature.rawValue),
                            SQLValue(p.amountPaid.cents), .text(p.paidOn.description), .text(payee))
            }
            for a in allowances {
                try c.query("""
                    INSERT INTO daily_allowances (id, assure_nir, from_day, to_day, daily_cents, amount_cents, paid_on)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, .text(a.id), .text(nir), .text(a.from.description), .text(a.to.description), SQLValue(a.dailyAmount.cents),
                            SQLValue(a.amountPaid.cents), .text(a.paidOn.description))
            }
        }
    }

    public func payments(nir: String, paidFrom: CivilDate, to: CivilDate) async throws -> [Payment] {
        try await database.statement("""
            SELECT id, person_index, care_date, nature, amount_cents, paid_on, payee FROM payments
            WHERE assure_nir = $1 AND paid_on >= $2 AND paid_on <= $3 ORDER BY paid_on DESC, id
            """, [.text(nir), .text(paidFrom.description), .text(to.description)], readOnly: true).map { r in
            let payee = try r.text(6)
            return Payment(id: try r.text(0), personIndex: Int(try r.int(1)), careDate: try Self.day(r.text(2)),
                           nature: try CareNature(rawValue: r.text(3)).orCorrupt("payment nature"), amountPaid: Money(cents: Int(try r.int(4))),
                           paidOn: try Self.day(r.text(5)),
                           payee: payee.hasPrefix("professional:") ? .professional(name: String(payee.dropFirst("professional:".count))) : .assure)
        }
    }

    public func dailyAllowances(nir: String, paidFrom: CivilDate, to: CivilDate) async throws -> [DailyAllowancePayment] {
        try await database.statement("""
            SELECT id, from_day, to_day, daily_cents, amount_cents, paid_on FROM daily_allowances
            WHERE assure_nir = $1 AND paid_on >= $2 AND paid_on <= $3 ORDER BY paid_on, from_day, id
            """, [.text(nir), .text(paidFrom.description), .text(to.description)], readOnly: true).map { r in
            DailyAllowancePayment(id: try r.text(0), from: try Self.day(r.text(1)), to: try Self.day(r.text(2)),
                                  dailyAmount: Money(cents: Int(try r.int(3))), amountPaid: Money(cents: Int(try r.int(4))),
                                  paidOn: try Self.day(r.text(5)))
        }
    }

    /// A `YYYY-MM-DD` column.
    static func day(_ text: String) throws -> CivilDate {
        guard let d = CivilDate(text) else { throw StoreError.corrupt("a day column holds \(text)") }
        return d
    }

    public func opposedSerials() async throws -> [String] {
        try await database.statement("SELECT serial FROM cards WHERE status <> 'active' ORDER BY serial", [], readOnly: true).map { try $0.text(0) }
    }
}

/// Decoded values by their JSON text, bounded (emptied when full: simple,
/// and a working set of foyers refills it at once).
final class DecodeCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]
    let capacity: Int

    init(capacity: Int = 2048) { self.capacity = capacity }

    func value(_ text: String, decode: (String) throws -> Value) throws -> Value {
        if let v = lock.withLock({ values[text] }) { return v }
        let v = try decode(text)
        lock.withLock {
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[text] = v
        }
        return v
    }
}

extension Optional {
    /// The value, or `StoreError.corrupt` naming what did not decode.
    func orCorrupt(_ what: String) throws -> Wrapped {
        guard let self else { throw StoreError.corrupt("\(what) does not decode") }
        return self
    }
}
