import CentralAPI
import Crypto
import Domain
import Foundation
import Logging
import NIOPosix

/// A refusal the HTTP layer turns into a status and a JSON body.
public struct APIFailure: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var body: APIErrorBody
    public init(_ status: Int, _ code: String, _ message: String, serverTime: Date? = nil) {
        self.status = status
        body = APIErrorBody(code: code, message: message, serverTime: serverTime)
    }
    public var description: String { "\(status) \(body)" }

    static func unknownCard() -> APIFailure { APIFailure(404, "unknown_card", "no card with this serial in the central store") }
    static func cardRefused(_ s: CardStatus) -> APIFailure {
        APIFailure(403, "card_refused", "this card is \(s.rawValue): it cannot be used")
    }
}

/// How SMS sending is retried.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var firstDelay: Duration
    public init(attempts: Int = 3, firstDelay: Duration = .milliseconds(200)) {
        self.attempts = attempts
        self.firstDelay = firstDelay
    }
}

/// What `bms-central` does for a kiosk, with the domain's rules on the
/// Clock's today. Holds no state of its own: everything is in the store.
public final class CentralService: Sendable {
    public let store: any CentralStore
    public let clock: any Domain.Clock
    public let parameters: RuleParameters
    public let hasher: CodeHasher
    public let sms: any SMSGateway
    public let smsRetry: RetryPolicy
    public let maxSkew: TimeInterval
    /// Counters for `GET /metrics` (this instance's own).
    public let metrics: CentralMetrics
    /// Failed authentications of this instance, per source address (rate limit, aggregated record).
    public let authFailures: AuthFailureLedger
    let logger: Logger
    let keys: KeyCache

    public init(store: any CentralStore, clock: any Domain.Clock = SystemClock(), parameters: RuleParameters = .standard,
                hasher: CodeHasher = CodeHasher(), sms: any SMSGateway, smsRetry: RetryPolicy = .init(),
                maxSkew: TimeInterval = RequestSignature.defaultMaxSkew, metrics: CentralMetrics = CentralMetrics(),
                authFailures: AuthFailureLedger = AuthFailureLedger(), logger: Logger = Logger(label: "bms-central")) {
        self.store = store
        self.clock = clock
        self.parameters = parameters
        self.hasher = hasher
        self.sms = sms
        self.smsRetry = smsRetry
        self.maxSkew = maxSkew
        self.metrics = metrics
        self.authFailures = authFailures
        self.logger = logger
        keys = KeyCache()
    }

    var ceamRules: CEAMRules { CEAMRules(parameters.ceam) }
    var vitaleRules: VitaleRules { VitaleRules(parameters.carteVitale) }
    var commandRules: CommandRules { CommandRules(parameters) }

    // MARK: secrets (in the store, so every instance signs and hashes alike)

