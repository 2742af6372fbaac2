/// A calendar day with no time zone: the unit every rule counts in
/// ("4 days", "2 months before expiry", "born on").
///
/// Pure arithmetic (proleptic Gregorian, days since 1970-01-01) so rules stay
/// deterministic and need no Calendar or TimeZone.
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Fails when the date does not exist (month 13, 30 February, …).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `daysSinceEpoch` days after 1970-01-01 (negative before).
    public init(daysSinceEpoch z0: Int) {
        // Howard Hinnant's civil_from_days.
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// Parses `YYYYMMDD` (the card profile's date form) or `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        let digits = text.filter { $0 != "-" }
        guard digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              text.count == 8 || text.count == 10 else { return nil }
        let s = Array(digits)
        guard let y = Int(String(s[0..<4])), let m = Int(String(s[4..<6])), let d = Int(String(s[6..<8])) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Adds calendar months, clamping the day to the target month's length
    /// (31 March + 1 month = 30 April), as people read "one month later".
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12, m = total % 12 + 1
        return CivilDate(year: y, month: m, day: min(day, CivilDate.daysIn(month: m, year: y)))!
    }

    public func adding(years: Int) -> CivilDate { adding(months: 12 * years) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// `YYYYMMDD`, the card profile's form.
    public var compact: String { String(format4: year) + String(format2: month) + String(format2: day) }
    /// `YYYY-MM-DD`.
    public var iso: String { "\(String(format4: year))-\(String(format2: month))-\(String(format2: day))" }
    /// `JJ/MM/AAAA`, as French readers expect.
    public var french: String { "\(String(format2: day))/\(String(format2: month))/\(String(format4: year))" }
    public var description: String { iso }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        case 1...12: return 31
        default: return 0
        }
    }

    // Codable as "YYYY-MM-DD": readable in JSON and in files people edit.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected a date as YYYY-MM-DD, found \"\(text)\""))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}

extension String {
    init(format2 n: Int) { self = n < 10 && n >= 0 ? "0\(n)" : "\(n)" }
    init(format4 n: Int) { self = padded(n, to: 4) }
}

private func padded(_ n: Int, to width: Int) -> String {
    let digits = "\(n)"
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
