import Foundation

/// An amount of money in euro cents: sums are exact, never rounded on the
/// way (a relevé's total is the sum of its lines to the cent).
public struct Money: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var cents: Int

    public init(cents: Int) { self.cents = cents }

    /// « 23,50 » → 2350. Nil for anything that is not euros and at most two
    /// decimals (a third decimal would have to be rounded: refused).
    public init?(euros text: String) {
        let t = text.replacingOccurrences(of: "\u{202F}", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
            .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "€", with: "")
        let parts = t.split(separator: t.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int(parts[0]), whole >= 0 else { return nil }
        var cents = whole * 100
        if parts.count == 2 {
            let d = parts[1]
            guard (1...2).contains(d.count), d.allSatisfy(\.isASCII), let v = Int(d) else { return nil }
            cents += d.count == 1 ? v * 10 : v
        }
        self.cents = cents
    }

    public static let zero = Money(cents: 0)
    public static func + (a: Money, b: Money) -> Money { Money(cents: a.cents + b.cents) }
    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }

    /// French: « 1 234,50 € » — a narrow no-break space between thousands, a
    /// decimal comma, always two decimals, a no-break space before the sign.
    public var french: String { formatted(grouping: "\u{202F}", decimal: ",", pattern: "{amount}\u{00A0}€") }

    /// English: « €1,234.50 ».
    public var english: String { formatted(grouping: ",", decimal: ".", pattern: "€{amount}") }

    /// As a language writes it (its catalog says how): thousands apart by
    /// `grouping`, `decimal` before the two decimals, the amount put into
    /// `pattern` at `{amount}`; never rounded.
    public func formatted(grouping: String, decimal: String, pattern: String) -> String {
        let amount = euros(grouping: grouping) + decimal + centsPart
        return (cents < 0 ? "−" : "") + pattern.replacingOccurrences(of: "{amount}", with: amount)
    }

    /// Whole euros, thousands apart.
    private func euros(grouping separator: String) -> String {
        var whole = String(abs(cents) / 100)
        var groups: [String] = []
        while whole.count > 3 {
            groups.insert(String(whole.suffix(3)), at: 0)
            whole = String(whole.dropLast(3))
        }
        groups.insert(whole, at: 0)
        return groups.joined(separator: separator)
    }

    private var centsPart: String { let c = abs(cents) % 100; return c < 10 ? "0\(c)" : "\(c)" }

    public var description: String { french }
}

/// What a reimbursement paid for (« nature du remboursement », seed 001 §7).
public enum CareNature: String, Hashable, Sendable, Codable, CaseIterable {
    case consultation, pharmacie, analyses, radiologie, dentaire, optique, hospitalisation, transport, infirmier, kinesitherapie, autre
}

/// Who the Assurance Maladie paid: the assuré (who advanced the money) or
/// the professional directly (tiers payant).
public enum Payee: Hashable, Sendable, Codable {
    case assure
    case professional(name: String)
}

/// One reimbursement as the caisse paid it.
public struct Payment: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    /// The person, in EF.BENEF order.
    public var personIndex: Int
    /// The day of the care.
    public var careDate: CivilDate
    public var nature: CareNature
    /// What the caisse paid (not what the care cost).
    public var amountPaid: Money
    public var paidOn: CivilDate
    public var payee: Payee

    public init(id: String, personIndex: Int, careDate: CivilDate, nature: CareNature, amountPaid: Money, paidOn: CivilDate, payee: Payee) {
        self.id = id; self.personIndex = personIndex; self.careDate = careDate; self.nature = nature
        self.amountPaid = amountPaid; self.paidOn = paidOn; self.payee = payee
    }
}

