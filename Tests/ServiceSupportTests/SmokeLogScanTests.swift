import Foundation
import ProcessHygiene
import Testing
@testable import ServiceSupport

/// Every line the smoke runs print (stdout and stderr: the kiosk's logs and
/// those of the central store they run in process) is searched for the demo
/// foyer's NIRs, names and phone number.
@Suite struct SmokeLogScanTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var scenarios: [String] {
        let dir = repository.appendingPathComponent("Tests/Scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".scenario") }.sorted().map { dir.appendingPathComponent($0).path }
    }

    /// `bms-dev`, whose `smoke` runs the scenarios.
    static var devBinary: URL? { ProcessHygiene.builtExecutable("bms-dev") }

    @Test(.enabled(if: devBinary != nil && !scenarios.isEmpty, "bms-dev or the scenarios are missing"))
    func smokeRunsLogNoPersonalData() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: out) }
        let dev = try #require(Self.devBinary)
        let (_, output) = try await runCapturing(dev, ["smoke"] + Self.scenarios + ["--out", out.path], in: Self.repository,
                                           environment: ["SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty, "the smoke run printed nothing")
        let leaks = PersonalDataScan.leaks(in: lines, needles: PersonalDataScan.demoFoyer)
        #expect(leaks.isEmpty, "\(leaks.map(\.description).joined(separator: "\n"))")
    }
}
