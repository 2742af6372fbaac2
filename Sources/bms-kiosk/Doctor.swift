import ArgumentParser
import Foundation
import KioskRuntime
import KioskStore

/// `bms-kiosk doctor`: every part the kiosk needs, one line each, OK or
/// what to do; exit 1 when a check fails. For the technician on site and
/// for fleet tools (`--json`). No personal data in its output.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check configuration, reader and card, central store and clock, printer, outbox, disk and keys: one line each, OK or what to do.")

    @Option(help: "The configuration directory.")
    var config = "kiosk-config"

    @Option(help: "The kiosk's state directory (its database); default: $STATE_DIRECTORY, else .run/.")
    var state: String?

    @Flag(help: "One JSON document (for fleet tools) instead of lines.")
    var json = false

    @Option(help: "Warn when the oldest unsent command is older than this many minutes.")
    var outboxWarnMinutes: Double = 15

    @Option(help: "Warn when the state directory has less free space than this many MiB.")
    var diskWarnMib: UInt64 = 500

    @Option(help: "Seconds to wait for the central store.")
    var centralTimeout: Int64 = 5

    @Flag(help: "Also list the outbox's dead letters (id, service, when, why; no personal data).")
    var deadLetters = false

    @Option(help: "Put this dead letter (its id) back at the end of the outbox, after a fix on the central side.")
    var requeue: String?

    func run() async throws {
        // The card check reads through the reader layer: its threads are joined before the exit.
        try await ReaderShutdown.kiosk { try await check() }
    }

    func check() async throws {
        let stateDirectory = state ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?
            .split(separator: ":").first.map(String.init) ?? ".run"
        var checks = DoctorChecks(configDirectory: URL(fileURLWithPath: config), configShown: config,
                                  stateDirectory: URL(fileURLWithPath: stateDirectory))
        checks.outboxWarnAge = outboxWarnMinutes * 60
        checks.diskWarnBytes = diskWarnMib << 20
        checks.centralTimeout = .seconds(max(1, centralTimeout))
        if let requeue {
            try DeadLetterTool(database: checks.databaseURL).requeue(requeue)
            return
        }
        let lines = await checks.run()
        let failed = lines.contains { $0.status == .fail }
        let letters = deadLetters ? try DeadLetterTool(database: checks.databaseURL).list() : nil
        if json {
            struct Output: Encodable { var ok: Bool; var checks: [DoctorLine]; var deadLetters: [DeadLetterTool.Row]? }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Output(ok: !failed, checks: lines, deadLetters: letters)), as: UTF8.self))
        } else {
            for line in lines { print(line.text) }
            if let letters {
                print(letters.isEmpty ? "No dead letter." : "Dead letters (requeue one with --requeue ID once the central side is fixed):")
                for l in letters { print("  \(l.id)  \(l.action)  confirmed \(l.confirmedAt)  parked \(l.parkedAt)  \(l.attempts) attempt(s)  \(l.reason)") }
            }
        }
        fflush(nil)
        if failed { throw ExitCode(1) }
    }
}

/// The outbox's dead letters, for the technician.
struct DeadLetterTool {
    var database: URL

    struct Row: Encodable {
        var id: String
        var action: String
        var confirmedAt: String
        var parkedAt: String
        var attempts: Int
        var reason: String
    }

    func store() throws -> KioskStore {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw ValidationError("no kiosk database at \(database.path): give the kiosk's state directory with --state")
        }
        return try KioskStore(path: database.path)
    }

    func list() throws -> [Row] {
        guard FileManager.default.fileExists(atPath: database.path) else { return [] }
        let iso = ISO8601DateFormatter()
        return try store().deadLetters().map {
            Row(id: $0.id.uuidString.lowercased(), action: $0.action ?? "?", confirmedAt: iso.string(from: $0.createdAt),
                parkedAt: iso.string(from: $0.parkedAt), attempts: $0.attempts, reason: $0.reason)
        }
    }

    func requeue(_ text: String) throws {
        guard let id = UUID(uuidString: text) else { throw ValidationError("--requeue \(text): not a command id (a UUID from --dead-letters)") }
        guard try store().requeueDeadLetter(id: id) else {
            throw ValidationError("no dead letter \(text) in \(database.path) (see --dead-letters)")
        }
        print("Requeued \(id.uuidString.lowercased()): the kiosk sends it at its next outbox pass.")
    }
}
