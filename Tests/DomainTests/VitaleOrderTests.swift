import Domain
import Foundation
import Testing

/// The carte Vitale order of seed 000: the use cases, the exclusions, the
/// documents and the sworn statement, the stages and the delays.
@Suite("Carte Vitale order: use cases, documents, stages, delays")
struct VitaleOrderTests {
    let rules = VitaleRules()
    let tracking = VitaleOrderTracking()
    /// Monday 23 November 2026, noon in Paris.
    let now = instant("2026-11-23T11:00:00Z")
    let today = day(2026, 11, 23)
    static let photo = UUID(uuidString: "00000000-0000-4000-8000-00000000f070")!
    static let identity = UUID(uuidString: "00000000-0000-4000-8000-0000000001d0")!
    let documents: [UUID: DocumentKind] = [photo: .photo, identity: .identityDocument]
    let lea = Demo.withOwnNIR(Demo.person(.enfant, born: BirthDate(day(2012, 3, 1)), prenoms: "Léa"))

    func request(_ useCase: VitaleOrderUseCase, photo: UUID = photo, identity: UUID = identity, sworn: Bool = true) -> VitaleOrderRequest {
        VitaleOrderRequest(useCase: useCase, photo: photo, identityDocument: identity, swornStatement: sworn)
    }

    func options(_ p: Person, _ card: VitaleCardState, _ situation: AssureSituation = .init(), visual: Bool = false) -> [VitaleOrderOption] {
        rules.orderOptions(person: p, card: card, situation: situation, visualOutdated: visual, now: now, today: today)
    }

