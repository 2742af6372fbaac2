import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import KioskUI
import Testing
@testable import KioskApp

@Suite @MainActor struct EndingTests {
    /// In every service, at its first screen and after its main step: the
    /// card leaves, the session ends at once and nothing of it stays.
    @Test(arguments: [KioskService.provisionalCode, .carteVitaleLoss, .attestation, .miseAJour, .mesInformations])
    func cardRemovedInAFlowWipesEverything(_ service: KioskService) async throws {
        let k = try await FlowKiosk()
        k.c.rightsWriter = FakeCardRightsWriter()
        k.c.printer = FakeKioskPrinter()
        try await k.signIn()
        await k.tap("service.\(service.rawValue)")
        let first = ["provisionalCode": "sms.send", "carteVitaleLoss": "vitale.person.0", "attestation": "attestation.all",
                     "miseAJour": "update.start", "mesInformations": "informations.contact"][service.rawValue]!
        #expect(k.ids.contains("footer.finish"))
        await k.tap(first)
        #expect(k.ids.contains("footer.finish"))
        #expect(k.text.contains("DUPONT") || k.text.contains("••") || service == .miseAJour || service == .attestation)
        k.removeCard()
        #expect(k.screenID == "attract")
        #expect(k.c.flow == nil)
        #expect(k.c.session.identity == nil)
        for personal in ["Jean", "DUPONT", "Claire", "Léa", "••", "PARIS", "75019"] { #expect(!k.text.contains(personal)) }
    }

    /// A request confirmed just before the card leaves is still sent (once),
    /// and nothing of it comes back on screen.
    @Test func aConfirmedRequestSurvivesTheCardLeavingMidSend() async throws {
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
        #expect(k.screenID == "attract")
        #expect(k.c.flow == nil)
        #expect(!k.text.contains("DUPONT"))
    }

    @Test func finishAsksToTakeTheCard() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.attestation")
        await k.tap("footer.finish")
        #expect(k.screenID == "ended")
        #expect(k.text.contains("Reprenez votre carte Vitale."))
        #expect(k.c.flow == nil)
        #expect(!k.text.contains("Jean"))
    }

    @Test func inactivityInAFlowWarnsThenEnds() async throws {
        let k = try await FlowKiosk()
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

/// The screens scenarios do not stop on (waits, rare answers), drawn in
/// every language, contrast and text size at three screen sizes: nothing
/// cut, nothing missing.
@Suite @MainActor struct FlowStepLayoutTests {
    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 800, height: 1280), Size(width: 1920, height: 1080)])
    func everyStepLaysOut(_ size: Size) async throws {
        let until = Date(timeIntervalSince1970: 1_795_000_000)
        let sms: [ProvisionalCodeMachine.State.Step] = [.loading, .confirm(masked: "06 •• •• •• 12"), .sending, .sent(masked: nil, validUntil: nil),
                                               .sent(masked: "06 •• •• •• 12", validUntil: until), .noMobile, .tooMany(nextAllowedAt: nil),
                                               .tooMany(nextAllowedAt: until), .smsFailed, .unavailable]
        let update: [UpdateMachine.State] = [.notAvailable, .intro, .fetching, .writing, .updated, .pulled, .otherCard, .failed, .unavailable]
        for lang in ["fr", "en", "ar"] {
            for contrast in Theme.Contrast.allCases {
                for scale in [1.0, 1.5] {
                    let runner = try makeRunner("steps") { o in
                        o.language = lang; o.contrast = contrast; o.fontScale = scale; o.size = size
                        o.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size)
                    }
                    let (h, _, _) = try await runner.makeHost(speechDirectory: nil)
                    defer { withExtendedLifetime(runner) {} }
                    try await insertCard(h, demoCard)
                    for d in "1234" { await h.controller.tap("keypad.\(d)") }
                    await h.controller.tap("keypad.ok")
                    func check(_ what: String) {
                        h.renderIfNeeded(force: true)
                        let l = h.list!
                        #expect(l.problems == [], "\(size) \(lang) \(contrast) ×\(scale) \(what): \(l.problems)")
                        #expect(!l.visibleText.contains("⟦"), "\(lang) \(what): \(l.visibleText)")
                    }
                    await h.controller.tap("service.provisionalCode")
                    let smsFlow = try #require(h.controller.flow as? MachineFlow<ProvisionalCodeMachine>)
                    for s in sms { smsFlow.state.step = s; h.controller.changed(); check("sms \(s)") }
                    await h.controller.tap("footer.back")
                    await h.controller.tap("service.miseAJour")
                    let updateFlow = try #require(h.controller.flow as? MachineFlow<UpdateMachine>)
                    for s in update { updateFlow.state = s; h.controller.changed(); check("update \(s)") }
                    await h.controller.tap("footer.back")
                    await h.controller.tap("service.attestation")
                    await h.controller.settle()
                    let attestation = try #require(h.controller.flow as? MachineFlow<AttestationMachine>)
                    for s: AttestationMachine.State.Step in [.loading, .printing, .done(printed: true, unavailable: false),
                                                             .done(printed: false, unavailable: true), .done(printed: false, unavailable: false), .unavailable] {
                        attestation.state.step = s; h.controller.changed(); check("attestation \(s)")
                    }
                    await h.controller.settle()
                    await h.controller.tap("footer.back")
                    await h.controller.tap("service.mesInformations")
                    await h.controller.settle()
                    let informations = try #require(h.controller.flow as? MachineFlow<MesInformationsMachine>)
                    let loaded = try #require(informations.state.foyer)
                    // Every NPAI block said; nothing on file.
                    var npai = loaded
                    npai.npai = true
                    for i in npai.persons.indices {
                        npai.persons[i].vitaleActions = [VitaleActionView(action: .order, exclusion: .npai)]
                        npai.persons[i].ceamActions = [CEAMActionView(action: .earlyRenewal, exclusion: .npai),
                                                       CEAMActionView(action: .declareLossOrTheft, exclusion: .npai)]
                    }
                    var none = loaded
                    none.address = nil
                    none.maskedMobile = nil
                    typealias Informations = MesInformationsMachine.State
                    let states: [(String, Informations)] = [
                        ("loading", Informations(step: .loading)), ("printing", Informations(step: .printing, foyer: loaded)),
                        ("unavailable", Informations(step: .unavailable)),
                        ("persons", Informations(step: .persons, foyer: loaded)), ("persons npai", Informations(step: .persons, foyer: npai)),
                        ("contact", Informations(step: .contact, foyer: loaded)), ("contact npai", Informations(step: .contact, foyer: npai)),
                        ("contact none", Informations(step: .contact, foyer: none)),
                        ("printed", Informations(step: .contact, foyer: loaded, printed: .printed)),
                        ("printer away", Informations(step: .contact, foyer: npai, printed: .printerUnavailable)),
                        ("print failed", Informations(step: .contact, foyer: loaded, printed: .failed)),
                    ]
                    for (name, s) in states { informations.state = s; h.controller.changed(); check("informations \(name)") }
                    await h.controller.settle()
                    // The carte Vitale order: every step and capture, the waits and the rare answers.
                    h.controller.send(.back)
                    await h.controller.tap("service.commandeCarteVitale")
                    await h.controller.settle()
                    let order = try #require(h.controller.flow as? MachineFlow<VitaleOrderMachine>)
                    for (name, s) in OrderStates.all(order.state) { order.state = s; h.controller.changed(); check("order \(name)") }
                    h.controller.send(.back)
                    await h.controller.tap("service.suiviCarteVitale")
                    await h.controller.settle()
                    let tracking = try #require(h.controller.flow as? MachineFlow<VitaleTrackingMachine>)
                    for (name, s) in OrderStates.tracking(tracking.state) { tracking.state = s; h.controller.changed(); check("tracking \(name)") }
                    await h.controller.settle()
                }
            }
        }
    }
}

