import Foundation
import KioskApp
import KioskRuntime
import DocumentCapture

/// `set` steps acted out on the in-process parts: the printer out of paper,
/// a card pulled mid-write, the SMS gateway down, the central store's
/// database away or busy, the kiosk's outbox broken. Each switches a fault
/// on the real parts (see `ScenarioServices`); none answers in their place.
extension SmokeRunner {
    func setInProcess(_ key: String, _ value: String, _ c: KioskController) async throws {
        let services = c.services as? ScenarioServices
        func need() throws -> ScenarioServices {
            try services.orThrow("set \(key): this run's services are not the in-process central store")
        }
        switch (key, value) {
        case ("printer", "away"), ("printer", "ready"):
            guard let p = c.printer as? FakeKioskPrinter else { throw StepFailure(description: "set printer: this run's printer is not the ledger") }
            p.available = value == "ready"
        case ("cardwriter", "none"): c.rightsWriter = nil
        case ("cardwriter", _):
            guard let mode = FakeCardRightsWriter.Mode(rawValue: value) else {
                throw StepFailure(description: "set cardwriter none|update|pull|fail|otherCard")
            }
            c.rightsWriter = FakeCardRightsWriter(mode: mode)
        case ("sms", "down"), ("sms", "up"):
            try need().smsGatewayDown = value == "down"
        case ("central", "away"), ("central", "up"):
            // The database behind the central store: every call answers 503.
            try need().centralAway = value == "away"
        case ("submit", "deliver"), ("submit", "refuse"):
            // The relay's pass once the central store answers: the outbox in
            // order; `refuse`: the situation changed meanwhile (see deliverQueued).
            try await need().deliverQueued(refusing: value == "refuse")
        case ("scanner", "none"):
            // A kiosk without a scanner: the phone is the only way in.
            c.documentDesk = KioskDocumentDesk(scanner: nil)
        case ("scanner", "unplugged"):
            // A scanner configured but not there (cable, power): SANE finds no such device.
            _ = SANETestBackend.scanner()
            c.documentDesk = KioskDocumentDesk(scanner: SANEScanner(device: "test:9"))
        case ("scanner", _):
            // SANE's own test backend through the real library: its picture stands for what is on the glass
            // (« Color pattern » passes, « Solid black » is too dark, « Solid white » too light).
            c.documentDesk = KioskDocumentDesk(scanner: SANETestBackend.scanner(), options: ["test-picture": value])
        case ("submit", "queue"), ("submit", "apply"), ("submit", "fail"):
            // queue: the central store cannot write commands (busy); fail: the kiosk's outbox cannot be written.
            try need().submitMode = value == "queue" ? .queue : value == "fail" ? .fail : .apply
        default:
            throw StepFailure(description: "set \(key) \(value): printer away|ready, cardwriter none|update|pull|fail|otherCard, sms down|up, central away|up, submit queue|apply|fail|deliver|refuse, scanner none|\"Color pattern\"|\"Solid black\"…")
        }
    }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw SmokeRunner.StepFailure(description: message) }
        return self
    }
}

extension ScenarioServices {
    /// Inserts a card file into `controller` as a reader would, after loading
    /// its `"central"` section into the central store; waits for the kiosk's
    /// work (the code's tries asked of the central store).
    @MainActor
    public func insert(cardFile path: String, into controller: KioskController) async throws {
        try await seed(cardFile: path)
        for e in try CardFile.load(path).insertionEvents(path: path) { controller.handle(card: e) }
        await controller.settle()
    }
}

/// SANE's `test` backend, and nothing else: a private config folder whose
/// dll.conf names it, set for this process before its first SANE call
/// (libsane reads SANE_CONFIG_DIR once). Scenarios and tests scan through it.
public enum SANETestBackend {
    static let prepared: Void = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sane-scenarios-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? "test\n".write(to: dir.appendingPathComponent("dll.conf"), atomically: true, encoding: .utf8)
        setenv("SANE_CONFIG_DIR", dir.path, 1)
    }()

    public static func scanner() -> SANEScanner {
        _ = prepared
        return SANEScanner(device: "test:0")
    }
}
