import CardProfile
import CardReader
import Domain
import Foundation
import Logging
import Testing
@testable import VirtualCard

/// Logs never carry names or NIRs, whatever the card holds or how it fails.
@Suite struct LogPrivacyTests {
    final class Capture: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func append(_ s: String) { lock.withLock { lines.append(s) } }
        var text: String { lock.withLock { lines.joined(separator: "\n") } }
    }

    struct CaptureHandler: LogHandler {
        let capture: Capture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.append("\(event.level) \(event.message) \(event.metadata ?? [:]) \(metadata)")
        }
    }

    @Test(arguments: [
        [] as [Fault],
        [.truncatedFile(fileID: 0x2F03)],
        [.garbageFile(fileID: 0x2F03)],
        [.oversizedLength(fileID: 0x2F06)],
        [.statusWord(ins: 0xB0, fileID: 0x2F03, sw: 0x6581)],
    ])
    func noPersonalDataInLogs(faults: [Fault]) async throws {
        let capture = Capture()
        let logger = Logger(label: "test") { _ in CaptureHandler(capture: capture) }
        let issuer = CardMaker.TestKey()
        var spec = try CardMaker.makeCard(serial: "25010000000001", issueDate: CivilDate(year: 2025, month: 1, day: 15)!,
                                          persons: CardMaker.demoFoyer, issuerKey: issuer)
        spec.faults = faults
        let trust = CardMaker.trustStore(issuers: [issuer])
        let service = CardService(drivers: [BMSVITDriver(trust: trust, clock: TestClock(day: CivilDate(year: 2026, month: 3, day: 1)!), logger: logger),
                                            Vitale2Driver(logger: logger)], logger: logger)
        let reading = try await service.read(APDUTransport(channel: AppletChannel(applet: try CardApplet(spec: spec))), atr: BMSVIT.atr)
        let text = capture.text
        #expect(!text.isEmpty, "the read is logged")
        for secret in ["180057505612342", "282116912304563", "DUPONT", "MARTIN", "Jean", "Claire", "Léa", "Hugo", "19800514"] {
            #expect(!text.contains(secret), "logs must not contain personal data (\(reading.verdict.logLabel))")
        }
    }
}
