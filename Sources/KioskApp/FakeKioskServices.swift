import CentralAPI
import Domain
import Foundation

/// In-memory services for UI scenarios and unit tests. A fake: the real
/// answers come from the central store (`bms-central`); this one applies the
/// same Domain rules the central store applies, on the clock it is given.
///
/// - Code personnel: `1234`, three tries per card serial.
/// - Foyer: built from the inserted card's persons the first time a serial
///   is seen, with starting states from the `"central"` section of the fake
///   card file that has this serial (`Assets/demo/cards/*.json`), if any.
/// - Requests: applied once per command id by `CEAMRules`/`VitaleRules`.
public final class FakeKioskServices: KioskServices, @unchecked Sendable {
    public static let demoCode = "1234"
    /// A mobile on file unless the card file says otherwise (not a real number range: 06 99).
    public static let demoMobile = MobileNumber("06 99 00 00 12")!

    /// How `submit` behaves, so tests can show the other outcomes.
    public enum SubmitMode: Sendable, Hashable {
        /// Applied now by the rules (or refused by them).
        case apply
        /// Kept for later, as the outbox does when the central store is away: not applied.
        case queue
        /// Throws `ServiceFailure(.unavailable)`: nothing recorded.
        case fail
    }

    private let lock = NSLock()
    private var attempts: [String: CodeAttempts] = [:]
    private let code: String
    private let maxTries: Int
    public let offered: [KioskService]
    private var _clock: any Domain.Clock
    public var clock: any Domain.Clock { lock.withLock { _clock } }
    public let parameters: RuleParameters
    private let countries: [CEAMCountry]
    /// Starting states read from card files, by serial.
    private var starting: [String: FakeCentralSection] = [:]
    private var foyers: [String: FakeFoyer] = [:]
    private var receipts: [UUID: CommandReceipt] = [:]
    /// Certificates issued by applied requests, in order (the outbox's receipts).
    private var certificates: [(serial: String, issued: IssuedCertificate)] = []
    /// Refused requests, by card, and those already said on screen.
    private var refusals: [(serial: String, request: UnsuccessfulRequest)] = []
    private var told: Set<UUID> = []
    /// The fake outbox: kept by `.queue`, in confirmation order.
    private var queued: [KioskCommand] = []
    private var _submitMode = SubmitMode.apply
    private var _foyerUnavailable = false
    /// Every command handed to `submit`, in order (tests check "never two").
    private var _submitted: [KioskCommand] = []

    public init(code: String = FakeKioskServices.demoCode, maxTries: Int = 3,
                offered: [KioskService] = KioskService.allCases,
                clock: any Domain.Clock = SystemClock(), parameters: RuleParameters = .standard,
                cardsDirectory: URL? = AssetLocator.find()?.appendingPathComponent("demo/cards"),
                countries: [CEAMCountry] = FakeKioskServices.ceamCountries) {
        self.code = code
        self.maxTries = maxTries
        self.offered = offered
        self._clock = clock
        self.parameters = parameters
        self.countries = countries
        if let cardsDirectory { registerCardFiles(in: cardsDirectory) }
    }

    // MARK: setting up

