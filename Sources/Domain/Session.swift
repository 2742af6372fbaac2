import Foundation

/// The services of the kiosk menu.
public enum KioskService: String, Hashable, Sendable, Codable, CaseIterable {
    case ceam
    case provisionalCode
    case carteVitaleLoss
    case attestation
    case miseAJour
    /// « Mes informations »: the foyer, its rights, the address and mobile on file.
    case mesInformations
    /// « Mes remboursements »: the reimbursements paid, and a relevé.
    case remboursements
    /// Attestation de paiement des indemnités journalières.
    case attestationIJ
    /// Changement d'adresse (seed 001 §5), for the whole foyer.
    case changementAdresse
    /// Commande de carte Vitale (seed 000): photo, pièce d'identité, attestation sur l'honneur.
    case commandeCarteVitale
    /// « Suivre ma commande de carte Vitale » (seed 000).
    case suiviCarteVitale
}

/// Why a session ended.
public enum SessionEndReason: String, Hashable, Sendable, Codable {
    case cardRemoved
    case inactivity
    /// "Terminer" tapped.
    case finished
    case cardRefused
    case codeLocked
    /// Any fault: the kiosk returns to a safe screen.
    case fault
}

/// Where a session is. Only what the screen needs; everything personal is
/// in `KioskSession.identity` and goes when the session ends.
public enum SessionState: Hashable, Sendable {
    /// "Insérez votre carte Vitale".
    case attract
    /// Card inserted, being read; then, once it is read, the code's tries
    /// asked of the central store (`SessionEffect.askCodeStatus`).
    case readingCard
    /// The card cannot be used; the reason is shown until it is removed.
    case cardRefused(CardVerdict)
    /// Card read; the code personnel is asked with this many tries left,
    /// as the central store counts them; nil when it did not say (the
    /// screen then says no count rather than a wrong one).
    case codeEntry(triesLeft: Int?)
    /// The code is locked: what to do next is shown until the card is removed.
    case codeLocked
    /// Signed in.
    case menu
    /// In a service. `.provisionalCode` is also reachable from code entry ("code oublié ?").
    case flow(KioskService)
    /// A request was taken; the screen confirms it.
    case confirmation(KioskService)
    /// The session is over; the screen asks to take the card.
    case ended(SessionEndReason)

    /// States during which the assuré is interacting, so inactivity counts.
    public var isInteractive: Bool {
        switch self {
        case .attract, .readingCard, .ended: return false
        default: return true
        }
    }
}

public enum SessionEvent: Hashable, Sendable {
    case cardInserted
    case cardRead(CardIdentity, CardVerdict)
    /// The card could not be read at all (mute, pulled mid-read, faulty).
    case cardUnreadable(reason: String)
    case cardRemoved
    case codeAccepted
    /// The central store's count for the card just read (nil: it did not
    /// answer): the code screen, or the locked screen at once.
    case codeStatus(triesLeft: Int?, locked: Bool)
    case codeRejected(triesLeft: Int)
    case codeLocked
    /// "Code oublié ?" on the code screen.
    case forgotCode
    case choose(KioskService)
    /// A request was confirmed (and is durable).
    case confirmed
    /// Back to the previous place: the menu, or code entry before sign-in.
    case back
    /// "Terminer".
    case finish
    /// Any touch.
    case activity
    /// Tap on the inactivity warning.
    case extend
    /// Time passes.
    case tick
    case fault
}

/// What the UI must do beside showing the new state.
public enum SessionEffect: Hashable, Sendable {
    /// Show and speak the inactivity warning (seconds left).
    case showInactivityWarning(secondsLeft: Int)
    case hideInactivityWarning
    /// Clear the screen and everything personal of the session.
    case wipe
    /// Ask the central store how many tries the card's code has left,
    /// then send `.codeStatus`.
    case askCodeStatus
}

/// The kiosk session as a state machine. Time comes from the Clock, so
/// inactivity is tested in milliseconds.
public struct KioskSession: Sendable {
    public private(set) var state: SessionState = .attract
    /// Who is on the card; nil outside a session.
    public private(set) var identity: CardIdentity?
    public private(set) var verdict: CardVerdict?
    public private(set) var extensionsUsed = 0
    public private(set) var warningShown = false
    private var lastActivity: Date
    /// The central store's count, once told; nil before, or when it did not answer.
    private var codeTriesLeft: Int?
    public let parameters: SessionParameters

    public init(parameters: SessionParameters = .init(), now: Date) {
        self.parameters = parameters
        self.lastActivity = now
    }

    /// When the session will end for inactivity, if it is interactive.
    public var deadline: Date? {
        state.isInteractive ? lastActivity.addingTimeInterval(Double(parameters.inactivityTimeoutSeconds)) : nil
    }

    public var canExtend: Bool { warningShown && extensionsUsed < parameters.maxExtensions }

