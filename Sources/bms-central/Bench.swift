import ArgumentParser
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark the central store and the outbox (prints figures).")
    func run() async throws {
        try await CentralBenchmark().run()
    }
}