    /// Reads the `"central"` sections of every card file in the folder
    /// (files without identity or section are skipped: they are other cases).
    public func registerCardFiles(in directory: URL) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for f in files.sorted() where f.hasSuffix(".json") {
            try? registerCardFile(directory.appendingPathComponent(f).path)
        }
    }

    /// Reads one card file's `"central"` section: the starting state for its
    /// serial. A malformed section throws `CardFile.Problem.invalidCentral`
    /// (the file and the field), never read as "nothing on file". The same
    /// section inserted again keeps what the session changed; another one
    /// for the serial starts the foyer again from it.
    public func registerCardFile(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 256 * 1024 else {
            throw CardFile.Problem.unreadable(path: path, detail: "no such file or over 256 KB")
        }
        let file: FakeCentralCardFile
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { file = try decoder.decode(FakeCentralCardFile.self, from: data) } catch let error as DecodingError {
            let (field, detail) = FakeCentralSection.describe(error)
            if field.hasPrefix("central") {
                throw CardFile.Problem.invalidCentral(path: path, field: String(field.dropFirst("central".count).drop { $0 == "." }), detail: detail)
            }
            throw CardFile.Problem.unreadable(path: path, detail: field.isEmpty ? detail : "\(field): \(detail)")
        } catch {
            throw CardFile.Problem.unreadable(path: path, detail: "\(error)")
        }
        guard let serial = file.identity?.serial, let central = file.central else { return }
        if let (field, detail) = central.problem() { throw CardFile.Problem.invalidCentral(path: path, field: field, detail: detail) }
        lock.withLock {
            guard starting[serial] != central else { return }
            starting[serial] = central
            foyers[serial] = nil
        }
    }

    /// A starting state given in code (tests).
    public func register(serial: String, central: FakeCentralSection) {
        lock.withLock { starting[serial] = central; foyers[serial] = nil }
    }

    /// The clock the rules run on (a smoke run's `TestClock`).
    public func use(clock: any Domain.Clock) { lock.withLock { _clock = clock } }

    public var submitMode: SubmitMode {
        get { lock.withLock { _submitMode } }
        set { lock.withLock { _submitMode = newValue } }
    }

    /// While true, `foyer` throws `ServiceFailure(.unavailable)`.
    public var foyerUnavailable: Bool {
        get { lock.withLock { _foyerUnavailable } }
        set { lock.withLock { _foyerUnavailable = newValue } }
    }

    /// Every command `submit` was called with, in order (retries included).
    public var submitted: [KioskCommand] { lock.withLock { _submitted } }

    /// Provisional codes sent, by serial: as the central store, `checkCode`
    /// takes one in place of the code personnel until it expires, once.
    private var smsCodes: [String: (code: String, expiresAt: Date)] = [:]
    private var _smsGatewayDown = false

    /// While true, a provisional code request answers `smsFailed` (not counted).
    public var smsGatewayDown: Bool {
        get { lock.withLock { _smsGatewayDown } }
        set { lock.withLock { _smsGatewayDown = newValue } }
    }

    /// The last provisional code "sent" for this card (what the phone shows).
    public func lastSMSCode(serial: String) -> String? { lock.withLock { smsCodes[serial]?.code } }
    private var _lastSMSCode: String?
    /// The last provisional code sent, whoever it was for (`type sms` in scenarios).
    public func lastSMSCode() -> String? { lock.withLock { _lastSMSCode } }

    /// Commands kept by `.queue`, not applied, oldest first.
    public var queuedCommands: [KioskCommand] { lock.withLock { queued } }

    /// The central store is back and the relay sends the fake outbox: each
    /// queued command is applied (or refused) by the rules, oldest first,
    /// and `submit` applies at once from now on. Returns the receipts.
    /// `refusing`: the central store refuses each (the situation changed
    /// meanwhile, as another kiosk or the caisse may have done).
    @discardableResult
    public func deliverQueued(refusing: Bool = false) -> [CommandReceipt] {
        let commands = lock.withLock {
            defer { queued = []; _submitMode = .apply }
            return queued
        }
        return commands.compactMap { command in
            if refusing { return lock.withLock { refuseLocked(command, "fake central store set to refuse") } }
            guard case .acknowledged(let r) = applyLocked(command) else { return nil }
            return r
        }
    }

    // MARK: KioskServices

    public func checkCode(_ typed: String, card: CardIdentity) async throws -> CodeAttempts.Outcome {
        let now = clock.now
        return lock.withLock {
            var a = attempts[card.serial] ?? CodeAttempts(maxTries: maxTries)
            let sms: CodeAttempts.Provisional = smsCodes[card.serial].map { now < $0.expiresAt ? ($0.code == typed ? .matches : .wrong) : .none } ?? .none
            // Domain's rule, as the central store applies it.
            let check = a.check(personalMatches: CodeFormat.isWellFormed(typed, digits: code.count) && typed == code, provisional: sms)
            if check.provisionalSpent { smsCodes[card.serial] = nil }
            attempts[card.serial] = a
            return check.outcome
        }
    }

    /// While true, `codeStatus` does not answer (the central store is away at insertion).
    public var codeStatusUnavailable: Bool {
        get { lock.withLock { _codeStatusUnavailable } }
        set { lock.withLock { _codeStatusUnavailable = newValue } }
    }
    private var _codeStatusUnavailable = false

    public func codeStatus(card: CardIdentity) async -> CodeStatus? {
        lock.withLock {
            if _codeStatusUnavailable || _foyerUnavailable { return nil }
            let a = attempts[card.serial] ?? CodeAttempts(maxTries: maxTries)
            return CodeStatus(triesLeft: a.triesLeft, locked: a.isLocked)
        }
    }

    public func services(for card: CardIdentity) async throws -> [KioskService] { offered }

    public func foyer(card: CardIdentity) async throws -> FoyerResponse {
        let now = clock.now, today = clock.today
        return try lock.withLock {
            if _foyerUnavailable { throw ServiceFailure(.unavailable, "fake central store set away") }
            let f = foyerLocked(card)
            let a = attempts[card.serial] ?? CodeAttempts(maxTries: maxTries)
            return FoyerResponse(serial: card.serial, today: today, persons: views(f, now: now, today: today),
                                 maskedMobile: f.mobile?.masked, codeTriesLeft: a.triesLeft, codeLocked: a.isLocked,
                                 address: f.address?.masked, npai: f.situation.npai)
        }
    }

    public func requestProvisionalCode(card: CardIdentity) async -> ProvisionalCodeOutcome {
        let now = clock.now
        let policy = ProvisionalCodePolicy(parameters.codes)
        let window = Double(parameters.codes.provisionalRequestWindowHours) * 3600
        return lock.withLock {
            var f = foyerLocked(card)
            do throws(ProvisionalCodeRefusal) {
                try policy.check(mobile: f.mobile, earlierRequests: f.provisionalRequests, now: now)
            } catch {
                switch error {
                case .noMobileOnFile:
                    return .answered(ProvisionalCodeResponse(status: .noMobileOnFile, message: FakeMessages.noMobile))
                case .tooManyRequests(let next):
                    return .answered(ProvisionalCodeResponse(status: .tooManyRequests, nextAllowedAt: next,
                                                             message: FakeMessages.tooMany(parameters.codes)))
                }
            }
            if _smsGatewayDown {
                return .answered(ProvisionalCodeResponse(status: .smsFailed, maskedMobile: f.mobile?.masked, message: "fake SMS gateway set away"))
            }
            let issued = policy.issue(now: now)
            smsCodes[card.serial] = (issued.code, issued.expiresAt)
            _lastSMSCode = issued.code
            if var a = attempts[card.serial] { a.provisionalIssued(); attempts[card.serial] = a }
            f.provisionalRequests = f.provisionalRequests.filter { now.timeIntervalSince($0) < window } + [now]
            foyers[card.serial] = f
            let masked = f.mobile!.masked
            return .answered(ProvisionalCodeResponse(status: .sent, maskedMobile: masked, validUntil: issued.expiresAt,
                                                     message: FakeMessages.sent(masked, hours: parameters.codes.provisionalCodeValidityHours)))
        }
    }

    public func submit(_ command: KioskCommand) async throws -> SubmitOutcome {
        let now = clock.now, today = clock.today
        return try lock.withLock {
            _submitted.append(command)
            if var first = receipts[command.id] {
                first.duplicate = true
                return .acknowledged(first)
            }
            switch _submitMode {
            case .fail: throw ServiceFailure(.unavailable, "fake central store set away")
            case .queue:
                if !queued.contains(where: { $0.id == command.id }) { queued.append(command) }
                return .queued(message: "kept in the fake outbox")
            case .apply: break
            }
            // A retry of a queued command: sent now, leaves the outbox.
            queued.removeAll { $0.id == command.id }
            return applyRules(command, now: now, today: today)
        }
    }

    public func pendingRequests(card: CardIdentity) async -> [PendingRequest] {
        lock.withLock { queued.filter { $0.serial == card.serial }.map(PendingRequest.init) }
    }

    public func unsuccessfulRequests(card: CardIdentity) async -> [UnsuccessfulRequest] {
        lock.withLock { refusals.filter { $0.serial == card.serial && !told.contains($0.request.id) }.map(\.request) }
    }

    public func markTold(_ ids: [UUID]) async { lock.withLock { told.formUnion(ids) } }

    /// Every certificate issued for the card: the printer prints each job once.
    public func issuedCertificates(card: CardIdentity) async -> [IssuedCertificate] {
        lock.withLock { certificates.filter { $0.serial == card.serial }.map(\.issued) }
    }

    private func applyLocked(_ command: KioskCommand) -> SubmitOutcome {
        let now = clock.now, today = clock.today
        return lock.withLock {
            if var first = receipts[command.id] {
                first.duplicate = true
                return .acknowledged(first)
            }
            return applyRules(command, now: now, today: today)
        }
    }

    /// Applies a command by the rules, once (under the lock).
    private func applyRules(_ command: KioskCommand, now: Date, today: CivilDate) -> SubmitOutcome {
        let ceamRules = CEAMRules(parameters.ceam), vitaleRules = VitaleRules(parameters.carteVitale)
        func refuse(_ why: String) -> SubmitOutcome { .acknowledged(refuseLocked(command, why)) }
        guard var f = foyers[command.serial] else { return refuse(RefusalReason.unknownCard.rawValue) }
        guard f.persons.indices.contains(command.personIndex) else { return refuse(RefusalReason.noSuchPerson.rawValue) }
        let i = command.personIndex
        var receipt = CommandReceipt(id: command.id, status: .applied)
        do {
            var ceam = f.persons[i].ceam, vitale = f.persons[i].vitale
            receipt.provisionalCertificate = try command.action.apply(
                ceam: &ceam, vitale: &vitale, person: f.persons[i].person, situation: f.situation,
                rightsSufficient: f.persons[i].rightsSufficient, ceamRules: ceamRules, vitaleRules: vitaleRules, now: now, today: today)
            f.persons[i].ceam = ceam
            f.persons[i].vitale = vitale
        } catch {
            return refuse(RefusalReason(error).rawValue)
        }
        foyers[command.serial] = f
        receipts[command.id] = receipt
        if let cert = receipt.provisionalCertificate {
            certificates.append((command.serial, IssuedCertificate(commandID: command.id, personIndex: i, certificate: cert)))
        }
        return .acknowledged(receipt)
    }

    /// Refused by the rules, once (under the lock).
    private func refuseLocked(_ command: KioskCommand, _ why: String) -> CommandReceipt {
        if let first = receipts[command.id] { return first }
        let r = CommandReceipt(id: command.id, status: .refused, reason: why)
        receipts[command.id] = r
        refusals.append((command.serial, UnsuccessfulRequest(id: command.id, personIndex: command.personIndex,
                                                             action: command.action.name, confirmedAt: command.confirmedAt, parked: false)))
        return r
    }

    /// Unsigned placeholder bytes: only `FakeCardRightsWriter` takes them
    /// (the central store signs real EF.RIGHTS; CardReader checks them).
    public func rights(card: CardIdentity) async throws -> RightsResponse {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMddHHmmss"
        return RightsResponse(serial: card.serial, efRights: Data("FAKE-EF-RIGHTS \(card.serial)".utf8),
                              issuedAt: f.string(from: clock.now), keyID: "0000000000000000")
    }

    public func attestation(card: CardIdentity) async throws -> AttestationResponse {
        let today = clock.today
        let rights: [PersonRights]
        if case .trusted(_, let persons) = card.rights { rights = persons } else { rights = [] }
        return AttestationResponse(serial: card.serial, issuedOn: today, organisation: card.issuer,
                                   entries: card.foyer.persons.enumerated().map { i, p in
                                       .init(person: p, rights: rights.first { $0.index == i })
                                   })
    }

    public func ceamCountries() async -> [CEAMCountry] { countries }

    // MARK: internals (under the lock)

    private func foyerLocked(_ card: CardIdentity) -> FakeFoyer {
        if let f = foyers[card.serial] { return f }
        let f = FakeFoyer(card: card, central: starting[card.serial])
        foyers[card.serial] = f
        return f
    }

    /// As `CentralService.foyer` builds its answer (the same `PersonView` builder).
    private func views(_ f: FakeFoyer, now: Date, today: CivilDate) -> [PersonView] {
        let ceamRules = CEAMRules(parameters.ceam), vitaleRules = VitaleRules(parameters.carteVitale)
        return f.persons.enumerated().map { i, p in
            PersonView(index: i, person: p.person, ceam: p.ceam, vitale: p.vitale, situation: f.situation,
                       rightsSufficient: p.rightsSufficient, rights: p.rights, ceamRules: ceamRules, vitaleRules: vitaleRules,
                       now: now, today: today)
        }
    }

    /// EU and EEA countries, Switzerland and the United Kingdom (seed 003; the
    /// central store's reference list), in French alphabetical order.
    public static let ceamCountries: [CEAMCountry] = [
        ("DE", "Allemagne"), ("AT", "Autriche"), ("BE", "Belgique"), ("BG", "Bulgarie"), ("CY", "Chypre"), ("HR", "Croatie"),
        ("DK", "Danemark"), ("ES", "Espagne"), ("EE", "Estonie"), ("FI", "Finlande"), ("GR", "Grèce"), ("HU", "Hongrie"),
        ("IE", "Irlande"), ("IS", "Islande"), ("IT", "Italie"), ("LV", "Lettonie"), ("LI", "Liechtenstein"), ("LT", "Lituanie"),
        ("LU", "Luxembourg"), ("MT", "Malte"), ("NO", "Norvège"), ("NL", "Pays-Bas"), ("PL", "Pologne"), ("PT", "Portugal"),
        ("CZ", "République tchèque"), ("RO", "Roumanie"), ("GB", "Royaume-Uni"), ("SK", "Slovaquie"), ("SI", "Slovénie"),
        ("SE", "Suède"), ("CH", "Suisse"),
    ].map { CEAMCountry(code: $0.0, name: $0.1) }
}

