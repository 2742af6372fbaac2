import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import KioskUI
import Testing
@testable import KioskApp

/// The carte Vitale loss as a typed state machine, on `reduce` and
/// `screen` alone (the foyer is the fake central store's, read once): one
/// request per confirmation, the same command on a retry, answers that no
/// longer fit dropped, and no tap that the screen does not offer.
@Suite @MainActor struct VitaleLossMachineTests {
    typealias M = VitaleLossMachine

    /// Signed in with the demo card; the machine's context and the foyer it would load.
    func kiosk(language: String = "fr") async throws -> (FlowKiosk, FlowContext, FoyerResponse) {
        let k = try await FlowKiosk(language: language)
        try await k.signIn()
        let foyer = try await k.services.foyer(card: try #require(k.c.session.identity))
        return (k, FlowContext(k.c), foyer)
    }

    /// The list, as the flow shows it once loaded.
    func listed(_ foyer: FoyerResponse, _ context: FlowContext, pending: [PendingRequest] = []) -> M.State {
        let start = M.start(context)
        #expect(start.effects == [.load] && start.state.step == .loading)
        let loaded = M.reduce(start.state, .loaded(pending: pending, foyer: foyer), context)
        #expect(loaded.effects == [.fetchUnsuccessful] && loaded.state.step == .loading)
        let listed = M.reduce(loaded.state, .unsuccessful([]), context)
        #expect(listed.effects.isEmpty && listed.state.step == .choosePerson)
        return listed.state
    }

    /// Jean's lost card, the commitment ticked, the modal open.
    func confirming(_ s: M.State, _ context: FlowContext) -> M.State {
        var s = s
        for e: M.Event in [.choose(person: 0), .reason(.perte), .commit, .declare] { s = M.reduce(s, e, context).state }
        #expect(s.confirming == .declare)
        return s
    }

    func reduce(_ s: M.State, _ events: [M.Event], _ context: FlowContext) -> M.State {
        events.reduce(s) { M.reduce($0, $1, context).state }
    }

    @Test func confirmingTwiceSendsOneCommandFixedWhenConfirmed() async throws {
        let (_, context, foyer) = try await kiosk()
        let s = confirming(listed(foyer, context), context)
        let first = M.reduce(s, .confirm, context)
        guard case .submit(let command)? = first.effects.first, first.effects.count == 1 else { Issue.record("\(first.effects)"); return }
        #expect(first.state.step == .submitting)
        #expect(command.id == s.declarationID)
        #expect(command.confirmedAt == context.now)
        #expect(command.personIndex == 0)
        #expect(command.action == .vitaleDeclaration(reason: .perte, commitsToReturnFoundCard: true))
        // The second « Confirmer » (and a stale « Déclarer ») sends nothing more.
        let second = M.reduce(first.state, .confirm, context)
        #expect(second.effects.isEmpty && second.state == first.state)
        #expect(M.reduce(first.state, .declare, context).effects.isEmpty)
        #expect(M.isWaiting(first.state))
    }

    @Test func aRetryAfterAnErrorResendsTheSameCommand() async throws {
        let (k, context, foyer) = try await kiosk()
        let sent = M.reduce(confirming(listed(foyer, context), context), .confirm, context)
        guard case .submit(let command)? = sent.effects.first else { Issue.record("\(sent.effects)"); return }
        let away = M.reduce(sent.state, .submitted(command, nil), context)
        #expect(away.state.step == .unavailable && away.effects.isEmpty)
        // Later: the same command, the same moment of confirmation.
        var later = context
        later.now = context.now.addingTimeInterval(120)
        let retry = M.reduce(away.state, .retry, later)
        #expect(retry.effects == [.submit(command)])
        #expect(retry.state.step == .submitting)
        // Applied (the central store's answer, with Jean as he now is):
        // declared, and the foyer is read again for what may follow.
        let outcome = try await k.services.submit(command)
        let applied = M.reduce(retry.state, .submitted(command, outcome), later)
        #expect(applied.state.step == .declared(person: 0, transmitted: true))
        #expect(applied.effects == [.refreshFoyer])
        // The card in the reader is now declared lost: the central store
        // refuses to read the foyer with it, and the receipt alone says
        // whether the order of a new card may follow.
        await #expect(throws: ServiceFailure.self) { try await k.services.foyer(card: try #require(k.c.session.identity)) }
        let refreshed = M.reduce(applied.state, .refreshed(nil), later).state
        // The order service takes over, after this declaration, for Jean as the receipt left him.
        let order = M.reduce(refreshed, .order, later)
        guard case .handOver(.vitaleOrder(_, let person, let after), to: .commandeCarteVitale)? = order.move else {
            Issue.record("\(String(describing: order.move))"); return
        }
        #expect(person.index == 0 && after == command.id && order.effects.isEmpty)
    }

    @Test func aLoadThatFailedIsTriedAgainNotARequest() async throws {
        let (_, context, _) = try await kiosk()
        let failed = M.reduce(M.start(context).state, .loaded(pending: [], foyer: nil), context)
        #expect(failed.state.step == .unavailable)
        #expect(M.reduce(failed.state, .retry, context).effects == [.load])
        // No card: nothing to read.
        var noCard = context
        noCard.identity = nil
        #expect(M.start(noCard).state.step == .unavailable && M.start(noCard).effects.isEmpty)
    }

    @Test func aRefusalIsSaidOnceAndNotRetried() async throws {
        let (_, context, foyer) = try await kiosk()
        let sent = M.reduce(confirming(listed(foyer, context), context), .confirm, context)
        guard case .submit(let command)? = sent.effects.first else { Issue.record("\(sent.effects)"); return }
        let refused = M.reduce(sent.state, .submitted(command, .acknowledged(CommandReceipt(id: command.id, status: .refused, reason: "state"))), context)
        #expect(refused.state.step == .refused(reason: "state"))
        #expect(refused.effects == [.markTold([command.id])])
        #expect(refused.state.declaration == nil)
        #expect(M.reduce(refused.state, .retry, context).effects.isEmpty)
    }

    @Test func anAnswerThatNoLongerFitsIsDropped() async throws {
        let (k, context, foyer) = try await kiosk()
        let s = listed(foyer, context)
        // An answer to a request that is not on its way.
        let stray = KioskCommand(serial: "x", personIndex: 0, action: .vitaleOrder(order: nil), confirmedAt: context.now)
        #expect(M.reduce(s, .submitted(stray, nil), context).state == s)
        let sent = M.reduce(confirming(s, context), .confirm, context)
        #expect(M.reduce(sent.state, .submitted(stray, .queued(message: "")), context).state == sent.state)
        // A second load's answer once the list shows.
        #expect(M.reduce(s, .loaded(pending: [], foyer: nil), context).state == s)
        // A print's answer for another récépissé.
        #expect(M.reduce(s, .printed(command: UUID(), .printed), context).state == s)

        // The card leaves while the declaration goes: it is sent (once), its answer dropped.
        await k.tap("service.carteVitaleLoss")
        let flow = try #require(k.c.flow as? MachineFlow<M>)
        for id in ["vitale.person.0", "vitale.reason.dysfonctionnement", "vitale.declare"] { await k.tap(id) }
        await k.c.tap("modal.confirm")
        #expect(flow.state.step == .submitting)
        k.removeCard()
        await k.c.settle()
        #expect(k.services.submitted.count == 1)
        #expect(flow.state.step == .submitting)
        #expect(k.c.flow == nil)
    }

    @Test func tapsNotOnTheScreenDoNothing() async throws {
        let (k, context, foyer) = try await kiosk()
        func taps(_ s: M.State) -> TapTable<M.Event> {
            let t = TapTable<M.Event>()
            _ = M.screen(s, context, t)
            return t
        }
        let queued = PendingRequest(id: UUID(), personIndex: 0, action: .vitaleDeclaration(reason: .vol, commitsToReturnFoundCard: true),
                                    confirmedAt: context.now)
        let s = listed(foyer, context, pending: [queued])
        // Jean's declaration waits in the outbox: no widget for him, and the event itself does nothing.
        #expect(taps(s).event(for: "vitale.person.0") == nil)
        #expect(taps(s).event(for: "vitale.orderFor.0") == nil)
        #expect(M.reduce(s, .choose(person: 0), context).state == s)
        // Léa may have a card ordered, Hugo (8) nothing.
        #expect(taps(s).event(for: "vitale.orderFor.2") == .orderFor(person: 2))
        #expect(taps(s).event(for: "vitale.orderFor.3") == nil)
        #expect(M.reduce(s, .orderFor(person: 3), context).state == s)
        // Not a widget of the list: the runner says it is not this service's.
        await k.tap("service.carteVitaleLoss")
        let flow = try #require(k.c.flow as? MachineFlow<M>)
        #expect(await flow.tap("vitale.person.9", k.c) == false)
        #expect(await flow.tap("vitale.declare", k.c) == false)
        // The modal open: what lies under it does nothing, « Retour » and « Terminer » included.
        let modal = confirming(listed(foyer, context), context)
        let table = taps(modal)
        #expect(table.event(for: "modal.confirm") == .confirm)
        for id in ["vitale.reason.vol", "vitale.commit", "vitale.declare", "footer.back", "footer.finish"] {
            let event = try #require(table.event(for: id), "\(id)")
            let t = M.reduce(modal, event, context)
            #expect(t.handled && t.effects.isEmpty && t.state == modal, "\(id)")
        }
        // Without it: « Retour » goes back to the list from the reason, to the menu from the list.
        let details = M.reduce(modal, .cancel, context).state
        #expect(details.confirming == nil && details.step == .details(person: 0))
        #expect(M.reduce(details, .back, context).state.step == .choosePerson)
        #expect(M.reduce(s, .back, context).handled == false)
        #expect(M.reduce(s, .finish, context).handled == false)
    }

    @Test func whatDidNotGoThroughEarlierIsSaidOnce() async throws {
        let (_, context, foyer) = try await kiosk()
        let loaded = M.reduce(M.start(context).state, .loaded(pending: [], foyer: foyer), context).state
        let mine = UnsuccessfulRequest(id: UUID(), personIndex: 1, action: KioskCommand.Action.vitaleOrder(order: nil).name, confirmedAt: context.now, parked: false)
        let ceam = UnsuccessfulRequest(id: UUID(), personIndex: 0, action: "ceam.order", confirmedAt: context.now, parked: true)
        let said = M.reduce(loaded, .unsuccessful([ceam, mine]), context)
        #expect(said.state.later == [mine])
        #expect(said.effects == [.markTold([mine.id])])
        #expect(said.state.step == .choosePerson)
        #expect(M.screen(said.state, context, TapTable()).banner?.text.contains("Claire DUPONT") == true)
        // Read again (« Réessayer »): not asked again, not said twice.
        var again = said.state
        again.step = .loading
        let reloaded = M.reduce(again, .loaded(pending: [], foyer: foyer), context)
        #expect(reloaded.effects.isEmpty && reloaded.state.step == .choosePerson)
    }

    @Test func theReceiptIsOneJobPerRequestInFrench() async throws {
        let (_, context, foyer) = try await kiosk(language: "en")
        let sent = M.reduce(confirming(listed(foyer, context), context), .confirm, context)
        guard case .submit(let command)? = sent.effects.first else { Issue.record("\(sent.effects)"); return }
        let queued = M.reduce(sent.state, .submitted(command, .queued(message: "offline")), context).state
        #expect(queued.step == .declared(person: 0, transmitted: false))
        let print = M.reduce(queued, .print, context)
        guard case .print(.receipt(let c, let person, let what, let transmitted, let next), let job)? = print.effects.first else {
            Issue.record("\(print.effects)"); return
        }
        #expect(job == "receipt-\(command.id.uuidString)")
        #expect(c == command && person.displayName == "Jean DUPONT" && !transmitted)
        #expect(what == "Déclaration de perte de carte Vitale")
        #expect(next == context.documentCatalog["vitale.receipt.queued"])
        // Twice: the same job (the printer prints it once).
        #expect(M.reduce(queued, .print, context).effects == print.effects)
        let printed = M.reduce(queued, .printed(command: command.id, .alreadyPrinted), context).state
        #expect(printed.printed == .alreadyPrinted)
        #expect(ScreenText.strings(M.screen(printed, context, TapTable())).contains(context.catalog["print.already"]))
        // Nothing to print before a request is taken.
        #expect(M.reduce(sent.state, .print, context).effects.isEmpty)
    }

    @Test func widgetIdsComeFromTheEventsAndStepsAreDeclared() throws {
        #expect(M.Event.choose(person: 2).widgetID == "vitale.person.2")
        #expect(M.Event.orderFor(person: 1).widgetID == "vitale.orderFor.1")
        #expect(M.Event.reason(.dysfonctionnement).widgetID == "vitale.reason.dysfonctionnement")
        #expect(M.Event.nextPage.widgetID == "vitale.persons.next")
        #expect(M.Event.refreshed(nil).widgetID == nil && M.Event.unsuccessful([]).widgetID == nil)
        let catalogs = try AssetLocator.catalogs(assets)
        #expect(M.steps.count == 3)
        for key in M.steps { for (lang, c) in catalogs { #expect(c.has(key), "\(lang): \(key)") } }
        var s = M.State()
        #expect(M.step(s) == 0)
        s.step = .details(person: 0)
        #expect(M.step(s) == 1)
        s.step = .submitting
        s.request = .declaration
        #expect(M.step(s) == 2)
        s.step = .declared(person: 0, transmitted: true)
        #expect(M.step(s) == 2)
    }
}
