import CentralTesting
import Foundation
import Testing
import VirtualCard

/// The reader line against a real pcscd with the vpcd virtual reader and
/// the demo card. pcscd is machine-wide: serialized, and `PCSCDaemon`
/// waits its turn with the other suites that need it.
@Suite("bms-kiosk doctor: reader and card through pcscd", .serialized, .enabled(if: Terminal.binary != nil))
struct DoctorReaderTests {
    /// Runs the doctor until its reader line satisfies `done` (pcscd polls
    /// its readers about every 400 ms), at most ~10 s.
    func readerLine(_ terminal: Terminal, until done: (String) -> Bool) async throws -> String {
        var line = ""
        for _ in 0..<40 {
            line = try await terminal.doctor(pcscd: true).lines["reader"] ?? ""
            if done(line) { return line }
            try await Task.sleep(for: .milliseconds(250))
        }
        return line
    }

    @Test func readerPresentThenACardReadableThenAWrongReaderName() async throws {
        let (central, cups) = try await Fixtures.servers()
        let daemon = try await PCSCDaemon.start()
        let (terminal, _) = try await Terminal.make(central: central, cups: cups, queue: nil)
        let reader = daemon.readerName
        let empty = try await readerLine(terminal) { $0.contains("present") }
        #expect(empty == "OK   reader: \"\(reader)\" present, no card inserted", "\(daemon.log.suffix(500))")

        let card = try daemon.insert(try CardSpec.load(path: repository.appendingPathComponent("Assets/demo/demo-card.json").path))
        let read = try await readerLine(terminal) { $0.contains("card") && !$0.contains("no card") }
        // The demo card is signed by the demo issuer the demo configuration trusts.
        #expect(read == "OK   reader: \"\(reader)\" present, card readable (BMS-VIT, authentic)", "\(read)")
        // The driver and the verdict only: nothing about the holder.
        #expect(!read.contains("DUPONT") && !read.contains("25010000000001"))
        card.pull()

        let file = terminal.config.appendingPathComponent("kiosk.yaml")
        try (try String(contentsOf: file, encoding: .utf8)).replacingOccurrences(of: "  name: any", with: "  name: Gemalto PC Twin")
            .write(to: file, atomically: true, encoding: .utf8)
        let named = try await terminal.doctor(pcscd: true).lines["reader"]
        // vpcd has two slots: both are listed.
        #expect(named?.hasPrefix("FAIL reader: no reader named \"Gemalto PC Twin…\"; present: \"\(reader)\"") == true, "\(named ?? "")")
        #expect(named?.hasSuffix("\": fix reader.name in kiosk.yaml") == true)
        await daemon.stop()
    }
}
