import ArgumentParser
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark: simulated kiosks against bms-central on SQLite and PostgreSQL (1 and 2 instances), provisional codes through Kannel, outbox drain (prints figures).")

    @Option(help: "Numbers of simulated kiosks, comma-separated.")
    var kiosks: String = "1,10,100,500,2000"
    @Option(help: "Seconds per row.")
    var seconds: Double = 3
    @Option(help: "Commands in the outbox drain.")
    var outbox: Int = 10_000
    @Option(help: "The demo seed.")
    var demoSeed: String = "Assets/demo/central-seed.json"

    func run() async throws {
        var bench = CentralBenchmark()
        bench.kioskCounts = kiosks.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !bench.kioskCounts.isEmpty, bench.kioskCounts.allSatisfy({ (1...5000).contains($0) }) else {
            throw ValidationError("--kiosks: numbers from 1 to 5000, comma-separated")
        }
        bench.seconds = seconds
        bench.outboxCommands = outbox
        bench.demoSeed = URL(fileURLWithPath: demoSeed)
        try await bench.run()
    }
}
