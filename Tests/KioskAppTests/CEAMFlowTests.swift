import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import Testing
import KioskUI
@testable import KioskApp

/// The CEAM flow's logic over the fake services, driven by widget ids.
@Suite @MainActor struct CEAMFlowTests {
    static let cards = assets.appendingPathComponent("demo/cards")
    static func card(_ name: String) -> String { cards.appendingPathComponent(name).path }

    /// Signed in, on the list of beneficiaries.
    func onList(_ file: String = demoCard, printer: FakeKioskPrinter = FakeKioskPrinter()) async throws -> FlowKiosk {
        let k = try await FlowKiosk()
        k.c.printer = printer
        try await k.signIn(file)
        await k.tap("service.ceam")
        #expect(k.screenID == "flow.ceam")
        await k.tap("ceam.continue")
        #expect(k.screenID == "flow.ceam.list")
        return k
    }

    var flow: (FlowKiosk) -> CEAMMachine.State? { { ($0.c.flow as? MachineFlow<CEAMMachine>)?.state } }

    func rowActions(_ k: FlowKiosk, _ person: Int) -> Set<String> {
        k.ids.filter { $0.hasPrefix("ceam.\(person).") }
    }

    @Test func eachRowOffersOnlyTheActionsAllowedToday() async throws {
        let k = try await onList(Self.card("ceam-famille.json"))
        #expect(rowActions(k, 0) == ["ceam.0.declareLossOrTheft", "ceam.0.viewPrint"])
        #expect(rowActions(k, 1) == ["ceam.1.order"])
        #expect(rowActions(k, 2).isEmpty)
        #expect(rowActions(k, 3).isEmpty)
        #expect(k.text.contains("Renouvellement possible à partir du 31 mars 2028"))
        #expect(k.text.contains("Aucune autre demande possible avant l’arrivée de la nouvelle carte"))
        // An action the row does not offer opens nothing, even by id.
        await k.tap("ceam.0.earlyRenewal")
        await k.tap("ceam.2.order")
        #expect(k.screen.modal == nil)
    }

    @Test func exclusionsSayWhyAndWhatToDo() async throws {
        let npai = try await onList(Self.card("ceam-npai.json"))
        #expect(rowActions(npai, 0) == ["ceam.0.viewPrint"])
        #expect(rowActions(npai, 1).isEmpty)
        #expect(npai.text.contains("mettez-la à jour auprès de votre caisse"))
        let losses = try await onList(Self.card("ceam-pertes.json"))
        #expect(rowActions(losses, 0) == ["ceam.0.viewPrint"])
        #expect(losses.text.contains("Déjà 3 déclarations de perte ou de vol cette année : pour une nouvelle déclaration ou une nouvelle carte, rapprochez-vous de votre caisse."))
        #expect(losses.text.contains("Droits insuffisants"))
    }

    @Test func confirmingTwiceSendsOneCommandAndPrintsTheCertificateOnce() async throws {
        let printer = FakeKioskPrinter()
        let k = try await onList(printer: printer)
        await k.tap("ceam.2.order")
        #expect(k.screen.modal?.buttons.first { $0.id == "ceam.modal.confirm" }?.enabled == false)
        await k.tap("ceam.modal.departure.yes")
        // Two taps before the answer: the second finds the request on its way.
        await k.c.tap("ceam.modal.confirm")
        await k.c.tap("ceam.modal.confirm")
        await k.c.settle()
        #expect(k.services.submitted.count == 1)
        #expect(k.screen.modal == nil)
        #expect(printer.jobs.count == 1)
        let id = try #require(k.services.submitted.first?.id)
        #expect(printer.jobs.first?.id == "ceam-certificate-\(id.uuidString.lowercased())")
        guard case .ceamProvisionalCertificate(let cert, let person)? = printer.jobs.first?.document else { Issue.record("not a certificate"); return }
        #expect(cert.validUntil == CivilDate(year: 2027, month: 2, day: 23)!)
        #expect(person.prenoms == "Léa")
        #expect(k.text.contains("est imprimé"))
        #expect(k.text.contains("Carte commandée le 23 novembre 2026"))
        #expect(rowActions(k, 2).isEmpty)
    }

