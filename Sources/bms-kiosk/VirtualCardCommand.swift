import ArgumentParser
import CardProfile
import CardReader
import Domain
import Foundation
import VirtualCard

/// `bms-kiosk virtual-card`: a card without a reader (the demo), and the
/// maker of test cards and test issuer keys.
struct VirtualCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "virtual-card",
        abstract: "Serve a virtual card to pcscd's vpcd reader, or make test cards and keys.",
        subcommands: [Serve.self, Make.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Insert the card described by FILE into vpcd until interrupted.")

        @Argument(help: "Card file (JSON), as written by `virtual-card make`.")
        var file: String

        @Option(name: .long, help: "vpcd port (Debian's default reader is on 35963).")
        var port: UInt16 = 35963

        @Option(name: .long, help: "vpcd host.")
        var host = "127.0.0.1"

        func run() async throws {
            let applet = try CardApplet(spec: try CardSpec.load(path: file))
            let connection = VirtualCardConnection(applet: applet, host: host, port: port)
            try connection.insert(timeout: .seconds(30))
            FileHandle.standardError.write(Data("Card inserted into vpcd at \(host):\(port); Ctrl-C to pull it.\n".utf8))
            while connection.isInserted { try await Task.sleep(for: .milliseconds(200)) }
        }
    }

    struct Make: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a TEST card file, and a TEST issuer key and trust file when none is given.",
            discussion: "Example: bms-kiosk virtual-card make --foyer demo --out Assets/demo")

        @Option(name: .long, help: "demo (DUPONT Jean and 3 beneficiaries), demo-bernard, or demo-vitale2.")
        var foyer = "demo"

        @Option(name: .long, help: "Output folder.")
        var out: String

        @Option(name: .long, help: "Card serial (default: the foyer's demo serial).")
        var serial: String?

        @Option(name: .long, help: "Issuer key (PEM). A new TEST key is made when absent.")
        var issuerKey: String?

        @Option(name: .long, help: "Central (rights) key (PEM). A new TEST key is made when absent.")
        var centralKey: String?

        @Option(name: .long, help: "Issue date YYYY-MM-DD.")
        var issueDate = "2025-01-15"

        @Option(name: .long, help: "Certificate validity in years.")
        var years = 10

        @Flag(name: .long, help: "Also write signed rights (AMO for everyone, from --rights-start to --rights-end).")
        var rights = false

        @Option(name: .long, help: "AMO rights start YYYY-MM-DD (default: the issue date).")
        var rightsStart: String?

        @Option(name: .long, help: "AMO rights end YYYY-MM-DD (default: one year after the start).")
        var rightsEnd: String?

        func run() throws {
            let fm = FileManager.default
            try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
            func loadOrMake(_ path: String?, name: String) throws -> CardMaker.TestKey {
                if let path { return try CardMaker.TestKey(pem: String(contentsOfFile: path, encoding: .utf8)) }
                let key = CardMaker.TestKey()
                let target = (out as NSString).appendingPathComponent(name)
                try ("# TEST key made by bms-kiosk virtual-card make: NOT a real secret.\n" + key.privateKey.pemRepresentation + "\n")
                    .write(toFile: target, atomically: true, encoding: .utf8)
                print("wrote \(target)")
                return key
            }
            guard let issued = CivilDate(issueDate) else { throw ValidationError("--issue-date must be YYYY-MM-DD") }
            let spec: CardSpec
            var trustKeys: (issuers: [CardMaker.TestKey], central: [CardMaker.TestKey]) = ([], [])
            switch foyer {
            case "demo-vitale2":
                spec = CardMaker.vitale2Card(persons: CardMaker.demoFoyer, validityStart: issued)
            case "demo", "demo-bernard":
                let issuer = try loadOrMake(issuerKey, name: "test-issuer-key.pem")
                let central = rights ? try loadOrMake(centralKey, name: "test-central-key.pem") : nil
                trustKeys.issuers = [issuer]
                let persons = foyer == "demo" ? CardMaker.demoFoyer : CardMaker.demoSecondFoyer
                var s = try CardMaker.makeCard(serial: serial ?? (foyer == "demo" ? "25010000000001" : "25010000000002"),
                                               issueDate: issued, persons: persons, issuerKey: issuer,
                                               notAfter: issued.adding(years: years),
                                               comment: "TEST card (fictional people), made by bms-kiosk virtual-card make")
                if rights {
                    trustKeys.central = central.map { [$0] } ?? []
                    guard let start = rightsStart.map({ CivilDate($0) }) ?? issued else { throw ValidationError("--rights-start must be YYYY-MM-DD") }
                    guard let end = rightsEnd.map({ CivilDate($0) }) ?? start.adding(years: 1) else { throw ValidationError("--rights-end must be YYYY-MM-DD") }
                    s = try CardMaker.signRights(s, issuedAt: start.compact + "090000", start: start, end: end, centralKey: central!)
                }
                spec = s
            default:
                throw ValidationError("--foyer must be demo, demo-bernard or demo-vitale2")
            }
            let cardPath = (out as NSString).appendingPathComponent("\(foyer)-card.json")
            try spec.write(path: cardPath)
            print("wrote \(cardPath)")
            if !trustKeys.issuers.isEmpty {
                let trustPath = (out as NSString).appendingPathComponent("\(foyer)-trust.json")
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try e.encode(CardMaker.trustFile(issuers: trustKeys.issuers, central: trustKeys.central)).write(to: URL(fileURLWithPath: trustPath))
                print("wrote \(trustPath)")
            }
        }
    }
}