/// The foyer as the fake keeps it (the central store's `FoyerFile`, in small).
struct FakeFoyer: Sendable {
    struct Member: Sendable {
        var person: Person
        var ceam: CEAMRecord
        var vitale: VitaleCardState
        var rights: PersonRights?
        var rightsSufficient: Bool
    }
    var persons: [Member]
    var situation: AssureSituation
    var mobile: MobileNumber?
    var address: PostalAddress?
    var provisionalRequests: [Date]

    init(card: CardIdentity, central: FakeCentralSection?) {
        let rights: [PersonRights]
        if case .trusted(_, let r) = card.rights { rights = r } else { rights = [] }
        let c = central ?? FakeCentralSection()
        persons = card.foyer.persons.enumerated().map { i, p in
            let s = c.persons?.first { $0.index == i }
            // The holder has the inserted card; the others none unless told.
            let vitale = s?.vitale?.cardState(serial: i == 0 ? card.serial : "FAKE\(i)") ?? (i == 0 ? .active(serial: card.serial) : .none)
            return Member(person: p, ceam: CEAMRecord(state: s?.ceam?.ceamState ?? .none, lossDeclarations: s?.lossDeclarations ?? []),
                          vitale: vitale, rights: rights.first { $0.index == i }, rightsSufficient: s?.rightsSufficient ?? true)
        }
        situation = AssureSituation(npai: c.npai ?? false, demarcheEnCours: c.demarcheEnCours ?? false)
        mobile = c.noMobile == true ? nil : (c.mobile.flatMap { MobileNumber($0) } ?? FakeKioskServices.demoMobile)
        address = c.address
        provisionalRequests = []
    }
}