    func subjectHasher() async throws -> SubjectHasher {
        if let h = keys.subject { return h }
        let key = try await store.secret(named: "audit-subject-key", make: { Data(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }) }, at: clock.now)
        let h = SubjectHasher(key: key)
        keys.subject = h
        return h
    }

    public func rightsSigner() async throws -> RightsSigner {
        if let s = keys.rights { return s }
        let raw = try await store.secret(named: "rights-signing-key-p256", make: { P256.Signing.PrivateKey().rawRepresentation }, at: clock.now)
        let s = RightsSigner(key: try P256.Signing.PrivateKey(rawRepresentation: raw))
        keys.rights = s
        return s
    }

    /// The token Kannel's delivery reports must carry.
    public func deliveryReportToken() async throws -> String {
        if let t = keys.dlrToken { return t }
        let raw = try await store.secret(named: "dlr-token", make: { Data(SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }) }, at: clock.now)
        let t = raw.map { String(format: "%02x", $0) }.joined()
        keys.dlrToken = t
        return t
    }

    func audit(_ kiosk: String?, _ action: String, nir: String?, _ outcome: String, command: UUID? = nil) async {
        do {
            let subject: String? = if let nir { try await subjectHasher().tag(nir) } else { nil }
            try await store.appendAudit(AuditEntry(at: clock.now, kioskID: kiosk, action: action, subject: subject, outcome: outcome, commandID: command))
        } catch {
            logger.error("audit append failed", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }

    // MARK: authentication

    /// Checks a signed request; returns the kiosk id. `source` is the
    /// peer's address: failures are counted and limited by it.
    public func authenticate(_ headers: SignedRequestHeaders, method: String, path: String, body: some DataProtocol,
                             source: String = "local") async throws -> String {
        let now = clock.now
        try await refuseIfTooManyFailures(source: source)
        do {
            guard let key = try await store.kioskPublicKey(id: headers.kioskID) else { throw RequestAuthError.unknownKiosk }
            try headers.verify(method: method, path: path, body: body, publicKey: key, now: now, maxSkew: maxSkew)
            let keepUntil = Date(timeIntervalSince1970: Double(headers.timestamp) + maxSkew + 1)
            guard try await store.useNonce(kioskID: headers.kioskID, nonce: headers.nonce, at: now, keepUntil: keepUntil) else {
                throw RequestAuthError.replay
            }
            return headers.kioskID
        } catch let error as RequestAuthError {
            await authenticationFailed(error, source: source)
            var serverTime: Date?
            if case .clockSkew = error { serverTime = now }
            throw APIFailure(401, error.code, error.description, serverTime: serverTime)
        }
    }

    /// 429 for a source address that failed too often in this minute: its
    /// requests cost no store read until the minute is over.
    public func refuseIfTooManyFailures(source: String) async throws {
        let (limited, closed) = authFailures.isLimited(source, now: clock.now)
        await write(closed)
        guard limited else { return }
        metrics.authFailure(reason: "rate_limited")
        await write(authFailures.record(source, reason: "rate_limited", now: clock.now))
        throw APIFailure(429, "too_many_auth_failures",
                         "too many failed authentications from this address: wait a minute, and check the kiosk's key and clock")
    }

    /// Counts a failed authentication: a metric and the per-address count,
    /// never an audit row (the sender chose the kiosk id it claims).
    public func authenticationFailed(_ error: RequestAuthError, source: String) async {
        metrics.authFailure(reason: error.code)
        await write(authFailures.record(source, reason: error.code, now: clock.now))
    }

    /// Writes what is counted so far (tests, and the server's stop).
    public func flushAuthFailures() async {
        await write(authFailures.drain())
    }

    private func write(_ counts: [AuthFailureCount]) async {
        guard !counts.isEmpty else { return }
        do {
            try await store.addAuthFailures(counts, pruneBefore: clock.now.addingTimeInterval(-authFailures.limits.retention))
        } catch {
            logger.error("failed-authentication counts not written", metadata: ["error": "\(error)"])
        }
    }

    // MARK: reading

    public func cardStatus(serial: String, kiosk: String) async throws -> CardStatusResponse {
        let file = try await store.loadFoyer(serial: serial)
        let status = file?.card(serial)?.status ?? .unknown
        await audit(kiosk, "card.status", nir: file?.nir, status.rawValue)
        metrics.cardRead(kiosk: kiosk, read: "status")
        guard let file, status == .active else { return CardStatusResponse(serial: serial, status: status) }
        let attempts = CodeAttempts(failures: file.codes.failures, maxTries: parameters.codes.maxTries)
        return CardStatusResponse(serial: serial, status: status, codeTriesLeft: attempts.triesLeft, codeLocked: attempts.isLocked)
    }

    func activeFoyer(_ serial: String) async throws -> FoyerFile {
        guard let file = try await store.loadFoyer(serial: serial), let card = file.card(serial) else { throw APIFailure.unknownCard() }
        guard card.status == .active else { throw APIFailure.cardRefused(card.status) }
        return file
    }

    public func foyer(serial: String, kiosk: String) async throws -> FoyerResponse {
        let file = try await activeFoyer(serial)
        let now = clock.now, today = clock.today
        let persons = file.persons.indices.map { personView(file, $0, now: now, today: today) }
        let attempts = CodeAttempts(failures: file.codes.failures, maxTries: parameters.codes.maxTries)
        await audit(kiosk, "foyer.read", nir: file.nir, "ok")
        metrics.cardRead(kiosk: kiosk, read: "foyer")
        return FoyerResponse(serial: serial, today: today, persons: persons, maskedMobile: file.mobile?.masked,
                             codeTriesLeft: attempts.triesLeft, codeLocked: attempts.isLocked,
                             address: file.address?.masked, npai: file.situation.npai)
    }

    /// One person as the kiosk sees them today: states and the actions the rules allow.
    func personView(_ file: FoyerFile, _ i: Int, now: Date, today: CivilDate) -> PersonView {
        let p = file.persons[i]
        return PersonView(index: i, person: p.person, ceam: p.ceam, vitale: p.vitale, situation: file.situation,
                          rightsSufficient: p.rightsSufficient, rights: p.rights, ceamRules: ceamRules, vitaleRules: vitaleRules,
                          visualOutdated: p.cardVisualOutdated ?? false, now: now, today: today)
    }

    // MARK: code personnel

    public func checkCode(serial: String, code: String, kiosk: String) async throws -> CodeCheckResponse {
        let file = try await activeFoyer(serial)
        let maxTries = parameters.codes.maxTries
        let now = clock.now
        // The slow hashes run outside the transaction, so one check never holds the store's writer.
        let hasher = self.hasher
        let wellFormed = CodeFormat.isWellFormed(code, digits: parameters.codes.personalCodeDigits)
        let provisionalWellFormed = CodeFormat.isWellFormed(code, digits: parameters.codes.provisionalCodeDigits)
        @Sendable func personalMatches(_ codes: CodeFile) -> Bool {
            wellFormed && codes.personal.map { hasher.verify(code, against: $0) } == true
        }
        @Sendable func provisional(_ codes: CodeFile) -> CodeAttempts.Provisional {
            guard let p = codes.provisional, codes.provisionalExpiresAt.map({ now < $0 }) == true else { return .none }
            return provisionalWellFormed && hasher.verify(code, against: p) ? .matches : .wrong
        }
        // scrypt (~40 ms, 16 MB) on a thread of its own: on the concurrency
        // pool (one thread a core) it stalled every other request (fleet bench).
        let (personal, sms) = try await NIOThreadPool.singleton.runIfActive {
            (personalMatches(file.codes), provisional(file.codes))
        }
        let outcome = try await store.updateFoyer(serial: serial) { f in
            // The codes changed meanwhile: check against the new ones.
            let unchanged = f.codes.personal == file.codes.personal && f.codes.provisional == file.codes.provisional
                && f.codes.provisionalExpiresAt == file.codes.provisionalExpiresAt
            var attempts = CodeAttempts(failures: f.codes.failures, maxTries: maxTries,
                                        provisionalFailures: f.codes.provisionalFailures ?? 0)
            // The rule is Domain's (CodeAttempts.check): the store keeps its result.
            let check = attempts.check(personalMatches: unchanged ? personal : personalMatches(f.codes),
                                       provisional: unchanged ? sms : provisional(f.codes))
            f.codes.failures = attempts.failures
            f.codes.provisionalFailures = attempts.provisionalFailures
            if check.provisionalSpent {
                f.codes.provisional = nil
                f.codes.provisionalExpiresAt = nil
            }
            return (check.outcome, attempts.triesLeft)
        }
        guard let (result, left) = outcome else { throw APIFailure.unknownCard() }
        let response: CodeCheckResponse
        switch result {
        case .accepted: response = CodeCheckResponse(outcome: .accepted, triesLeft: left)
        case .rejected(let n): response = CodeCheckResponse(outcome: .rejected, triesLeft: n)
        case .locked: response = CodeCheckResponse(outcome: .locked, triesLeft: 0)
        }
        await audit(kiosk, "code.check", nir: file.nir, response.outcome.rawValue)
        metrics.codeCheck(outcome: response.outcome.rawValue)
        return response
    }

    // MARK: provisional code

    public func requestProvisionalCode(serial: String, kiosk: String) async throws -> ProvisionalCodeResponse {
        let file = try await activeFoyer(serial)
        let policy = ProvisionalCodePolicy(parameters.codes)
        // Whole seconds: the instants are stored as JSON, which keeps seconds.
        let now = Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down))
        let code = policy.issue(now: now)
        let hasher = self.hasher
        let hashed = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(code.code) }
        let window = Double(parameters.codes.provisionalRequestWindowHours) * 3600
        let maxTries = parameters.codes.maxTries

        // Check and record under the assuré's lock: the limit holds across kiosks and instances.
        let decision = try await store.updateFoyer(serial: serial) { f -> Result<MobileNumber, ProvisionalCodeRefusal> in
            do throws(ProvisionalCodeRefusal) {
                try policy.check(mobile: f.mobile, earlierRequests: f.codes.provisionalRequests, now: now)
            } catch { return .failure(error) }
            f.codes.provisionalRequests = f.codes.provisionalRequests.filter { now.timeIntervalSince($0) < window } + [now]
            f.codes.provisional = hashed
            f.codes.provisionalExpiresAt = code.expiresAt
            // A new code gets its own tries (CodeAttempts.provisionalIssued).
            var attempts = CodeAttempts(failures: f.codes.failures, maxTries: maxTries,
                                        provisionalFailures: f.codes.provisionalFailures ?? 0)
            attempts.provisionalIssued()
            f.codes.provisionalFailures = attempts.provisionalFailures
            return .success(f.mobile!)
        }
        guard let decision else { throw APIFailure.unknownCard() }
        let mobile: MobileNumber
        switch decision {
        case .failure(.noMobileOnFile):
            await audit(kiosk, "code.provisional", nir: file.nir, "no_mobile")
            metrics.provisionalCode(outcome: "no_mobile")
            return ProvisionalCodeResponse(status: .noMobileOnFile, message: Messages.noMobile)
        case .failure(.tooManyRequests(let next)):
            await audit(kiosk, "code.provisional", nir: file.nir, "rate_limited")
            metrics.provisionalCode(outcome: "rate_limited")
            return ProvisionalCodeResponse(status: .tooManyRequests, nextAllowedAt: next,
                                           message: Messages.tooMany(parameters.codes, next: next))
        case .success(let m): mobile = m
        }

        let messageID = UUID().uuidString.lowercased()
        let text = Messages.sms(code: code.code, hours: parameters.codes.provisionalCodeValidityHours)
        var attempt = 0
        var lastError: SMSError?
        var delay = smsRetry.firstDelay
        while attempt < smsRetry.attempts {
            attempt += 1
            do {
                try await sms.send(to: mobile, text: text, messageID: messageID)
                lastError = nil
                break
            } catch {
                lastError = error
                logger.warning("SMS gateway failed", metadata: ["attempt": "\(attempt)", "error": "\(error)", "message": "\(messageID)"])
                if attempt < smsRetry.attempts { try? await Task.sleep(for: delay); delay *= 2 }
            }
        }
        try await store.recordSMS(id: messageID, kioskID: kiosk, status: lastError == nil ? "accepted" : "failed", attempts: attempt,
                                  error: lastError.map { "\($0)" }, at: clock.now)
        if let lastError {
            // No SMS, no code: take the code back and do not count the request.
            _ = try await store.updateFoyer(serial: serial) { f in
                if f.codes.provisional == hashed {
                    f.codes.provisional = nil
                    f.codes.provisionalExpiresAt = nil
                }
                f.codes.provisionalRequests.removeAll { $0 == now }
            }
            await audit(kiosk, "code.provisional", nir: file.nir, "sms_failed")
            metrics.sms(outcome: "failed")
            metrics.provisionalCode(outcome: "sms_failed")
            logger.error("provisional code not sent", metadata: ["error": "\(lastError)", "attempts": "\(attempt)"])
            return ProvisionalCodeResponse(status: .smsFailed, maskedMobile: mobile.masked, message: Messages.smsFailed)
        }
        await audit(kiosk, "code.provisional", nir: file.nir, "sent")
        metrics.sms(outcome: "sent")
        metrics.provisionalCode(outcome: "sent")
        return ProvisionalCodeResponse(status: .sent, maskedMobile: mobile.masked, validUntil: code.expiresAt,
                                       message: Messages.sent(mobile.masked, hours: parameters.codes.provisionalCodeValidityHours))
    }

    /// Checks a provisional code (the ameli account's side); a right code is used up.
    public func verifyProvisionalCode(serial: String, code: String) async throws -> Bool {
        let now = clock.now
        let hasher = self.hasher
        return try await store.updateFoyer(serial: serial) { f in
            guard let stored = f.codes.provisional, let expires = f.codes.provisionalExpiresAt, now < expires,
                  hasher.verify(code, against: stored) else { return false }
            f.codes.provisional = nil
            f.codes.provisionalExpiresAt = nil
            return true
        } ?? false
    }

    public func deliveryReport(messageID: String, type: Int, token: String) async throws -> Bool {
        guard constantTimeEqual(Data(token.utf8), Data(try await deliveryReportToken().utf8)) else {
            throw APIFailure(403, "bad_token", "delivery report token does not match")
        }
        return try await store.recordDeliveryReport(id: messageID, status: type, at: clock.now)
    }

    // MARK: commands

    public enum CommandAnswer: Sendable {
        case receipt(CommandReceipt)
        case dependencyPending
    }

    /// The earliest `confirmedAt` taken: before any kiosk confirmed anything
    /// (2025-01-01). A fixed floor, not an age: a dead letter a technician
    /// sends again months later is still the assuré's request.
    public static let earliestConfirmation = Date(timeIntervalSince1970: 1_735_689_600)

    /// How far ahead of this clock a `confirmedAt` may be: a kiosk whose
    /// clock ran ahead while offline, then was set right by NTP, still sends
    /// the assuré's request (its lag counts as 0).
    public static let latestConfirmationAhead: TimeInterval = 86_400

    /// The command's content, as both ends encode it (sorted keys): the
    /// same id with another hash is another command.
    static func bodyHash(_ command: KioskCommand) throws -> String {
        SHA256.hash(data: try CentralJSON.encoder().encode(command)).map { String(format: "%02x", $0) }.joined()
    }

    public func apply(_ command: KioskCommand, kiosk: String) async throws -> CommandAnswer {
        let now = clock.now, today = clock.today
        // confirmedAt is informative (rules use the store's clock), but a
        // nonsense instant would wreck the lag figures: bounded.
        guard command.confirmedAt <= now.addingTimeInterval(Self.latestConfirmationAhead),
              command.confirmedAt >= Self.earliestConfirmation else {
            throw APIFailure(400, "bad_confirmed_at",
                             "confirmedAt must be the instant the assuré confirmed, by the kiosk's clock: not after tomorrow, not before 2025 (check the kiosk's clock)")
        }
        let rules = commandRules
        let subjects = try await subjectHasher()
        // The documents an order names, as the store holds them: the rules decide whether they will do.
        let documents = try await orderDocuments(command, kiosk: kiosk)
        let audit: @Sendable (String?, CommandApplication) -> AuditEntry = { nir, result in
            let outcome: String = switch result {
            case .dependencyPending: "dependency_pending"
            case .duplicate: "duplicate"
            case .idConflict: "id_conflict"
            case .applied(let r): r.status.rawValue
            }
            return AuditEntry(at: now, kioskID: kiosk, action: command.action.name, subject: nir.map(subjects.tag),
                              outcome: outcome, commandID: command.id)
        }
        let result = try await store.applyCommand(command, kioskID: kiosk, bodyHash: try Self.bodyHash(command), at: now,
                                                  audit: audit) { file, predecessor in
            func refuse(_ why: RefusalReason) -> CommandReceipt { CommandReceipt(id: command.id, status: .refused, reason: why.rawValue) }
            guard var f = file else { return refuse(.unknownCard) }
            // What the command does is Domain's answer: stored and served as it is.
            var state = f.ruleState
            state.documents = documents
            switch rules.apply(command, to: state, after: predecessor, now: now, today: today) {
            case .refused(let why):
                return refuse(RefusalReason(why))
            case .applied(let applied):
                f.store(applied)
                file = f
                return CommandReceipt(id: command.id, status: .applied, provisionalCertificate: applied.provisionalCertificate,
                                      person: self.personView(f, applied.personIndex, now: now, today: today))
            }
        }
        let action = command.action.name
        switch result {
        case .dependencyPending:
            metrics.command(action: action, outcome: "dependency_pending", kiosk: kiosk, lag: nil)
            return .dependencyPending
        case .idConflict:
            metrics.command(action: action, outcome: "id_conflict", kiosk: kiosk, lag: nil)
            throw APIFailure(409, "command_id_conflict",
                             "this command id was already used for another command: give each command its own id (a resend keeps its body)")
        case .duplicate(let r):
            metrics.command(action: action, outcome: "duplicate", kiosk: kiosk, lag: nil)
            return .receipt(r)
        case .applied(let r):
            metrics.command(action: action, outcome: r.status.rawValue, kiosk: kiosk,
                            lag: r.status == .applied ? now.timeIntervalSince(command.confirmedAt) : nil)
            return .receipt(r)
        }
    }

    // MARK: rights, attestation, reference

    public func rights(serial: String, kiosk: String) async throws -> RightsResponse {
        let file = try await activeFoyer(serial)
        let signer = try await rightsSigner()
        let now = clock.now
        let persons = file.persons.enumerated().compactMap { i, p in p.rights.map { r in var r = r; r.index = i; return r } }
        let bytes = try signer.efRights(holderNIR: file.nir, persons: persons, issuedAt: now)
        await audit(kiosk, "rights.sign", nir: file.nir, "ok")
        return RightsResponse(serial: serial, efRights: bytes, issuedAt: RightsSigner.timestamp(now),
                              keyID: signer.keyID.map { String(format: "%02x", $0) }.joined())
    }

    public func attestation(serial: String, kiosk: String) async throws -> AttestationResponse {
        let file = try await activeFoyer(serial)
        await audit(kiosk, "attestation", nir: file.nir, "ok")
        return AttestationResponse(serial: serial, issuedOn: clock.today, organisation: file.card(serial)?.issuer,
                                   entries: file.persons.map { .init(person: $0.person, rights: $0.rights) })
    }

    // MARK: payments

    var paymentRules: PaymentRules { PaymentRules(parameters.payments) }

    /// A period as the kiosk asked it (both ends or neither: the default), checked by the rules.
    func period(from: CivilDate?, to: CivilDate?, dailyAllowance: Bool) throws -> ClosedRange<CivilDate> {
        let rules = paymentRules, today = clock.today
        guard let from, let to else {
            if from != nil || to != nil { throw APIFailure(400, "bad_period", "give both from and to (YYYY-MM-DD), or neither") }
            return dailyAllowance ? rules.firstDailyAllowanceDay(today: today).adding(years: 7)...today : rules.defaultPeriod(today: today)
        }
        do { return try rules.check(from: from, to: to, today: today, dailyAllowance: dailyAllowance) } catch {
            switch error {
            case .endsBeforeItStarts: throw APIFailure(400, "bad_period", "the period ends before it starts")
            case .inTheFuture: throw APIFailure(400, "bad_period", "the period ends after today")
            case .beforeHistory(let first): throw APIFailure(400, "bad_period", "the period starts before \(first), the first day kept")
            }
        }
    }

    /// « Mes remboursements »: what the caisse paid within the period, for one person or the foyer.
    public func payments(serial: String, kiosk: String, from: CivilDate?, to: CivilDate?, person: Int?) async throws -> PaymentsResponse {
        let file = try await activeFoyer(serial)
        if let person, !file.persons.indices.contains(person) { throw APIFailure(400, "no_such_person", "no person \(person) on this card") }
        let range = try period(from: from, to: to, dailyAllowance: false)
        let rules = paymentRules
        let lines = rules.select(try await store.payments(nir: file.nir, paidFrom: range.lowerBound, to: range.upperBound), paidIn: range,
                                 person: person)
        await audit(kiosk, "payments.read", nir: file.nir, "ok")
        return PaymentsResponse(serial: serial, today: clock.today, from: range.lowerBound, to: range.upperBound, person: person,
                                payments: lines, total: PaymentRules.total(lines), firstDay: rules.firstDay(today: clock.today))
    }

    /// The attestation de paiement d'IJ: the allowances paid to the assuré within the period.
    public func dailyAllowances(serial: String, kiosk: String, from: CivilDate?, to: CivilDate?) async throws -> DailyAllowancesResponse {
        let file = try await activeFoyer(serial)
        let range = try period(from: from, to: to, dailyAllowance: true)
        let rules = paymentRules
        let lines = rules.select(try await store.dailyAllowances(nir: file.nir, paidFrom: range.lowerBound, to: range.upperBound), paidIn: range)
        guard let assure = file.persons.first(where: { $0.person.qualite == .assure })?.person ?? file.persons.first?.person else {
            throw APIFailure.unknownCard()
        }
        await audit(kiosk, "daily-allowances.read", nir: file.nir, "ok")
        return DailyAllowancesResponse(serial: serial, today: clock.today, from: range.lowerBound, to: range.upperBound, assure: assure,
                                       allowances: lines, total: PaymentRules.total(lines),
                                       firstDay: rules.firstDailyAllowanceDay(today: clock.today))
    }

    public func reference() async throws -> ReferenceData {
        let signer = try await rightsSigner()
        return ReferenceData(generatedAt: clock.now, trustedIssuerKeys: try await store.trustedIssuerKeys(),
                             rightsSigningKeys: [TrustedKey(id: signer.keyID.map { String(format: "%02x", $0) }.joined(),
                                                            publicKey: signer.key.publicKey.x963Representation)],
                             opposedSerials: try await store.opposedSerials(), ceamCountries: try await store.ceamCountries(),
                             parameters: parameters)
    }
}

