import Foundation

/// What the caisse's file holds of a foyer that the commands' rules read
/// and change. The central store keeps more (codes, mobile, rights); it
/// hands the rules this and stores what they answer.
public struct FoyerState: Hashable, Sendable {
    /// A person of the foyer as the rules see them.
    public struct Beneficiary: Hashable, Sendable {
        public var person: Person
        public var ceam: CEAMRecord
        public var vitale: VitaleCardState
        /// Rights sufficient in the caisse's records (seed 003: « droits insuffisants en BDO »).
        public var rightsSufficient: Bool
        /// The caisse recorded a new name or NIR since the card was made
        /// (seed 000: « changement de visuel carte »).
        public var cardVisualOutdated: Bool

        public init(person: Person, ceam: CEAMRecord = .init(), vitale: VitaleCardState = .none, rightsSufficient: Bool = true,
                    cardVisualOutdated: Bool = false) {
            self.person = person
            self.ceam = ceam
            self.vitale = vitale
            self.rightsSufficient = rightsSufficient
            self.cardVisualOutdated = cardVisualOutdated
        }
    }

    public var situation: AssureSituation
    /// The postal address on file (the foyer's); nil when none is.
    public var address: PostalAddress?
    /// In EF.BENEF order: 0 is the assuré.
    public var beneficiaries: [Beneficiary]
    /// The foyer's carte Vitale serials and what the file says of each.
    public var cards: [String: CardSerialStatus]
    /// The documents the kiosk put in the central store for this command
    /// (a carte Vitale order's photo and pièce d'identité), by upload id:
    /// those that hold a file and that no other order holds.
    public var documents: [UUID: DocumentKind]

    public init(situation: AssureSituation = .init(), address: PostalAddress? = nil, beneficiaries: [Beneficiary],
                cards: [String: CardSerialStatus], documents: [UUID: DocumentKind] = [:]) {
        self.situation = situation
        self.address = address
        self.beneficiaries = beneficiaries
        self.cards = cards
        self.documents = documents
    }
}

/// A card whose status a command changed.
public struct CardStatusChange: Hashable, Sendable {
    public var serial: String
    public var status: CardSerialStatus
    public var at: Date

    public init(serial: String, status: CardSerialStatus, at: Date) {
        self.serial = serial
        self.status = status
        self.at = at
    }
}

/// A command the rules applied: everything it changed and everything to hand over.
public struct AppliedCommand: Hashable, Sendable {
    /// The foyer once the command applied.
    public var foyer: FoyerState
    /// The person the command was for (EF.BENEF index).
    public var personIndex: Int
    /// To print now: a CEAM request with a departure within the urgent days.
    public var provisionalCertificate: ProvisionalCertificate?
    /// Every card status the command changed (a declared carte Vitale is
    /// refused from now on), also in `foyer.cards`.
    public var cardStatusChanges: [CardStatusChange]
    /// A carte Vitale order placed: the central store keeps it for tracking, with its documents.
    public var vitaleOrder: VitaleOrderRecord? = nil
}

/// Why the rules refused a command. Final: the same command is refused again.
public enum CommandRefusal: Error, Hashable, Sendable {
    /// No card with this serial in the foyer.
    case unknownCard
    /// The card is lost, stolen or invalidated, and the command does not
    /// follow the declaration that made it so (`InactiveCardRule`).
    case cardInactive
    /// No person at this index in the foyer.
    case noSuchPerson
    case ceam(CEAMRequestError)
    case vitale(VitaleRequestError)
    /// The new address cannot be kept (its first problem, never the address).
    case address(PostalAddressProblem)
    /// The caisse has a démarche in progress on this foyer (seed 003: one
    /// démarche at a time): the address is changed with it, at the accueil.
    case demarcheEnCours
}

public enum CommandOutcome: Hashable, Sendable {
    case applied(AppliedCommand)
    case refused(CommandRefusal)
}

/// What a confirmed command does: the one place where it is decided. The
/// central store applies commands with it and stores the answer.
public struct CommandRules: Sendable {
    public var ceam: CEAMRules
    public var vitale: VitaleRules

    public init(_ parameters: RuleParameters = .standard) {
        ceam = CEAMRules(parameters.ceam)
        vitale = VitaleRules(parameters.carteVitale)
    }

