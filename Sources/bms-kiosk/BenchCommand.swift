import ArgumentParser
import Foundation

/// `bms-kiosk bench card`: figures for the card layer's speed target (tests
/// assert none). The UI and central benchmarks are developer tools: `bms-dev bench`.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks that print figures.", subcommands: [BenchCard.self])
}

