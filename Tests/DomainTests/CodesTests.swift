import Domain
import Foundation
import PropertyBased
import Testing

@Suite("Codes")
struct CodesTests {
    func personal(_ a: inout CodeAttempts, _ right: Bool) -> CodeAttempts.Outcome {
        a.check(personalMatches: right, provisional: .none).outcome
    }

    @Test("3 tries then locked; the right code after locking is still refused")
    func attempts() {
        var a = CodeAttempts()
        #expect(personal(&a, false) == .rejected(triesLeft: 2))
        #expect(personal(&a, false) == .rejected(triesLeft: 1))
        #expect(personal(&a, false) == .locked)
        #expect(a.isLocked)
        #expect(personal(&a, true) == .locked)
    }

    @Test("a success resets the count")
    func reset() {
        var a = CodeAttempts()
        _ = personal(&a, false)
        _ = personal(&a, false)
        #expect(personal(&a, true) == .accepted)
        #expect(a.triesLeft == 3)
    }

    @Test("a provisional code stands in for the code personnel once, locked or not")
    func provisionalStandsIn() {
        var a = CodeAttempts()
        #expect(a.check(personalMatches: false, provisional: .matches) == .init(outcome: .accepted, provisionalSpent: true))
        for _ in 0..<3 { _ = personal(&a, false) }
        #expect(a.isLocked)
        // The way out of a locked code personnel: accepted, used up, and the count starts again.
        #expect(a.check(personalMatches: false, provisional: .matches) == .init(outcome: .accepted, provisionalSpent: true))
        #expect(!a.isLocked)
        #expect(a.triesLeft == 3)
    }

    @Test("locked: wrong codes count against the waiting provisional code, which is burned after 3")
    func provisionalIsNotGuessed() {
        var a = CodeAttempts(failures: 3)
        #expect(a.check(personalMatches: false, provisional: .wrong) == .init(outcome: .rejected(triesLeft: 2), provisionalSpent: false))
        // The right code personnel is no way out of the lock either.
        #expect(a.check(personalMatches: true, provisional: .wrong) == .init(outcome: .rejected(triesLeft: 1), provisionalSpent: false))
        #expect(a.check(personalMatches: false, provisional: .wrong) == .init(outcome: .locked, provisionalSpent: true))
        #expect(a.isLocked)
        // No provisional code waits any more: locked, nothing counted.
        #expect(a.check(personalMatches: false, provisional: .none) == .init(outcome: .locked, provisionalSpent: false))
        // A new SMS gets its own three tries.
        a.provisionalIssued()
        #expect(a.check(personalMatches: false, provisional: .wrong).outcome == .rejected(triesLeft: 2))
    }

    @Test("a code is exactly 4 ASCII digits")
    func format() {
        #expect(CodeFormat.isWellFormed("0123", digits: 4))
        #expect(!CodeFormat.isWellFormed("123", digits: 4))
        #expect(!CodeFormat.isWellFormed("12345", digits: 4))
        #expect(!CodeFormat.isWellFormed("12a4", digits: 4))
        #expect(!CodeFormat.isWellFormed("١٢٣٤", digits: 4), "Arabic-Indic digits are not accepted")
    }

    @Test("mobile numbers: 06/07 only, masked as 06 •• •• •• 34")
    func mobile() throws {
        let m = try #require(MobileNumber("06 39 98 00 34"))
        #expect(m.national == "0639980034")
        #expect(m.masked == "06 •• •• •• 34")
        #expect(m.e164 == "+33639980034")
        #expect(MobileNumber("+33 7 00 00 00 12")?.national == "0700000012")
        #expect(MobileNumber("0033639980034")?.national == "0639980034")
        #expect(MobileNumber("0139980034") == nil, "a landline gets no SMS")
        #expect(MobileNumber("063998003") == nil)
        #expect(!"\(m)".contains("3998"), "printing a number never shows it")
    }

    let policy = ProvisionalCodePolicy()
    let onFile = MobileNumber("0639980034")

    @Test("a provisional code is 4 digits, valid 48 hours to the second")
    func provisionalValidity() {
        let clock = TestClock(day: day(2026, 11, 23))
        let code = policy.issue(now: clock.now)
        #expect(CodeFormat.isWellFormed(code.code, digits: 4))
        #expect(code.isValid(at: clock.now))
        clock.advance(hours: 47)
        #expect(code.isValid(at: clock.now))
        clock.advance(seconds: 3599)
        #expect(code.isValid(at: clock.now))
        clock.advance(seconds: 1)
        #expect(!code.isValid(at: clock.now))
    }

    @Test("codes are uniform over 0000–9999 (each digit drawn from the generator)")
    func uniformDigits() {
        var rng = SystemRandomNumberGenerator()
        var counts = [Int](repeating: 0, count: 10)
        let now = Date()
        for _ in 0..<2000 {
            for c in policy.issue(now: now, using: &rng).code { counts[c.wholeNumberValue!] += 1 }
        }
        // 8,000 digits: each expected 800; 600 is > 7 standard deviations away.
        #expect(counts.allSatisfy { $0 > 600 && $0 < 1000 }, "\(counts)")
    }

    @Test("only to a mobile on file")
    func noMobile() {
        #expect(throws: ProvisionalCodeRefusal.noMobileOnFile) {
            try policy.check(mobile: nil, earlierRequests: [], now: Date())
        }
    }

    @Test("3 requests in 24 hours, rolling: the 4th waits until the oldest leaves the window")
    func rateLimit() throws {
        let clock = TestClock(day: day(2026, 11, 23))
        var requests: [Date] = []
        for _ in 0..<3 {
            try policy.check(mobile: onFile, earlierRequests: requests, now: clock.now)
            requests.append(clock.now)
            clock.advance(hours: 1)
        }
        let reopens = requests[0].addingTimeInterval(24 * 3600)
        #expect(throws: ProvisionalCodeRefusal.tooManyRequests(nextAllowedAt: reopens)) {
            try policy.check(mobile: onFile, earlierRequests: requests, now: clock.now)
        }
        clock.set(reopens.addingTimeInterval(-1))
        #expect(throws: ProvisionalCodeRefusal.tooManyRequests(nextAllowedAt: reopens)) {
            try policy.check(mobile: onFile, earlierRequests: requests, now: clock.now)
        }
        clock.set(reopens)
        try policy.check(mobile: onFile, earlierRequests: requests, now: clock.now)
    }

    @Test("any request history: never more than 3 accepted in any 24 hours")
    func rateLimitLaw() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...7200).array(of: 1...40)) { gapsInSeconds in
            let clock = TestClock(day: day(2026, 11, 23))
            var accepted: [Date] = []
            for gap in gapsInSeconds {
                clock.advance(seconds: Double(gap * 10))
                if (try? policy.check(mobile: onFile, earlierRequests: accepted, now: clock.now)) != nil {
                    accepted.append(clock.now)
                }
            }
            for (i, t) in accepted.enumerated() {
                let inWindow = accepted[i...].filter { $0.timeIntervalSince(t) < 24 * 3600 }
                #expect(inWindow.count <= 3)
            }
        }
    }
}
