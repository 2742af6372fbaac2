import Domain
import Foundation

/// The versioned wire types between a kiosk and `bms-central`. Version 1
/// lives under `/v1`; a breaking change gets `/v2` beside it.
public enum APIVersion {
    public static let prefix = "/v1"
}

/// JSON as both ends write it: ISO-8601 instants, sorted keys (stable bytes
/// for signatures and tests).
public enum CentralJSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}

/// Every refusal the central store answers: a stable code a program can
/// act on, and a sentence a technician can read. Never personal data.
public struct APIErrorBody: Codable, Sendable, Hashable, Error, CustomStringConvertible {
    public var code: String
    public var message: String
    /// For `clock_skew`: the central store's time, so the kiosk can say by how much it is off.
    public var serverTime: Date?
    /// The answer's `Retry-After` header (seconds), set by the kiosk's
    /// client; not part of the JSON body.
    public var retryAfter: Int?

    enum CodingKeys: String, CodingKey { case code, message, serverTime }

    public init(code: String, message: String, serverTime: Date? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.serverTime = serverTime
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(message)" }
}

// MARK: - Cards

/// What the central store knows of a card serial: the domain's
/// `CardSerialStatus` under its wire name (same JSON).
public typealias CardStatus = CardSerialStatus

public struct CardStatusResponse: Codable, Sendable, Hashable {
    public var serial: String
    public var status: CardStatus
    /// The code personnel, for an active card: what the code screen says
    /// at insertion (a locked code goes straight to the locked screen).
    public var codeTriesLeft: Int?
    public var codeLocked: Bool?
    public init(serial: String, status: CardStatus, codeTriesLeft: Int? = nil, codeLocked: Bool? = nil) {
        self.serial = serial
        self.status = status
        self.codeTriesLeft = codeTriesLeft
        self.codeLocked = codeLocked
    }
}

// MARK: - Foyer

public struct CEAMActionView: Codable, Sendable, Hashable {
    public var action: CEAMAction
    /// nil when allowed today.
    public var exclusion: CEAMExclusion?
    public init(action: CEAMAction, exclusion: CEAMExclusion?) {
        self.action = action
        self.exclusion = exclusion
    }
}

public struct VitaleActionView: Codable, Sendable, Hashable {
    public var action: VitaleAction
    public var exclusion: VitaleExclusion?
    public init(action: VitaleAction, exclusion: VitaleExclusion?) {
        self.action = action
        self.exclusion = exclusion
    }
}

/// One person on the card with what they may do today.
public struct PersonView: Codable, Sendable, Hashable {
    /// Index in EF.BENEF order (0 = holder).
    public var index: Int
    public var person: Person
    public var ceam: CEAMState
    public var ceamActions: [CEAMActionView]
    public var vitale: VitaleCardState
    public var vitaleActions: [VitaleActionView]
    public var rights: PersonRights?
    /// The carte Vitale order's use cases that concern this person, each
    /// allowed or why not (`VitaleRules.orderOptions`). Nil from a central
    /// store that predates the order at the kiosk.
    public var vitaleOrderOptions: [VitaleOrderOption]?