    @discardableResult
    public mutating func handle(_ event: SessionEvent, now: Date) -> [SessionEffect] {
        var effects: [SessionEffect] = []

        // Card removed: from any state, at once.
        if event == .cardRemoved {
            let hadSession = state != .attract
            reset(now: now)
            return hadSession ? [.wipe] : []
        }
        if event == .fault {
            if state == .attract { return [] }
            end(.fault, effects: &effects, now: now)
            return effects
        }

        switch (state, event) {
        case (.attract, .cardInserted):
            state = .readingCard
        case (.readingCard, .cardRead(let id, let v)):
            if v.allowsSession {
                // Still reading for the assuré: the code screen waits for
                // the central store's count (the kiosk's own would be wrong
                // after tries on another visit or kiosk).
                identity = id
                verdict = v
                codeTriesLeft = nil
                effects.append(.askCodeStatus)
            } else {
                verdict = v
                state = .cardRefused(v)
            }
        case (.readingCard, .codeStatus(let left, let locked)) where identity != nil:
            codeTriesLeft = locked ? 0 : left
            state = locked ? .codeLocked : .codeEntry(triesLeft: left)
            touch(now)
        case (.readingCard, .cardUnreadable):
            state = .cardRefused(.faulty(reason: "unreadable"))
        case (.codeEntry, .codeAccepted), (.flow(.provisionalCode), .codeAccepted) where identity != nil:
            state = .menu
            touch(now)
        case (.codeEntry, .codeRejected(let left)):
            codeTriesLeft = left
            state = left > 0 ? .codeEntry(triesLeft: left) : .codeLocked
            touch(now)
        case (.codeEntry, .codeLocked):
            codeTriesLeft = 0
            state = .codeLocked
            touch(now)
        case (.codeEntry, .forgotCode), (.codeLocked, .forgotCode):
            // Locked too: the SMS code still serves (ameli, or the central store's own rules).
            state = .flow(.provisionalCode)
            touch(now)
        case (.menu, .choose(let service)):
            state = .flow(service)
            touch(now)
        case (.flow(let service), .confirmed):
            state = .confirmation(service)
            touch(now)
        case (.flow(.provisionalCode), .back) where !isSignedIn:
            state = codeTriesLeft == 0 ? .codeLocked : .codeEntry(triesLeft: codeTriesLeft)
            touch(now)
        case (.flow, .back), (.confirmation, .back):
            state = .menu
            touch(now)
        case (.flow(.carteVitaleLoss), .choose(.commandeCarteVitale)), (.confirmation(.carteVitaleLoss), .choose(.commandeCarteVitale)):
            // Seed 000: « de la déclaration de perte de CV à la commande de sa nouvelle CV ».
            state = .flow(.commandeCarteVitale)
            touch(now)
        case (.confirmation(let service), .choose(let next)) where next == service:
            // Another request in the same service (e.g. the next beneficiary).
            state = .flow(service)
            touch(now)
        case (_, .finish) where state.isInteractive:
            end(.finished, effects: &effects, now: now)
        case (_, .activity) where state.isInteractive:
            touch(now)
            if warningShown { warningShown = false; effects.append(.hideInactivityWarning) }
        case (_, .extend) where state.isInteractive:
            if canExtend {
                extensionsUsed += 1
                touch(now)
                warningShown = false
                effects.append(.hideInactivityWarning)
            }
        case (_, .tick):
            break
        default:
            // An event that does not apply here (a stale tap): ignored, the
            // state stays safe.
            break
        }

        // Inactivity, checked on every event.
        if state.isInteractive, let deadline {
            let left = deadline.timeIntervalSince(now)
            if left <= 0 {
                end(.inactivity, effects: &effects, now: now)
            } else if left <= Double(parameters.inactivityWarningSeconds), !warningShown {
                warningShown = true
                effects.append(.showInactivityWarning(secondsLeft: Int(left.rounded(.up))))
            }
        }
        return effects
    }

    /// True once the code personnel was accepted in this session.
    public var isSignedIn: Bool {
        switch state {
        case .menu, .confirmation: return true
        case .flow(let s): return s != .provisionalCode || signedInBeforeFlow
        default: return false
        }
    }

    // The provisional-code flow is reached before sign-in; remember whether
    // the menu was reached so "back" goes to the right place.
    private var signedInBeforeFlow = false

    private mutating func touch(_ now: Date) {
        lastActivity = now
        if state == .menu { signedInBeforeFlow = true }
    }

    private mutating func end(_ reason: SessionEndReason, effects: inout [SessionEffect], now: Date) {
        identity = nil
        verdict = nil
        warningShown = false
        state = .ended(reason)
        effects.append(.wipe)
    }

    private mutating func reset(now: Date) {
        state = .attract
        identity = nil
        verdict = nil
        extensionsUsed = 0
        warningShown = false
        signedInBeforeFlow = false
        codeTriesLeft = nil
        lastActivity = now
    }
}
