import Domain
import Foundation
import Testing

@Suite("Carte Vitale rules")
struct CarteVitaleTests {
    let rules = VitaleRules()
    let clock = TestClock(day: day(2026, 11, 23))
    let lea = Demo.withOwnNIR(Demo.person(.enfant, born: BirthDate(day(2014, 11, 23)), prenoms: "Léa"))

    static let photo = UUID(uuidString: "00000000-0000-4000-8000-00000000f070")!
    static let identity = UUID(uuidString: "00000000-0000-4000-8000-0000000001d0")!
    let documents: [UUID: DocumentKind] = [photo: .photo, identity: .identityDocument]
    func request(_ useCase: VitaleOrderUseCase, sworn: Bool = true) -> VitaleOrderRequest {
        VitaleOrderRequest(useCase: useCase, photo: Self.photo, identityDocument: Self.identity, swornStatement: sworn)
    }

    func availability(_ action: VitaleAction, _ person: Person, _ card: VitaleCardState,
                      _ situation: AssureSituation = .init()) -> VitaleAvailability {
        rules.availability(action, person: person, card: card, situation: situation, now: clock.now, today: clock.today)
    }

    @Test("a beneficiary has their own card from 12: the day before, the day of, the day after")
    func ageBoundary() {
        let card = VitaleCardState.none
        let before = Demo.person(.enfant, born: BirthDate(day(2014, 11, 24)))
        let after = Demo.withOwnNIR(Demo.person(.enfant, born: BirthDate(day(2014, 11, 22))))
        #expect(availability(.order, before, card) == .excluded(.tooYoung(minimumAge: 12)))
        #expect(availability(.order, lea, card) == .allowed)
        #expect(availability(.order, after, card) == .allowed)
        #expect(availability(.declare, before, .active(serial: "1")) == .excluded(.tooYoung(minimumAge: 12)))
    }

    @Test("declaring invalidates the card; a found card must be sent back")
    func declare() throws {
        let card = VitaleCardState.active(serial: "25010000000001")
        #expect(throws: VitaleRequestError.returnCommitmentMissing) {
            try rules.declare(.perte, commitsToReturnFoundCard: false, person: Demo.holder, card: card,
                              situation: .init(), now: clock.now, today: clock.today)
        }
        let invalidated = try rules.declare(.vol, commitsToReturnFoundCard: true, person: Demo.holder, card: card,
                                            situation: .init(), now: clock.now, today: clock.today)
        #expect(invalidated == .invalidated(serial: "25010000000001", reason: .vol, declaredAt: clock.now))
        // A faulty card is kept by no one: no commitment needed.
        _ = try rules.declare(.dysfonctionnement, commitsToReturnFoundCard: false, person: Demo.holder, card: card,
                              situation: .init(), now: clock.now, today: clock.today)
        #expect(availability(.declare, Demo.holder, invalidated) == .excluded(.noActiveCard))
        #expect(availability(.order, Demo.holder, card) == .excluded(.declarationRequired))
    }

    @Test("order within 4 days, refused the 5th day, possible again after")
    func orderWindow() {
        let declaredAt = clock.now
        let card = VitaleCardState.invalidated(serial: "1", reason: .perte, declaredAt: declaredAt)
        let windowEnd = declaredAt.addingTimeInterval(4 * 86_400)
        let pauseEnd = declaredAt.addingTimeInterval(5 * 86_400)
        // Day before the window closes: open.
        clock.set(windowEnd.addingTimeInterval(-86_400))
        #expect(availability(.order, Demo.holder, card) == .allowed)
        // The last second of the window.
        clock.set(windowEnd.addingTimeInterval(-1))
        #expect(availability(.order, Demo.holder, card) == .allowed)
        // The window closed: paused for one day.
        clock.set(windowEnd)
        #expect(availability(.order, Demo.holder, card) == .excluded(.orderPausedUntil(pauseEnd)))
        clock.set(pauseEnd.addingTimeInterval(-1))
        #expect(availability(.order, Demo.holder, card) == .excluded(.orderPausedUntil(pauseEnd)))
        // Then possible again.
        clock.set(pauseEnd)
        #expect(availability(.order, Demo.holder, card) == .allowed)
        clock.advance(days: 30)
        #expect(availability(.order, Demo.holder, card) == .allowed)
        #expect(rules.orderWindow(declaredAt: declaredAt, now: declaredAt) == .open(until: windowEnd))
    }

    @Test("exclusions: NPAI, not authorised, régime changing; a card already ordered",
          arguments: [
            (AssureSituation(npai: true), VitaleExclusion.npai),
            (AssureSituation(vitaleOrderNotAuthorised: true), VitaleExclusion.notAuthorised),
            (AssureSituation(regimeChanging: true), VitaleExclusion.regimeChanging),
            (AssureSituation(demarcheEnCours: true), VitaleExclusion.demarcheEnCours),
          ])
    func exclusions(situation: AssureSituation, reason: VitaleExclusion) {
        let card = VitaleCardState.invalidated(serial: "1", reason: .perte, declaredAt: clock.now)
        #expect(availability(.order, Demo.holder, card, situation) == .excluded(reason))
        #expect(throws: VitaleRequestError.notAllowed(.order, reason)) {
            try rules.order(request(.lossOrTheft), person: Demo.holder, card: card, situation: situation, documents: documents,
                            now: clock.now, today: clock.today)
        }
    }

    @Test("an order in progress blocks another")
    func ordered() throws {
        let card = try rules.order(request(.ayantDroit), person: lea, card: .none, situation: .init(), documents: documents,
                                   now: clock.now, today: clock.today)
        #expect(card == .ordered(at: clock.now))
        #expect(availability(.order, lea, card) == .excluded(.orderInProgress))
    }
}