/// Secrets read from the store once per process (they never change once made).
final class KeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var _subject: SubjectHasher?
    private var _rights: RightsSigner?
    private var _dlr: String?
    var subject: SubjectHasher? { get { lock.withLock { _subject } } set { lock.withLock { _subject = newValue } } }
    var rights: RightsSigner? { get { lock.withLock { _rights } } set { lock.withLock { _rights = newValue } } }
    var dlrToken: String? { get { lock.withLock { _dlr } } set { lock.withLock { _dlr = newValue } } }
}

/// What the assuré reads, in French (wording after seed 001).
public enum Messages {
    public static func sms(code: String, hours: Int) -> String {
        "Votre code provisoire ameli : \(code). Valable \(hours) h."
    }
    public static func sent(_ masked: String, hours: Int) -> String {
        "Votre code provisoire a été envoyé par SMS au \(masked). Il est valable \(hours) heures."
    }
    public static let noMobile = "Aucun numéro de téléphone portable n'est enregistré pour vous : un conseiller de l'accueil peut vous aider."
    public static let smsFailed = "Le SMS n'a pas pu être envoyé et aucun code n'a été créé. Veuillez réessayer plus tard ou vous adresser à l'accueil."
    public static func tooMany(_ p: CodeParameters, next: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.timeZone = TimeZone(identifier: "Europe/Paris")
        f.dateFormat = "dd/MM/yyyy 'à' HH'h'mm"
        return "Vous avez déjà demandé \(p.maxProvisionalRequests) codes provisoires en \(p.provisionalRequestWindowHours) heures. "
            + "Vous pourrez en demander un nouveau le \(f.string(from: next))."
    }
}
