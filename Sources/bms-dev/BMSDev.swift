import ArgumentParser
import Foundation
import KioskApp
import KioskAppTesting
import KioskUI

/// `bms-dev`: the developer's tools, never installed on a kiosk nor on the
/// central store's hosts: smoke scenarios (the real central store in
/// process, or the live stack), benchmarks that print figures, and the
/// simulated kiosk of the fault tests. It links the test harnesses
/// (`KioskAppTesting`, `CentralTesting`); `bms-kiosk` and `bms-central` do not.
@main
struct BMSDev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bms-dev",
        abstract: "Developer tools: smoke scenarios, benchmarks, the simulated kiosk.",
        subcommands: [Smoke.self, DevBench.self, KioskSim.self]
    )
}

/// `bms-dev bench …`: figures for the speed targets (tests assert none).
struct DevBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures (the card's: bms-kiosk bench card).",
        subcommands: [BenchUI.self, BenchCentral.self])
}

struct BenchUI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Frame time of a busy screen vs raw SDL, tap-to-frame latency, idle CPU, peak RSS.")

    @Option(help: "Surface size, WxH.") var size = "1920x1080"
    @Option(help: "Frames to time.") var frames = 300
    @Option(help: "Seconds of idle loop to measure.") var idle = 10.0

    func run() async throws {
        guard let s = Size(parsing: size) else { throw ValidationError("--size must look like 1920x1080") }
        try await BenchUIMain.run(size: s, frames: frames, idle: idle)
    }
}

@MainActor
enum BenchUIMain {
    static func run(size: Size, frames: Int, idle: Double) async throws {
        _ = try await UIBenchmark.run(assets: try AssetLocator.require(), size: size, frames: frames, idleSeconds: idle)
    }
}