    public init(index: Int, person: Person, ceam: CEAMState, ceamActions: [CEAMActionView], vitale: VitaleCardState,
                vitaleActions: [VitaleActionView], rights: PersonRights?, vitaleOrderOptions: [VitaleOrderOption]? = nil) {
        self.index = index
        self.person = person
        self.ceam = ceam
        self.ceamActions = ceamActions
        self.vitale = vitale
        self.vitaleActions = vitaleActions
        self.rights = rights
        self.vitaleOrderOptions = vitaleOrderOptions
    }
}

extension PersonView {
    /// One person as the kiosk sees them today: states, and every action
    /// with whether the rules allow it (and why not). The central store
    /// answers with it; the kiosk's fake services build theirs the same way.
    public init(index: Int, person: Person, ceam record: CEAMRecord, vitale: VitaleCardState, situation: AssureSituation,
                rightsSufficient: Bool, rights: PersonRights?, ceamRules: CEAMRules, vitaleRules: VitaleRules,
                visualOutdated: Bool = false, now: Date, today: CivilDate) {
        let options = ceamRules.options(record: record, situation: situation, rightsSufficient: rightsSufficient, today: today)
        let ceamActions = CEAMAction.allCases.compactMap { a -> CEAMActionView? in
            guard let availability = options.actions[a] else { return nil }
            if case .excluded(let why) = availability { return CEAMActionView(action: a, exclusion: why) }
            return CEAMActionView(action: a, exclusion: nil)
        }
        let vitaleActions = VitaleAction.allCases.map { a -> VitaleActionView in
            let availability = vitaleRules.availability(a, person: person, card: vitale, situation: situation, visualOutdated: visualOutdated,
                                                        now: now, today: today)
            if case .excluded(let why) = availability { return VitaleActionView(action: a, exclusion: why) }
            return VitaleActionView(action: a, exclusion: nil)
        }
        let orderOptions = vitaleRules.orderOptions(person: person, card: vitale, situation: situation, visualOutdated: visualOutdated,
                                                    now: now, today: today)
        self.init(index: index, person: person, ceam: options.state, ceamActions: ceamActions, vitale: vitale,
                  vitaleActions: vitaleActions, rights: rights, vitaleOrderOptions: orderOptions)
    }
}

/// The assuré and their beneficiaries as the kiosk shows them.
public struct FoyerResponse: Codable, Sendable, Hashable {
    public var serial: String
    /// The central store's today: the day the actions were computed for.
    public var today: CivilDate
    public var persons: [PersonView]
    /// `06 •• •• •• 34`, or nil when no mobile is on file.
    public var maskedMobile: String?
    public var codeTriesLeft: Int
    public var codeLocked: Bool
    /// The postal address on file as a public screen may show it
    /// (`PostalAddress.masked`: the kiosk never gets it whole). Nil when
    /// none is on file, or from a central store that predates it.
    public var address: MaskedPostalAddress?
    /// « N'habite pas à l'adresse indiquée »: mail sent to the address came
    /// back (what it blocks is in each person's actions, excluded `npai`).
    /// Nil from a central store that predates it.
    public var npai: Bool?

    public init(serial: String, today: CivilDate, persons: [PersonView], maskedMobile: String?, codeTriesLeft: Int, codeLocked: Bool,
                address: MaskedPostalAddress? = nil, npai: Bool? = nil) {
        self.serial = serial
        self.today = today
        self.persons = persons
        self.maskedMobile = maskedMobile
        self.codeTriesLeft = codeTriesLeft
        self.codeLocked = codeLocked
        self.address = address
        self.npai = npai
    }
}

// MARK: - Codes

public struct CodeCheckRequest: Codable, Sendable, Hashable {
    public var code: String
    public init(code: String) { self.code = code }
}

public struct CodeCheckResponse: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable, Hashable {
        case accepted
        case rejected
        case locked
    }
    public var outcome: Outcome
    public var triesLeft: Int
    public init(outcome: Outcome, triesLeft: Int) {
        self.outcome = outcome
        self.triesLeft = triesLeft
    }
}

public struct ProvisionalCodeResponse: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable {
        /// The SMS gateway accepted the message.
        case sent
        case noMobileOnFile
        case tooManyRequests
        /// The gateway refused or did not answer after the retries; no code is valid.
        case smsFailed
    }
    public var status: Status
    public var maskedMobile: String?
    public var validUntil: Date?
    public var nextAllowedAt: Date?
    /// What the screen tells the assuré, in French, plainly.
    public var message: String

    public init(status: Status, maskedMobile: String? = nil, validUntil: Date? = nil, nextAllowedAt: Date? = nil, message: String) {
        self.status = status
        self.maskedMobile = maskedMobile
        self.validUntil = validUntil
        self.nextAllowedAt = nextAllowedAt
        self.message = message
    }
}

