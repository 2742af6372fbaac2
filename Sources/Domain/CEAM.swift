/// Carte européenne d'assurance maladie, per beneficiary (seed 003, BMS section;
/// seed 001, "CEAM").

/// Why a CEAM order was placed.
public enum CEAMOrderKind: String, Hashable, Sendable, Codable {
    /// No card, or the last one expired.
    case first
    /// Early renewal, within the months before expiry.
    case earlyRenewal
    /// Replacement after a loss or theft declaration.
    case replacement
}

/// The certificate given when the departure is too close to wait for the card.
public struct ProvisionalCertificate: Hashable, Sendable, Codable {
    public var issuedOn: CivilDate
    public var validUntil: CivilDate

    public init(issuedOn: CivilDate, validUntil: CivilDate) {
        self.issuedOn = issuedOn
        self.validUntil = validUntil
    }
}

/// A card being made and sent.
public struct CEAMOrder: Hashable, Sendable, Codable {
    public var kind: CEAMOrderKind
    public var placedOn: CivilDate
    /// When the card should arrive (placedOn + delivery days).
    public var expectedBy: CivilDate
    /// Issued at most once per order.
    public var provisionalCertificate: ProvisionalCertificate?

    public init(kind: CEAMOrderKind, placedOn: CivilDate, expectedBy: CivilDate, provisionalCertificate: ProvisionalCertificate? = nil) {
        self.kind = kind
        self.placedOn = placedOn
        self.expectedBy = expectedBy
        self.provisionalCertificate = provisionalCertificate
    }
}

public enum LossKind: String, Hashable, Sendable, Codable {
    case perte
    case vol
}

/// What a beneficiary's CEAM is today.
public enum CEAMState: Hashable, Sendable, Codable {
    /// No card (never had one, or the last one expired long ago and is no longer on file).
    case none
    /// A card valid until (and including) this date. Past it, the card is expired.
    case valid(until: CivilDate)
    /// A card ordered (first, or early renewal), not yet delivered.
    case ordered(CEAMOrder)
    /// The card was declared lost or stolen on a date; that cancels it and a
    /// replacement is ordered.
    case declaredLost(on: CivilDate, kind: LossKind, replacement: CEAMOrder)

    /// The pending order, if any.
    public var order: CEAMOrder? {
        switch self {
        case .ordered(let o), .declaredLost(_, _, let o): return o
        default: return nil
        }
    }
}

/// A beneficiary's CEAM file as the central store keeps it.
public struct CEAMRecord: Hashable, Sendable, Codable {
    public var state: CEAMState
    /// Dates of the loss/theft declarations made for this person (any channel).
    public var lossDeclarations: [CivilDate]

    public init(state: CEAMState = .none, lossDeclarations: [CivilDate] = []) {
        self.state = state
        self.lossDeclarations = lossDeclarations
    }
}

/// What the assuré ouvrant droit's file says that bears on every
/// beneficiary's requests.
public struct AssureSituation: Hashable, Sendable, Codable {
    /// "N'habite pas à l'adresse indiquée": mail comes back, so no card can be sent.
    public var npai: Bool
    /// A démarche already in progress for the assuré or one of their
    /// beneficiaries: one at a time.
    public var demarcheEnCours: Bool
    /// Not allowed to order a carte Vitale (misuse of the previous card, or a régime without one).
    public var vitaleOrderNotAuthorised: Bool
    /// Changing régime: the carte Vitale is being transferred (mutation).
    public var regimeChanging: Bool

    public init(npai: Bool = false, demarcheEnCours: Bool = false, vitaleOrderNotAuthorised: Bool = false, regimeChanging: Bool = false) {
        self.npai = npai
        self.demarcheEnCours = demarcheEnCours
        self.vitaleOrderNotAuthorised = vitaleOrderNotAuthorised
        self.regimeChanging = regimeChanging
    }
}

/// The four things a beneficiary can do with a CEAM at the kiosk.
public enum CEAMAction: String, Hashable, Sendable, Codable, CaseIterable {
    case order
    case earlyRenewal
    case declareLossOrTheft
    case viewPrint
}