    @Test func aRetryAfterAnErrorSendsTheSameCommand() async throws {
        let k = try await onList()
        k.services.submitMode = .fail
        await k.tap("ceam.0.order")
        await k.tap("ceam.modal.departure.no")
        await k.tap("ceam.modal.confirm")
        #expect(k.screen.modal != nil)
        #expect(k.text.contains("Envoi impossible pour le moment"))
        // The answers stay as sent.
        await k.tap("ceam.modal.departure.yes")
        k.services.submitMode = .apply
        await k.tap("ceam.modal.confirm")
        #expect(k.screen.modal == nil)
        let sent = k.services.submitted
        #expect(sent.count == 2 && sent[0] == sent[1])
        guard case .ceam(let r) = sent[1].action else { Issue.record("not CEAM"); return }
        #expect(r.departureWithinUrgentDays == false)
        #expect(k.text.contains("arrivera par courrier"))
    }

    @Test func aQueuedRequestBlocksEveryRowUntilSent() async throws {
        let k = try await onList()
        k.services.submitMode = .queue
        await k.tap("ceam.1.order")
        await k.tap("ceam.modal.departure.no")
        await k.tap("ceam.modal.confirm")
        #expect(k.screen.modal == nil)
        #expect(k.text.contains("sera transmise dès que le service répondra"))
        #expect(!k.ids.contains { $0.hasPrefix("ceam.") && $0.hasSuffix(".order") })
        #expect(k.text.contains("une seule à la fois"))
    }

    /// The outbox, not the flow object, says what waits: back to the menu
    /// and in again, the foyer still offers no request, only the view of a
    /// valid card; once delivered, the central store's state.
    @Test func aQueuedRequestStillBlocksAfterLeavingTheServiceUntilDelivered() async throws {
        let k = try await onList(Self.card("ceam-famille.json"))
        k.services.submitMode = .queue
        await k.tap("ceam.1.order")
        await k.tap("ceam.modal.departure.no")
        await k.tap("ceam.modal.confirm")
        await k.tap("footer.back")
        await k.tap("footer.back")
        #expect(k.screenID == "menu")
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        #expect(k.screenID == "flow.ceam.list")
        #expect(flow(k)?.queued == [1: .order])
        #expect(rowActions(k, 0) == ["ceam.0.viewPrint"], "viewing a valid card is no démarche")
        #expect(rowActions(k, 1).isEmpty)
        // Even by id, a second request opens nothing.
        await k.tap("ceam.0.declareLossOrTheft")
        #expect(k.screen.modal == nil)
        #expect(try await k.services.deliverQueued().map(\.status) == [.applied])
        await k.tap("footer.back")
        await k.tap("ceam.continue")
        #expect(flow(k)?.queued.isEmpty == true)
        #expect(rowActions(k, 0) == ["ceam.0.declareLossOrTheft", "ceam.0.viewPrint"])
        #expect(rowActions(k, 1).isEmpty, "ordered: on its way")
        #expect(k.services.submitted.count == 1, "sent once")
    }

    /// Refused in the session: said there, not again at the next visit.
    @Test func aRefusalSaidOnScreenIsNotSaidAgain() async throws {
        let k = try await onList()
        await k.tap("ceam.0.order")
        await k.tap("ceam.modal.departure.no")
        _ = try await k.services.submit(KioskCommand(serial: try #require(k.c.session.identity).serial, personIndex: 0,
                                                     action: .ceam(CEAMRequest(action: .order)), confirmedAt: k.clock.now))
        await k.tap("ceam.modal.confirm")
        #expect(k.text.contains("n’a pas été acceptée"))
        await k.tap("footer.back")
        await k.tap("ceam.continue")
        #expect(!k.text.contains("n’a pas été acceptée"))
        #expect(await k.services.unsuccessfulRequests(card: try #require(k.c.session.identity)).isEmpty)
    }

    @Test func aRefusalIsShownAndTheListReadAgain() async throws {
        let k = try await onList()
        await k.tap("ceam.0.order")
        await k.tap("ceam.modal.departure.no")
        // Meanwhile, the same person's order went through another kiosk.
        _ = try await k.services.submit(KioskCommand(serial: try #require(k.c.session.identity).serial, personIndex: 0,
                                                     action: .ceam(CEAMRequest(action: .order)), confirmedAt: k.clock.now))
        await k.tap("ceam.modal.confirm")
        #expect(k.screen.modal == nil)
        #expect(k.screen.banner?.kind == .error)
        #expect(k.text.contains("La liste ci-dessous est à jour"))
        #expect(rowActions(k, 0).isEmpty)
    }

