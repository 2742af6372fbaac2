import ArgumentParser
import Foundation
import KioskApp
import KioskUI

/// `bms-kiosk bench …`: figures for the speed targets (tests assert none).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks that print figures.", subcommands: [BenchUI.self, BenchCard.self])
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
        try await BenchMain.run(size: s, frames: frames, idle: idle)
    }
}

@MainActor
enum BenchMain {
    static func run(size: Size, frames: Int, idle: Double) async throws {
        _ = try await UIBenchmark.run(assets: try AssetLocator.require(), size: size, frames: frames, idleSeconds: idle)
    }
}