/// Why an action is not offered, and so what the assuré should do.
public enum CEAMExclusion: Hashable, Sendable, Codable {
    /// NPAI: update the address with the caisse first.
    case npai
    /// More than `limit` declarations in the year (`count` of them): the
    /// caisse takes any new declaration or order (seed 003).
    case tooManyLossDeclarations(count: Int, limit: Int)
    /// The card was declared lost/stolen and its replacement is on its way.
    case cancelledWithOrderInProgress
    /// Rights insufficient in the caisse's records.
    case insufficientRights
    /// Another démarche is in progress: one at a time.
    case demarcheEnCours
    /// Early renewal opens on this date.
    case renewalTooEarly(opensOn: CivilDate)
    /// A card is already on its way.
    case orderInProgress
    /// Nothing to view or print: no valid card.
    case noValidCard
    /// The card is still valid: order is for a first card or an expired one.
    case cardStillValid
}

public enum CEAMAvailability: Hashable, Sendable {
    case allowed
    case excluded(CEAMExclusion)

    public var isAllowed: Bool { self == .allowed }
}

/// A beneficiary's CEAM as shown in the kiosk's list: its state and every
/// action with whether it is allowed today.
public struct CEAMOptions: Hashable, Sendable {
    public var state: CEAMState
    /// Every action that applies to the state, allowed or with its reason.
    public var actions: [CEAMAction: CEAMAvailability]

    /// Allowed actions, in the screen's order.
    public var allowed: [CEAMAction] { CEAMAction.allCases.filter { actions[$0] == .allowed } }
    public func availability(_ action: CEAMAction) -> CEAMAvailability? { actions[action] }
}

/// What the assuré answers in the action's modal.
public struct CEAMRequest: Hashable, Sendable, Codable {
    public var action: CEAMAction
    /// "Votre départ est-il prévu dans les 15 jours ?"
    public var departureWithinUrgentDays: Bool
    /// For a loss/theft declaration.
    public var loss: LossDetails?

    public struct LossDetails: Hashable, Sendable, Codable {
        public var kind: LossKind
        public var date: CivilDate
        /// The sworn statement, ticked by the assuré.
        public var swornStatement: Bool
        public init(kind: LossKind, date: CivilDate, swornStatement: Bool) {
            self.kind = kind
            self.date = date
            self.swornStatement = swornStatement
        }
    }

    public init(action: CEAMAction, departureWithinUrgentDays: Bool = false, loss: LossDetails? = nil) {
        self.action = action
        self.departureWithinUrgentDays = departureWithinUrgentDays
        self.loss = loss
    }
}

public enum CEAMRequestError: Error, Hashable, Sendable {
    case notAllowed(CEAMAction, CEAMExclusion)
    /// The action does not apply to the card's state (e.g. renewing no card).
    case notApplicable(CEAMAction)
    case lossDetailsMissing
    case lossDateInFuture(latest: CivilDate)
    case lossDateTooOld(earliest: CivilDate)
    case swornStatementNotTicked
}

/// The result of a confirmed request.
public struct CEAMOutcome: Hashable, Sendable {
    public var record: CEAMRecord
    /// To print now, when the departure is within the urgent days.
    public var provisionalCertificate: ProvisionalCertificate?
}

/// The CEAM rules. Pure: the state, the situation and today in, options or
/// the new state out.
public struct CEAMRules: Sendable {
    public var parameters: CEAMParameters

    public init(_ parameters: CEAMParameters = .init()) { self.parameters = parameters }

    /// The date a valid card expires (last valid day).
    public func expiry(issuedOn: CivilDate) -> CivilDate {
        issuedOn.adding(years: parameters.validityYears).adding(days: -1)
    }

    /// First day of early renewal for a card valid until `until`.
    public func renewalOpens(until: CivilDate) -> CivilDate {
        until.adding(months: -parameters.earlyRenewalMonthsBeforeExpiry)
    }

    /// The dates a lost or stolen card may have been lost on: never after
    /// today (a loss is in the past), never longer ago than a card's validity
    /// (a card lost before that would have expired anyway).
    public func lossDates(today: CivilDate) -> ClosedRange<CivilDate> {
        today.adding(years: -parameters.validityYears)...today
    }

    /// Loss/theft declarations counted against the yearly limit on `today`.
    public func declarationsInYear(_ dates: [CivilDate], today: CivilDate) -> Int {
        switch parameters.lossDeclarationYear {
        case .calendar:
            return dates.filter { $0.year == today.year && $0 <= today }.count
        case .rolling:
            let start = today.adding(years: -1)
            return dates.filter { $0 > start && $0 <= today }.count
        }
    }

