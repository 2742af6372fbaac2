import ArgumentParser
import Domain
import Foundation

/// `bms-kiosk rules`: the rule parameters in force, so that a technician
/// or a caisse can see what the kiosk applies.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the rule parameters the kiosk applies (JSON).")

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(RuleParameters.standard)
        print(String(decoding: data, as: UTF8.self))
    }
}
