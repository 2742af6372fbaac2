import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// Issue 12: Arabic, the third language, right to left, through the whole
/// kiosk: offered on the attract screen by its own name, the screens
/// mirrored, the papers printed in French, speech in Arabic.
@Suite @MainActor struct ArabicTests {
    func host(_ name: String) async throws -> (KioskHost, SmokeRunner) {
        let runner = try makeRunner(name)
        let (h, _, _) = try await runner.makeHost(speechDirectory: nil)
        h.renderIfNeeded(force: true)
        return (h, runner)
    }

    func tap(_ h: KioskHost, _ id: String) async throws {
        h.renderIfNeeded()
        let t = try #require(h.list?.findTarget(id), "no \(id) on \(h.list?.screenID ?? "?")")
        let reached = await h.tap(at: t.frame.center)
        #expect(reached == t.widgetID)
        await h.controller.settle()
        h.renderIfNeeded()
    }

    @Test func arabicIsOfferedByItsOwnNameAndMirrorsTheScreens() async throws {
        let (h, runner) = try await host("ar-attract")
        defer { withExtendedLifetime(runner) {} }
        let attract = try #require(h.list)
        #expect(attract.direction == .leftToRight)
        // Each language by its own name, French first.
        #expect(attract.label(of: "lang.ar") == "العربية" && attract.label(of: "lang.en") == "English")
        let frFrench = try #require(attract.target(id: "lang.fr")), frArabic = try #require(attract.target(id: "lang.ar"))
        #expect(frFrench.frame.minX < frArabic.frame.minX)
        try await tap(h, "lang.ar")
        let ar = try #require(h.list)
        #expect(ar.direction == .rightToLeft)
        #expect(ar.visibleText.contains("أدخِل بطاقة Vitale"))
        // Mirrored: French is now the rightmost language, the brand on the right, the tools on the left.
        #expect(ar.target(id: "lang.fr")!.frame.minX > ar.target(id: "lang.ar")!.frame.minX)
        let brand = try #require(ar.texts.first { $0.widgetID == "brand" })
        #expect(brand.frame.maxX > ar.size.width / 2)
        #expect(ar.target(id: "tool.help")!.frame.minX < ar.size.width / 2)
        #expect(ar.problems == [])

        // The code: the keypad keeps 1 2 3 from the left and sits on the left.
        try await insertCard(h, demoCard)
        await h.controller.settle()
        h.renderIfNeeded()
        let code = try #require(h.list)
        #expect(code.screenID == "code")
        let one = try #require(code.target(id: "keypad.1")), three = try #require(code.target(id: "keypad.3"))
        #expect(one.frame.minX < three.frame.minX)
        #expect(code.target(id: "keypad.5")!.frame.maxX < code.size.width / 2)
        // « Terminer » on the right edge.
        #expect(code.target(id: "footer.finish")!.frame.maxX > code.size.width * 9 / 10)
        for d in "1234" { try await tap(h, "keypad.\(d)") }
        try await tap(h, "keypad.ok")
        let menu = try #require(h.list)
        #expect(menu.screenID == "menu")
        #expect(menu.visibleText.contains("مرحبا Jean"))
        // The title on the right.
        let title = try #require(menu.texts.first { $0.role == .title })
        #expect(menu.size.width - title.frame.maxX < menu.size.width / 10)
    }

    /// What is printed stays in French, whatever the screen's language.
    @Test func papersArePrintedInFrench() async throws {
        let k = try await FlowKiosk(language: "ar")
        try await k.signIn()
        await k.tap("service.carteVitaleLoss")
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.perte")
        await k.tap("vitale.commit")
        await k.tap("vitale.declare")
        await k.tap("modal.confirm")
        #expect(k.text.contains("تم تسجيل التصريح لـ Jean DUPONT."), "\(k.text)")
        let printer = FakeKioskPrinter()
        k.c.printer = printer
        await k.tap("vitale.print")
        guard case .receipt(_, _, let what, _, _) = try #require(printer.jobs.first).document else { Issue.record("not a receipt"); return }
        #expect(!Bidi.containsRightToLeft(what) && what.contains("carte Vitale"), "\(what)")
    }

    /// Speech in Arabic goes to espeak-ng's Arabic voice; a voice missing
    /// is a silent utterance, never a crash.
    @Test func speechUsesTheArabicVoice() {
        #expect(EspeakSpeech.voice(for: "ar") == "ar")
        #expect(EspeakSpeech.voice(for: "fr") == "fr-fr")
    }
}