    /// The actions for one beneficiary today.
    public func options(record: CEAMRecord, situation: AssureSituation, rightsSufficient: Bool, today: CivilDate) -> CEAMOptions {
        var actions: [CEAMAction: CEAMAvailability] = [:]
        let state = effectiveState(record.state, today: today)

        // Exclusions that block any request (not viewing a valid card).
        func requestBlock() -> CEAMExclusion? {
            if situation.npai { return .npai }
            if !rightsSufficient { return .insufficientRights }
            if situation.demarcheEnCours { return .demarcheEnCours }
            return nil
        }
        // « plus de 2 fois »: strictly more than the limit sends to the caisse.
        func tooManyDeclarations() -> CEAMExclusion? {
            let count = declarationsInYear(record.lossDeclarations, today: today)
            let limit = parameters.caisseWhenLossDeclarationsExceed
            return count > limit ? .tooManyLossDeclarations(count: count, limit: limit) : nil
        }

        switch state {
        case .none:
            // Seed 003, « cas particulier »: past the limit, « il ne pourra
            // plus commander sa carte en ligne ».
            actions[.order] = (requestBlock() ?? tooManyDeclarations()).map(CEAMAvailability.excluded) ?? .allowed
        case .valid(let until):
            let opens = renewalOpens(until: until)
            if let block = requestBlock() ?? tooManyDeclarations() {
                actions[.earlyRenewal] = .excluded(block)
            } else if today < opens {
                actions[.earlyRenewal] = .excluded(.renewalTooEarly(opensOn: opens))
            } else {
                actions[.earlyRenewal] = .allowed
            }
            actions[.declareLossOrTheft] = (requestBlock() ?? tooManyDeclarations()).map(CEAMAvailability.excluded) ?? .allowed
            actions[.viewPrint] = .allowed
        case .ordered:
            actions[.order] = .excluded(.orderInProgress)
        case .declaredLost:
            actions[.order] = .excluded(.cancelledWithOrderInProgress)
            actions[.declareLossOrTheft] = .excluded(.cancelledWithOrderInProgress)
        }
        return CEAMOptions(state: state, actions: actions)
    }

    /// An expired card counts as no card, whatever the stored state says
    /// (the central store may not have caught up with the date).
    public func effectiveState(_ state: CEAMState, today: CivilDate) -> CEAMState {
        if case .valid(let until) = state, until < today { return .none }
        return state
    }

    /// Applies a confirmed request. Checks everything again: a request is
    /// never applied on a stale screen's word.
    public func apply(_ request: CEAMRequest, record: CEAMRecord, situation: AssureSituation,
                      rightsSufficient: Bool, today: CivilDate) throws(CEAMRequestError) -> CEAMOutcome {
        let options = options(record: record, situation: situation, rightsSufficient: rightsSufficient, today: today)
        guard let availability = options.actions[request.action] else { throw .notApplicable(request.action) }
        if case .excluded(let why) = availability { throw .notAllowed(request.action, why) }

        var next = record
        var certificate: ProvisionalCertificate?
        func newOrder(_ kind: CEAMOrderKind) -> CEAMOrder {
            if request.departureWithinUrgentDays {
                certificate = ProvisionalCertificate(
                    issuedOn: today, validUntil: today.adding(months: parameters.provisionalCertificateValidityMonths))
            }
            return CEAMOrder(kind: kind, placedOn: today, expectedBy: today.adding(days: parameters.deliveryDays),
                             provisionalCertificate: certificate)
        }

        switch request.action {
        case .order:
            next.state = .ordered(newOrder(.first))
        case .earlyRenewal:
            next.state = .ordered(newOrder(.earlyRenewal))
        case .declareLossOrTheft:
            guard let loss = request.loss else { throw .lossDetailsMissing }
            let window = lossDates(today: today)
            guard loss.date <= window.upperBound else { throw .lossDateInFuture(latest: today) }
            guard loss.date >= window.lowerBound else { throw .lossDateTooOld(earliest: window.lowerBound) }
            guard loss.swornStatement else { throw .swornStatementNotTicked }
            next.lossDeclarations.append(today)
            next.state = .declaredLost(on: loss.date, kind: loss.kind, replacement: newOrder(.replacement))
        case .viewPrint:
            break
        }
        return CEAMOutcome(record: next, provisionalCertificate: certificate)
    }

