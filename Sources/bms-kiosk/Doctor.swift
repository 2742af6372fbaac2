import ArgumentParser
import Foundation

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

    func run() async throws {
        let stateDirectory = state ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?
            .split(separator: ":").first.map(String.init) ?? ".run"
        var checks = DoctorChecks(configDirectory: URL(fileURLWithPath: config), configShown: config,
                                  stateDirectory: URL(fileURLWithPath: stateDirectory))
        checks.outboxWarnAge = outboxWarnMinutes * 60
        checks.diskWarnBytes = diskWarnMib << 20
        let lines = await checks.run()
        let failed = lines.contains { $0.status == .fail }
        if json {
            struct Output: Encodable { var ok: Bool; var checks: [DoctorLine] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Output(ok: !failed, checks: lines)), as: UTF8.self))
        } else {
            for line in lines { print(line.text) }
        }
        fflush(nil)
        if failed { throw ExitCode(1) }
    }
}
