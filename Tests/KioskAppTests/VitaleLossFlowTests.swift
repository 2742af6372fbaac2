import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import KioskUI
import Testing
@testable import KioskApp

@Suite @MainActor struct VitaleLossFlowTests {
    func open(_ k: FlowKiosk) async throws {
        try await k.signIn()
        await k.tap("service.carteVitaleLoss")
        #expect(k.screenID == "flow.carteVitaleLoss")
    }

    @Test func onlyPersonsWithACardOfTheirOwnCanBeChosenOthersAreExplained() async throws {
        let k = try await FlowKiosk()
        try await open(k)
        #expect(k.ids.contains("vitale.person.0"))
        // Hugo is 8: on a parent's card.
        #expect(!k.ids.contains("vitale.person.3"))
        #expect(k.text.contains("Moins de 12 ans"))
        // Léa is 14 but has no card in use here.
        #expect(!k.ids.contains("vitale.person.2"))
        #expect(k.text.contains("Pas de carte Vitale en service : une carte peut être commandée."))
        #expect(k.ids.contains("vitale.orderFor.2"))
        #expect(!k.ids.contains("vitale.orderFor.3"))
    }

    /// Declared earlier (here, or on ameli): the order is offered straight
    /// from the list within the 4 days, and said paused during the fifth.
    @Test func aCardDeclaredEarlierIsOrderedFromTheListOrSaidPaused() async throws {
        let k = try await FlowKiosk()
        try await k.signIn(assets.appendingPathComponent("demo/cards/flows-vitale-declared.json").path)
        await k.tap("service.carteVitaleLoss")
        #expect(k.ids.contains("vitale.orderFor.1"))
        #expect(!k.ids.contains("vitale.orderFor.2"))
        // Declared on 18 November at 13 h 00 (Paris): paused until the 23rd at 13 h 00.
        #expect(k.text.contains("après le lundi 23 novembre 2026 à 13 h 00"), "\(k.text)")
        // The order service takes over for Claire (documents, sworn statement), with no declaration to follow.
        await k.tap("vitale.orderFor.1")
        #expect(k.screenID == "flow.commandeCarteVitale")
        let order = try #require(k.c.flow as? MachineFlow<VitaleOrderMachine>)
        #expect(order.state.person == 1 && order.state.after == nil && order.state.step == .useCase)
        #expect(k.text.contains("Claire DUPONT"))
        #expect(k.services.submitted.isEmpty)
    }

    @Test func declareLossThenOrderAfterIt() async throws {
        let k = try await FlowKiosk()
        try await open(k)
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.perte")
        // A lost card: the commitment to return it is needed first.
        #expect(k.screen.body.enabledButton("vitale.declare") == false)
        await k.tap("vitale.commit")
        #expect(k.screen.body.enabledButton("vitale.declare") == true)
        await k.tap("vitale.declare")
        #expect(k.screen.modal != nil)
        // A double tap on "Confirmer": one request.
        await k.c.tap("modal.confirm")
        await k.c.tap("modal.confirm")
        await k.c.settle()
        #expect(k.services.submitted.count == 1)
        let declaration = try #require(k.services.submitted.first)
        #expect(declaration.action == .vitaleDeclaration(reason: .perte, commitsToReturnFoundCard: true))
        #expect(k.text.contains("ne peut plus être utilisée"))
        // Within the 4 days: the order is offered, and follows the declaration.
        #expect(k.ids.contains("vitale.order"))
        // « Commander »: the order service, chained after the declaration, the use case already said.
        await k.tap("vitale.order")
        #expect(k.screenID == "flow.commandeCarteVitale")
        let order = try #require(k.c.flow as? MachineFlow<VitaleOrderMachine>)
        #expect(order.state.person == 0 && order.state.after == declaration.id && order.state.useCase == .lossOrTheft)
        #expect(k.services.submitted.count == 1)
    }

    @Test func aBrokenCardNeedsNoCommitment() async throws {
        let k = try await FlowKiosk()
        try await open(k)
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.dysfonctionnement")
        #expect(!k.ids.contains("vitale.commit"))
        #expect(k.screen.body.enabledButton("vitale.declare") == true)
    }

    @Test func aRetryAfterTheCentralStoreWasAwaySendsTheSameRequest() async throws {
        let k = try await FlowKiosk()
        try await open(k)
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.vol")
        await k.tap("vitale.commit")
        await k.tap("vitale.declare")
        k.services.submitMode = .fail
        await k.tap("modal.confirm")
        #expect(k.text.contains("momentanément indisponible"))
        k.services.submitMode = .apply
        await k.tap("vitale.retry")
        let sent = k.services.submitted
        #expect(sent.count == 2)
        #expect(sent[0].id == sent[1].id)
        #expect(k.text.contains("Déclaration enregistrée"))
    }

