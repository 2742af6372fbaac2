import Foundation

/// The code personnel and the provisional code (seed 001: "code provisoire à
/// quatre chiffres, par SMS, valable 48 heures" from the BMS).

/// A code as typed: exactly N ASCII digits.
public enum CodeFormat {
    public static func isWellFormed(_ code: String, digits: Int) -> Bool {
        code.count == digits && code.allSatisfy(\.isASCIIDigit)
    }
}

/// Tries left on the code personnel, and on the provisional code sent by
/// SMS. Kept by the central store (so it holds across kiosks); the kiosk
/// shows what it is told.
public struct CodeAttempts: Hashable, Sendable, Codable {
    public private(set) var failures: Int
    public var maxTries: Int
    /// Wrong codes typed while the code personnel was locked and a
    /// provisional code waited: that code is the way out, and it too gets
    /// `maxTries` tries, then it is burned (4 digits must not be guessed).
    public private(set) var provisionalFailures: Int

    public init(failures: Int = 0, maxTries: Int = 3, provisionalFailures: Int = 0) {
        self.failures = failures
        self.maxTries = maxTries
        self.provisionalFailures = provisionalFailures
    }

    public var isLocked: Bool { failures >= maxTries }
    public var triesLeft: Int { max(0, maxTries - failures) }

    public enum Outcome: Hashable, Sendable {
        case accepted
        case rejected(triesLeft: Int)
        /// Locked now or before, and no provisional code to get out with.
        case locked
    }

    /// The provisional code sent by SMS, as it stands for the typed code.
    public enum Provisional: Hashable, Sendable {
        /// None waits: never sent, expired, used or burned.
        case none
        /// One waits, and the typed code is not it.
        case wrong
        /// The typed code is the one sent, unexpired and unused.
        case matches
    }

    public struct Check: Hashable, Sendable {
        public var outcome: Outcome
        /// The provisional code is gone after this check (used, or burned
        /// after too many wrong tries): the store forgets it.
        public var provisionalSpent: Bool
        public init(outcome: Outcome, provisionalSpent: Bool) { self.outcome = outcome; self.provisionalSpent = provisionalSpent }
    }

    /// One code typed at a kiosk: the one rule the central store (and
    /// anything standing in for it) applies.
    /// - The code personnel, or the provisional code in its place (once):
    ///   accepted, and the count starts again.
    /// - The code personnel is locked after `maxTries` wrong codes; the
    ///   right code personnel is then refused too. The provisional code is
    ///   the way out (seed 001: the code provisoire « par SMS » from the
    ///   BMS): while one waits, it is accepted and used up, and wrong codes
    ///   count against it, `maxTries` at most, then it is burned.
    public mutating func check(personalMatches: Bool, provisional: Provisional) -> Check {
        if provisional == .matches {
            failures = 0
            provisionalFailures = 0
            return Check(outcome: .accepted, provisionalSpent: true)
        }
        if isLocked {
            guard provisional == .wrong else { return Check(outcome: .locked, provisionalSpent: false) }
            provisionalFailures += 1
            let left = maxTries - provisionalFailures
            if left <= 0 {
                provisionalFailures = 0
                return Check(outcome: .locked, provisionalSpent: true)
            }
            return Check(outcome: .rejected(triesLeft: left), provisionalSpent: false)
        }
        if personalMatches {
            failures = 0
            return Check(outcome: .accepted, provisionalSpent: false)
        }
        failures += 1
        return Check(outcome: isLocked ? .locked : .rejected(triesLeft: triesLeft), provisionalSpent: false)
    }

    /// A new provisional code was sent: it gets its own tries.
    public mutating func provisionalIssued() { provisionalFailures = 0 }
}

/// A French mobile number, the only kind an SMS goes to.
public struct MobileNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// National form, 10 digits, starting 06 or 07.
    public let national: String

    /// Accepts `06 39 98 00 34`, `0639980034`, `+33 6 39 98 00 34`, `0033639980034`.
    public init?(_ text: some StringProtocol) {
        var digits = String(text).filter { !$0.isWhitespace && $0 != "." && $0 != "-" && $0 != "\u{00A0}" }
        if digits.hasPrefix("+33") { digits = "0" + digits.dropFirst(3) }
        else if digits.hasPrefix("0033") { digits = "0" + digits.dropFirst(4) }
        guard digits.count == 10, digits.allSatisfy(\.isASCIIDigit),
              digits.hasPrefix("06") || digits.hasPrefix("07") else { return nil }
        national = String(digits)
    }

    /// International form for SMS gateways: +33639980034.
    public var e164: String { "+33" + national.dropFirst() }

    /// As shown on the kiosk: 06 •• •• •• 34 (first and last pair only).
    public var masked: String {
        "\(national.prefix(2)) •• •• •• \(national.suffix(2))"
    }

    /// Not the number: safe to print.
    public var description: String { masked }
}

/// A provisional code as issued. Only the central store ever sees the code;
/// it keeps a hash of it.
public struct ProvisionalCode: Hashable, Sendable {
    public let code: String
    public let issuedAt: Date
    public let expiresAt: Date

    public func isValid(at now: Date) -> Bool { now >= issuedAt && now < expiresAt }
}

public enum ProvisionalCodeRefusal: Error, Hashable, Sendable {
    /// No mobile on file: see a counsellor at the counter.
    case noMobileOnFile
    /// Too many requests: possible again from this instant.
    case tooManyRequests(nextAllowedAt: Date)
}

/// Who may get a provisional code, and the code itself.
public struct ProvisionalCodePolicy: Sendable {
    public var parameters: CodeParameters

    public init(_ parameters: CodeParameters = .init()) { self.parameters = parameters }

    var window: TimeInterval { Double(parameters.provisionalRequestWindowHours) * 3600 }

    /// Checks a request against the mobile on file and the earlier requests
    /// (instants of codes sent; the window is rolling).
    public func check(mobile: MobileNumber?, earlierRequests: [Date], now: Date) throws(ProvisionalCodeRefusal) {
        guard mobile != nil else { throw .noMobileOnFile }
        let recent = earlierRequests.filter { $0 <= now && now.timeIntervalSince($0) < window }.sorted()
        if recent.count >= parameters.maxProvisionalRequests {
            // The oldest request in the window leaves it first.
            let index = recent.count - parameters.maxProvisionalRequests
            throw .tooManyRequests(nextAllowedAt: recent[index].addingTimeInterval(window))
        }
    }

    /// A new code: N digits, each drawn uniformly from `generator`, which must
    /// be a CSPRNG in production (SystemRandomNumberGenerator reads the
    /// kernel's getrandom). Issuing it replaces any earlier code.
    public func issue<G: RandomNumberGenerator>(now: Date, using generator: inout G) -> ProvisionalCode {
        let code = String((0..<parameters.provisionalCodeDigits).map { _ in
            Character(String(Int.random(in: 0...9, using: &generator)))
        })
        return ProvisionalCode(code: code, issuedAt: now,
                               expiresAt: now.addingTimeInterval(Double(parameters.provisionalCodeValidityHours) * 3600))
    }

    public func issue(now: Date) -> ProvisionalCode {
        var rng = SystemRandomNumberGenerator()
        return issue(now: now, using: &rng)
    }
}