    /// The card arrives: the order becomes a valid card.
    public func delivered(_ record: CEAMRecord, on day: CivilDate) -> CEAMRecord {
        guard record.state.order != nil else { return record }
        var next = record
        next.state = .valid(until: expiry(issuedOn: day))
        return next
    }
}

// MARK: - What a request's modal asks

/// What the assuré answers before a CEAM request is confirmed (seed 003,
/// BMS section: « une fenêtre modale se présente à l'assuré pour compléter
/// l'action »). The kiosk asks these questions and nothing else;
/// `CEAMRules.apply` checks the answers again.
public struct CEAMForm: Hashable, Sendable {
    public var action: CEAMAction
    /// Seed 001: « Je précise si mon départ est dans les 15 jours »; yes
    /// gets a provisional certificate.
    public var asksDeparture: Bool
    /// The days of that question.
    public var urgentDepartureDays: Int
    /// For a loss or theft: which, when, and the sworn statement.
    public var loss: CEAMLossForm?

    /// The answers given so far.
    public struct Answers: Hashable, Sendable {
        public var departureWithinUrgentDays: Bool?
        public var lossKind: LossKind?
        public var lossDate: CivilDate?
        public var swornStatement: Bool

        public init(departureWithinUrgentDays: Bool? = nil, lossKind: LossKind? = nil, lossDate: CivilDate? = nil,
                    swornStatement: Bool = false) {
            self.departureWithinUrgentDays = departureWithinUrgentDays
            self.lossKind = lossKind
            self.lossDate = lossDate
            self.swornStatement = swornStatement
        }
    }

    /// The request the answers make; nil while one the form asks is missing
    /// or outside what it offers.
    public func request(_ answers: Answers) -> CEAMRequest? {
        if asksDeparture, answers.departureWithinUrgentDays == nil { return nil }
        var details: CEAMRequest.LossDetails?
        if let loss {
            guard let kind = answers.lossKind, loss.kinds.contains(kind), let date = answers.lossDate, loss.dates.contains(date),
                  answers.swornStatement || !loss.swornStatementRequired else { return nil }
            details = .init(kind: kind, date: date, swornStatement: answers.swornStatement)
        }
        return CEAMRequest(action: action, departureWithinUrgentDays: answers.departureWithinUrgentDays ?? false, loss: details)
    }
}

/// The loss or theft part of the form (seed 003, « Déclaration de perte / vol »).
public struct CEAMLossForm: Hashable, Sendable {
    /// The answers to « perte ou vol ? », in the order offered.
    public var kinds: [LossKind]
    /// « L'assuré … sélectionne la date correspondant à la perte ou au vol »:
    /// one of these (`CEAMRules.lossDates`).
    public var dates: ClosedRange<CivilDate>
    /// The date offered first.
    public var proposedDate: CivilDate
    /// The sworn statement must be ticked.
    public var swornStatementRequired: Bool
}

extension CEAMRules {
    /// The loss or theft modal's questions on `today`.
    public func lossForm(today: CivilDate) -> CEAMLossForm {
        CEAMLossForm(kinds: [.perte, .vol], dates: lossDates(today: today), proposedDate: today, swornStatementRequired: true)
    }

    /// What `action`'s modal asks on `today`; nil for « Voir / imprimer »,
    /// which asks nothing and sends no request.
    public func form(for action: CEAMAction, today: CivilDate) -> CEAMForm? {
        let days = parameters.urgentDepartureDays
        switch action {
        case .order, .earlyRenewal:
            return CEAMForm(action: action, asksDeparture: true, urgentDepartureDays: days, loss: nil)
        case .declareLossOrTheft:
            return CEAMForm(action: action, asksDeparture: true, urgentDepartureDays: days, loss: lossForm(today: today))
        case .viewPrint:
            return nil
        }
    }
}

extension ProvisionalCertificate {
    /// Valid through its last day: a certificate still owed to the assuré
    /// is handed over only while it is.
    public func isValid(on day: CivilDate) -> Bool { day <= validUntil }
}