// MARK: - Commands (the kiosk's outbox)

// `KioskCommand`, what the assuré confirmed, is the domain's (Domain/KioskCommand.swift).

public struct CommandReceipt: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable {
        /// Applied now.
        case applied
        /// Refused by the rules (state changed since the screen); final.
        case refused
    }
    public var id: UUID
    public var status: Status
    /// True when this id had been received before: the first answer is repeated.
    public var duplicate: Bool
    /// Why a refusal, in plain words (no personal data).
    public var reason: String?
    /// For a CEAM order with an urgent departure.
    public var provisionalCertificate: ProvisionalCertificate?
    /// The person's state once the command applied, with the actions now
    /// allowed. The kiosk offers what follows from it: after declaring the
    /// very card in the reader lost, the foyer can no longer be read with
    /// that card, yet the order of a new one must be offered.
    public var person: PersonView?

    public init(id: UUID, status: Status, duplicate: Bool = false, reason: String? = nil,
                provisionalCertificate: ProvisionalCertificate? = nil, person: PersonView? = nil) {
        self.id = id
        self.status = status
        self.duplicate = duplicate
        self.reason = reason
        self.provisionalCertificate = provisionalCertificate
        self.person = person
    }
}

// MARK: - Rights and attestation

/// Signed EF.RIGHTS bytes for the "mise à jour" (card-profile.md, EF.RIGHTS).
public struct RightsResponse: Codable, Sendable, Hashable {
    public var serial: String
    /// The whole `E2` TLV to write with UPDATE BINARY.
    public var efRights: Data
    /// `YYYYMMDDhhmmss` UTC.
    public var issuedAt: String
    /// 8 bytes, hex.
    public var keyID: String

    public init(serial: String, efRights: Data, issuedAt: String, keyID: String) {
        self.serial = serial
        self.efRights = efRights
        self.issuedAt = issuedAt
        self.keyID = keyID
    }
}

/// The data of an attestation de droits.
public struct AttestationResponse: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        public var person: Person
        public var rights: PersonRights?
        public init(person: Person, rights: PersonRights?) {
            self.person = person
            self.rights = rights
        }
    }
    public var serial: String
    public var issuedOn: CivilDate
    /// Régime + caisse + centre.
    public var organisation: String?
    public var entries: [Entry]

    public init(serial: String, issuedOn: CivilDate, organisation: String?, entries: [Entry]) {
        self.serial = serial
        self.issuedOn = issuedOn
        self.organisation = organisation
        self.entries = entries
    }
}

// MARK: - Reference data

public struct TrustedKey: Codable, Sendable, Hashable {
    public var id: String
    /// P-256 public key, X9.63 uncompressed.
    public var publicKey: Data
    public init(id: String, publicKey: Data) {
        self.id = id
        self.publicKey = publicKey
    }
}

public struct CEAMCountry: Codable, Sendable, Hashable {
    public var code: String
    public var name: String
    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// What the kiosk caches with its age: enough to refuse a card offline.
public struct ReferenceData: Codable, Sendable, Hashable {
    public var generatedAt: Date
    public var trustedIssuerKeys: [TrustedKey]
    public var rightsSigningKeys: [TrustedKey]
    /// Lost, stolen and invalidated serials.
    public var opposedSerials: [String]
    public var ceamCountries: [CEAMCountry]
    public var parameters: RuleParameters

    public init(generatedAt: Date, trustedIssuerKeys: [TrustedKey], rightsSigningKeys: [TrustedKey], opposedSerials: [String],
                ceamCountries: [CEAMCountry], parameters: RuleParameters) {
        self.generatedAt = generatedAt
        self.trustedIssuerKeys = trustedIssuerKeys
        self.rightsSigningKeys = rightsSigningKeys
        self.opposedSerials = opposedSerials
        self.ceamCountries = ceamCountries
        self.parameters = parameters
    }
}

// MARK: - Payments

/// « Mes remboursements »: the reimbursements paid within a period, for one
/// person or the whole foyer, newest first, with their exact total.
public struct PaymentsResponse: Codable, Sendable, Hashable {
    public var serial: String
    /// The central store's today.
    public var today: CivilDate
    public var from: CivilDate
    public var to: CivilDate
    /// The person asked for (EF.BENEF order), nil: the whole foyer.
    public var person: Int?
    public var payments: [Payment]
    public var total: Money
    /// The first day that may be asked (the history kept).
    public var firstDay: CivilDate