    /// Queued, the declaration has not reached the central store: the order
    /// (whose documents the central store must take with it) waits for it.
    @Test func aQueuedDeclarationDefersTheOrder() async throws {
        let k = try await FlowKiosk()
        try await open(k)
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.perte")
        await k.tap("vitale.commit")
        await k.tap("vitale.declare")
        k.services.submitMode = .queue
        await k.tap("modal.confirm")
        #expect(k.text.contains("sera transmise dès que possible"))
        // Not deactivated yet: the screen says it will be, not that it is.
        #expect(k.text.contains("La carte sera alors désactivée"))
        #expect(!k.text.contains("est désactivée"))
        #expect(!k.ids.contains("vitale.order"))
        #expect(k.text.contains("La commande d’une nouvelle carte sera possible une fois la déclaration transmise."))
        #expect(k.services.submitted.count == 1)
    }

    /// Back in the service, the outbox says what waits: no second
    /// declaration, no order before the declaration is sent; delivered, the
    /// order is offered as the central store allows.
    @Test func aQueuedDeclarationIsNotOfferedAgainAfterLeavingTheService() async throws {
        let k = try await FlowKiosk()
        try await open(k)
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.vol")
        await k.tap("vitale.commit")
        await k.tap("vitale.declare")
        k.services.submitMode = .queue
        await k.tap("modal.confirm")
        await k.tap("footer.back")
        #expect(k.screenID == "menu")
        await k.tap("service.carteVitaleLoss")
        #expect(!k.ids.contains("vitale.person.0") && !k.ids.contains("vitale.orderFor.0"))
        #expect(k.text.contains("Déclaration enregistrée sur la borne, en attente d’envoi"), "\(k.text)")
        // Even by id.
        await k.tap("vitale.person.0")
        #expect((k.c.flow as? MachineFlow<VitaleLossMachine>)?.state.step == .choosePerson)
        // Others are not held back by it.
        #expect(k.ids.contains("vitale.orderFor.2"))
        // Delivered: the central store holds the card in the reader as stolen
        // and refuses it from now on; the flow says so rather than "unavailable".
        try await k.services.deliverQueued()
        await k.tap("footer.back")
        await k.tap("service.carteVitaleLoss")
        #expect((k.c.flow as? MachineFlow<VitaleLossMachine>)?.state.step == .cardNoLongerValid)
        #expect(k.text.contains("n’est plus valable"), "\(k.text)")
        #expect(!k.ids.contains("vitale.retry"))
        #expect(!k.text.contains("en attente d’envoi"))
        #expect(k.services.submitted.count == 1)
    }

    @Test func aReceiptIsPrintedOnce() async throws {
        let k = try await FlowKiosk()
        let printer = FakeKioskPrinter()
        k.c.printer = printer
        try await open(k)
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.dysfonctionnement")
        await k.tap("vitale.declare")
        await k.tap("modal.confirm")
        await k.tap("vitale.print")
        #expect(k.text.contains("Récépissé imprimé"))
        await k.tap("vitale.print")
        #expect(k.text.contains("déjà été imprimé"))
        #expect(printer.jobs.count == 1)
    }

    @Test func theReceiptIsInFrenchWhateverTheScreenLanguage() async throws {
        let k = try await FlowKiosk(language: "en")
        let printer = FakeKioskPrinter()
        k.c.printer = printer
        try await open(k)
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.vol")
        await k.tap("vitale.commit")
        await k.tap("vitale.declare")
        await k.tap("modal.confirm")
        await k.tap("vitale.print")
        #expect(k.text.contains("Receipt printed"))
        guard case .receipt(let command, _, let what, let transmitted, _) = try #require(printer.jobs.first).document else {
            Issue.record("not a receipt"); return
        }
        #expect(what == "Déclaration de vol de carte Vitale")
        #expect(transmitted)
        #expect(command.id == k.services.submitted.first?.id)
    }
}

extension Node {
    /// Whether the button `id` in this tree is enabled (nil: no such button).
    func enabledButton(_ id: String) -> Bool? {
        switch self {
        case .stack(let s): return s.children.lazy.compactMap { $0.enabledButton(id) }.first
        case .button(let b) where b.id == id: return b.enabled
        default: return nil
        }
    }
}
