import Domain
import Foundation
import PropertyBased
import Testing

@Suite("Civil dates, ages and the clock")
struct CivilDateTests {
    @Test("round trip through days since the epoch")
    func epochRoundTrip() async {
        await propertyCheck(count: 2000, input: Gen.int(in: -700_000...2_900_000)) { n in
            #expect(CivilDate(daysSinceEpoch: n).daysSinceEpoch == n)
        }
        #expect(day(1970, 1, 1).daysSinceEpoch == 0)
        #expect(day(2000, 3, 1).daysSinceEpoch == 11_017)
    }

    @Test("impossible dates are refused")
    func impossible() {
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2028, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2026, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CivilDate("20261131") == nil)
        #expect(CivilDate("2026-11-30") == day(2026, 11, 30))
        #expect(CivilDate("2026113") == nil)
    }

    @Test("months are added as people count them, clamping the day")
    func addMonths() {
        #expect(day(2026, 3, 31).adding(months: 1) == day(2026, 4, 30))
        #expect(day(2026, 12, 15).adding(months: 2) == day(2027, 2, 15))
        #expect(day(2026, 1, 31).adding(months: -2) == day(2025, 11, 30))
        #expect(day(2028, 2, 29).adding(years: 1) == day(2029, 2, 28))
    }

    @Test("age turns on the birthday, not the day before")
    func ageBoundaries() {
        let born = BirthDate(day(2014, 6, 10))
        #expect(born.age(on: day(2026, 6, 9)) == 11)
        #expect(born.age(on: day(2026, 6, 10)) == 12)
        #expect(born.age(on: day(2026, 6, 11)) == 12)
    }

    @Test("unknown day or month never overstates the age")
    func unknownParts() {
        let monthOnly = BirthDate(year: 2014, month: 6, day: nil)!
        #expect(monthOnly.age(on: day(2026, 6, 29)) == 11)
        #expect(monthOnly.age(on: day(2026, 6, 30)) == 12)
        let yearOnly = BirthDate(compact: "20140000")!
        #expect(yearOnly.month == nil && yearOnly.day == nil)
        #expect(yearOnly.age(on: day(2026, 12, 30)) == 11)
        #expect(yearOnly.age(on: day(2026, 12, 31)) == 12)
        #expect(yearOnly.compact == "20140000")
        #expect(yearOnly.french == "../../2014")
        #expect(BirthDate(compact: "20140031") == nil, "a day without a month is not a date")
        #expect(BirthDate(compact: "20140230") == nil)
    }

    @Test("born on 29 February: 12 on 1 March in a common year")
    func leapBirthday() {
        let born = BirthDate(day(2012, 2, 29))
        #expect(born.age(on: day(2024, 2, 28)) == 11)
        #expect(born.age(on: day(2024, 2, 29)) == 12)
        #expect(born.birthday(turning: 13) == day(2025, 3, 1))
    }

    @Test("the test clock moves 48 hours, 4 days and 2 months in no time")
    func testClock() {
        let clock = TestClock(day: day(2026, 11, 23))
        let start = clock.now
        clock.advance(hours: 48)
        #expect(clock.now.timeIntervalSince(start) == 48 * 3600)
        #expect(clock.today == day(2026, 11, 25))
        clock.advance(days: 4)
        #expect(clock.today == day(2026, 11, 29))
        clock.set(day: day(2026, 11, 29).adding(months: 2))
        #expect(clock.today == day(2027, 1, 29))
    }

    @Test("today is the Paris day, not the UTC day")
    func parisDay() {
        // 23:30 UTC on 30 June is already 1 July in Paris (UTC+2).
        let instant = Date(timeIntervalSince1970: TimeInterval(day(2026, 6, 30).daysSinceEpoch * 86_400 + 23 * 3600 + 1800))
        #expect(TestClock(instant).today == day(2026, 7, 1))
    }

    @Test("a foyer puts the holder first and keeps one ouvrant droit")
    func foyer() throws {
        let child = Demo.person(.enfant, born: BirthDate(day(2012, 3, 21)), prenoms: "Léa")
        let foyer = try Foyer([Demo.holder, child])
        #expect(foyer.holder == Demo.holder)
        #expect(Array(foyer.beneficiaries) == [child])
        #expect(throws: Foyer.Problem.holderNotFirst) { try Foyer([child, Demo.holder]) }
        #expect(throws: Foyer.Problem.empty) { try Foyer([]) }
        #expect(throws: Foyer.Problem.tooMany(limit: 12, found: 13)) { try Foyer([Demo.holder] + Array(repeating: child, count: 12)) }
        var stranger = child
        stranger.ouvrantDroitNIR = try NIR("282116912304563")
        #expect(throws: Foyer.Problem.mixedOuvrantDroit) { try Foyer([Demo.holder, stranger]) }
    }
}
