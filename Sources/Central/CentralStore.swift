import CentralAPI
import Domain
import Foundation

/// A person on the assuré's file, with what the caisse keeps for them.
public struct PersonFile: Codable, Sendable, Hashable {
    public var person: Person
    public var ceam: CEAMRecord
    public var vitale: VitaleCardState
    public var rights: PersonRights?
    public var rightsSufficient: Bool
    /// The caisse recorded a new name or NIR since this person's card was
    /// made (seed 000: « changement de visuel carte »); nil in files of before.
    public var cardVisualOutdated: Bool?

    public init(person: Person, ceam: CEAMRecord = .init(), vitale: VitaleCardState = .none, rights: PersonRights? = nil,
                rightsSufficient: Bool = true, cardVisualOutdated: Bool? = nil) {
        self.person = person
        self.ceam = ceam
        self.vitale = vitale
        self.rights = rights
        self.rightsSufficient = rightsSufficient
        self.cardVisualOutdated = cardVisualOutdated
    }
}

/// A slow salted hash, with the parameters it was made with.
public struct StoredHash: Codable, Sendable, Hashable {
    public var salt: Data
    public var hash: Data
    /// scrypt N (log2), r, p.
    public var logN: Int
    public var r: Int
    public var p: Int
}

/// Everything about an assuré's codes. Never a code in clear.
public struct CodeFile: Codable, Sendable, Hashable {
    public var personal: StoredHash?
    public var failures: Int = 0
    public var provisional: StoredHash?
    public var provisionalExpiresAt: Date?
    /// Wrong codes against the waiting provisional code while the code
    /// personnel is locked (`CodeAttempts.provisionalFailures`); optional:
    /// files written before it read as 0.
    public var provisionalFailures: Int?
    /// Instants of provisional codes sent, pruned to the rate-limit window.
    public var provisionalRequests: [Date] = []

    public init(personal: StoredHash? = nil) { self.personal = personal }
}

public struct CardRecord: Codable, Sendable, Hashable {
    public var serial: String
    public var personIndex: Int
    public var generation: Int?
    public var issuer: String?
    public var issueDate: CivilDate?
    public var status: CardStatus
    public var statusChangedAt: Date?

    public init(serial: String, personIndex: Int, generation: Int? = nil, issuer: String? = nil, issueDate: CivilDate? = nil,
                status: CardStatus = .active, statusChangedAt: Date? = nil) {
        self.serial = serial
        self.personIndex = personIndex
        self.generation = generation
        self.issuer = issuer
        self.issueDate = issueDate
        self.status = status
        self.statusChangedAt = statusChangedAt
    }
}

/// An assuré's whole file, read and written under one lock.
public struct FoyerFile: Codable, Sendable, Hashable {
    /// NIR of the assuré ouvrant droit.
    public var nir: String
    public var mobile: MobileNumber?
    /// The postal address the caisse writes to; nil when none is on file
    /// (files written before migration 3 have none). Its NPAI state is the
    /// situation's `npai`.
    public var address: PostalAddress?
    public var situation: AssureSituation
    public var persons: [PersonFile]
    public var codes: CodeFile
    public var cards: [CardRecord]
    /// Carte Vitale orders an applied command placed, not yet in the store:
    /// the store writes them (`vitale_orders`) in the command's transaction.
    /// Never read back into a file (tracking reads the orders themselves).
    public var placedOrders: [VitaleOrderRecord] = []

    enum CodingKeys: String, CodingKey { case nir, mobile, address, situation, persons, codes, cards }

    public init(nir: String, mobile: MobileNumber?, address: PostalAddress? = nil, situation: AssureSituation = .init(),
                persons: [PersonFile], codes: CodeFile = .init(), cards: [CardRecord]) {
        self.nir = nir
        self.mobile = mobile
        self.address = address
        self.situation = situation
        self.persons = persons
        self.codes = codes
        self.cards = cards
    }

    public func card(_ serial: String) -> CardRecord? { cards.first { $0.serial == serial } }
}

public struct AuditEntry: Codable, Sendable, Hashable {
    public var seq: Int64?
    public var at: Date
    public var kioskID: String?
    public var action: String
    /// A keyed hash of the NIR, never the NIR.
    public var subject: String?
    public var outcome: String
    public var commandID: UUID?

    public init(seq: Int64? = nil, at: Date, kioskID: String?, action: String, subject: String?, outcome: String, commandID: UUID? = nil) {
        self.seq = seq
        self.at = at
        self.kioskID = kioskID
        self.action = action
        self.subject = subject
        self.outcome = outcome
        self.commandID = commandID
    }
}

public struct SMSRecord: Codable, Sendable, Hashable {
    public var id: String
    public var kioskID: String?
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var deliveryStatus: Int?
}

