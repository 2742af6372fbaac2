import Central
import CentralAPI
import Domain
import Foundation

/// The real central store with faults switched on and off by a scenario:
/// every call forwards to the store it wraps, unless a fault is on, and
/// then throws what a failing database throws. `CentralService` answers
/// those as it does in production (503 with Retry-After), and the kiosk's
/// real client and outbox act on that. It decides no rule.
public final class FaultInjectingCentralStore: CentralStore, UploadStoreProvider, @unchecked Sendable {
    public struct Faults: Sendable, Hashable {
        /// The database cannot be reached: every call fails (503).
        public var away = false
        /// Commands cannot be written (a lock held elsewhere): applying one
        /// fails with `busy` (503); reads still answer.
        public var commandsBusy = false
        /// Foyers cannot be read (503) while commands still apply: the
        /// answer to a request arrives, the list read after it does not.
        public var foyerReadsAway = false
        public init() {}
    }

    public let wrapped: any CentralStore
    private let lock = NSLock()
    private var _faults = Faults()

    public init(wrapping store: any CentralStore) { wrapped = store }

    public var faults: Faults {
        get { lock.withLock { _faults } }
        set { lock.withLock { _faults = newValue } }
    }

    private func check(command: Bool = false, foyerRead: Bool = false) throws {
        let f = faults
        if f.away { throw StoreError.unavailable("scenario: the central store's database is away") }
        if command, f.commandsBusy { throw StoreError.busy("scenario: commands cannot be written now") }
        if foyerRead, f.foyerReadsAway { throw StoreError.unavailable("scenario: foyers cannot be read now") }
    }

    /// The documents and carte Vitale orders (`/v1/uploads`, `vitale-orders`):
    /// the SQL store this one wraps, nil while the database is away (the
    /// service then answers 503, as for every other call).
    public var uploadStore: SQLCentralStore? {
        faults.away ? nil : wrapped as? SQLCentralStore
    }

    public var dialect: SQLDialect { wrapped.dialect }
    public func migrate() async throws -> [Int] { try await wrapped.migrate() }
    public func close() async throws { try await wrapped.close() }

    public func registerKiosk(id: String, publicKey: Data, at: Date) async throws {
        try check(); try await wrapped.registerKiosk(id: id, publicKey: publicKey, at: at)
    }
    public func revokeKiosk(id: String, at: Date) async throws -> KioskRevocation { try check(); return try await wrapped.revokeKiosk(id: id, at: at) }
    public func kiosks() async throws -> [(id: String, revokedAt: Date?)] { try check(); return try await wrapped.kiosks() }
    public func kioskPublicKey(id: String) async throws -> Data? { try check(); return try await wrapped.kioskPublicKey(id: id) }
    public func useNonce(kioskID: String, nonce: String, at: Date, keepUntil: Date) async throws -> Bool {
        try check(); return try await wrapped.useNonce(kioskID: kioskID, nonce: nonce, at: at, keepUntil: keepUntil)
    }

    public func loadFoyer(serial: String) async throws -> FoyerFile? { try check(foyerRead: true); return try await wrapped.loadFoyer(serial: serial) }
    public func updateFoyer<T: Sendable>(serial: String, _ body: @escaping @Sendable (inout FoyerFile) throws -> T) async throws -> T? {
        try check(); return try await wrapped.updateFoyer(serial: serial, body)
    }
    public func insertFoyer(_ file: FoyerFile, at: Date) async throws { try check(); try await wrapped.insertFoyer(file, at: at) }
    public func applyCommand(_ command: KioskCommand, kioskID: String, bodyHash: String, at: Date,
                             audit: @escaping @Sendable (String?, CommandApplication) -> AuditEntry,
                             _ body: @escaping @Sendable (inout FoyerFile?, CommandPredecessor?) -> CommandReceipt) async throws -> CommandApplication {
        try check(command: true)
        return try await wrapped.applyCommand(command, kioskID: kioskID, bodyHash: bodyHash, at: at, audit: audit, body)
    }
    public func isEmpty() async throws -> Bool { try check(); return try await wrapped.isEmpty() }

    public func addAuthFailures(_ counts: [AuthFailureCount], pruneBefore: Date) async throws {
        try check(); try await wrapped.addAuthFailures(counts, pruneBefore: pruneBefore)
    }
    public func authFailures(since: Date) async throws -> [AuthFailureCount] { try check(); return try await wrapped.authFailures(since: since) }

    public func appendAudit(_ entry: AuditEntry) async throws { try check(); try await wrapped.appendAudit(entry) }
    public func auditLog(limit: Int) async throws -> [AuditEntry] { try check(); return try await wrapped.auditLog(limit: limit) }
    public func recordSMS(id: String, kioskID: String?, status: String, attempts: Int, error: String?, at: Date) async throws {
        try check(); try await wrapped.recordSMS(id: id, kioskID: kioskID, status: status, attempts: attempts, error: error, at: at)
    }
    public func recordDeliveryReport(id: String, status: Int, at: Date) async throws -> Bool {
        try check(); return try await wrapped.recordDeliveryReport(id: id, status: status, at: at)
    }
    public func sms(id: String) async throws -> SMSRecord? { try check(); return try await wrapped.sms(id: id) }
    public func secret(named: String, make: @escaping @Sendable () -> Data, at: Date) async throws -> Data {
        try check(); return try await wrapped.secret(named: named, make: make, at: at)
    }
    public func setReference(issuerKeys: [TrustedKey], countries: [CEAMCountry]) async throws {
        try check(); try await wrapped.setReference(issuerKeys: issuerKeys, countries: countries)
    }
    public func trustedIssuerKeys() async throws -> [TrustedKey] { try check(); return try await wrapped.trustedIssuerKeys() }
    public func ceamCountries() async throws -> [CEAMCountry] { try check(); return try await wrapped.ceamCountries() }
    public func opposedSerials() async throws -> [String] { try check(); return try await wrapped.opposedSerials() }
    public func setPayments(nir: String, payments: [Payment], allowances: [DailyAllowancePayment]) async throws {
        try check(); try await wrapped.setPayments(nir: nir, payments: payments, allowances: allowances)
    }
    public func payments(nir: String, paidFrom: CivilDate, to: CivilDate) async throws -> [Payment] {
        try check(); return try await wrapped.payments(nir: nir, paidFrom: paidFrom, to: to)
    }
    public func dailyAllowances(nir: String, paidFrom: CivilDate, to: CivilDate) async throws -> [DailyAllowancePayment] {
        try check(); return try await wrapped.dailyAllowances(nir: nir, paidFrom: paidFrom, to: to)
    }
}