    @Test("use cases (seed 000 « Cas d'usage »): each card state says which concern the person")
    func useCases() {
        // Première délivrance: nouvel immatriculé, ayant droit de 12 ans et plus.
        #expect(options(Demo.holder, .none) == [.init(useCase: .newlyRegistered, exclusion: nil)])
        #expect(options(lea, .none) == [.init(useCase: .ayantDroit, exclusion: nil)])
        // Remplacement: after a declaration, by its reason.
        #expect(options(Demo.holder, .invalidated(serial: "1", reason: .vol, declaredAt: now)) == [.init(useCase: .lossOrTheft, exclusion: nil)])
        #expect(options(Demo.holder, .invalidated(serial: "1", reason: .dysfonctionnement, declaredAt: now))
                == [.init(useCase: .malfunction, exclusion: nil)])
        // A card in use: declared first when lost or broken; a new name or NIR on file orders at once.
        #expect(options(Demo.holder, .active(serial: "1")) == [.init(useCase: .lossOrTheft, exclusion: .declarationRequired),
                                                                .init(useCase: .malfunction, exclusion: .declarationRequired),
                                                                .init(useCase: .visualChange, exclusion: .noVisualChangeOnFile)])
        #expect(options(Demo.holder, .active(serial: "1"), visual: true).last == .init(useCase: .visualChange, exclusion: nil))
        #expect(rules.availability(.order, person: Demo.holder, card: .active(serial: "1"), situation: .init(), visualOutdated: true,
                                   now: now, today: today) == .allowed)
    }

    @Test("exclusions (seed 000): under 12, no NIR of one's own, NPAI, not authorised, mutation, an order in progress")
    func exclusions() {
        let hugo = Demo.person(.enfant, born: BirthDate(day(2018, 7, 9)), prenoms: "Hugo")
        #expect(options(hugo, .none).map(\.exclusion) == [.tooYoung(minimumAge: 12)])
        let noNIR = Demo.person(.enfant, born: BirthDate(day(2012, 3, 1)))
        #expect(options(noNIR, .none).map(\.exclusion) == [.noOwnNIR])
        #expect(options(lea, .none, AssureSituation(npai: true)).map(\.exclusion) == [.npai])
        #expect(options(lea, .none, AssureSituation(vitaleOrderNotAuthorised: true)).map(\.exclusion) == [.notAuthorised])
        #expect(options(lea, .none, AssureSituation(regimeChanging: true)).map(\.exclusion) == [.regimeChanging])
        #expect(options(lea, .ordered(at: now)).map(\.exclusion) == [.orderInProgress])
    }

    @Test("the 4-day window and the 1-day pause after a declaration stay as they are")
    func pause() throws {
        let declaredAt = instant("2026-11-18T11:00:00Z")
        let card = VitaleCardState.invalidated(serial: "1", reason: .perte, declaredAt: declaredAt)
        let pauseEnd = instant("2026-11-23T11:00:00Z")
        let before = rules.orderOptions(person: Demo.holder, card: card, situation: .init(), now: pauseEnd.addingTimeInterval(-1), today: today)
        #expect(before.map(\.exclusion) == [.orderPausedUntil(pauseEnd)])
        #expect(throws: VitaleRequestError.notAllowed(.order, .orderPausedUntil(pauseEnd))) {
            try rules.order(request(.lossOrTheft), person: Demo.holder, card: card, situation: .init(), documents: documents,
                            now: pauseEnd.addingTimeInterval(-1), today: today)
        }
        #expect(try rules.order(request(.lossOrTheft), person: Demo.holder, card: card, situation: .init(), documents: documents,
                                now: pauseEnd, today: today) == .ordered(at: pauseEnd))
    }

    @Test("the order needs its use case, both documents of the right kind and the sworn statement")
    func request() throws {
        let card = VitaleCardState.invalidated(serial: "1", reason: .perte, declaredAt: now)
        func order(_ r: VitaleOrderRequest?, _ docs: [UUID: DocumentKind]? = nil) throws(VitaleRequestError) -> VitaleCardState {
            try rules.order(r, person: Demo.holder, card: card, situation: .init(), documents: docs ?? documents, now: now, today: today)
        }
        #expect(try order(request(.lossOrTheft)) == .ordered(at: now))
        #expect(throws: VitaleRequestError.useCaseNotApplicable(.malfunction)) { try order(request(.malfunction)) }
        #expect(throws: VitaleRequestError.useCaseNotApplicable(.newlyRegistered)) { try order(request(.newlyRegistered)) }
        // Not in the store, or held by another order: missing.
        #expect(throws: VitaleRequestError.documentMissing(.photo)) { try order(request(.lossOrTheft), [Self.identity: .identityDocument]) }
        #expect(throws: VitaleRequestError.documentMissing(.identityDocument)) { try order(request(.lossOrTheft), [Self.photo: .photo]) }
        // Of the other kind: the photo sent as the pièce d'identité.
        #expect(throws: VitaleRequestError.documentMissing(.photo)) {
            try order(request(.lossOrTheft), [Self.photo: .identityDocument, Self.identity: .identityDocument])
        }
        #expect(throws: VitaleRequestError.documentMissing(.identityDocument)) { try order(request(.lossOrTheft, identity: Self.photo)) }
        // Seed 000, étape 4: « J'atteste sur l'honneur… » ticked.
        #expect(throws: VitaleRequestError.swornStatementMissing) { try order(request(.lossOrTheft, sworn: false)) }
        // An order from a kiosk of before the documents.
        #expect(throws: VitaleRequestError.documentMissing(.photo)) { try order(nil) }
    }

    @Test("the command places the order, kept with its documents and the card it replaces")
    func command() throws {
        let serial = "25010000000001"
        let foyer = FoyerState(beneficiaries: [.init(person: Demo.holder, vitale: .invalidated(serial: serial, reason: .vol, declaredAt: now))],
                               cards: [serial: .stolen, "25010000000009": .active], documents: documents)
        let c = KioskCommand(serial: "25010000000009", personIndex: 0, action: .vitaleOrder(order: request(.lossOrTheft)), confirmedAt: now)
        guard case .applied(let a) = CommandRules().apply(c, to: foyer, after: nil, now: now, today: today) else {
            Issue.record("refused")
            return
        }
        #expect(a.vitaleOrder == VitaleOrderRecord(id: c.id, personIndex: 0, useCase: .lossOrTheft, photo: Self.photo,
                                                   identityDocument: Self.identity, placedAt: now,
                                                   previousCard: .invalidated(serial: serial, reason: .vol, declaredAt: now)))
        #expect(a.foyer.beneficiaries[0].vitale == .ordered(at: now))
        #expect(CommandRules().apply(KioskCommand(serial: "25010000000009", personIndex: 0,
                                                  action: .vitaleOrder(order: request(.lossOrTheft, sworn: false)), confirmedAt: now),
                                     to: foyer, after: nil, now: now, today: today) == .refused(.vitale(.swornStatementMissing)))
    }

    @Test("an old kiosk's order decodes (no documents) and is refused for want of them")
    func oldOrder() throws {
        let json = #"{"vitaleOrder":{}}"#
        let action = try JSONDecoder().decode(KioskCommand.Action.self, from: Data(json.utf8))
        #expect(action == .vitaleOrder(order: nil))
        #expect(action.name == "vitale.order")
    }

    @Test("stages: transmise → en fabrication → envoyée, or rejetée; then nothing more")
    func stages() throws {
        let placed = VitaleOrderRecord(id: UUID(), personIndex: 0, useCase: .lossOrTheft, photo: Self.photo, identityDocument: Self.identity,
                                       placedAt: now, previousCard: .invalidated(serial: "1", reason: .perte, declaredAt: now))
        #expect(throws: VitaleOrderStageError.notNext(from: .transmitted, to: .sent)) { try tracking.advance(placed, to: .sent, now: now) }
        let (making, c1) = try tracking.advance(placed, to: nil, now: now.addingTimeInterval(86_400))
        #expect(making.stage == .inProduction && c1 == nil && making.stageChangedAt == now.addingTimeInterval(86_400))
        let (sent, c2) = try tracking.advance(making, to: nil, now: instant("2026-11-30T09:00:00Z"))
        #expect(sent.stage == .sent && c2 == nil && sent.sentAt == instant("2026-11-30T09:00:00Z"))
        #expect(throws: VitaleOrderStageError.alreadyHandled(.sent)) { try tracking.advance(sent, to: nil, now: now) }
        // Rejected: the card state from before comes back (the assuré may order again).
        let (rejected, c3) = try tracking.advance(making, to: .rejected, now: now)
        #expect(rejected.stage.isHandled && c3 == placed.previousCard)
        #expect(!VitaleOrderStage.transmitted.isHandled && !VitaleOrderStage.inProduction.isHandled)
    }

    @Test("delays: about two weeks after the order; once sent, the post's days; follow-up after 1 to 2 days")
    func delays() throws {
        // Seed 000: « 2 semaines pour recevoir sa carte vitale commandée en ligne ».
        let placed = VitaleOrderRecord(id: UUID(), personIndex: 0, useCase: .ayantDroit, photo: Self.photo, identityDocument: Self.identity,
                                       placedAt: now, previousCard: .none)
        #expect(tracking.expectedBy(placed) == day(2026, 12, 7))
        #expect(tracking.expectedBy(placedAt: now) == day(2026, 12, 7))
        // « dès 1 à 2 jour(s) après sa demande ».
        #expect(tracking.followUpFrom(placedAt: now) == day(2026, 11, 25))
        var sent = placed
        sent.stage = .sent
        sent.stageChangedAt = instant("2026-12-01T09:00:00Z")
        #expect(tracking.expectedBy(sent) == day(2026, 12, 4))
        // The parameters travel between the central store and the kiosk; older ones have no delays.
        let old = #"{"minimumAge":12,"orderWindowDays":4,"orderBlackoutDays":1}"#
        let p = try JSONDecoder().decode(CarteVitaleParameters.self, from: Data(old.utf8))
        #expect(p.deliveryDays == 14 && p.postalDays == 3 && p.followUpAfterDays == 2)
    }
}
