import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp

@Suite @MainActor struct ProvisionalCodeFlowTests {
    @Test func forgotCodeShowsTheMaskedMobileThenSaysWhenTheCodeExpires() async throws {
        let k = try await FlowKiosk()
        try await k.insert()
        await k.tap("code.forgot")
        #expect(k.screenID == "flow.provisionalCode")
        #expect(k.text.contains("06 •• •• •• 12"))
        #expect(k.ids.contains("sms.send"))
        await k.tap("sms.send")
        // Sent on Monday at noon: valid 48 h, until Wednesday noon, in words.
        #expect(k.text.contains("jusqu’au mercredi 25 novembre 2026 à 12 h 00"), "\(k.text)")
        #expect(k.text.contains("Code provisoire envoyé par SMS au 06 •• •• •• 12."))
        // Before sign-in, the new code is typed on the same screen to go on.
        #expect(k.ids.contains("keypad"))
        let card = try #require(k.c.session.identity)
        let sms = try #require(k.services.lastSMSCode())
        try await k.type(sms)
        await k.tap("keypad.ok")
        #expect(k.screenID == "menu")
    }

    @Test func aWrongNewCodeSaysSoAndStaysOnTheScreen() async throws {
        let k = try await FlowKiosk()
        try await k.insert()
        await k.tap("code.forgot")
        await k.tap("sms.send")
        try await k.type("9999")
        await k.tap("keypad.ok")
        #expect(k.screenID == "flow.provisionalCode")
        #expect(k.text.contains("Code incorrect. Vérifiez le SMS reçu. Il vous reste 2 essais."))
    }

    @Test func englishSaysTheExpiryInEnglish() async throws {
        let k = try await FlowKiosk(language: "en")
        try await k.signIn()
        await k.tap("service.provisionalCode")
        await k.tap("sms.send")
        #expect(k.text.contains("valid until Wednesday 25 November 2026 at 12:00"), "\(k.text)")
        // Signed in already: no keypad, the code is for later.
        #expect(!k.ids.contains("keypad"))
    }

    @Test func noMobileOnFileSendsToACounsellor() async throws {
        let k = try await FlowKiosk()
        let card = try CardFile.load(demoCard)
        k.services.register(serial: card.identity!.serial, central: CardFileCentral(noMobile: true))
        try await k.insert()
        await k.tap("code.forgot")
        #expect(k.text.contains("Aucun numéro de téléphone portable n’est enregistré pour vous."))
        #expect(k.text.contains("conseiller de l’accueil"))
        #expect(!k.ids.contains("sms.send"))
    }

    @Test func aDoubleTapSendsOneSMS() async throws {
        let k = try await FlowKiosk()
        try await k.insert()
        await k.tap("code.forgot")
        await k.c.tap("sms.send")
        await k.c.tap("sms.send")
        await k.c.settle()
        // 3 a day: if the double tap had sent two, only one would be left.
        let card = try #require(k.c.session.identity)
        for _ in 0..<2 {
            guard case .answered(let r) = await k.services.requestProvisionalCode(card: card) else { Issue.record("unavailable"); return }
            #expect(r.status == .sent)
        }
    }

    @Test func aFourthRequestSaysWhenToTryAgain() async throws {
        let k = try await FlowKiosk()
        try await k.insert()
        for _ in 0..<3 {
            await k.tap("code.forgot")
            await k.tap("sms.send")
            #expect(k.text.contains("envoyé"))
            await k.tap("footer.back")
            #expect(k.screenID == "code")
        }
        k.clock.advance(hours: 2)
        await k.tap("code.forgot")
        await k.tap("sms.send")
        #expect(k.text.contains("Vous avez déjà demandé 3 codes provisoires en 24 heures."), "\(k.text)")
        #expect(k.text.contains("après le mardi 24 novembre 2026 à 12 h 00"), "\(k.text)")
        #expect(!k.ids.contains("sms.retry"))
    }

    @Test func gatewayFailuresAreExplainedAndCanBeRetried() async throws {
        #expect(ProvisionalCodeMachine.step(for: .unavailable(message: "down")) == .unavailable)
        let k = try await FlowKiosk()
        k.services.smsGatewayDown = true
        try await k.insert()
        await k.tap("code.forgot")
        await k.tap("sms.send")
        #expect(k.text.contains("Le SMS n’a pas pu être envoyé."))
        #expect(k.text.contains("Aucun code n’a été créé."))
        k.services.smsGatewayDown = false
        await k.tap("sms.retry")
        #expect(k.text.contains("Code provisoire envoyé"))
    }

    @Test func theCentralStoreAwayIsSaidPlainly() async throws {
        let k = try await FlowKiosk()
        k.services.centralAway = true
        try await k.insert()
        await k.tap("code.forgot")
        #expect(k.text.contains("momentanément indisponible"))
        #expect(k.ids.contains("sms.retry"))
    }
}