/// A fake card file: only what the fake central store reads of it.
struct FakeCentralCardFile: Decodable {
    struct Serial: Decodable { var serial: String }
    var identity: Serial?
    var central: FakeCentralSection?
}

/// The optional `"central"` section of a fake card file: how the fake
/// central store sees this foyer at the start. Every field is optional;
/// `address` is the postal address on file (`Domain.PostalAddress`: a
/// `postalCode` and a `commune` at least, checked as the central store's
/// seed is), none when absent.
///
/// ```json
/// "central": {
///   "npai": true, "demarcheEnCours": false, "noMobile": true, "mobile": "06 99 00 00 12",
///   "address": {"number": "12", "street": "rue des Lilas", "complement": "Bâtiment B", "postalCode": "75019", "commune": "PARIS"},
///   "persons": [
///     {"index": 0, "ceam": {"state": "valid", "until": "2027-01-10"}, "lossDeclarations": ["2026-03-02"]},
///     {"index": 1, "ceam": {"state": "ordered", "placedOn": "2026-11-20"}, "rightsSufficient": false},
///     {"index": 2, "ceam": {"state": "lost", "on": "2026-11-01", "kind": "vol", "placedOn": "2026-11-02"}},
///     {"index": 3, "vitale": {"state": "invalidated", "reason": "perte", "declaredAt": "2026-11-21T10:00:00Z"}}
///   ]
/// }
/// ```
public struct FakeCentralSection: Codable, Sendable, Hashable {
    public var npai: Bool?
    public var demarcheEnCours: Bool?
    public var noMobile: Bool?
    public var mobile: String?
    public var address: PostalAddress?
    public var persons: [PersonState]?