    /// Applies `command` to `foyer` on the central store's clock (`now`,
    /// `today`; the kiosk's `confirmedAt` is informative). `predecessor` is
    /// the command named by `after`, as applied: only it lets a request
    /// through on a card that is no longer active. Everything is checked
    /// again: a request is never applied on a stale screen's word.
    public func apply(_ command: KioskCommand, to foyer: FoyerState, after predecessor: CommandPredecessor?,
                      now: Date, today: CivilDate) -> CommandOutcome {
        guard let status = foyer.cards[command.serial] else { return .refused(.unknownCard) }
        guard InactiveCardRule.mayProceed(card: command.serial, cardActive: status == .active, after: predecessor) else {
            return .refused(.cardInactive)
        }
        let i = command.personIndex
        guard foyer.beneficiaries.indices.contains(i) else { return .refused(.noSuchPerson) }
        var next = foyer
        var b = foyer.beneficiaries[i]
        var certificate: ProvisionalCertificate?
        var changes: [CardStatusChange] = []
        var placed: VitaleOrderRecord?
        switch command.action {
        case .ceam(let request):
            do throws(CEAMRequestError) {
                let outcome = try ceam.apply(request, record: b.ceam, situation: foyer.situation,
                                             rightsSufficient: b.rightsSufficient, today: today)
                b.ceam = outcome.record
                certificate = outcome.provisionalCertificate
            } catch { return .refused(.ceam(error)) }
        case .vitaleDeclaration(let reason, let commits):
            do throws(VitaleRequestError) {
                b.vitale = try vitale.declare(reason, commitsToReturnFoundCard: commits, person: b.person, card: b.vitale,
                                              situation: foyer.situation, now: now, today: today)
            } catch { return .refused(.vitale(error)) }
            // The declared card is refused from now on (opposition list, card status).
            if case .invalidated(let serial, _, _) = b.vitale, next.cards[serial] != nil {
                let change = CardStatusChange(serial: serial, status: CardSerialStatus(declared: reason), at: now)
                next.cards[serial] = change.status
                changes.append(change)
            }
        case .vitaleOrder(let request):
            do throws(VitaleRequestError) {
                b.vitale = try vitale.order(request, person: b.person, card: b.vitale, situation: foyer.situation,
                                            visualOutdated: b.cardVisualOutdated, documents: foyer.documents, now: now, today: today)
            } catch { return .refused(.vitale(error)) }
            if let request {
                placed = VitaleOrderRecord(id: command.id, personIndex: i, useCase: request.useCase, photo: request.photo,
                                           identityDocument: request.identityDocument, placedAt: now,
                                           previousCard: foyer.beneficiaries[i].vitale)
            }
        case .addressChange(let typed):
            guard !foyer.situation.demarcheEnCours else { return .refused(.demarcheEnCours) }
            do throws(PostalAddressProblem) {
                next.address = try AddressRules.change(to: typed)
            } catch { return .refused(.address(error)) }
            // The mail came back from the old address (NPAI): the new one lifts it,
            // only now that it is on file.
            next.situation.npai = false
        }
        next.beneficiaries[i] = b
        return .applied(AppliedCommand(foyer: next, personIndex: i, provisionalCertificate: certificate, cardStatusChanges: changes,
                                       vitaleOrder: placed))
    }
}

/// Seed 003: « Un assuré ne peut réaliser qu'une seule démarche à la fois,
/// pour lui ou un de ses ayants droit. » The central store says so of the
/// démarches it knows (`AssureSituation.demarcheEnCours`); a request the
/// assuré confirmed at the kiosk and that waits in its outbox is one it
/// does not know yet. What the kiosk offers meanwhile is decided here.
public enum OneDemarcheAtATime {
    /// Why a person's CEAM requests are held back.
    public enum Hold: Hashable, Sendable {
        /// This person's own request waits.
        case ownRequestWaits
        /// Another person's request waits.
        case anotherRequestWaits
    }

    /// `person`'s hold while CEAM requests wait for `waiting` (persons, by index).
    public static func ceamHold(for person: Int, waiting: Set<Int>) -> Hold? {
        if waiting.isEmpty { return nil }
        return waiting.contains(person) ? .ownRequestWaits : .anotherRequestWaits
    }

    /// The CEAM actions offered to `person` among those the rules allow
    /// today: while a request waits, none for the foyer; viewing a valid
    /// card stays possible, except for the person whose request waits (it
    /// may be that card's loss).
    public static func ceamActions(_ allowedToday: [CEAMAction], for person: Int, waiting: Set<Int>) -> [CEAMAction] {
        switch ceamHold(for: person, waiting: waiting) {
        case nil: allowedToday
        case .anotherRequestWaits: allowedToday.filter { $0 == .viewPrint }
        case .ownRequestWaits: []
        }
    }

    /// Whether a carte Vitale request may be offered to `person` while
    /// carte Vitale requests wait for `waiting`: not while one of theirs
    /// waits, whose outcome is not known yet (a second declaration, or an
    /// order before the card is invalidated).
    public static func vitaleOffered(to person: Int, waiting: Set<Int>) -> Bool {
        !waiting.contains(person)
    }
}

/// The change of address (seed 001 §5): the form's fields checked as La
/// Poste and the caisse take them (`PostalAddress.problems`), then kept
/// for the whole foyer; the NPAI is lifted when it is applied.
public enum AddressRules {
    /// The address to keep, tidied, or its first problem.
    public static func change(to typed: PostalAddress) throws(PostalAddressProblem) -> PostalAddress {
        try typed.validated()
    }

    /// Whether the kiosk may offer a change now: not while one waits in its
    /// outbox (one démarche at a time) nor while the caisse has one open.
    public static func mayChange(situation: AssureSituation, waitingInOutbox: Bool) -> Bool {
        !situation.demarcheEnCours && !waitingInOutbox
    }
}
