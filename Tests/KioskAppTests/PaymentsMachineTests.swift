import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// « Mes remboursements » and the IJ attestation as machines: answers from
/// the real central store in process (the card file's payments), then
/// reduce-only steps.
@Suite @MainActor struct PaymentsMachineTests {
    typealias M = PaymentsMachine
    static let card = assets.appendingPathComponent("demo/cards/remboursements.json").path
    func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    func signedIn() async throws -> (FlowKiosk, FlowContext) {
        let k = try await FlowKiosk()
        try await k.signIn(Self.card)
        return (k, FlowContext(k.c))
    }

    @Test func itOpensOnTheFoyersLastSixMonthsAndPrintsOnceAnswer() async throws {
        let (k, context) = try await signedIn()
        let start = M.start(context)
        #expect(start.effects == [.load(period: nil, person: nil)])
        let answer = try await k.services.payments(card: try #require(k.c.session.identity), from: nil, to: nil, person: nil)
        var s = M.reduce(start.state, .loaded(answer), context).state
        #expect(s.step == .list && s.answer?.total == Money(cents: 158_494))
        let print = M.reduce(s, .print, context)
        guard case .print(_, let persons, let job)? = print.effects.first, print.effects.count == 1 else { Issue.record("\(print.effects)"); return }
        #expect(persons.count == 4)
        // A second tap while it prints sends nothing; printed, the same answer prints under the same job id.
        #expect(M.reduce(print.state, .print, context).effects.isEmpty)
        s = M.reduce(print.state, .printed(.printed), context).state
        guard case .print(_, _, let again)? = M.reduce(s, .print, context).effects.first else { Issue.record("no reprint"); return }
        #expect(again == job, "the printer's ledger prints a job id once")
    }

    @Test func choosingABeneficiaryOrAPeriodAsksTheCentralStoreAgain() async throws {
        let (k, context) = try await signedIn()
        let answer = try await k.services.payments(card: try #require(k.c.session.identity), from: nil, to: nil, person: nil)
        let s = M.reduce(M.start(context).state, .loaded(answer), context).state
        // A person only from the « Pour qui ? » modal, and only one of the card.
        #expect(M.reduce(s, .person(3), context).effects.isEmpty)
        let open = M.reduce(s, .changePerson, context).state
        #expect(M.reduce(open, .person(12), context).state.pickedPerson == nil)
        // Ticking is not choosing: « Valider » asks the central store, « Annuler » keeps what was shown.
        let ticked = M.reduce(open, .person(3), context)
        #expect(ticked.effects.isEmpty && ticked.state.pickedPerson == 3 && ticked.state.choosingPerson)
        #expect(M.reduce(ticked.state, .personConfirm, context).effects == [.load(period: nil, person: 3)])
        let cancelled = M.reduce(ticked.state, .personCancel, context).state
        #expect(cancelled.person == nil && !cancelled.choosingPerson)
        #expect(M.reduce(M.reduce(cancelled, .changePerson, context).state, .personConfirm, context).effects.isEmpty)
        // The period: « Du », then « Au »; « Valider » only for a period the rules accept.
        var p = M.reduce(s, .changePeriod, context).state
        #expect(p.choosing == PeriodChoice(from: day(2026, 5, 23), to: day(2026, 11, 23), firstDay: day(2024, 11, 23)))
        p = M.reduce(p, .period(.date(.yearDown)), context).state
        #expect(p.choosing?.from == day(2025, 5, 23))
        p = M.reduce(p, .period(.date(.yearDown)), context).state
        #expect(p.choosing?.from == day(2024, 11, 23), "never before the history kept")
        #expect(M.reduce(p, .period(.confirm), context).effects.isEmpty, "« Au » not seen yet")
        p = M.reduce(p, .period(.next), context).state
        var wrong = p
        for _ in 0..<3 { wrong = M.reduce(wrong, .period(.date(.yearDown)), context).state }
        #expect(wrong.choosing?.to == day(2024, 11, 23))
        wrong = M.reduce(wrong, .period(.date(.dayDown)), context).state
        #expect(wrong.choosing?.to == day(2024, 11, 23), "clamped to the first day")
        p = M.reduce(p, .period(.date(.dayUp)), context).state
        #expect(p.choosing?.to == day(2026, 11, 23), "never after today")
        let confirmed = M.reduce(p, .period(.confirm), context)
        #expect(confirmed.effects == [.load(period: day(2024, 11, 23)...day(2026, 11, 23), person: nil)])
        #expect(confirmed.state.choosing == nil && confirmed.state.step == .loading)
    }

    @Test func nothingToPrintWhenNothingWasPaid() async throws {
        let (_, context) = try await signedIn()
        let empty = PaymentsResponse(serial: "1", today: day(2026, 11, 23), from: day(2026, 5, 23), to: day(2026, 11, 23), person: nil,
                                     payments: [], total: .zero, firstDay: day(2024, 11, 23))
        let s = M.reduce(M.start(context).state, .loaded(empty), context).state
        #expect(M.reduce(s, .print, context).effects.isEmpty)
        let screen = M.screen(s, context, TapTable())
        #expect(!screen.footer.contains { $0.id == "payments.print" })
    }

    @Test func theCentralStoreAwayIsARetryNotAnEmptyList() async throws {
        let (_, context) = try await signedIn()
        let away = M.reduce(M.start(context).state, .loaded(nil), context).state
        #expect(away.step == .unavailable)
        #expect(M.reduce(away, .retry, context).effects == [.load(period: nil, person: nil)])
    }

    @Test func anAssureWithoutAllowancesIsToldPlainlyAndGetsNoPrint() async throws {
        let k = try await FlowKiosk()
        try await k.signIn(assets.appendingPathComponent("demo/cards/bernard-sophie.json").path)
        let context = FlowContext(k.c)
        let answer = try await k.services.dailyAllowances(card: try #require(k.c.session.identity), from: nil, to: nil)
        #expect(answer.allowances.isEmpty)
        let s = DailyAllowancesMachine.reduce(DailyAllowancesMachine.start(context).state, .loaded(answer), context).state
        #expect(DailyAllowancesMachine.reduce(s, .print, context).effects.isEmpty)
        let screen = DailyAllowancesMachine.screen(s, context, TapTable())
        #expect(ScreenText.strings(screen).contains { $0.contains("Aucune indemnité journalière ne vous a été versée") })
        #expect(!screen.footer.contains { $0.id == "ij.print" })
    }
}
