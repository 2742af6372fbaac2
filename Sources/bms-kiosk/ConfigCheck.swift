import ArgumentParser
import Foundation
import KioskConfig

/// `bms-kiosk config …`: the technician's tools for the configuration files.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the kiosk's configuration files.",
        subcommands: [ConfigCheck.self])
}

/// `bms-kiosk config check [DIR]`: every error at once, as
/// `DIR/kiosk.yaml:12:3: screen.widht: unknown key; did you mean "width"?`;
/// exit status 1 on any error. Which readers exist is not known without
/// PC/SC: the reader name's form is checked here, its presence by `doctor`.
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration directory: every error with file, line, key, what was found and what was expected.")

    @Argument(help: "The configuration directory.")
    var directory: String = "kiosk-config"

    @Flag(help: "One JSON document (for fleet tools) instead of lines.")
    var json = false

    func run() throws {
        let report = KioskConfiguration.check(directory: URL(fileURLWithPath: directory), displayName: directory)
        let (lines, status) = report.render(directory: directory)
        if json {
            struct Output: Encodable { var directory: String; var ok: Bool; var problems: [ConfigError]; var summary: String }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let output = Output(directory: directory, ok: status == 0, problems: report.problems, summary: lines.last ?? "")
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            for line in lines { print(line) }
        }
        fflush(nil)  // print is block-buffered when stdout is not a terminal
        if status != 0 { throw ExitCode(status) }
    }
}