    @Test func aLossNeedsKindDateInThePastAndTheSwornStatement() async throws {
        let k = try await onList(Self.card("ceam-renouvellement.json"))
        await k.tap("ceam.0.declareLossOrTheft")
        #expect(k.screen.modal?.buttons.first { $0.id == "ceam.modal.next" }?.enabled == false)
        await k.tap("ceam.modal.loss.perte")
        await k.tap("ceam.modal.next")
        await k.tap("ceam.modal.date.day.up")
        #expect(flow(k)?.dialog?.lossDate == CivilDate(year: 2026, month: 11, day: 23)!)
        await k.tap("ceam.modal.date.month.down")
        await k.tap("ceam.modal.date.day.down")
        #expect(flow(k)?.dialog?.lossDate == CivilDate(year: 2026, month: 10, day: 22)!)
        await k.tap("ceam.modal.next")
        await k.tap("ceam.modal.departure.no")
        #expect(k.screen.modal?.buttons.first { $0.id == "ceam.modal.confirm" }?.enabled == false)
        await k.tap("ceam.modal.confirm")
        #expect(k.services.submitted.isEmpty)
        await k.tap("ceam.modal.sworn")
        await k.tap("ceam.modal.confirm")
        guard case .ceam(let r)? = k.services.submitted.first?.action else { Issue.record("nothing sent"); return }
        #expect(r.loss == .init(kind: .perte, date: CivilDate(year: 2026, month: 10, day: 22)!, swornStatement: true))
        #expect(k.text.contains("Carte déclarée perdue le 22 octobre 2026"))
    }

    @Test func theDatePickerNeverGoesPastTodayNorBeforeTheCardsValidity() {
        let today = CivilDate(year: 2026, month: 11, day: 23)!
        let window = CEAMRules().lossDates(today: today)
        #expect(CEAMMachine.move(today, .dayUp, within: window) == today)
        #expect(CEAMMachine.move(today, .yearUp, within: window) == today)
        #expect(CEAMMachine.move(today.adding(days: -40), .monthUp, within: window) == today.adding(days: -40).adding(months: 1))
        #expect(CEAMMachine.move(today, .yearDown, within: window) == CivilDate(year: 2025, month: 11, day: 23)!)
        let earliest = today.adding(years: -2)
        #expect(CEAMMachine.move(earliest.adding(days: 3), .monthDown, within: window) == earliest)
    }

    /// The window is the rules' (a caisse's rules.yaml), not a number in the flow.
    @Test func theLossDateWindowFollowsTheCardValidityInTheRules() async throws {
        var rules = RuleParameters.standard
        rules.ceam.validityYears = 3
        let k = try await FlowKiosk(rules: rules)
        try await k.signIn(Self.card("ceam-renouvellement.json"))
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        await k.tap("ceam.0.declareLossOrTheft")
        await k.tap("ceam.modal.loss.perte")
        await k.tap("ceam.modal.next")
        for _ in 0..<4 { await k.tap("ceam.modal.date.year.down") }
        #expect(flow(k)?.dialog?.lossDate == CivilDate(year: 2023, month: 11, day: 23)!)
    }

    @Test func aValidCardIsSeenAndItsCopyPrintedOncePerOpening() async throws {
        let printer = FakeKioskPrinter()
        let k = try await onList(Self.card("ceam-famille.json"), printer: printer)
        await k.tap("ceam.0.viewPrint")
        #expect(k.text.contains("Date de naissance : 2 juin 1976"))
        await k.tap("ceam.modal.print")
        await k.tap("ceam.modal.print")
        #expect(printer.jobs.count == 1)
        guard case .ceamCardCopy(let person, let until, let on)? = printer.jobs.first?.document else { Issue.record("no copy"); return }
        #expect(person.prenoms == "Paul" && until == CivilDate(year: 2028, month: 5, day: 31)! && on == CivilDate(year: 2026, month: 11, day: 23)!)
        #expect(k.text.contains("La copie est imprimée"))
        #expect(k.services.submitted.isEmpty)
        await k.tap("ceam.modal.close")
        #expect(k.screen.modal == nil)
    }

