import ArgumentParser
import Domain
import KioskRuntime

/// `bms-kiosk`: the kiosk program and the technician's tools around it.
/// Each subcommand lives in its own file.
@main
struct BMSKiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bms-kiosk",
        abstract: "Borne multiservices de l'Assurance Maladie: the kiosk and its tools.",
        subcommands: [
            Rules.self,
            Run.self, Bench.self,
            ReadCard.self, VirtualCardCommand.self,
            ConfigCommand.self, Doctor.self, WatchdogSelftest.self,
            PrintTest.self,
        ]
    )
}

extension ReaderShutdown {
    /// Runs a command that starts the reader layer, ending it before the
    /// process ends, with bms-kiosk's exit statuses and messages.
    static func kiosk(handleSignals: Bool = true, _ body: () async throws -> Void) async throws {
        try await run(handleSignals: handleSignals, failure: { (BMSKiosk.exitCode(for: $0).rawValue, BMSKiosk.fullMessage(for: $0)) }, body)
    }
}
