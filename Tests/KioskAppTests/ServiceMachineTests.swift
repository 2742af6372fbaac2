import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// Services as typed state machines: `reduce` and `screen` are pure, taps
/// reach them through the ids the screen derived from its events, and the
/// one effect runner drops what comes back after the assuré has left.
@Suite @MainActor struct ServiceMachineTests {
    func attestation(_ k: FlowKiosk) async throws -> AttestationResponse {
        try await k.services.attestation(card: try #require(k.c.session.identity))
    }

    @Test func printingTheFoyerIsOneJobAtATimeAndStopsAtTheFirstFailure() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        let a = try await attestation(k)
        let context = FlowContext(k.c)
        var s = AttestationMachine.State()
        s = AttestationMachine.reduce(s, .loaded(a), context).state
        #expect(s.step == .choose)
        let all = AttestationMachine.reduce(s, .printAll, context)
        #expect(all.state.step == .printing)
        guard case .print(_, 0, let job0)? = all.effects.first, all.effects.count == 1 else { Issue.record("\(all.effects)"); return }
        let second = AttestationMachine.reduce(all.state, .printed(.printed), context)
        guard case .print(_, 1, let job1)? = second.effects.first else { Issue.record("\(second.effects)"); return }
        #expect(job0 != job1)
        // Paper out on the second: done, not printed, nothing more sent.
        let out = AttestationMachine.reduce(second.state, .printed(.printerUnavailable(message: "paper")), context)
        #expect(out.state.step == .done(printed: false, unavailable: true))
        #expect(out.effects.isEmpty && out.state.queue.isEmpty)
        // A late answer changes nothing once done.
        #expect(AttestationMachine.reduce(out.state, .printed(.printed), context).state == out.state)
    }