/// What a command did, as the store records it once per id.
public enum CommandApplication: Sendable {
    /// The id was seen before, from the same kiosk with the same body: the
    /// first receipt, unchanged.
    case duplicate(CommandReceipt)
    /// The id was used before by another kiosk or for another body: nothing
    /// applied, nothing of the first command answered.
    case idConflict
    /// A command it must follow was not applied yet.
    case dependencyPending
    case applied(CommandReceipt)
}

/// The central store. One logic over SQL (`SQLCentralStore`), two real
/// engines: SQLite for a single instance and demos, PostgreSQL for a fleet.
/// It keeps every piece of state `bms-central` has, so instances are
/// interchangeable.
public protocol CentralStore: Sendable {
    var dialect: SQLDialect { get }
    @discardableResult func migrate() async throws -> [Int]
    func close() async throws

    // Kiosks and request authentication.
    func registerKiosk(id: String, publicKey: Data, at: Date) async throws
    /// Matches the id exactly (case included), as `registerKiosk` stored it.
    @discardableResult func revokeKiosk(id: String, at: Date) async throws -> KioskRevocation
    /// Registered kiosks, by id, with when they were revoked.
    func kiosks() async throws -> [(id: String, revokedAt: Date?)]
    func kioskPublicKey(id: String) async throws -> Data?
    /// Records a nonce; false when it was already used (a replay).
    func useNonce(kioskID: String, nonce: String, at: Date, keepUntil: Date) async throws -> Bool

    // Files.
    func loadFoyer(serial: String) async throws -> FoyerFile?
    /// Reads, changes and writes an assuré's file atomically (row lock /
    /// serializable transaction). nil when the serial is unknown.
    func updateFoyer<T: Sendable>(serial: String, _ body: @escaping @Sendable (inout FoyerFile) throws -> T) async throws -> T?
    func insertFoyer(_ file: FoyerFile, at: Date) async throws
    /// Applies a command once per id, atomically with the change it makes.
    /// `bodyHash` identifies the command's content: the same id again from
    /// the same kiosk with the same hash is a duplicate, otherwise a
    /// conflict. `body` gets the command it follows (`after`) as applied
    /// here. `audit` makes the audit entry, written in the same transaction
    /// (from the assuré's NIR, when the serial is known, and the outcome).
    func applyCommand(_ command: KioskCommand, kioskID: String, bodyHash: String, at: Date,
                      audit: @escaping @Sendable (String?, CommandApplication) -> AuditEntry,
                      _ body: @escaping @Sendable (inout FoyerFile?, CommandPredecessor?) -> CommandReceipt) async throws -> CommandApplication
    /// Whether the store holds no assuré at all (demo data go only into an empty store).
    func isEmpty() async throws -> Bool

    /// Adds failed-authentication counts (several instances add to the same rows).
    func addAuthFailures(_ counts: [AuthFailureCount], pruneBefore: Date) async throws
    func authFailures(since: Date) async throws -> [AuthFailureCount]

    // Audit, SMS, secrets, reference data.
    func appendAudit(_ entry: AuditEntry) async throws
    func auditLog(limit: Int) async throws -> [AuditEntry]
    func recordSMS(id: String, kioskID: String?, status: String, attempts: Int, error: String?, at: Date) async throws
    func recordDeliveryReport(id: String, status: Int, at: Date) async throws -> Bool
    func sms(id: String) async throws -> SMSRecord?
    /// A named secret, created with `make` the first time (the same for every instance).
    func secret(named: String, make: @escaping @Sendable () -> Data, at: Date) async throws -> Data
    func setReference(issuerKeys: [TrustedKey], countries: [CEAMCountry]) async throws

    // Payments: what the caisse paid, kept to be shown (never changed by a kiosk).
    /// Replaces the assuré's payments and allowances by these (demo data, scenario set-up).
    func setPayments(nir: String, payments: [Payment], allowances: [DailyAllowancePayment]) async throws
    /// The payments paid within the period (both days included).
    func payments(nir: String, paidFrom: CivilDate, to: CivilDate) async throws -> [Payment]
    /// The daily allowances paid within the period (both days included).
    func dailyAllowances(nir: String, paidFrom: CivilDate, to: CivilDate) async throws -> [DailyAllowancePayment]
    func trustedIssuerKeys() async throws -> [TrustedKey]
    func ceamCountries() async throws -> [CEAMCountry]
    func opposedSerials() async throws -> [String]
}

/// What `revokeKiosk` found.
public enum KioskRevocation: Sendable, Hashable {
    case revoked
    case alreadyRevoked(at: Date)
    /// No kiosk with exactly this id.
    case unknown
}

/// Failed authentications from one source address in one minute, for one reason.
public struct AuthFailureCount: Sendable, Hashable {
    public var windowStart: Date
    /// The peer's IP address as the server saw it (a proxy's, behind one).
    public var source: String
    /// A `RequestAuthError` code, or `rate_limited`.
    public var reason: String
    public var count: Int

    public init(windowStart: Date, source: String, reason: String, count: Int) {
        self.windowStart = windowStart
        self.source = source
        self.reason = reason
        self.count = count
    }
}