    public init(npai: Bool? = nil, demarcheEnCours: Bool? = nil, noMobile: Bool? = nil, mobile: String? = nil,
                address: PostalAddress? = nil, persons: [PersonState]? = nil) {
        self.npai = npai; self.demarcheEnCours = demarcheEnCours; self.noMobile = noMobile; self.mobile = mobile
        self.address = address; self.persons = persons
    }

    public struct PersonState: Codable, Sendable, Hashable {
        public var index: Int
        public var ceam: CEAM?
        public var lossDeclarations: [CivilDate]?
        public var vitale: Vitale?
        public var rightsSufficient: Bool?
        public init(index: Int, ceam: CEAM? = nil, lossDeclarations: [CivilDate]? = nil, vitale: Vitale? = nil, rightsSufficient: Bool? = nil) {
            self.index = index; self.ceam = ceam; self.lossDeclarations = lossDeclarations; self.vitale = vitale
            self.rightsSufficient = rightsSufficient
        }
    }

    /// The first field that names nothing the central store knows, with
    /// what it accepts; nil when the section is sound.
    func problem() -> (field: String, detail: String)? {
        if let m = mobile, MobileNumber(m) == nil { return ("mobile", "\"\(m)\" is not a French mobile number (06 or 07, 10 digits)") }
        if let problem = address?.problems.first { return ("address.\(problem.field.rawValue)", "\(problem)") }
        var seen: Set<Int> = []
        for (i, p) in (persons ?? []).enumerated() {
            let at = "persons[\(i)]"
            guard (0..<12).contains(p.index) else { return ("\(at).index", "\(p.index) is not a person of the card (0 to 11)") }
            guard seen.insert(p.index).inserted else { return ("\(at).index", "person \(p.index) is described twice") }
            if let c = p.ceam, let d = c.problem() { return ("\(at).ceam.\(d.field)", d.detail) }
            if let v = p.vitale, let d = v.problem() { return ("\(at).vitale.\(d.field)", d.detail) }
        }
        return nil
    }