    @Test func aTapReachesOnlyWhatTheScreenOffers() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.attestation")
        let flow = try #require(k.c.flow as? MachineFlow<AttestationMachine>)
        #expect(flow.state.step == .choose)
        let persons = flow.state.attestation?.entries.count ?? 0
        // No such person on the screen: not a tap of this service.
        #expect(await flow.tap("attestation.person.\(persons)", k.c) == false)
        // Not a tap either: an answer has no widget, so no id reaches it.
        #expect(AttestationMachine.Event.loaded(nil).widgetID == nil)
        #expect(await flow.tap("attestation.person.0", k.c))
        await k.c.settle()
        #expect(flow.state.step == .done(printed: true, unavailable: false))
        // « Retour » after printing goes back to the list, then to the menu.
        await k.tap("footer.back")
        #expect(flow.state.step == .choose)
        await k.tap("footer.back")
        #expect(k.screenID == "menu")
    }

    @Test func theUpdateOnlyStartsFromAScreenThatOffersIt() {
        let ctx = { (writer: Bool) -> FlowContext in
            FlowContext(catalog: Catalog(language: "fr", strings: [:]), canWriteRights: writer)
        }
        #expect(UpdateMachine.reduce(.intro, .start, ctx(true)).effects == [.fetchRights])
        // While writing, a retry (stale tap) starts nothing.
        #expect(UpdateMachine.reduce(.writing, .retry, ctx(true)).effects.isEmpty)
        #expect(UpdateMachine.reduce(.writing, .retry, ctx(true)).state == .writing)
        #expect(UpdateMachine.reduce(.fetching, .fetched(nil), ctx(true)).state == .unavailable)
        let rights = RightsResponse(serial: "1", efRights: Data([0xE2, 0x00]), issuedAt: "20261123120000", keyID: "0011223344556677")
        #expect(UpdateMachine.reduce(.fetching, .fetched(rights), ctx(true)).effects == [.write(Data([0xE2, 0x00]))])
        #expect(UpdateMachine.reduce(.writing, .written(.cardRemoved), ctx(true)).state == .pulled)
        #expect(UpdateMachine.reduce(.failed, .retry, ctx(false)).state == .notAvailable)
        #expect(UpdateMachine.noticeOnRemoval(.writing) == "update.pulled")
    }

    /// The card leaves while the rights are fetched: the answer is dropped
    /// and nothing is written on whatever card comes next.
    @Test func anAnswerAfterTheAssureLeftIsDropped() async throws {
        let k = try await FlowKiosk()
        let writer = FakeCardRightsWriter()
        k.c.rightsWriter = writer
        try await k.signIn()
        await k.c.tap("service.miseAJour")
        await k.c.tap("update.start")
        // Pulled before the background work ran.
        k.removeCard()
        await k.c.settle()
        #expect(writer.written.isEmpty)
        #expect(k.c.attractNotice == "update.pulled")
    }

    @Test func theSMSCodeIsTypedOnlyBeforeSignInAndOpensTheMenu() {
        let before = FlowContext(catalog: Catalog(language: "fr", strings: [:]), isSignedIn: false)
        var s = ProvisionalCodeMachine.State()
        s.step = .sent(masked: "06 •• •• •• 12", validUntil: nil)
        for d in [1, 2, 3, 4, 5] { s = ProvisionalCodeMachine.reduce(s, .digit(d), before).state }
        #expect(s.typed == "1234", "never more digits than the code has")
        let ok = ProvisionalCodeMachine.reduce(s, .ok, before)
        #expect(ok.effects == [.check("1234")] && ok.state.typed.isEmpty && ok.state.checking)
        // A second « Valider » while it is checked sends nothing more.
        #expect(ProvisionalCodeMachine.reduce(ok.state, .ok, before).effects.isEmpty)
        #expect(ProvisionalCodeMachine.reduce(ok.state, .checked(.accepted), before).move == .signIn)
        #expect(ProvisionalCodeMachine.reduce(ok.state, .checked(.rejected(triesLeft: 2)), before).state.codeError == .wrong(triesLeft: 2))
        #expect(ProvisionalCodeMachine.reduce(ok.state, .checked(nil), before).state.codeError == .unavailable)
        // Signed in already: the code is for later, no keypad.
        let after = FlowContext(catalog: Catalog(language: "fr", strings: [:]), isSignedIn: true)
        #expect(ProvisionalCodeMachine.reduce(s, .ok, after).effects.isEmpty)
        // One SMS per tap.
        var sending = ProvisionalCodeMachine.State()
        sending.step = .confirm(masked: "06")
        let sent = ProvisionalCodeMachine.reduce(sending, .send, before)
        #expect(sent.effects == [.sendSMS])
        #expect(ProvisionalCodeMachine.reduce(sent.state, .send, before).effects.isEmpty)
    }

    /// One line registers a service (`KioskController.machine`): its machine
    /// is the service's, and the menu's words exist in every language.
    @Test func everyServiceHasItsMachine() throws {
        let catalogs = try AssetLocator.catalogs(assets)
        for service in KioskService.allCases {
            #expect(KioskController.machine(service).service == service)
            for key in ["service.\(service.rawValue)", "service.\(service.rawValue).about"] {
                for (lang, c) in catalogs { #expect(c.has(key), "\(lang): \(key)") }
            }
        }
    }

    /// The menu offers what the terminal can do: no printer, no attestation;
    /// no card writer, no mise à jour; the others whatever the terminal has.
    @Test func theMenuAsksEachMachineWhetherItIsOffered() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        #expect(k.c.offered == KioskService.allCases)
        k.c.printer = NoPrinter()
        k.c.rightsWriter = nil
        #expect(!k.c.offered.contains(.attestation) && !k.c.offered.contains(.miseAJour))
        #expect(k.c.offered.contains(.ceam) && k.c.offered.contains(.carteVitaleLoss))
    }

    @Test func everyServiceDeclaresItsStepsInEveryLanguage() throws {
        let catalogs = try AssetLocator.catalogs(assets)
        for service in KioskService.allCases {
            let steps = KioskController.machine(service).steps
            #expect(steps.count >= 1, "\(service)")
            for key in steps { for (lang, c) in catalogs { #expect(c.has(key), "\(lang): \(key)") } }
        }
        #expect(UpdateMachine.step(.intro) == 0 && UpdateMachine.step(.writing) == 1 && UpdateMachine.step(.updated) == 2)
        var s = AttestationMachine.State()
        #expect(AttestationMachine.step(s) == 0)
        s.step = .printing
        #expect(AttestationMachine.step(s) == 1)
    }
}

/// The CEAM service as a machine: one command per modal, whatever is tapped
/// twice; a late answer for another modal changes nothing.
@Suite @MainActor struct CEAMMachineTests {
    func onList() async throws -> (FlowKiosk, MachineFlow<CEAMMachine>) {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        return (k, try #require(k.c.flow as? MachineFlow<CEAMMachine>))
    }

    @Test func confirmingTwiceOrRetryingSendsTheSameCommand() async throws {
        let (k, flow) = try await onList()
        let context = FlowContext(k.c)
        var s = CEAMMachine.reduce(flow.state, .action(person: 1, .order), context).state
        s = CEAMMachine.reduce(s, .departure(false), context).state
        let first = CEAMMachine.reduce(s, .confirm, context)
        guard case .submit(let command)? = first.effects.first else { Issue.record("\(first.effects)"); return }
        // A second tap while it is sent: nothing more.
        #expect(CEAMMachine.reduce(first.state, .confirm, context).effects.isEmpty)
        // The answer: unavailable. The retry sends the same command (same id, same answers).
        let failed = CEAMMachine.reduce(first.state, .submitted(command, nil), context).state
        #expect(failed.dialog?.error != nil && failed.dialog?.sending == false)
        #expect(CEAMMachine.reduce(failed, .departure(true), context).state.dialog?.departureSoon == false, "answers stay as sent")
        let retry = CEAMMachine.reduce(failed, .confirm, context)
        #expect(retry.effects == [.submit(command)])
    }

    @Test func whileTheModalIsOpenTheRowsTakeNoTap() async throws {
        let (k, flow) = try await onList()
        await k.tap("ceam.1.order")
        #expect(flow.state.dialog?.person == 1)
        #expect(await flow.tap("ceam.2.order", k.c) == false)
        #expect(flow.state.dialog?.person == 1)
        // A late answer for a modal that is no longer open changes nothing.
        let other = KioskCommand(serial: "x", personIndex: 2, action: .ceam(CEAMRequest(action: .order)), confirmedAt: Date())
        let before = flow.state
        flow.send(.submitted(other, .queued(message: "kept")), k.c)
        #expect(flow.state == before)
    }

    /// Confirmer, then the card out before the request even started: it is
    /// sent once (the outbox keeps it), and nothing of the answer is shown.
    @Test func aConfirmedRequestIsSentEvenIfTheCardLeavesFirst() async throws {
        let (k, _) = try await onList()
        await k.tap("ceam.1.order")
        await k.tap("ceam.modal.departure.no")
        await k.c.tap("ceam.modal.confirm")
        k.removeCard()
        await k.c.settle()
        #expect(k.services.submitted.count == 1)
        #expect(k.screenID == "attract")
    }

    @Test func theDatePickerMovesWithinTheRulesWindow() {
        let today = CivilDate(year: 2026, month: 11, day: 23)!
        let window = CEAMRules().lossDates(today: today)
        #expect(CEAMMachine.move(today, .dayUp, within: window) == today)
        #expect(CEAMMachine.move(today.adding(years: -2).adding(days: 1), .monthDown, within: window) == today.adding(years: -2))
        #expect(CEAMMachine.Event.date(.yearDown).widgetID == "ceam.modal.date.year.down")
    }
}
