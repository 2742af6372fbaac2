import CentralTesting
import Foundation
import Testing

/// `bms-dev bench central --fleet` runs on a tiny fleet and prints its figures
/// (a check that the command works, not a measurement: seconds, bounded).
@Suite("bms-dev bench central --fleet on a tiny fleet")
struct FleetBenchTests {
    @Test func theFleetBenchPrintsItsFigures() async throws {
        let output = try await runProgram(try bmsDevBinary(), [
            "bench", "central", "--fleet", "--kiosks", "4", "--seconds", "1", "--multipliers", "1,2", "--sessions-per-hour", "3600",
            "--engines", "sqlite,postgres", "--fast-hash", "--demo-seed", demoSeedURL.path,
        ])
        let lines = output.split(separator: "\n").map(String.init)
        for engine in ["SQLite", "PostgreSQL"] {
            #expect(lines.contains { $0.hasPrefix("\(engine): raw store inserts") }, "\(engine): no raw insert rate\n\(output)")
            #expect(lines.contains { $0.hasPrefix("\(engine):     4 kiosks ×1 ") && $0.contains("req/s") }, "\(engine): no step\n\(output)")
            #expect(lines.contains { $0.hasPrefix("\(engine): 4 kiosks: ") && ($0.contains("highest rate") || $0.contains("already at the peak")) })
        }
        #expect(lines.contains { $0.contains("fsync=") }, "the PostgreSQL settings are said")
        #expect(lines.contains { $0.hasPrefix("    foyer ") && $0.contains("p99") })
    }
}
