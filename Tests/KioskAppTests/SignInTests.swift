import CentralAPI
import Domain
import Foundation
import Testing
@testable import KioskApp
@testable import KioskUI

@Suite @MainActor struct SignInTests {
    func card(_ name: String) -> String { assets.appendingPathComponent("demo/cards/\(name).json").path }

    @Test(arguments: [("flows-expired", "ameli"), ("flows-unknown-issuer", "accueil"), ("flows-unknown-card", "puce en avant"),
                      ("flows-faulty", "bon sens"), ("forged", "pièce d’identité"), ("invalidated", "même retrouvée")])
    func eachRefusedCardSaysWhatToDo(_ file: String, _ what: String) async throws {
        let k = try FlowKiosk()
        try k.insert(card(file))
        #expect(k.screenID == "refused")
        #expect(k.text.contains(what), "\(k.text)")
        #expect(k.text.contains("Reprenez votre carte."))
        #expect(!k.text.contains("⟦"))
    }

    @Test func aLockedCodeOffersTheSMSCodeForAmeliAndBackReturnsToLocked() async throws {
        let k = try FlowKiosk()
        try k.insert()
        for wrong in ["1111", "2222", "3333"] {
            try await k.type(wrong)
            await k.tap("keypad.ok")
        }
        #expect(k.screenID == "locked")
        #expect(k.ids.contains("code.forgot"))
        await k.tap("code.forgot")
        await k.tap("sms.send")
        // The central store keeps the code personnel locked: no keypad, the code serves on ameli.
        #expect(!k.ids.contains("keypad"))
        #expect(k.text.contains("reste bloqué sur cette borne"))
        await k.tap("footer.back")
        #expect(k.screenID == "locked")
    }

    @Test func rightsToUpdateAreSaidOnTheMenu() async throws {
        let k = try FlowKiosk()
        try await k.signIn(card("flows-rights-absent"))
        #expect(k.screenID == "menu")
        #expect(k.screen.banner?.text.contains("pas à jour") == true)
        let fresh = try FlowKiosk()
        try await fresh.signIn()
        #expect(fresh.screen.banner == nil)
    }

    @Test func listenSaysTheAttractInstructionAndABanner() async throws {
        let runner = try makeRunner("listen-flows")
        let (h, _, _) = try runner.makeHost(speechDirectory: nil)
        h.renderIfNeeded(force: true)
        h.listen()
        #expect(h.speech.lastUtterance == "Bienvenue. Insérez votre carte Vitale")
        for e in try CardFile.load(card("forged")).insertionEvents() { h.controller.handle(card: e) }
        h.renderIfNeeded()
        h.listen()
        #expect(h.speech.lastUtterance?.contains("Cette carte n'a pas pu être authentifiée.") == true, "\(h.speech.lastUtterance ?? "")")
    }
}
