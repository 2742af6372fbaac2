import Foundation

/// The carte Vitale order (seed 000, « Commande de carte Vitale »): who may
/// order, for which use case, with which documents and sworn statement; the
/// order's stages once transmitted, and the delays the assuré is told.

/// Seed 000, « Cas d'usage possibles ».
public enum VitaleOrderUseCase: String, Hashable, Sendable, Codable, CaseIterable {
    /// « Suite à une déclaration de perte ou vol de carte Vitale ».
    case lossOrTheft
    /// « Lorsque la carte présente un dysfonctionnement » (declared first).
    case malfunction
    /// « Suite à un changement de visuel carte (changement de nom ou de NIR) ».
    case visualChange
    /// « Nouvel immatriculé »: first card of the assuré.
    case newlyRegistered
    /// « Bénéficiaire ayant droit de 12 ans et plus »: first card of an ayant droit.
    case ayantDroit
}

/// What the assuré confirmed at the end of the order (seed 000, étapes 1 to 4).
public struct VitaleOrderRequest: Hashable, Sendable, Codable {
    public var useCase: VitaleOrderUseCase
    /// The photo d'identité: an upload of the central store (phone or scanner).
    public var photo: UUID
    /// The pièce d'identité: an upload of the central store.
    public var identityDocument: UUID
    /// « J'atteste sur l'honneur que les informations fournies sont exactes… » ticked.
    public var swornStatement: Bool

    public init(useCase: VitaleOrderUseCase, photo: UUID, identityDocument: UUID, swornStatement: Bool) {
        self.useCase = useCase
        self.photo = photo
        self.identityDocument = identityDocument
        self.swornStatement = swornStatement
    }

    /// The uploads the order holds, with the kind each must be.
    public var documents: [(id: UUID, kind: DocumentKind)] { [(photo, .photo), (identityDocument, .identityDocument)] }
}

/// The order's stages for « Suivre ma commande de carte Vitale ».
public enum VitaleOrderStage: String, Hashable, Sendable, Codable, CaseIterable {
    /// « Votre commande de carte Vitale a bien été transmise à l'Assurance Maladie ».
    case transmitted
    /// The documents were accepted: the card is being made.
    case inProduction
    /// The card left the production centre (« envoyée le … »).
    case sent
    /// Seed 000: « Si les documents ne respectent pas les critères demandés,
    /// la demande de la carte Vitale sera rejetée. »
    case rejected

    /// Handled: nothing more happens to it; its documents are purged.
    public var isHandled: Bool { self == .sent || self == .rejected }
}

/// One order as the central store keeps it.
public struct VitaleOrderRecord: Hashable, Sendable, Codable, Identifiable {
    /// The id of the command that placed it.
    public var id: UUID
    public var personIndex: Int
    public var useCase: VitaleOrderUseCase
    public var photo: UUID
    public var identityDocument: UUID
    /// The central store's clock when it was applied.
    public var placedAt: Date
    public var stage: VitaleOrderStage
    public var stageChangedAt: Date
    /// The person's carte Vitale before the order: given back if it is rejected.
    public var previousCard: VitaleCardState

    public init(id: UUID, personIndex: Int, useCase: VitaleOrderUseCase, photo: UUID, identityDocument: UUID, placedAt: Date,
                stage: VitaleOrderStage = .transmitted, stageChangedAt: Date? = nil, previousCard: VitaleCardState) {
        self.id = id
        self.personIndex = personIndex
        self.useCase = useCase
        self.photo = photo
        self.identityDocument = identityDocument
        self.placedAt = placedAt
        self.stage = stage
        self.stageChangedAt = stageChangedAt ?? placedAt
        self.previousCard = previousCard
    }

    /// The day the card left, once sent.
    public var sentAt: Date? { stage == .sent ? stageChangedAt : nil }

    /// The uploads the order holds, with the kind each is.
    public var documents: [(id: UUID, kind: DocumentKind)] { [(photo, .photo), (identityDocument, .identityDocument)] }
}

/// A use case and whether the person may order for it today.
public struct VitaleOrderOption: Hashable, Sendable, Codable {
    public var useCase: VitaleOrderUseCase
    /// nil when allowed.
    public var exclusion: VitaleExclusion?

    public init(useCase: VitaleOrderUseCase, exclusion: VitaleExclusion?) {
        self.useCase = useCase
        self.exclusion = exclusion
    }
}

/// Why an order's stage cannot change so.
public enum VitaleOrderStageError: Error, Hashable, Sendable {
    /// Sent or rejected: nothing more happens to it.
    case alreadyHandled(VitaleOrderStage)
    /// Not the next stage (a card is made before it is sent).
    case notNext(from: VitaleOrderStage, to: VitaleOrderStage)
}

