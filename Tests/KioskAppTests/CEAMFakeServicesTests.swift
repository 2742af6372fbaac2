import CentralAPI
import Domain
import Foundation
import Testing
@testable import KioskApp

/// The fake central services the UI is developed against: same rules as the
/// central store, starting states from the fake card files.
@Suite struct CEAMFakeServicesTests {
    static let today = CivilDate(year: 2026, month: 11, day: 23)!
    static let cards = assets.appendingPathComponent("demo/cards")

    func identity(_ file: String) throws -> CardIdentity {
        try #require(try CardFile.load(Self.cards.appendingPathComponent(file).path).identity)
    }

    func fake(_ clock: TestClock = TestClock(day: today)) -> FakeKioskServices {
        FakeKioskServices(clock: clock, cardsDirectory: Self.cards)
    }

    func command(_ card: CardIdentity, _ person: Int, _ request: CEAMRequest, id: UUID = UUID()) -> KioskCommand {
        KioskCommand(id: id, serial: card.serial, personIndex: person, action: .ceam(request), confirmedAt: Date())
    }

    @Test func everyCardFileStillLoadsAndTheCentralSectionsDecode() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.cards.path).filter { $0.hasSuffix(".json") }
        for f in files { _ = try CardFile.load(Self.cards.appendingPathComponent(f).path) }
        let services = fake()
        for f in files { try services.registerCardFile(Self.cards.appendingPathComponent(f).path) }
    }

    /// The `"address"` of a card's section is served as the central store
    /// serves it: masked, with the NPAI state; none without one.
    @Test func theAddressOnFileIsServedMaskedWithItsNPAIState() async throws {
        let services = fake()
        let dupont = try await services.foyer(card: try identity("dupont-jean.json"))
        #expect(dupont.address?.lines == ["1• rue des L•••", "Bâtiment B", "75019 PARIS"])
        #expect(dupont.npai == false)
        let npai = try await services.foyer(card: try identity("ceam-npai.json"))
        #expect(npai.address?.lines == ["• rue du P•••", "97400 SAINT-DENIS"])
        #expect(npai.npai == true)
        services.register(serial: "25010000000001", central: FakeCentralSection())
        #expect(try await services.foyer(card: try identity("dupont-jean.json")).address == nil)
    }

    @Test func aCardWithoutCEAMStatesHasNoCEAMAndOrderIsAllowedForEveryone() async throws {
        let card = try identity("dupont-jean.json")
        let foyer = try await fake().foyer(card: card)
        #expect(foyer.persons.count == card.foyer.persons.count)
        #expect(foyer.today == Self.today)
        #expect(foyer.maskedMobile == "06 •• •• •• 12")
        for p in foyer.persons {
            #expect(p.ceam == .none)
            #expect(p.ceamActions == [CEAMActionView(action: .order, exclusion: nil)])
        }
        #expect(foyer.persons[0].vitale == .active(serial: card.serial))
    }

    @Test func theFamilyCardShowsEveryState() async throws {
        let foyer = try await fake().foyer(card: try identity("ceam-famille.json"))
        let p = foyer.persons
        #expect(p[0].ceam == .valid(until: CivilDate(year: 2028, month: 5, day: 31)!))
        #expect(p[0].ceamActions.first { $0.action == .earlyRenewal }?.exclusion
                == .renewalTooEarly(opensOn: CivilDate(year: 2028, month: 3, day: 31)!))
        #expect(p[0].ceamActions.first { $0.action == .viewPrint }?.exclusion == nil)
        #expect(p[1].ceam == .none)
        #expect(p[2].ceamActions == [CEAMActionView(action: .order, exclusion: .orderInProgress)])
        guard case .declaredLost(_, .vol, _) = p[3].ceam else { Issue.record("Emma: \(p[3].ceam)"); return }
        #expect(p[3].ceamActions.allSatisfy { $0.exclusion == .cancelledWithOrderInProgress })
    }

    @Test func renewalOpensTwoMonthsBeforeExpiry() async throws {
        let foyer = try await fake().foyer(card: try identity("ceam-renouvellement.json"))
        #expect(foyer.persons[0].ceamActions.first { $0.action == .earlyRenewal }?.exclusion == nil)
        let early = try await fake(TestClock(day: CivilDate(year: 2026, month: 11, day: 9)!)).foyer(card: try identity("ceam-renouvellement.json"))
        #expect(early.persons[0].ceamActions.first { $0.action == .earlyRenewal }?.exclusion != nil)
    }

    @Test func npaiBlocksRequestsButNotViewing() async throws {
        let foyer = try await fake().foyer(card: try identity("ceam-npai.json"))
        let holder = foyer.persons[0].ceamActions
        #expect(holder.first { $0.action == .earlyRenewal }?.exclusion == .npai)
        #expect(holder.first { $0.action == .declareLossOrTheft }?.exclusion == .npai)
        #expect(holder.first { $0.action == .viewPrint }?.exclusion == nil)
        #expect(foyer.persons[1].ceamActions == [CEAMActionView(action: .order, exclusion: .npai)])
    }

    @Test func moreThanTwoDeclarationsThisYearSendToTheCaisse() async throws {
        let foyer = try await fake().foyer(card: try identity("ceam-pertes.json"))
        #expect(foyer.persons[0].ceamActions.first { $0.action == .declareLossOrTheft }?.exclusion
                == .tooManyLossDeclarations(count: 3, limit: 2))
        let two = try await fake().foyer(card: try identity("ceam-deux-pertes.json"))
        #expect(two.persons[0].ceamActions.first { $0.action == .declareLossOrTheft }?.exclusion == nil)
        #expect(foyer.persons[1].ceamActions == [CEAMActionView(action: .order, exclusion: .insufficientRights)])
    }

    @Test func anUrgentOrderIsAppliedOnceWithItsCertificate() async throws {
        let card = try identity("dupont-jean.json")
        let services = fake()
        _ = try await services.foyer(card: card)
        let c = command(card, 2, CEAMRequest(action: .order, departureWithinUrgentDays: true))
        guard case .acknowledged(let first) = try await services.submit(c) else { Issue.record("not acknowledged"); return }
        #expect(first.status == .applied && !first.duplicate)
        #expect(first.provisionalCertificate == ProvisionalCertificate(issuedOn: Self.today, validUntil: CivilDate(year: 2027, month: 2, day: 23)!))
        // The same id again (a retry): the first receipt, nothing applied twice.
        guard case .acknowledged(let again) = try await services.submit(c) else { Issue.record("not acknowledged"); return }
        #expect(again.duplicate && again.status == .applied && again.provisionalCertificate == first.provisionalCertificate)
        let foyer = try await services.foyer(card: card)
        guard case .ordered(let order) = foyer.persons[2].ceam else { Issue.record("\(foyer.persons[2].ceam)"); return }
        #expect(order.expectedBy == Self.today.adding(days: 10))
        #expect(foyer.persons[2].ceamActions == [CEAMActionView(action: .order, exclusion: .orderInProgress)])
        // A new id for the same person is refused by the rules now.
        guard case .acknowledged(let refused) = try await services.submit(command(card, 2, CEAMRequest(action: .order))) else { return }
        #expect(refused.status == .refused)
    }

    @Test func aLossInTheFutureOrWithoutTheSwornStatementIsRefused() async throws {
        let card = try identity("ceam-renouvellement.json")
        let services = fake()
        _ = try await services.foyer(card: card)
        let future = CEAMRequest(action: .declareLossOrTheft, loss: .init(kind: .perte, date: Self.today.adding(days: 1), swornStatement: true))
        guard case .acknowledged(let r1) = try await services.submit(command(card, 0, future)) else { return }
        #expect(r1.status == .refused)
        let unsworn = CEAMRequest(action: .declareLossOrTheft, loss: .init(kind: .perte, date: Self.today, swornStatement: false))
        guard case .acknowledged(let r2) = try await services.submit(command(card, 0, unsworn)) else { return }
        #expect(r2.status == .refused)
        let ok = CEAMRequest(action: .declareLossOrTheft, loss: .init(kind: .vol, date: Self.today.adding(days: -3), swornStatement: true))
        guard case .acknowledged(let r3) = try await services.submit(command(card, 0, ok)) else { return }
        #expect(r3.status == .applied)
        let foyer = try await services.foyer(card: card)
        #expect(foyer.persons[0].ceam == .declaredLost(on: Self.today.adding(days: -3), kind: .vol,
                                                       replacement: CEAMOrder(kind: .replacement, placedOn: Self.today, expectedBy: Self.today.adding(days: 10))))
    }

    @Test func queuedAndFailedSubmitsApplyNothing() async throws {
        let card = try identity("dupont-jean.json")
        let services = fake()
        _ = try await services.foyer(card: card)
        services.submitMode = .fail
        await #expect(throws: ServiceFailure.self) { try await services.submit(command(card, 0, CEAMRequest(action: .order))) }
        services.submitMode = .queue
        guard case .queued = try await services.submit(command(card, 0, CEAMRequest(action: .order))) else { Issue.record("not queued"); return }
        #expect(try await services.foyer(card: card).persons[0].ceam == .none)
        #expect(services.queuedCommands.count == 1)
    }

    @Test func provisionalCodesFollowTheCodesRules() async throws {
        let clock = TestClock(day: Self.today)
        let services = fake(clock)
        let card = try identity("dupont-jean.json")
        for _ in 0..<3 {
            guard case .answered(let r) = await services.requestProvisionalCode(card: card) else { Issue.record("unavailable"); return }
            #expect(r.status == .sent && r.maskedMobile == "06 •• •• •• 12")
            clock.advance(hours: 1)
        }
        guard case .answered(let r) = await services.requestProvisionalCode(card: card) else { return }
        #expect(r.status == .tooManyRequests && r.nextAllowedAt != nil)
        clock.advance(hours: 22)
        guard case .answered(let later) = await services.requestProvisionalCode(card: card) else { return }
        #expect(later.status == .sent)

        services.register(serial: card.serial, central: FakeCentralSection(noMobile: true))
        guard case .answered(let none) = await services.requestProvisionalCode(card: card) else { return }
        #expect(none.status == .noMobileOnFile && none.maskedMobile == nil)
    }

    @Test func aMalformedCentralSectionIsAClearErrorAndUnknownStatesReadAsNoCard() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fake-central-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.json")
        try Data(#"{"verdict": "authentic", "identity": {"serial": "1"}, "central": {"persons": [{"index": 0, "ceam": {"state": "valid", "until": "2027-02-30"}}]}}"#.utf8).write(to: bad)
        #expect(throws: CardFile.Problem.self) { try fake().registerCardFile(bad.path) }
        #expect(throws: CardFile.Problem.self) { try fake().registerCardFile(dir.appendingPathComponent("missing.json").path) }
        #expect(FakeCentralSection.CEAM(state: "teleported").ceamState == .none)
        #expect(FakeCentralSection.CEAM(state: "valid").ceamState == .none, "no date, no card")
    }

    @Test func theRulesRunOnTheClockItIsGiven() async throws {
        let services = fake()
        let card = try identity("ceam-renouvellement.json")
        #expect(try await services.foyer(card: card).today == Self.today)
        services.use(clock: TestClock(day: CivilDate(year: 2027, month: 1, day: 11)!))
        let later = try await services.foyer(card: card)
        #expect(later.today == CivilDate(year: 2027, month: 1, day: 11)!)
        #expect(later.persons[0].ceam == .none, "expired the day after its last valid day")
    }

    @Test func theCodeChecksAttestationAndCountriesAnswerFromMemory() async throws {
        let services = fake()
        let card = try identity("ceam-famille.json")
        #expect(try await services.checkCode("0000", card: card) == .rejected(triesLeft: 2))
        #expect(try await services.checkCode("1234", card: card) == .accepted)
        let a = try await services.attestation(card: card)
        #expect(a.entries.count == 4 && a.entries.allSatisfy { $0.rights != nil })
        let countries = await services.ceamCountries()
        #expect(countries.count == 31)
        #expect(countries.contains(CEAMCountry(code: "CH", name: "Suisse")) && countries.contains(CEAMCountry(code: "GB", name: "Royaume-Uni")))
        #expect(!countries.contains { $0.code == "FR" })
    }
}
