import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

@Suite @MainActor struct SignInTests {
    func card(_ name: String) -> String { assets.appendingPathComponent("demo/cards/\(name).json").path }

    @Test(arguments: [("flows-expired", "ameli"), ("flows-unknown-issuer", "accueil"), ("flows-unknown-card", "puce en avant"),
                      ("flows-faulty", "bon sens"), ("forged", "pièce d’identité"), ("invalidated", "même retrouvée")])
    func eachRefusedCardSaysWhatToDo(_ file: String, _ what: String) async throws {
        let k = try await FlowKiosk()
        try await k.insert(card(file))
        #expect(k.screenID == "refused")
        #expect(k.text.contains(what), "\(k.text)")
        // Not a carte Vitale: « this card » out, theirs in; never « Reprenez votre carte » beside « Insérez… ».
        #expect(k.text.contains(file == "flows-unknown-card" ? "Reprenez cette carte." : "Reprenez votre carte."))
        #expect(!k.text.contains("⟦"))
    }

    @Test func aLockedCodeOffersTheSMSCodeAsTheWayOut() async throws {
        let k = try await FlowKiosk()
        try await k.insert()
        for wrong in ["1111", "2222", "3333"] {
            try await k.type(wrong)
            await k.tap("keypad.ok")
        }
        #expect(k.screenID == "locked")
        #expect(k.ids.contains("code.forgot"))
        await k.tap("code.forgot")
        await k.tap("footer.back")
        #expect(k.screenID == "locked")
        await k.tap("code.forgot")
        await k.tap("sms.send")
        // The provisional code is the way out of the lock: typed here, it opens the menu.
        #expect(k.ids.contains("keypad"))
        let serial = try #require(k.c.session.identity).serial
        let sms = try #require(k.services.lastSMSCode())
        try await k.type(sms)
        await k.tap("keypad.ok")
        #expect(k.screenID == "menu")
    }

    /// Two wrong codes, the card out and back: the code screen says the
    /// central store's count (1), not a fresh 3; locked, back: the locked screen.
    @Test func theCodeScreenSaysTheCentralStoresCount() async throws {
        let k = try await FlowKiosk()
        try await k.insert()
        #expect(k.text.contains("Il vous reste 3 essais."))
        for wrong in ["1111", "2222"] {
            try await k.type(wrong)
            await k.tap("keypad.ok")
        }
        k.removeCard()
        try await k.insert()
        #expect(k.screenID == "code")
        #expect(k.text.contains("Attention : il vous reste 1 essai."))
        try await k.type("3333")
        await k.tap("keypad.ok")
        k.removeCard()
        try await k.insert()
        #expect(k.screenID == "locked")
        #expect(!k.ids.contains("keypad"))
    }

    /// The central store does not answer at insertion: no count rather than a wrong one.
    @Test func noCountWhenTheCentralStoreDoesNotSay() async throws {
        let k = try await FlowKiosk()
        k.services.centralAway = true
        try await k.insert()
        #expect(k.screenID == "code")
        #expect(!k.text.contains("essai"))
    }

    @Test func rightsToUpdateAreSaidOnTheMenu() async throws {
        let k = try await FlowKiosk()
        try await k.signIn(card("flows-rights-absent"))
        #expect(k.screenID == "menu")
        #expect(k.screen.banner?.text.contains("pas à jour") == true)
        let fresh = try await FlowKiosk()
        try await fresh.signIn()
        #expect(fresh.screen.banner == nil)
    }

    @Test func listenSaysTheAttractInstructionAndABanner() async throws {
        let runner = try makeRunner("listen-flows")
        let (h, _, _) = try await runner.makeHost(speechDirectory: nil)
        defer { withExtendedLifetime(runner) {} }
        h.renderIfNeeded(force: true)
        h.listen()
        #expect(h.speech.lastUtterance == "Bienvenue. Insérez votre carte Vitale")
        for e in try CardFile.load(card("forged")).insertionEvents() { h.controller.handle(card: e) }
        h.renderIfNeeded()
        h.listen()
        #expect(h.speech.lastUtterance?.contains("Cette carte n'a pas pu être authentifiée.") == true, "\(h.speech.lastUtterance ?? "")")
    }
}
