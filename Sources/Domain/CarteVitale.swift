import Foundation

/// Carte Vitale declarations and orders, per beneficiary (seeds 000 and 001).

public enum VitaleDeclarationReason: String, Hashable, Sendable, Codable, CaseIterable {
    case perte
    case vol
    case dysfonctionnement
}

/// A beneficiary's carte Vitale as the central store keeps it.
public enum VitaleCardState: Hashable, Sendable, Codable {
    /// No card of their own (never had one).
    case none
    /// A card in use.
    case active(serial: String)
    /// Declared lost, stolen or faulty at an instant: the card is invalidated.
    case invalidated(serial: String, reason: VitaleDeclarationReason, declaredAt: Date)
    /// A new card ordered at an instant.
    case ordered(at: Date)
}

public enum VitaleAction: String, Hashable, Sendable, Codable, CaseIterable {
    case declare
    case order
}

public enum VitaleExclusion: Hashable, Sendable, Codable {
    /// Under the minimum age: the child is on the parent's card.
    case tooYoung(minimumAge: Int)
    case npai
    /// Misuse of the previous card, or a régime without carte Vitale.
    case notAuthorised
    /// Changing régime: the card is being transferred.
    case regimeChanging
    /// The card in use must first be declared lost, stolen or faulty.
    case declarationRequired
    /// The 4-day window closed; ordering is refused until this instant
    /// (paper form being sent), then possible again.
    case orderPausedUntil(Date)
    /// A new card is already on its way.
    case orderInProgress
    /// Nothing to declare: no card in use.
    case noActiveCard
    case demarcheEnCours
    /// An ayant droit without a NIR of their own: the caisse first gives
    /// them one (seed 000: « contactez votre caisse »).
    case noOwnNIR
    /// A new card for a new name or NIR, when the caisse has none on file.
    case noVisualChangeOnFile
}

public enum VitaleAvailability: Hashable, Sendable {
    case allowed
    case excluded(VitaleExclusion)
    public var isAllowed: Bool { self == .allowed }
}

public enum VitaleRequestError: Error, Hashable, Sendable {
    case notAllowed(VitaleAction, VitaleExclusion)
    /// The assuré must commit to send back a card that is found.
    case returnCommitmentMissing
    /// An order's use case that does not fit the person's file.
    case useCaseNotApplicable(VitaleOrderUseCase)
    /// An order without this document (none, not received, of another
    /// kind, or already held by another order).
    case documentMissing(DocumentKind)
    /// The attestation sur l'honneur was not ticked.
    case swornStatementMissing
}

public struct VitaleRules: Sendable {
    public var parameters: CarteVitaleParameters

    public init(_ parameters: CarteVitaleParameters = .init()) { self.parameters = parameters }

    /// Where an invalidated card's order stands at `now`.
    public enum OrderWindow: Hashable, Sendable {
        /// Within the days after the declaration: order now.
        case open(until: Date)
        /// The pause after the window.
        case paused(until: Date)
        /// Past the pause: possible again.
        case reopened
    }

    public func orderWindow(declaredAt: Date, now: Date) -> OrderWindow {
        let windowEnd = declaredAt.addingTimeInterval(Double(parameters.orderWindowDays) * 86_400)
        let pauseEnd = windowEnd.addingTimeInterval(Double(parameters.orderBlackoutDays) * 86_400)
        if now < windowEnd { return .open(until: windowEnd) }
        if now < pauseEnd { return .paused(until: pauseEnd) }
        return .reopened
    }

    public func availability(_ action: VitaleAction, person: Person, card: VitaleCardState, situation: AssureSituation,
                             visualOutdated: Bool = false, now: Date, today: CivilDate) -> VitaleAvailability {
        if person.age(on: today) < parameters.minimumAge { return .excluded(.tooYoung(minimumAge: parameters.minimumAge)) }
        switch action {
        case .declare:
            if situation.demarcheEnCours { return .excluded(.demarcheEnCours) }
            if case .active = card { return .allowed }
            return .excluded(.noActiveCard)
        case .order:
            // Allowed when one use case is (VitaleOrder.swift); else the first one's reason.
            let options = orderOptions(person: person, card: card, situation: situation, visualOutdated: visualOutdated, now: now, today: today)
            if options.contains(where: { $0.exclusion == nil }) { return .allowed }
            return .excluded(options.first?.exclusion ?? .declarationRequired)
        }
    }

    /// Declares the card lost, stolen or faulty: it is invalidated at `now`.
    public func declare(_ reason: VitaleDeclarationReason, commitsToReturnFoundCard: Bool, person: Person,
                        card: VitaleCardState, situation: AssureSituation, now: Date, today: CivilDate) throws(VitaleRequestError) -> VitaleCardState {
        if case .excluded(let why) = availability(.declare, person: person, card: card, situation: situation, now: now, today: today) {
            throw .notAllowed(.declare, why)
        }
        guard commitsToReturnFoundCard || !reason.requiresReturnCommitment else { throw .returnCommitmentMissing }
        guard case .active(let serial) = card else { throw .notAllowed(.declare, .noActiveCard) }
        return .invalidated(serial: serial, reason: reason, declaredAt: now)
    }

}

extension VitaleDeclarationReason {
    /// Seed 004: « Cochez la case Je m'engage à restituer… »: a lost or
    /// stolen card that is found must be sent back; a faulty one is not
    /// kept by anyone.
    public var requiresReturnCommitment: Bool { self != .dysfonctionnement }
}

/// What the caisse's file says of one carte Vitale serial. Lost, stolen,
/// invalidated and unknown serials are refused (the opposition list).
public enum CardSerialStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case active
    case lost
    case stolen
    /// Declared faulty, blocked or replaced.
    case invalidated
    case unknown

    /// Lost, stolen, invalidated and unknown serials are refused.
    public var isRefused: Bool { self != .active }

    /// The status a declaration gives the declared card.
    public init(declared reason: VitaleDeclarationReason) {
        switch reason {
        case .perte: self = .lost
        case .vol: self = .stolen
        case .dysfonctionnement: self = .invalidated
        }
    }
}
