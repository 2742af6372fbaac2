import Foundation

/// Where every rule gets "now". Tests use `TestClock` to move 48 hours,
/// 4 days or 2 months in a millisecond.
public protocol Clock: Sendable {
    /// The instant, in UTC.
    var now: Date { get }
    /// The civil day in the kiosk's time zone: the rules count in days.
    var today: CivilDate { get }
}

extension Clock {
    public var today: CivilDate { CivilDay.inParis(now) }
}

/// The machine's clock.
public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that only moves when told to. Safe to share between tasks.
public final class TestClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date

    public init(_ start: Date) { instant = start }

    /// Starts at noon, Paris time, on `day`: far from midnight so that
    /// moving a few hours does not change the day by accident.
    public convenience init(day: CivilDate) {
        self.init(CivilDay.noonInParis(day))
    }

    public var now: Date { lock.withLock { instant } }

    public func advance(seconds: TimeInterval) { lock.withLock { instant += seconds } }
    public func advance(hours: Double) { advance(seconds: hours * 3600) }
    public func advance(days: Int) { advance(seconds: Double(days) * 86_400) }
    public func set(_ date: Date) { lock.withLock { instant = date } }
    public func set(day: CivilDate) { set(CivilDay.noonInParis(day)) }
}

/// Conversions between instants and the civil day in metropolitan France.
public enum CivilDay {
    static let paris: TimeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!

    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = paris
        return c
    }()

    public static func inParis(_ date: Date) -> CivilDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    public static func noonInParis(_ day: CivilDate) -> Date {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
    }
}
