import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import KioskUI
import Testing
@testable import KioskApp

/// The end-of-session recap: what the session really did (receipts, the
/// outbox, the printer's answers), collected by the controller, shown on
/// « Terminer » before the card is taken, printed on request.
@Suite @MainActor struct RecapTests {
    /// A CEAM for Léa (no departure soon: no certificate) and the attestation for everyone.
    func orderAndPrint(_ k: FlowKiosk) async {
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        await k.tap("ceam.2.order")
        await k.tap("ceam.modal.departure.no")
        await k.tap("ceam.modal.confirm")
        await k.tap("footer.back")
        await k.tap("footer.back")
        await k.tap("service.attestation")
        await k.tap("attestation.all")
    }

    @Test func nothingDoneEndsAtOnce() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        // Looked, did nothing: no recap.
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        await k.tap("footer.finish")
        #expect(k.screenID == "ended")
        #expect(k.c.history.isEmpty)
    }

    @Test func theRecapSaysWhatWasDoneAndPrinted() async throws {
        let k = try await FlowKiosk()
        let printer = FakeKioskPrinter()
        k.c.printer = printer
        try await k.signIn()
        await orderAndPrint(k)
        let printed = printer.jobs.count
        #expect(printed >= 2)
        await k.tap("footer.finish")
        #expect(k.screenID == "recap")
        #expect(k.text.contains("Récapitulatif de votre visite"))
        #expect(k.text.contains("Carte européenne d’assurance maladie commandée"))
        #expect(k.text.contains("Pour Léa DUPONT."))
        #expect(k.text.contains("Attestation de droits"))
        #expect(!k.text.contains("en attente d’envoi"))
        // Done first, then printed; each with its badge (a word, not only a colour).
        let rows = try #require(list(k.screen)).rows
        #expect(rows.first?.badges == [Badge(.ok, "Fait")])
        #expect(rows.dropFirst().allSatisfy { $0.badges == [Badge(.ok, "Imprimé")] })
        #expect(rows.count == 1 + printed)
        // Printed on request, through the kiosk's printer, in French.
        await k.tap("recap.print")
        #expect(printer.jobs.count == printed + 1)
        guard case .sheet(let sheet)? = printer.jobs.last?.document else { Issue.record("not a sheet"); return }
        #expect(sheet.kind == "recapitulatif")
        #expect(sheet.blocks.contains(.heading("Ce qui a été fait")))
        #expect(sheet.blocks.contains(.heading("Ce qui a été imprimé")))
        #expect(k.text.contains("Votre récapitulatif est imprimé"))
        #expect(!k.ids.contains("recap.print"))
        // The recap's own paper is not one of the visit's démarches.
        #expect(k.c.history.entries.count == 1 + printed)
        await k.tap("recap.finish")
        #expect(k.screenID == "ended")
        #expect(k.text.contains("Reprenez votre carte Vitale."))
        #expect(!k.text.contains("Léa"))
        #expect(k.c.history.isEmpty)
    }

    @Test func whatWaitsInTheOutboxIsOnItsWayThenSent() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        k.services.submitMode = .queue
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        await k.tap("ceam.2.order")
        await k.tap("ceam.modal.departure.no")
        await k.tap("ceam.modal.confirm")
        await k.tap("footer.finish")
        #expect(k.screenID == "recap")
        #expect(k.text.contains("sera transmis dès que possible"))
        #expect(list(k.screen)?.rows.first?.badges == [Badge(.pending, "En attente d’envoi")])
        // « Retour »: back where they were; the relay sends it meanwhile.
        await k.tap("recap.back")
        #expect(k.screenID == "flow.ceam.list")
        k.services.submitMode = .apply
        _ = try await k.services.deliverQueued()
        await k.tap("footer.finish")
        // The outbox says it left: sent.
        #expect(list(k.screen)?.rows.first?.badges == [Badge(.ok, "Transmis")])
    }

    @Test func aPrintThatCameToNothingIsSaidAndThePrinterAwayOffersNoPaper() async throws {
        let k = try await FlowKiosk()
        let printer = FakeKioskPrinter(available: false)
        k.c.printer = printer
        try await k.signIn()
        await k.tap("service.attestation")
        await k.tap("attestation.all")
        await k.tap("footer.finish")
        #expect(k.screenID == "recap")
        #expect(list(k.screen)?.rows.allSatisfy { $0.badges == [Badge(.alert, "Non imprimé")] } == true)
        #expect(k.text.contains("demandez-le à l’accueil"))
        await k.tap("recap.print")
        #expect(k.text.contains("le récapitulatif n’a pas été imprimé"))
        // Another try is offered once the printer is back.
        #expect(k.ids.contains("recap.print"))
        printer.available = true
        await k.tap("recap.print")
        #expect(printer.jobs.count == 1)
    }

    @Test func noPrinterNoPrintButton() async throws {
        let k = try await FlowKiosk()
        k.c.printer = NoPrinter()
        try await k.signIn()
        await k.tap("service.provisionalCode")
        await k.tap("sms.send")
        await k.tap("footer.finish")
        #expect(k.screenID == "recap")
        #expect(k.text.contains("Code provisoire envoyé par SMS"))
        #expect(k.text.contains("06 •• •• •• 12"))
        #expect(!k.ids.contains("recap.print"))
    }

    @Test func theCardPulledEndsTheSessionWithNoRecap() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await orderAndPrint(k)
        k.removeCard()
        #expect(k.screenID == "attract")
        #expect(k.c.history.isEmpty)
        // On the recap too.
        try await k.signIn()
        await orderAndPrint(k)
        await k.tap("footer.finish")
        #expect(k.screenID == "recap")
        k.removeCard()
        #expect(k.screenID == "attract")
        #expect(!k.c.recapOpen)
        for personal in ["Léa", "DUPONT", "••"] { #expect(!k.text.contains(personal)) }
    }

    @Test func inactivityOnTheRecapEndsTheSession() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.attestation")
        await k.tap("attestation.all")
        let p = k.c.session.parameters
        k.clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
        k.c.tick()
        // « Terminer » in the warning: the recap, the warning gone.
        await k.tap("warning.finish")
        #expect(k.screenID == "recap")
        #expect(k.screen.modal == nil)
        k.clock.advance(seconds: Double(p.inactivityTimeoutSeconds + 1))
        k.c.tick()
        #expect(k.screenID == "ended")
        #expect(k.c.history.isEmpty)
        #expect(!k.text.contains("Attestation"))
    }

    /// A request sent after its session ended (the card pulled mid-send)
    /// is not told to the next session.
    @Test func aLateAnswerIsNotTheNextSessions() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.carteVitaleLoss")
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.dysfonctionnement")
        await k.tap("vitale.declare")
        await k.c.tap("modal.confirm")
        k.removeCard()
        await k.c.settle()
        #expect(k.services.submitted.count == 1)
        #expect(k.c.history.isEmpty)
    }

    func list(_ s: ScreenModel) -> ListView? {
        func find(_ n: Node) -> ListView? {
            switch n {
            case .list(let l): return l
            case .stack(let st): return st.children.lazy.compactMap(find).first
            default: return nil
            }
        }
        return find(s.body)
    }
}
