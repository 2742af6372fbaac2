import Foundation
import Testing
@testable import ServiceSupport

/// Every line the smoke runs print (stdout and stderr: the kiosk's logs)
/// is searched for the demo foyer's NIRs, names and phone number.
@Suite struct SmokeLogScanTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var scenarios: [String] {
        let dir = repository.appendingPathComponent("Tests/Scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".scenario") }.sorted().map { dir.appendingPathComponent($0).path }
    }

    @Test(.enabled(if: WatchdogProcessTests.kioskBinary != nil && !scenarios.isEmpty, "bms-kiosk or the scenarios are missing"))
    func smokeRunsLogNoPersonalData() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = WatchdogProcessTests.kioskBinary
        process.arguments = ["smoke"] + Self.scenarios + ["--out", out.path]
        process.currentDirectoryURL = Self.repository
        var env = ProcessInfo.processInfo.environment
        env["SDL_VIDEODRIVER"] = "dummy"
        env["SDL_AUDIODRIVER"] = "dummy"
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty, "the smoke run printed nothing")
        let leaks = PersonalDataScan.leaks(in: lines, needles: PersonalDataScan.demoFoyer)
        #expect(leaks.isEmpty, "\(leaks.map(\.description).joined(separator: "\n"))")
    }
}