    /// A decoding error as the field (dotted, `[i]` for list items) and what went wrong.
    static func describe(_ error: DecodingError) -> (field: String, detail: String) {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { s, k in
                if let i = k.intValue { return s + "[\(i)]" }
                return s.isEmpty ? k.stringValue : s + "." + k.stringValue
            }
        }
        switch error {
        case .typeMismatch(let type, let c): return (path(c.codingPath), "expected \(type): \(c.debugDescription)")
        case .valueNotFound(let type, let c): return (path(c.codingPath), "missing \(type)")
        case .keyNotFound(let key, let c): return (path(c.codingPath + [key]), "missing")
        case .dataCorrupted(let c): return (path(c.codingPath), c.debugDescription)
        @unknown default: return ("", "\(error)")
        }
    }

    /// `state`: `none`, `valid` (`until`), `ordered` (`placedOn`, optional
    /// `kind` first|earlyRenewal|replacement), `lost` (`on`, `kind`
    /// perte|vol, optional `placedOn`).
    public struct CEAM: Codable, Sendable, Hashable {
        public var state: String
        public var until: CivilDate?
        public var on: CivilDate?
        public var placedOn: CivilDate?
        public var kind: String?
        public init(state: String, until: CivilDate? = nil, on: CivilDate? = nil, placedOn: CivilDate? = nil, kind: String? = nil) {
            self.state = state; self.until = until; self.on = on; self.placedOn = placedOn; self.kind = kind
        }

        func problem() -> (field: String, detail: String)? {
            switch state {
            case "none": return nil
            case "valid": return until == nil ? ("until", "a valid card needs its last day (\"until\": \"YYYY-MM-DD\")") : nil
            case "ordered":
                if placedOn == nil { return ("placedOn", "an order needs the day it was placed (\"placedOn\": \"YYYY-MM-DD\")") }
                if let k = kind, CEAMOrderKind(rawValue: k) == nil { return ("kind", "\"\(k)\" is not one of first, earlyRenewal, replacement") }
                return nil
            case "lost":
                if on == nil { return ("on", "a lost card needs the day of the loss (\"on\": \"YYYY-MM-DD\")") }
                guard let k = kind, LossKind(rawValue: k) != nil else { return ("kind", "\(kind.map { "\"\($0)\"" } ?? "nothing") is not one of perte, vol") }
                return nil
            default: return ("state", "\"\(state)\" is not one of none, valid, ordered, lost")
            }
        }

        /// The state the section describes (checked by `problem()` first).
        public var ceamState: CEAMState {
            let delivery = CEAMParameters().deliveryDays
            switch self.state {
            case "valid": return until.map { .valid(until: $0) } ?? .none
            case "ordered":
                guard let placed = placedOn else { return .none }
                return .ordered(CEAMOrder(kind: CEAMOrderKind(rawValue: kind ?? "first") ?? .first, placedOn: placed,
                                          expectedBy: placed.adding(days: delivery)))
            case "lost":
                guard let on else { return .none }
                let placed = placedOn ?? on
                return .declaredLost(on: on, kind: LossKind(rawValue: kind ?? "perte") ?? .perte,
                                     replacement: CEAMOrder(kind: .replacement, placedOn: placed, expectedBy: placed.adding(days: delivery)))
            default: return .none
            }
        }
    }

    /// `state`: `none`, `active`, `ordered` (`at`), `invalidated` (`reason`, `declaredAt`).
    public struct Vitale: Codable, Sendable, Hashable {
        public var state: String
        public var reason: String?
        public var declaredAt: Date?
        public var at: Date?
        public init(state: String, reason: String? = nil, declaredAt: Date? = nil, at: Date? = nil) {
            self.state = state; self.reason = reason; self.declaredAt = declaredAt; self.at = at
        }

        func problem() -> (field: String, detail: String)? {
            switch state {
            case "none", "active": return nil
            case "ordered": return at == nil ? ("at", "an order needs its instant (\"at\": ISO 8601)") : nil
            case "invalidated":
                guard let r = reason, VitaleDeclarationReason(rawValue: r) != nil else {
                    return ("reason", "\(reason.map { "\"\($0)\"" } ?? "nothing") is not one of perte, vol, dysfonctionnement")
                }
                return declaredAt == nil ? ("declaredAt", "a declaration needs its instant (\"declaredAt\": ISO 8601)") : nil
            default: return ("state", "\"\(state)\" is not one of none, active, ordered, invalidated")
            }
        }

        func cardState(serial: String) -> VitaleCardState {
            switch state {
            case "active": return .active(serial: serial)
            case "ordered": return .ordered(at: at ?? Date(timeIntervalSince1970: 0))
            case "invalidated":
                return .invalidated(serial: serial, reason: VitaleDeclarationReason(rawValue: reason ?? "perte") ?? .perte,
                                    declaredAt: declaredAt ?? Date(timeIntervalSince1970: 0))
            default: return .none
            }
        }
    }
}