@Suite @MainActor struct InactivityWarningTests {
    /// Spoken even when automatic speech is off; one tap on "Continuer" extends.
    @Test func theWarningIsSaidAloudWithoutAutomaticSpeech() async throws {
        let runner = try makeRunner("warning-speech")
        let (h, clock, _) = try await runner.makeHost(speechDirectory: nil)
        defer { withExtendedLifetime(runner) {} }
        h.renderIfNeeded(force: true)
        #expect(h.controller.settings.autoSpeech == false)
        try await insertCard(h, demoCard)
        for d in "1234" { await h.controller.tap("keypad.\(d)") }
        await h.controller.tap("keypad.ok")
        await h.controller.tap("service.attestation")
        await h.controller.settle()
        h.renderIfNeeded()
        let before = h.speech.lastUtterance
        let p = h.controller.session.parameters
        clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
        h.controller.tick()
        h.renderIfNeeded()
        #expect(h.speech.lastUtterance != before)
        #expect(h.speech.lastUtterance?.contains("Êtes-vous toujours là") == true)
        let extend = try #require(h.list?.findTarget("warning.extend"))
        await h.tap(at: extend.frame.center)
        h.renderIfNeeded()
        #expect(h.list?.screenID == "flow.attestation")
        #expect(h.list?.items.contains { $0.role == .modal } == false)
    }
}

@Suite @MainActor struct FlowSpeechTests {
    /// With automatic speech on, a flow's outcome is said when it appears,
    /// though the screen id stays the same.
    @Test func anOutcomeIsSaidWhenItAppears() async throws {
        let runner = try makeRunner("flow-speech")
        let (h, _, _) = try await runner.makeHost(speechDirectory: nil)
        defer { withExtendedLifetime(runner) {} }
        h.controller.settings.autoSpeech = true
        h.renderIfNeeded(force: true)
        try await insertCard(h, demoCard)
        h.renderIfNeeded()
        await h.controller.tap("code.forgot")
        await h.controller.settle()
        h.renderIfNeeded()
        await h.controller.tap("sms.send")
        await h.controller.settle()
        h.renderIfNeeded()
        #expect(h.list?.screenID == "flow.provisionalCode")
        #expect(h.speech.lastUtterance?.contains("Code provisoire envoyé par SMS") == true, "\(h.speech.lastUtterance ?? "")")
    }
}