/// Indemnités journalières paid for one period of sick leave.
public struct DailyAllowancePayment: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    /// First and last day the allowance covers.
    public var from: CivilDate
    public var to: CivilDate
    public var dailyAmount: Money
    /// What was paid for the period (days × daily amount, as the caisse computed it).
    public var amountPaid: Money
    public var paidOn: CivilDate

    public init(id: String, from: CivilDate, to: CivilDate, dailyAmount: Money, amountPaid: Money, paidOn: CivilDate) {
        self.id = id; self.from = from; self.to = to; self.dailyAmount = dailyAmount; self.amountPaid = amountPaid; self.paidOn = paidOn
    }

    /// Days covered, both ends included.
    public var days: Int { to.daysSinceEpoch - from.daysSinceEpoch + 1 }
}

public struct PaymentParameters: Hashable, Sendable, Codable {
    /// Reimbursements shown: paid within this many months before today
    /// (seed 001 §7: « consulter ses remboursements de plus de 6 mois »).
    public var historyMonths: Int = 24
    /// The period shown first: the last this many months.
    public var defaultPeriodMonths: Int = 6
    /// IJ attestations cover payments of the 8 years before the request
    /// (seed 001 §4: « dans les 8 ans qui précèdent la demande »).
    public var dailyAllowanceHistoryYears: Int = 8

    public init() {}
}

/// Why a period cannot be asked.
public enum PeriodRefusal: Error, Hashable, Sendable {
    /// The end is before the start.
    case endsBeforeItStarts
    /// The end is after today: nothing can have been paid yet.
    case inTheFuture
    /// The start is before the history kept (the first day that can be asked).
    case beforeHistory(firstDay: CivilDate)
}

/// The rules of « Mes remboursements » and the attestation de paiement d'IJ:
/// which periods may be asked, what a relevé sums.
public struct PaymentRules: Sendable {
    public var parameters: PaymentParameters
    public init(_ parameters: PaymentParameters = .init()) { self.parameters = parameters }

    /// The first day of the reimbursements' history.
    public func firstDay(today: CivilDate) -> CivilDate { today.adding(months: -parameters.historyMonths) }

    /// The period shown when the service opens.
    public func defaultPeriod(today: CivilDate) -> ClosedRange<CivilDate> {
        max(today.adding(months: -parameters.defaultPeriodMonths), firstDay(today: today))...today
    }

    /// The first day an IJ attestation may cover.
    public func firstDailyAllowanceDay(today: CivilDate) -> CivilDate { today.adding(years: -parameters.dailyAllowanceHistoryYears) }

    /// A period the assuré chose, checked against today and the history kept.
    public func check(from: CivilDate, to: CivilDate, today: CivilDate, dailyAllowance: Bool = false) throws(PeriodRefusal) -> ClosedRange<CivilDate> {
        guard from <= to else { throw .endsBeforeItStarts }
        guard to <= today else { throw .inTheFuture }
        let first = dailyAllowance ? firstDailyAllowanceDay(today: today) : firstDay(today: today)
        guard from >= first else { throw .beforeHistory(firstDay: first) }
        return from...to
    }

    /// The payments paid within `period`, for one person or the whole foyer,
    /// newest first (the order a relevé lists them).
    public func select(_ payments: [Payment], paidIn period: ClosedRange<CivilDate>, person: Int? = nil) -> [Payment] {
        payments.filter { period.contains($0.paidOn) && (person == nil || $0.personIndex == person) }
            .sorted { ($0.paidOn, $0.careDate, $0.id) > ($1.paidOn, $1.careDate, $1.id) }
    }

    /// The IJ paid within `period`, oldest first (an attestation reads in time order).
    public func select(_ allowances: [DailyAllowancePayment], paidIn period: ClosedRange<CivilDate>) -> [DailyAllowancePayment] {
        allowances.filter { period.contains($0.paidOn) }.sorted { ($0.paidOn, $0.from, $0.id) < ($1.paidOn, $1.from, $1.id) }
    }

    /// The exact sum of the lines.
    public static func total(_ payments: [Payment]) -> Money { payments.reduce(.zero) { $0 + $1.amountPaid } }
    public static func total(_ allowances: [DailyAllowancePayment]) -> Money { allowances.reduce(.zero) { $0 + $1.amountPaid } }
}
