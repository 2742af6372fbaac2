import ArgumentParser
import Domain

/// `bms-kiosk`: the kiosk program and the technician's tools around it.
/// Each subcommand lives in its own file.
@main
struct BMSKiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bms-kiosk",
        abstract: "Borne multiservices de l'Assurance Maladie: the kiosk and its tools.",
        subcommands: [
            Rules.self,
            Run.self, Smoke.self, Bench.self,
            ReadCard.self, VirtualCardCommand.self,
            ConfigCommand.self, Doctor.self, WatchdogSelftest.self,
            PrintTest.self,
        ]
    )
}