/// The central store's words (Central.Messages), for the fake's answers.
enum FakeMessages {
    static func sent(_ masked: String, hours: Int) -> String {
        "Votre code provisoire a été envoyé par SMS au \(masked). Il est valable \(hours) heures."
    }
    static let noMobile = "Aucun numéro de téléphone portable n'est enregistré pour vous : un conseiller de l'accueil peut vous aider."
    static func tooMany(_ p: CodeParameters) -> String {
        "Vous avez déjà demandé \(p.maxProvisionalRequests) codes provisoires en \(p.provisionalRequestWindowHours) heures. Veuillez réessayer plus tard."
    }
}

/// A printer that keeps what it is given, for scenarios and tests where no
/// CUPS runs. A fake: the real one lays out a PDF and sends it to CUPS.
/// Each job id prints once, as the real ledger does.
public final class FakeKioskPrinter: KioskPrinter, @unchecked Sendable {
    public struct Job: Sendable, Hashable {
        public var id: String
        public var document: KioskDocument
    }
    private let lock = NSLock()
    private var _jobs: [Job] = []
    private var _available = true

    public init(available: Bool = true) { _available = available }

    /// Printed jobs, in order.
    public var jobs: [Job] { lock.withLock { _jobs } }

    /// False: paper out, every print answers `printerUnavailable`.
    public var available: Bool {
        get { lock.withLock { _available } }
        set { lock.withLock { _available = newValue } }
    }

    public func print(_ document: KioskDocument, jobID: String) async -> PrintOutcome {
        lock.withLock {
            guard _available else { return .printerUnavailable(message: "fake printer set out of paper") }
            if _jobs.contains(where: { $0.id == jobID }) { return .alreadyPrinted }
            _jobs.append(Job(id: jobID, document: document))
            return .printed
        }
    }
}