extension VitaleRules {
    /// The use cases that concern this person, each allowed or why not
    /// (seed 000, « Cas d'usage » and « Cas d'exclusion »). Empty for a
    /// person the order does not concern at all (a child under the age).
    public func orderOptions(person: Person, card: VitaleCardState, situation: AssureSituation, visualOutdated: Bool = false,
                             now: Date, today: CivilDate) -> [VitaleOrderOption] {
        // What bars every use case of this person.
        let barred: VitaleExclusion? = {
            if person.age(on: today) < parameters.minimumAge { return .tooYoung(minimumAge: parameters.minimumAge) }
            if person.ownNIR == nil && person.qualite != .assure { return .noOwnNIR }
            if situation.demarcheEnCours { return .demarcheEnCours }
            if situation.npai { return .npai }
            if situation.vitaleOrderNotAuthorised { return .notAuthorised }
            if situation.regimeChanging { return .regimeChanging }
            return nil
        }()
        let cases: [(VitaleOrderUseCase, VitaleExclusion?)]
        switch card {
        case .none:
            cases = [(person.qualite == .assure ? .newlyRegistered : .ayantDroit, nil)]
        case .active:
            // Lost, stolen or broken: declared first (« quand nécessaire »);
            // a new name or NIR on file: ordered straight away.
            cases = [(.lossOrTheft, .declarationRequired), (.malfunction, .declarationRequired),
                     (.visualChange, visualOutdated ? nil : .noVisualChangeOnFile)]
        case .ordered:
            cases = [(.lossOrTheft, .orderInProgress)]
        case .invalidated(_, let reason, let at):
            let paused: VitaleExclusion? = if case .paused(let until) = orderWindow(declaredAt: at, now: now) { .orderPausedUntil(until) } else { nil }
            cases = [(reason == .dysfonctionnement ? .malfunction : .lossOrTheft, paused)]
        }
        return cases.map { VitaleOrderOption(useCase: $0.0, exclusion: barred ?? $0.1) }
    }

    /// Places the order: every rule of the téléservice checked again on the
    /// central store's clock. `documents` are the uploads of the central
    /// store that hold a document no other order holds, by kind.
    public func order(_ request: VitaleOrderRequest?, person: Person, card: VitaleCardState, situation: AssureSituation,
                      visualOutdated: Bool = false, documents: [UUID: DocumentKind], now: Date,
                      today: CivilDate) throws(VitaleRequestError) -> VitaleCardState {
        if case .excluded(let why) = availability(.order, person: person, card: card, situation: situation, visualOutdated: visualOutdated,
                                                  now: now, today: today) {
            throw .notAllowed(.order, why)
        }
        // An order from before the documents (an old kiosk's outbox): the téléservice takes none without them.
        guard let request else { throw .documentMissing(.photo) }
        let options = orderOptions(person: person, card: card, situation: situation, visualOutdated: visualOutdated, now: now, today: today)
        guard let option = options.first(where: { $0.useCase == request.useCase }) else { throw .useCaseNotApplicable(request.useCase) }
        if let why = option.exclusion { throw .notAllowed(.order, why) }
        for (id, kind) in request.documents where documents[id] != kind { throw .documentMissing(kind) }
        guard request.photo != request.identityDocument else { throw .documentMissing(.identityDocument) }
        guard request.swornStatement else { throw .swornStatementMissing }
        return .ordered(at: now)
    }
}

/// The delays and stages of an order (seed 000: « environ deux semaines »,
/// « dès 1 à 2 jour(s) après sa demande »).
public struct VitaleOrderTracking: Sendable {
    public var parameters: CarteVitaleParameters

    public init(_ parameters: CarteVitaleParameters = .init()) { self.parameters = parameters }

    /// The day the card should be in the letter box: the average delay
    /// after the order, or, once sent, the post's days after that (the
    /// later of the two: a card sent early is not promised earlier).
    public func expectedBy(_ order: VitaleOrderRecord) -> CivilDate {
        let byOrder = CivilDay.inParis(order.placedAt).adding(days: parameters.deliveryDays)
        guard let sent = order.sentAt else { return byOrder }
        return CivilDay.inParis(sent).adding(days: parameters.postalDays)
    }

    /// The day of the expected delivery for an order placed `now`.
    public func expectedBy(placedAt now: Date) -> CivilDate {
        CivilDay.inParis(now).adding(days: parameters.deliveryDays)
    }

    /// From when the detailed follow-up is given (seed 000: « dès 1 à 2 jour(s) »).
    public func followUpFrom(placedAt: Date) -> CivilDate {
        CivilDay.inParis(placedAt).adding(days: parameters.followUpAfterDays)
    }

    /// The next stages an order may take (what the production centre does).
    public func nextStages(from stage: VitaleOrderStage) -> [VitaleOrderStage] {
        switch stage {
        case .transmitted: [.inProduction, .rejected]
        case .inProduction: [.sent, .rejected]
        case .sent, .rejected: []
        }
    }

    /// The order moved on: its new stage, and the person's card once it is
    /// (a rejected order gives back the card state from before it: the
    /// assuré may order again with documents that meet the criteria).
    public func advance(_ order: VitaleOrderRecord, to stage: VitaleOrderStage?, now: Date) throws(VitaleOrderStageError)
        -> (order: VitaleOrderRecord, card: VitaleCardState?) {
        if order.stage.isHandled { throw .alreadyHandled(order.stage) }
        let next = nextStages(from: order.stage)
        let to = stage ?? next[0]
        guard next.contains(to) else { throw .notNext(from: order.stage, to: to) }
        var o = order
        o.stage = to
        o.stageChangedAt = now
        return (o, to == .rejected ? order.previousCard : nil)
    }
}
