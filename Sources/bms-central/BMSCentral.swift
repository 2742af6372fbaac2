import ArgumentParser
import Foundation

/// `bms-central`: the central store's service and its tools. Each
/// subcommand lives in its own file. Benchmarks and the simulated kiosk
/// are developer tools: `bms-dev bench central`, `bms-dev kiosk-sim`.
@main
struct BMSCentral: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bms-central",
        abstract: "The BMS kiosks' central store: HTTP API v1 over SQLite or PostgreSQL.",
        subcommands: [Serve.self, Migrate.self, KioskCommandGroup.self, DemoCommandGroup.self, OrderCommandGroup.self]
    )
}