    public init(serial: String, today: CivilDate, from: CivilDate, to: CivilDate, person: Int?, payments: [Payment], total: Money,
                firstDay: CivilDate) {
        self.serial = serial; self.today = today; self.from = from; self.to = to; self.person = person
        self.payments = payments; self.total = total; self.firstDay = firstDay
    }
}

/// The attestation de paiement d'indemnités journalières: the IJ paid to the
/// assuré within a period, oldest first, with their exact total. Empty when
/// none were paid: the kiosk says so plainly.
public struct DailyAllowancesResponse: Codable, Sendable, Hashable {
    public var serial: String
    public var today: CivilDate
    public var from: CivilDate
    public var to: CivilDate
    /// The assuré the allowances were paid to.
    public var assure: Person
    public var allowances: [DailyAllowancePayment]
    public var total: Money
    /// The first day that may be asked (8 years, seed 001 §4).
    public var firstDay: CivilDate

    public init(serial: String, today: CivilDate, from: CivilDate, to: CivilDate, assure: Person, allowances: [DailyAllowancePayment],
                total: Money, firstDay: CivilDate) {
        self.serial = serial; self.today = today; self.from = from; self.to = to; self.assure = assure
        self.allowances = allowances; self.total = total; self.firstDay = firstDay
    }
}

// MARK: - Carte Vitale orders (tracking)

/// One order as « Suivre ma commande de carte Vitale » shows it: its stage
/// and the days the rules computed (`VitaleOrderTracking`).
public struct VitaleOrderView: Codable, Sendable, Hashable {
    public var id: UUID
    /// The person, in EF.BENEF order.
    public var personIndex: Int
    public var useCase: VitaleOrderUseCase
    public var placedAt: Date
    public var stage: VitaleOrderStage
    public var stageChangedAt: Date
    /// The day the card should arrive (nil once rejected).
    public var expectedBy: CivilDate?
    /// From when the detailed follow-up is given (seed 000: « dès 1 à 2 jour(s) »).
    public var followUpFrom: CivilDate

    public init(id: UUID, personIndex: Int, useCase: VitaleOrderUseCase, placedAt: Date, stage: VitaleOrderStage, stageChangedAt: Date,
                expectedBy: CivilDate?, followUpFrom: CivilDate) {
        self.id = id
        self.personIndex = personIndex
        self.useCase = useCase
        self.placedAt = placedAt
        self.stage = stage
        self.stageChangedAt = stageChangedAt
        self.expectedBy = expectedBy
        self.followUpFrom = followUpFrom
    }

    public init(_ order: VitaleOrderRecord, tracking: VitaleOrderTracking) {
        self.init(id: order.id, personIndex: order.personIndex, useCase: order.useCase, placedAt: order.placedAt, stage: order.stage,
                  stageChangedAt: order.stageChangedAt, expectedBy: order.stage == .rejected ? nil : tracking.expectedBy(order),
                  followUpFrom: tracking.followUpFrom(placedAt: order.placedAt))
    }
}

/// `GET /v1/cards/{serial}/vitale-orders`: the foyer's orders, newest first.
public struct VitaleOrdersResponse: Codable, Sendable, Hashable {
    public var serial: String
    public var today: CivilDate
    public var orders: [VitaleOrderView]

    public init(serial: String, today: CivilDate, orders: [VitaleOrderView]) {
        self.serial = serial
        self.today = today
        self.orders = orders
    }
}
