import Foundation
import ProcessHygiene
import Testing
import VirtualCard

/// Issue #10: `bms-kiosk read-card` printed its verdict and then died with
/// SIGSEGV about one run in 12–15: `main` called exit() while the monitor's
/// thread was still inside pcsc-lite, whose library destructors then ran
/// under it. The built executable, through a real pcscd and the demo card,
/// many times in a row: every run exits 0.
@Suite(.serialized) struct ReadCardExitTests {
    static let runs = 50

    /// The built executable; BMS_KIOSK_BINARY runs another build (a release
    /// one, or an older one to see the test fail).
    static var binary: URL? {
        ProcessInfo.processInfo.environment["BMS_KIOSK_BINARY"].map { URL(fileURLWithPath: $0) } ?? ProcessHygiene.builtExecutable("bms-kiosk")
    }

    @Test func readCardExitsZeroEveryTime() async throws {
        let binary = try #require(Self.binary, "bms-kiosk is not built next to the tests")
        let daemon = try await PCSCDaemon.start()
        var failures: [String] = []
        do {
            let card = try daemon.insert(try CardSpec.load(path: asset("Assets/demo/demo-card.json")))
            defer { card.pull() }
            for i in 1...Self.runs {
                let (status, reason, stderr) = try await Self.run(binary, ["read-card", "--trust", asset("Assets/demo/demo-trust.json"), "--timeout", "10"])
                if reason != .exit || status != 0 {
                    let how = reason == .uncaughtSignal ? "signal \(status)" : "exit \(status)"
                    failures.append("run \(i): \(how); stderr: \(stderr.prefix(200))")
                }
            }
        } catch {
            await daemon.stop()
            throw error
        }
        await daemon.stop()
        #expect(failures.isEmpty, "\(failures.count) of \(Self.runs) runs did not exit 0:\n\(failures.joined(separator: "\n"))")
    }

    /// SIGTERM (systemctl stop, a technician's kill) while read-card waits
    /// for a card: the monitor is cancelled and joined, and the process
    /// leaves with 128 + 15, not killed by the signal.
    @Test func readCardStopsCleanlyOnSIGTERM() async throws {
        let binary = try #require(Self.binary, "bms-kiosk is not built next to the tests")
        let daemon = try await PCSCDaemon.start()
        var outcomes: [String] = []
        do {
            for _ in 1...5 {
                let (status, reason, _) = try await Self.run(binary, ["read-card", "--timeout", "30"], signalAfter: .seconds(1))
                outcomes.append(reason == .exit ? "exit \(status)" : "signal \(status)")
            }
        } catch {
            await daemon.stop()
            throw error
        }
        await daemon.stop()
        #expect(outcomes == Array(repeating: "exit 143", count: 5))
    }

    /// Runs the executable to its end (SIGTERM after `signalAfter` when
    /// given); waits off the concurrency pool.
    static func run(_ binary: URL, _ arguments: [String], signalAfter: Duration? = nil) async throws -> (Int32, Process.TerminationReason, String) {
        try await ProcessHygiene.onOwnThread {
            let p = Process()
            p.executableURL = binary
            p.arguments = arguments
            p.currentDirectoryURL = repositoryRoot
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            if let signalAfter {
                Thread.sleep(forTimeInterval: Double(signalAfter.components.attoseconds) / 1e18 + Double(signalAfter.components.seconds))
                p.terminate()
            }
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, p.terminationReason, text)
        }
    }
}
