import Foundation

/// `set` steps for the flows' other answers in fake runs: a printer out of
/// paper, a card pulled mid-write, the SMS gateway or the central store away.
extension SmokeRunner {
    func setFake(_ key: String, _ value: String, _ c: KioskController) throws {
        let fake = c.services as? FakeKioskServices
        switch (key, value) {
        case ("printer", "away"), ("printer", "ready"):
            guard let p = c.printer as? FakeKioskPrinter else { throw StepFailure(description: "set printer: this run's printer is not the fake") }
            p.available = value == "ready"
        case ("cardwriter", "none"): c.rightsWriter = nil
        case ("cardwriter", _):
            guard let mode = FakeCardRightsWriter.Mode(rawValue: value) else {
                throw StepFailure(description: "set cardwriter none|update|pull|fail|otherCard")
            }
            c.rightsWriter = FakeCardRightsWriter(mode: mode)
        case ("sms", "down"), ("sms", "up"):
            guard let fake else { throw StepFailure(description: "set sms: fake services only") }
            fake.smsGatewayDown = value == "down"
        case ("central", "away"), ("central", "up"):
            guard let fake else { throw StepFailure(description: "set central: fake services only") }
            fake.foyerUnavailable = value == "away"
            fake.submitMode = value == "away" ? .fail : .apply
        case ("submit", "deliver"), ("submit", "refuse"):
            // The relay's pass once the central store answers: the outbox applied in order (or refused).
            guard let fake else { throw StepFailure(description: "set submit: fake services only") }
            fake.deliverQueued(refusing: value == "refuse")
        case ("submit", "queue"), ("submit", "apply"), ("submit", "fail"):
            guard let fake else { throw StepFailure(description: "set submit: fake services only") }
            fake.submitMode = value == "queue" ? .queue : value == "fail" ? .fail : .apply
        default:
            throw StepFailure(description: "set \(key) \(value): printer away|ready, cardwriter none|update|pull|fail|otherCard, sms down|up, central away|up, submit queue|apply|fail|deliver|refuse")
        }
    }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw SmokeRunner.StepFailure(description: message) }
        return self
    }
}
