import CentralAPI
import Domain
import Foundation

/// In-memory services: the demo code personnel is `1234`, three tries per
/// card serial, every service offered. A fake: the real answers come from
/// the central store. Flows beyond the code answer "unavailable" here
/// unless a fake foyer is given.
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

    public func foyer(card: CardIdentity) async throws -> FoyerResponse {
        throw ServiceFailure(.unavailable, "fake services hold no foyer")
    }

    public func requestProvisionalCode(card: CardIdentity) async -> ProvisionalCodeOutcome {
        .unavailable(message: "fake services send no SMS")
    }

    public func submit(_ command: KioskCommand) async throws -> SubmitOutcome {
        throw ServiceFailure(.unavailable, "fake services take no request")
    }

    public func rights(card: CardIdentity) async throws -> RightsResponse {
        throw ServiceFailure(.unavailable, "fake services sign no rights")
    }

    public func attestation(card: CardIdentity) async throws -> AttestationResponse {
        throw ServiceFailure(.unavailable, "fake services hold no attestation")
    }

    public func ceamCountries() async -> [CEAMCountry] { [] }
}
