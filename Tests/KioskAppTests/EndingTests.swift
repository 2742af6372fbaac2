import CentralAPI
import Domain
import Foundation
import Testing
@testable import KioskApp

@Suite @MainActor struct EndingTests {
    /// In every service, at its first screen and after its main step: the
    /// card leaves, the session ends at once and nothing of it stays.
    @Test(arguments: [KioskService.provisionalCode, .carteVitaleLoss, .attestation, .miseAJour])
    func cardRemovedInAFlowWipesEverything(_ service: KioskService) async throws {
        let k = try FlowKiosk()
        k.c.rightsWriter = FakeCardRightsWriter()
        k.c.printer = FakeKioskPrinter()
        try await k.signIn()
        await k.tap("service.\(service.rawValue)")
        let first = ["provisionalCode": "sms.send", "carteVitaleLoss": "vitale.person.0", "attestation": "attestation.all",
                     "miseAJour": "update.start"][service.rawValue]!
        #expect(k.ids.contains("footer.finish"))
        await k.tap(first)
        #expect(k.ids.contains("footer.finish"))
        #expect(k.text.contains("DUPONT") || k.text.contains("••") || service == .miseAJour || service == .attestation)
        k.removeCard()
        #expect(k.screenID == "attract")
        #expect(k.c.flow == nil)
        #expect(k.c.session.identity == nil)
        for personal in ["Jean", "DUPONT", "Claire", "Léa", "••"] { #expect(!k.text.contains(personal)) }
    }

    @Test func finishAsksToTakeTheCard() async throws {
        let k = try FlowKiosk()
        try await k.signIn()
        await k.tap("service.attestation")
        await k.tap("footer.finish")
        #expect(k.screenID == "ended")
        #expect(k.text.contains("Reprenez votre carte Vitale."))
        #expect(k.c.flow == nil)
        #expect(!k.text.contains("Jean"))
    }

    @Test func inactivityInAFlowWarnsThenEnds() async throws {
        let k = try FlowKiosk()
        try await k.signIn()
        await k.tap("service.carteVitaleLoss")
        let p = k.c.session.parameters
        k.clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
        k.c.tick()
        #expect(k.screen.modal?.id == "warning")
        await k.tap("warning.extend")
        #expect(k.screen.modal == nil)
        #expect(k.screenID == "flow.carteVitaleLoss")
        k.clock.advance(seconds: Double(p.inactivityTimeoutSeconds + 1))
        k.c.tick()
        #expect(k.screenID == "ended")
        #expect(k.c.flow == nil)
        #expect(!k.text.contains("DUPONT"))
    }
}
