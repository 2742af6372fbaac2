import ArgumentParser
import Foundation

struct BenchCentral: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "Benchmark (prints figures): closed loop (simulated kiosks back to back) against bms-central on SQLite and PostgreSQL (1 and 2 instances), provisional codes through Kannel, outbox drain; or, with --fleet, the open-loop fleet model.")

    @Option(help: "Numbers of simulated kiosks, comma-separated (default: 1,10,100,500,2000; with --fleet 100,1000,2000).")
    var kiosks: String?
    @Option(help: "Seconds per row (per rate step with --fleet).")
    var seconds: Double?
    @Option(help: "Commands in the outbox drain.")
    var outbox: Int = 10_000
    @Option(help: "The demo seed.")
    var demoSeed: String = "Assets/demo/central-seed.json"
    @Option(help: "Closed loop: 'one' (every kiosk on the demo card: a pile-up on one foyer), 'own' (each kiosk its own foyer), or 'both'.")
    var cards: String = "both"
    @Option(help: "Closed loop: engines, comma-separated, among sqlite, postgres, postgres2.")
    var engines: String = "sqlite,postgres,postgres2"

    @Option(help: "Closed loop: PostgreSQL connections per instance (default 16 for one instance, 8 each for two).")
    var pool: Int?

    @Flag(help: "The open-loop fleet model: sessions arrive at a lobby's peak rate, raised in steps until p99 passes the target.")
    var fleet = false
    @Option(help: "--fleet: sessions an hour per kiosk at peak.")
    var sessionsPerHour: Double = 60
    @Option(help: "--fleet: multiples of the peak rate tried, comma-separated.")
    var multipliers: String = "1,2,4,8,16,32"
    @Option(help: "--fleet: HTTP connections from the simulated fleet to each instance.")
    var connections: Int = 64
    @Option(help: "--fleet: foyers (each with its own card) per kiosk.")
    var foyersPerKiosk: Int = 2
    @Flag(help: "--fleet: hash codes at the tests' cost instead of production scrypt (N=2^14).")
    var fastHash = false

    func counts(_ text: String) throws -> [Int] {
        let c = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !c.isEmpty, c.allSatisfy({ (1...5000).contains($0) }) else { throw ValidationError("--kiosks: numbers from 1 to 5000, comma-separated") }
        return c
    }

    func run() async throws {
        let engineList = engines.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !engineList.isEmpty, engineList.allSatisfy({ ["sqlite", "postgres", "postgres2"].contains($0) }) else {
            throw ValidationError("--engines: sqlite, postgres, postgres2, comma-separated")
        }
        if fleet {
            var bench = FleetBenchmark()
            bench.kioskCounts = try counts(kiosks ?? "100,1000,2000")
            bench.seconds = seconds ?? 10
            bench.sessionsPerHour = sessionsPerHour
            bench.multipliers = multipliers.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !bench.multipliers.isEmpty, bench.multipliers.allSatisfy({ $0 > 0 }) else { throw ValidationError("--multipliers: positive numbers, comma-separated") }
            bench.connections = connections
            bench.foyersPerKiosk = foyersPerKiosk
            bench.engines = engineList
            bench.productionHash = !fastHash
            bench.demoSeed = URL(fileURLWithPath: demoSeed)
            try await bench.run()
            return
        }
        var bench = CentralBenchmark()
        bench.kioskCounts = try counts(kiosks ?? "1,10,100,500,2000")
        bench.seconds = seconds ?? 3
        bench.outboxCommands = outbox
        bench.demoSeed = URL(fileURLWithPath: demoSeed)
        guard ["one", "own", "both"].contains(cards) else { throw ValidationError("--cards: one, own or both") }
        bench.cardModes = cards == "both" ? ["one", "own"] : [cards]
        bench.engines = engineList
        bench.pool = pool
        try await bench.run()
    }
}