    @Test func thePrinterAwayIsSaidPlainly() async throws {
        let k = try await onList(printer: FakeKioskPrinter(available: false))
        await k.tap("ceam.0.order")
        await k.tap("ceam.modal.departure.yes")
        await k.tap("ceam.modal.confirm")
        #expect(k.text.contains("L’imprimante ne fonctionne pas"))
        #expect(k.text.contains("Certificat provisoire valable jusqu’au 23 février 2027"))
    }

    @Test func aListThatCannotBeReadAgainKeepsTheConfirmation() async throws {
        let k = try await onList()
        await k.tap("ceam.0.order")
        await k.tap("ceam.modal.departure.no")
        k.services.foyerUnavailable = true
        await k.tap("ceam.modal.confirm")
        #expect(k.screen.modal == nil)
        #expect(k.text.contains("arrivera par courrier"))
        #expect(k.text.contains("La liste n’a pas pu être mise à jour"))
        #expect(k.services.submitted.count == 1)
    }

    @Test func theModalFocusLeadsOn() async throws {
        let k = try await onList()
        await k.tap("ceam.0.order")
        #expect(k.screen.focusID == "ceam.modal.departure.yes")
        await k.tap("ceam.modal.departure.no")
        #expect(k.screen.focusID == "ceam.modal.confirm")
    }

    @Test func theCentralStoreAwayShowsARetry() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.ceam")
        k.services.centralAway = true
        await k.tap("ceam.continue")
        #expect(k.screenID == "flow.ceam.unavailable")
        k.services.centralAway = false
        await k.tap("ceam.retry")
        #expect(k.screenID == "flow.ceam.list")
    }

    @Test func theCountriesAreListedOnRequest() async throws {
        let k = try await FlowKiosk(language: "en")
        try await k.signIn()
        await k.tap("service.ceam")
        await k.tap("ceam.countries")
        #expect(k.screenID == "flow.ceam.countries")
        // A grid of names: information, none of them a target.
        guard case .stack(let st) = k.screen.body, let grid = st.children.compactMap({ n -> [String]? in
            guard case .stack(let g) = n, case .adaptive = g.axis else { return nil }
            return g.children.compactMap { if case .text(let x) = $0 { x.string } else { nil } }
        }).first else { Issue.record("no grid"); return }
        #expect(grid.count == 31)
        #expect(grid.first == "Austria" && grid == grid.sorted())
        #expect(grid.contains("Switzerland") && grid.contains("United Kingdom"))
        await k.tap("footer.back")
        #expect(k.screenID == "flow.ceam")
    }

    @Test func aCardPulledInsideTheModalWipesTheFlow() async throws {
        let k = try await onList()
        await k.tap("ceam.1.order")
        await k.tap("ceam.modal.departure.yes")
        k.removeCard()
        #expect(k.c.flow == nil)
        #expect(k.screenID == "attract")
        #expect(!k.text.contains("Claire"))
        #expect(k.services.submitted.isEmpty)
        // The next session starts from the explanation, with nothing of the last.
        try await k.signIn()
        await k.tap("service.ceam")
        #expect(k.screenID == "flow.ceam")
        #expect(flow(k)?.foyer == nil && flow(k)?.dialog == nil)
    }

    @Test func theInactivityWarningCoversTheModalAndTheEndWipesIt() async throws {
        let k = try await onList()
        await k.tap("ceam.1.order")
        await k.tap("ceam.modal.departure.yes")
        // 75 s without a touch: the warning takes the modal's place.
        for _ in 0..<75 { k.clock.advance(seconds: 1); k.c.tick() }
        #expect(k.screen.modal?.id == "warning")
        await k.tap("warning.extend")
        #expect(k.screen.modal?.id == "ceam.modal")
        #expect(flow(k)?.dialog?.departureSoon == true)
        // Then nobody: the session ends, nothing of the flow stays, nothing was sent.
        for _ in 0..<100 { k.clock.advance(seconds: 1); k.c.tick() }
        #expect(k.c.flow == nil)
        #expect(!k.text.contains("Claire"))
        #expect(k.services.submitted.isEmpty)
    }

    @Test func aCardPulledWhileTheRequestIsOnItsWayLeavesNothingOnScreen() async throws {
        let k = try await onList()
        await k.tap("ceam.1.order")
        await k.tap("ceam.modal.departure.yes")
        await k.c.tap("ceam.modal.confirm")
        k.removeCard()
        await k.c.settle()
        #expect(k.c.flow == nil)
        #expect(k.screenID == "attract")
        #expect(!k.text.contains("Claire"))
    }
}
