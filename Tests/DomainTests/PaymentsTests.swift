import Domain
import Testing

/// « Mes remboursements » and the attestation de paiement d'IJ (seed 001 §4
/// and §7), with vectors written by hand.
@Suite struct PaymentsTests {
    let today = CivilDate(year: 2026, month: 11, day: 23)!
    func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    @Test func amountsAreWrittenTheFrenchWayToTheCent() {
        #expect(Money(cents: 2350).french == "23,50\u{00A0}€")
        #expect(Money(cents: 5).french == "0,05\u{00A0}€")
        #expect(Money(cents: 123_456).french == "1\u{202F}234,56\u{00A0}€")
        #expect(Money(cents: 100_000_000).french == "1\u{202F}000\u{202F}000,00\u{00A0}€")
        #expect(Money(cents: 123_456).english == "€1,234.56")
        #expect(Money(cents: -700).french == "−7,00\u{00A0}€")
        // Another language's way, from its catalog's words: the same digits, never rounded.
        #expect(Money(cents: 123_456).formatted(grouping: "٬", decimal: "٫", pattern: "{amount} €") == "1٬234٫56 €")
        #expect(Money(cents: -1).formatted(grouping: ",", decimal: ".", pattern: "€{amount}") == "−€0.01")
    }

    @Test func amountsReadBackExactlyAndAThirdDecimalIsRefused() {
        #expect(Money(euros: "23,50") == Money(cents: 2350))
        #expect(Money(euros: "23.5") == Money(cents: 2350))
        #expect(Money(euros: "1 234,56 €") == Money(cents: 123_456))
        #expect(Money(euros: "0,005") == nil, "would have to be rounded")
        #expect(Money(euros: "abc") == nil)
        #expect(Money(euros: "-3,00") == nil)
    }

    /// A relevé's total is the sum of its lines: 0,10 + 0,20 is 0,30, not
    /// 0,30000000000000004 rounded somewhere.
    @Test func totalsAreExact() {
        let lines = [10, 20, 33, 1].enumerated().map { i, c in
            Payment(id: "\(i)", personIndex: 0, careDate: today, nature: .pharmacie, amountPaid: Money(cents: c), paidOn: today, payee: .assure)
        }
        #expect(PaymentRules.total(lines) == Money(cents: 64))
        #expect(PaymentRules.total([Payment]()) == .zero)
    }

    @Test func theDefaultPeriodIsTheLastSixMonthsAndTheHistoryTwoYears() {
        let rules = PaymentRules()
        #expect(rules.defaultPeriod(today: today) == day(2026, 5, 23)...today)
        #expect(rules.firstDay(today: today) == day(2024, 11, 23))
        // Seed 001 §4: IJ « dans les 8 ans qui précèdent la demande ».
        #expect(rules.firstDailyAllowanceDay(today: today) == day(2018, 11, 23))
    }

    @Test func aPeriodIsCheckedAgainstTodayAndTheHistory() throws {
        let rules = PaymentRules()
        #expect(try rules.check(from: day(2026, 1, 1), to: today, today: today) == day(2026, 1, 1)...today)
        #expect(throws: PeriodRefusal.endsBeforeItStarts) { try rules.check(from: today, to: day(2026, 1, 1), today: today) }
        #expect(throws: PeriodRefusal.inTheFuture) { try rules.check(from: day(2026, 1, 1), to: day(2026, 11, 24), today: today) }
        #expect(throws: PeriodRefusal.beforeHistory(firstDay: day(2024, 11, 23))) {
            try rules.check(from: day(2024, 11, 22), to: today, today: today)
        }
        // The same day, eight years back, is open to an IJ attestation.
        #expect(try rules.check(from: day(2018, 11, 23), to: today, today: today, dailyAllowance: true).lowerBound == day(2018, 11, 23))
    }

    @Test func paymentsAreSelectedByDayPaidAndPersonNewestFirst() {
        func p(_ id: String, _ person: Int, paid: CivilDate) -> Payment {
            Payment(id: id, personIndex: person, careDate: paid.adding(days: -5), nature: .consultation, amountPaid: Money(cents: 2650),
                    paidOn: paid, payee: .professional(name: "Dr Martin"))
        }
        let all = [p("a", 0, paid: day(2026, 4, 30)), p("b", 1, paid: day(2026, 6, 1)), p("c", 0, paid: day(2026, 11, 23)),
                   p("d", 0, paid: day(2026, 5, 23))]
        let rules = PaymentRules()
        let period = rules.defaultPeriod(today: today)
        #expect(rules.select(all, paidIn: period).map(\.id) == ["c", "b", "d"], "both ends of the period included, newest first")
        #expect(rules.select(all, paidIn: period, person: 0).map(\.id) == ["c", "d"])
        #expect(rules.select(all, paidIn: period, person: 3).isEmpty)
    }

    @Test func anAllowanceCountsItsDaysBothEndsIncluded() {
        let ij = DailyAllowancePayment(id: "1", from: day(2026, 2, 27), to: day(2026, 3, 2), dailyAmount: Money(cents: 4312),
                                       amountPaid: Money(cents: 4312 * 4), paidOn: day(2026, 3, 10))
        #expect(ij.days == 4, "27 and 28 February, 1 and 2 March 2026")
    }
}
