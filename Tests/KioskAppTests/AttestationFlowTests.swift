import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp

@Suite @MainActor struct AttestationFlowTests {
    @Test func theWholeFoyerIsPrintedOnceEach() async throws {
        let k = try await FlowKiosk()
        let printer = FakeKioskPrinter()
        k.c.printer = printer
        try await k.signIn()
        await k.tap("service.attestation")
        #expect(k.text.contains("Léa DUPONT"))
        await k.tap("attestation.all")
        #expect(k.text.contains("Votre attestation de droits est imprimée."))
        #expect(printer.jobs.count == 4)
        let indices = printer.jobs.map(\.document).compactMap { d -> Int? in
            if case .attestation(_, let i) = d { return i } else { return nil }
        }
        #expect(Set(indices) == [0, 1, 2, 3])
        // Back to the list, one person again: already printed, not twice.
        await k.tap("footer.back")
        await k.tap("attestation.person.2")
        #expect(printer.jobs.count == 4)
    }

    @Test func aPrinterAwaySaysWhatToDo() async throws {
        let k = try await FlowKiosk()
        k.c.printer = FakeKioskPrinter(available: false)
        try await k.signIn()
        await k.tap("service.attestation")
        await k.tap("attestation.person.0")
        #expect(k.text.contains("L’imprimante est indisponible pour le moment."))
        #expect(k.text.contains("accueil"))
        #expect(k.text.contains("ameli"))
    }
}

@Suite @MainActor struct UpdateFlowTests {
    /// Never offer a service the terminal cannot perform: no card writer, no
    /// « Mettre à jour ma carte Vitale » (nor « not up to date » on the menu).
    @Test func withoutACardWriterTheMenuDoesNotOfferTheUpdate() async throws {
        let k = try await FlowKiosk()
        k.c.rightsWriter = nil
        try await k.signIn(assets.appendingPathComponent("demo/cards/flows-rights-absent.json").path)
        #expect(k.screenID == "menu")
        #expect(!k.ids.contains("service.miseAJour"))
        #expect(k.ids.contains("service.ceam"))
        #expect(k.screen.banner == nil)
        // A stale tap on it opens nothing.
        await k.tap("service.miseAJour")
        #expect(k.screenID == "menu")
    }

    @Test func withoutAPrinterTheMenuDoesNotOfferTheAttestation() async throws {
        let k = try await FlowKiosk()
        k.c.printer = NoPrinter()
        try await k.signIn()
        #expect(!k.ids.contains("service.attestation"))
        #expect(k.ids.contains("service.miseAJour"))
    }

    /// What the menu would never offer, the flow still says plainly if reached.
    @Test func theUpdateFlowWithoutAWriterSaysWhereToGo() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        k.c.rightsWriter = nil
        let start = UpdateMachine.start(FlowContext(k.c))
        #expect(start.state == .notAvailable && start.effects.isEmpty)
        let text = ScreenText.strings(UpdateMachine.screen(start.state, FlowContext(k.c), TapTable())).joined(separator: " ")
        #expect(text.contains("pharmacie"), "\(text)")
    }

    @Test func aVitale2CardIsNotWrittenHere() async throws {
        let k = try await FlowKiosk()
        k.c.rightsWriter = FakeCardRightsWriter()
        var card = try CardFile.load(demoCard)
        card.identity?.profile = .vitale2
        card.identity?.rights = .absent
        card.verdict = "identified"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vitale2-\(UUID().uuidString).json").path
        try JSONEncoder().encode(card).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await k.signIn(path)
        // No "not up to date" banner and no mise à jour for a card the kiosk cannot write.
        #expect(k.screen.banner == nil)
        #expect(!k.ids.contains("service.miseAJour"))
        await k.tap("service.miseAJour")
        #expect(k.screenID == "menu")
    }

    @Test func theSignedRightsAreWrittenOnTheCard() async throws {
        let k = try await FlowKiosk()
        let writer = FakeCardRightsWriter()
        k.c.rightsWriter = writer
        try await k.signIn()
        await k.tap("service.miseAJour")
        #expect(k.text.contains("Ne retirez pas votre carte"))
        await k.c.tap("update.start")
        // The write runs after the tap: the screen says to keep the card in.
        #expect(k.c.flow?.isWaiting == true)
        await k.c.settle()
        #expect(k.text.contains("Votre carte Vitale est à jour."))
        // What the central store signs for this card: the same content; only the
        // ECDSA signature (its last 64 bytes) differs from one signing to the next.
        let rights = try await k.services.rights(card: try #require(k.c.session.identity))
        let written = try #require(writer.written.first)
        #expect(writer.written.count == 1)
        #expect(written.count == rights.efRights.count && written.dropLast(64) == rights.efRights.dropLast(64))
    }

    @Test func aCardPulledMidWriteIsSaidNotUpdatedEvenAfterTheSessionEnds() async throws {
        let k = try await FlowKiosk()
        k.c.rightsWriter = FakeCardRightsWriter(mode: .pull)
        try await k.signIn()
        await k.tap("service.miseAJour")
        await k.tap("update.start")
        #expect(k.text.contains("La carte n’a pas été mise à jour : réinsérez-la pour recommencer."))
        k.removeCard()
        #expect(k.screenID == "attract")
        #expect(k.text.contains("réinsérez-la pour recommencer"))
        #expect(!k.text.contains("Jean"))
        // The next card clears it.
        k.c.handle(card: .inserted)
        #expect(!k.text.contains("réinsérez-la"))
    }

    @Test func aCardRemovedWhileWrittenLeavesTheNoticeToo() async throws {
        let k = try await FlowKiosk()
        k.c.rightsWriter = FakeCardRightsWriter(mode: .pull)
        try await k.signIn()
        await k.tap("service.miseAJour")
        await k.c.tap("update.start")
        k.removeCard()
        await k.c.settle()
        #expect(k.screenID == "attract")
        #expect(k.text.contains("réinsérez-la pour recommencer"))
    }
}
