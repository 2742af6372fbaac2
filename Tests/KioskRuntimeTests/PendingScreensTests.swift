import CentralAPI
import CentralTesting
import Foundation
import KioskAppTesting
import KioskApp
import KioskRuntime
import KioskStore
import Testing

/// The CEAM screens over the real central store and the kiosk's real
/// outbox (SQLite), the card from a card file (no pcscd): an order
/// confirmed with the central store gone waits in the outbox; the central
/// store answers again but the relay has not sent it (not started here):
/// a new visit and a new session say it waits and offer no request; once
/// the relay has sent it, the central store's state.
@Suite struct PendingScreensTests {
    @Test func aRequestWaitingInTheOutboxIsNotOfferedAgainOnTheRealStack() async throws {
        let dir = temporaryDirectory("pending-screens")
        let server = try await startCentral(directory: dir)
        let services = try await CentralKioskServicesTests.services(server, dir: dir)
        let port = server.port
        let card = asset("Assets/demo/cards/dupont-jean.json")
        let signIn = "card insert \(card)\ntype 1234\ntap #keypad.ok\ntap #service.ceam\ntap #ceam.continue\nexpect screen flow.ceam.list\n"
        let confirm = try Scenario.parse(signIn + """
            tap #ceam.list.next until "Claire"
            set central away
            tap #ceam.1.order
            tap #ceam.modal.departure.no
            tap #ceam.modal.confirm
            expect text "est enregistrée sur la borne"
            set central up
            tap #footer.back
            tap #footer.back
            tap #service.ceam
            tap #ceam.continue
            expect text "Une démarche est déjà en cours pour votre foyer"
            expect no text "Commander"
            tap #ceam.list.next until "Claire"
            expect text "Demande enregistrée sur la borne"
            expect no text "Commander"
            card remove
            """, name: "real-outbox-confirm")
        let again = try Scenario.parse(signIn + """
            expect no text "Commander"
            tap #ceam.list.next until "Claire"
            expect text "Demande enregistrée sur la borne"
            """, name: "real-outbox-new-session")
        let delivered = try Scenario.parse(signIn + """
            tap #ceam.list.next until "Claire"
            expect no text "Demande enregistrée sur la borne"
            expect text "Carte commandée le"
            tap #ceam.list.next until "Hugo"
            expect text "Commander"
            """, name: "real-outbox-delivered")
        let runner = try await MainActor.run { () throws -> SmokeRunner in
            let r = try SmokeRunner(options: SmokeRunner.Options(outputDirectory: dir.appendingPathComponent("screens"),
                                                                 assets: URL(fileURLWithPath: asset("Assets"))))
            r.log = { _ in }
            r.makeKit = { _, _ in
                var kit = SmokeKit(services: services, cards: ScenarioCards(), printer: FakeKioskPrinter())
                kit.setting = { key, value in
                    switch (key, value) {
                    case ("central", "away"): await server.stop()
                    case ("central", "up"): try await server.start(port: port)
                    default: return false
                    }
                    return true
                }
                return kit
            }
            return r
        }
        for scenario in [confirm, again] {
            let ok = await runner.run(scenario)
            let failures = await MainActor.run { runner.failures.map(\.description) }
            #expect(ok, "\(failures)")
        }
        #expect(await services.pendingRequests(card: try CentralKioskServicesTests.card()).count == 1)
        // The relay's pass.
        for _ in 0..<200 where try services.store.pendingCount() > 0 {
            try await services.sync.relay.drainOnce()
            try await Task.sleep(for: .milliseconds(20))
        }
        let ok = await runner.run(delivered)
        let failures = await MainActor.run { runner.failures.map(\.description) }
        #expect(ok, "\(failures)")
        await server.stop()
    }
}
