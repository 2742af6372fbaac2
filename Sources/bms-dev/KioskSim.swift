import ArgumentParser
import CentralAPI
import Domain
import Foundation
import KioskStore
import SyncClient

/// A simulated kiosk's outbox side: confirms commands into its own SQLite
/// and relays them. Used by the fault tests (killed with SIGKILL between
/// write and send, and during send) and by the benchmark.
struct KioskSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kiosk-sim",
        abstract: "Simulated kiosk: write N confirmed commands to a kiosk outbox, then relay them.")

    @Option(help: "The kiosk's SQLite file.") var db: String
    @Option(help: "bms-central base URL.") var central: String
    @Option(help: "The kiosk key file (bms-central kiosk add).") var key: String
    @Option(help: "Commands to confirm.") var count = 1
    @Option(help: "Card serial the commands are for.") var serial = "25010000000001"
    @Option(help: "Seconds to wait after writing, before sending.") var holdAfterWrite: Double = 0
    @Flag(help: "Relay the outbox after writing.") var relay = false

    func run() async throws {
        let store = try KioskStore(path: db)
        let creds = try KioskKeyFile.load(from: URL(fileURLWithPath: key))
        guard let url = URL(string: central) else { throw ValidationError("--central must be a URL") }
        for i in 0..<count {
            // Loss declarations for a CEAM one may make twice a year: the
            // benign, repeatable command is a view/print (recorded, no state).
            let command = KioskCommand(serial: serial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)),
                                       confirmedAt: Date())
            try store.enqueue(command)
            say("written \(i) \(command.id.uuidString.lowercased())")
        }
        if holdAfterWrite > 0 { try await Task.sleep(nanoseconds: UInt64(holdAfterWrite * 1e9)) }
        if relay {
            say("sending")
            let relay = OutboxRelay(store: store, client: CentralClient(baseURL: url, credentials: creds), backoff: Backoff(first: 0.05, maximum: 1))
            while try store.pendingCount() > 0 {
                let report = try await relay.drainOnce()
                if report.stoppedOn != nil { try await Task.sleep(nanoseconds: 50_000_000) }
            }
            say("drained")
        }
    }
}

/// One line to stdout, unbuffered: the fault tests read it while the process runs.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
