import Domain
import Foundation

/// What the kiosk asks the central store during a session. The central
/// work implements it over HTTP; `FakeKioskServices` answers from memory
/// for smoke scenarios and tests.
public protocol KioskServices: Sendable {
    /// Checks the code personnel for the card's holder.
    func checkCode(_ code: String, card: CardIdentity) async throws -> CodeAttempts.Outcome
    /// The services offered to this card today, in menu order.
    func services(for card: CardIdentity) async throws -> [KioskService]
}

/// In-memory services: the demo code personnel is `1234`, three tries per
/// card serial, every service offered. A fake: the real answers come from
/// the central store.
public final class FakeKioskServices: KioskServices, @unchecked Sendable {
    public static let demoCode = "1234"
    private let lock = NSLock()
    private var attempts: [String: CodeAttempts] = [:]
    private let code: String
    private let maxTries: Int
    public let offered: [KioskService]

    public init(code: String = FakeKioskServices.demoCode, maxTries: Int = 3,
                offered: [KioskService] = [.ceam, .provisionalCode, .carteVitaleLoss, .attestation]) {
        self.code = code
        self.maxTries = maxTries
        self.offered = offered
    }

    public func checkCode(_ typed: String, card: CardIdentity) async throws -> CodeAttempts.Outcome {
        lock.withLock {
            var a = attempts[card.serial] ?? CodeAttempts(maxTries: maxTries)
            let outcome = a.record(correct: CodeFormat.isWellFormed(typed, digits: code.count) && typed == code)
            attempts[card.serial] = a
            return outcome
        }
    }

    public func services(for card: CardIdentity) async throws -> [KioskService] { offered }
}
