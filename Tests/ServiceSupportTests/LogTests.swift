import Foundation
import Logging
import Testing
@testable import ServiceSupport

@Suite struct StructuredLogHandlerTests {
    func logger(_ sink: CapturingLogSink, journald: Bool = false, level: Logger.Level = .info) -> Logger {
        Logger(label: "bms.kiosk") { StructuredLogHandler(label: $0, level: level, sink: sink, journald: journald) }
    }

    @Test func oneLogfmtLinePerRecordWithLevelLabelAndSortedMetadata() {
        let sink = CapturingLogSink()
        var log = logger(sink)
        log[metadataKey: "kiosk"] = "DEMO-0001"
        log.info("Card read", metadata: ["service": "ceam", "took_ms": "12"])
        log.debug("not shown at info")
        #expect(sink.lines.count == 1)
        let line = sink.lines[0]
        #expect(line.hasPrefix("ts=20"))
        #expect(line.hasSuffix(#"level=info label=bms.kiosk msg="Card read" kiosk=DEMO-0001 service=ceam took_ms=12 source=ServiceSupportTests"#))
    }

    @Test func escapesSoThatARecordStaysOneLine() {
        let sink = CapturingLogSink()
        logger(sink).error("line one\nline \"two\"", metadata: ["a b": "x=y"])
        #expect(sink.lines.count == 1)
        #expect(sink.lines[0].contains(#"msg="line one\nline \"two\"" a_b="x=y""#))
    }

    @Test func underJournaldPrefixesTheSyslogPriorityAndLeavesTheTimeToTheJournal() {
        let sink = CapturingLogSink()
        let log = logger(sink, journald: true, level: .trace)
        log.warning("printer stopped")
        log.critical("config invalid")
        log.debug("tick")
        #expect(sink.lines.map { String($0.prefix(3)) } == ["<4>", "<2>", "<7>"])
        #expect(!sink.lines[0].contains("ts="))
    }

    @Test func theFileDescriptorSinkWritesWholeLinesUnbuffered() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        FileDescriptorLogSink(fd: fds[1]).write(line: "level=info msg=ok")
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 100)
        let n = read(fds[0], &buffer, 100)
        #expect(String(decoding: buffer.prefix(n), as: UTF8.self) == "level=info msg=ok\n")
    }
}

@Suite struct PersonalDataTests {
    @Test func nirReferencesCorrelateWithoutRevealing() {
        let key = Data(repeating: 7, count: 32)
        let r = LogRedactor(secret: key)
        let a = r.reference("180057505612342")
        #expect(a == r.reference("1 80 05 75 056 123 42"))
        #expect(a != r.reference("282116912304563"))
        #expect(a.hasPrefix("nir~") && a.count == 16)
        #expect(!a.contains { $0.isNumber })
        // Another key (another kiosk, another boot) gives another reference.
        #expect(a != LogRedactor(secret: Data(repeating: 8, count: 32)).reference("180057505612342"))
    }

    @Test(arguments: [
        ("NIR 180057505612342 refused", "NIR [redacted] refused"),
        ("corse 275022A12301293", "corse [redacted]"),
        ("sms to 06 39 98 00 34 sent", "sms to [redacted] sent"),
        ("sms to 06.39.98.00.34", "sms to [redacted]"),
        ("serial 25010000000001", "serial [redacted]"),
        ("port 8080 took 12 ms on 2026-11-23", "port 8080 took 12 ms on 2026-11-23"),
        ("event 3f2a9c1e-1234-4abc-9def-001122334455", "event 3f2a9c1e-1234-4abc-9def-001122334455"),
    ])
    func theScrubberRedactsLongNumbersOnly(input: String, expected: String) {
        #expect(PersonalDataScrubber.scrub(input) == expected)
    }

    @Test func aCarelessLogLineLeaksNoDemoFoyerNumber() {
        let sink = CapturingLogSink()
        let log = Logger(label: "t") { StructuredLogHandler(label: $0, sink: sink, journald: false) }
        log.info("provisional code for 180057505612342 to 0639980034",
                 metadata: ["nir": "275022A12301293", "ref": LogSafe.nir("180057505612342"), "mobile": LogSafe.phone("0639980034")])
        let leaks = PersonalDataScan.leaks(in: sink.lines, needles: PersonalDataScan.demoFoyer)
        #expect(leaks.isEmpty, "\(leaks)")
        #expect(sink.lines[0].contains("** ** ** ** 34"))
    }

    @Test func theScanFindsNamesAndSpacedNumbers() {
        let lines = ["msg=\"Bonjour Léa\"", "to=06 39 98 00 34", "msg=ok"]
        let leaks = PersonalDataScan.leaks(in: lines, needles: PersonalDataScan.demoFoyer)
        #expect(Set(leaks.map(\.needle)) == ["Léa", "0639980034"])
        #expect(PersonalDataScan.leaks(in: ["msg=\"bonjour lea\""], needles: ["Léa"]).count == 1)
        #expect(PersonalDataScan.leaks(in: ["name=DUPONT-MARTIN", "who=Jean,Hugo"], needles: ["DUPONT", "Hugo"]).count == 2)
        // A name inside a random token or a longer word is not that name
        // (a keyed NIR reference once read as "Léa").
        #expect(PersonalDataScan.leaks(in: ["ref=nir~hhcaceleamjd", "msg=\"jeans\""], needles: ["Léa", "Jean"]).isEmpty)
    }
}
