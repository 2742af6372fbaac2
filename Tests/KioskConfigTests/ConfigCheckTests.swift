import Domain
import Foundation
import Testing
@testable import KioskConfig

/// Each broken directory under Fixtures/ yields exactly its messages, all at
/// once, as `bms-kiosk config check` prints them.
@Suite struct ConfigCheckTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func check(_ name: String) -> ConfigReport {
        KioskConfiguration.check(directory: Self.fixtures.appendingPathComponent(name), displayName: name)
    }

    func messages(_ name: String) -> [String] { check(name).problems.map(\.description) }

    @Test func aValidDirectoryLoadsWithDefaults() throws {
        let report = check("valid")
        #expect(report.problems.isEmpty)
        let c = try #require(report.configuration)
        #expect(c.terminal.id == "FIX-0001")
        #expect(c.screen.width == 1920 && c.screen.height == 1080 && c.screen.physicalWidthMM == 345)
        #expect(c.screen.orientation == .landscape && c.screen.fullscreen)
        #expect(c.languages.offered == ["fr", "en"] && c.languages.default == "fr")
        #expect(c.services == [.ceam, .provisionalCode])
        #expect(c.reader == .any)
        // No hardware section: the reader and the tray under the screen.
        #expect(c.hardware == TerminalHardware(cardReader: .below, printerTray: .below))
        #expect(c.printer.queue == nil)
        #expect(c.timeouts.cardReadSeconds == 10)
        #expect(c.trust.issuers.map(\.idHex) == ["2DE2803EC2B8CF33"])
        #expect(c.central.url.absoluteString == "https://central.example.org:8443")
        #expect(c.central.keyFileKioskID == "FIX-0001")
        #expect(c.rules == .standard)
        let (lines, status) = report.render(directory: "valid")
        #expect(status == 0)
        #expect(lines == ["OK valid: terminal FIX-0001 (Test site), 1920×1080 landscape, 2 services, languages fr/en, any reader, 1 issuer key, 1 central key, central https://central.example.org:8443, rules standard. The reader's presence is checked by `bms-kiosk doctor`, not here."])
    }

    @Test func typosAreUnknownKeysWithTheirCorrection() {
        #expect(messages("typos") == [
            #"typos/kiosk.yaml:8:1: langauges: unknown key; did you mean "languages"?"#,
            #"typos/kiosk.yaml:5:3: screen.widht: unknown key; did you mean "width"?"#,
            // Every service of this version, as `KioskService` lists them.
            #"typos/kiosk.yaml:10:12: services[0]: found "ceamm", expected a service: "#
                + KioskService.allCases.map(\.rawValue).joined(separator: ", ") + #"; did you mean "ceam"?"#,
            #"typos/kiosk.yaml:12:3: printer.queu: unknown key; did you mean "queue"?"#,
            #"typos/rules.yaml:3:1: sesion: unknown key; did you mean "session"?"#,
            #"typos/rules.yaml:2:3: codes.maxTry: unknown key; did you mean "maxTries"?"#,
        ])
        let (lines, status) = check("typos").render(directory: "typos")
        #expect(status == 1)
        #expect(lines.last == "typos: 6 errors: the kiosk will not start with this configuration (it shows its out-of-service screen).")
    }

    @Test func wrongTypesSayWhatWasFoundAndWhatIsExpected() {
        #expect(messages("wrong-types") == [
            #"wrong-types/kiosk.yaml:5:10: screen.width: found "wide" (text), expected a whole number from 320 to 7680 (pixels)"#,
            #"wrong-types/kiosk.yaml:6:11: screen.height: found "1080" (text), expected a whole number from 240 to 4320 (pixels)"#,
            #"wrong-types/kiosk.yaml:8:15: screen.fullscreen: found "maybe" (text), expected true or false"#,
            #"wrong-types/kiosk.yaml:10:12: languages.offered: found "fr" (text), expected a list of language codes (fr, en, …)"#,
            #"wrong-types/kiosk.yaml:13:20: timeouts.cardReadSeconds: found 2.5 (a decimal number), expected a whole number from 1 to 60 (seconds)"#,
            #"wrong-types/kiosk.yaml:14:9: speech: found yes (a yes/no value), expected a mapping with the keys enabled, voice, wordsPerMinute"#,
            #"wrong-types/rules.yaml:3:7: ceam: found a list, expected a mapping with the keys validityYears, earlyRenewalMonthsBeforeExpiry, urgentDepartureDays, provisionalCertificateValidityMonths, deliveryDays, caisseWhenLossDeclarationsExceed, lossDeclarationYear, maxLossDeclarationsPerYear"#,
            #"wrong-types/rules.yaml:2:13: codes.maxTries: found "three" (text), expected a whole number from 1 to 10"#,
        ])
    }

    @Test func missingKeysPointAtTheMappingThatLacksThem() {
        #expect(messages("missing-keys") == [
            "missing-keys/kiosk.yaml:2:3: terminal.id: missing; expected the kiosk id known to the central store (letters, digits, - _ .)",
            "missing-keys/kiosk.yaml:4:3: screen.height: missing; expected a whole number from 240 to 4320 (pixels)",
            "missing-keys/kiosk.yaml:1:1: languages: missing; expected a mapping with offered and default",
            "missing-keys/kiosk.yaml:6:11: printer.queue: missing; expected a CUPS queue: the service attestation prints (or remove attestation from services)",
            "missing-keys/central.yaml:1:1: keyFile: missing; expected the path of this kiosk's key file (from `bms-central kiosk add`)",
        ])
    }

    @Test func badKeyFilesAreEachNamed() {
        #expect(messages("bad-key-files") == [
            #"bad-key-files/kiosk.yaml:13:7: trust.issuers[0]: found "../keys/private-key-by-mistake.pem": a PRIVATE key, expected a public key only: remove the private key from this machine"#,
            #"bad-key-files/kiosk.yaml:14:7: trust.issuers[1]: found "../keys/garbage.pem": a PEM block that is not a P-256 public key, expected a P-256 public key in PEM (-----BEGIN PUBLIC KEY-----)"#,
            #"bad-key-files/kiosk.yaml:15:7: trust.issuers[2]: found "../keys/misnamed/0011223344556677.pem": named for key id 0011223344556677 but holds key 2DE2803EC2B8CF33, expected the file named after its key: 2DE2803EC2B8CF33.pem"#,
            #"bad-key-files/kiosk.yaml:16:7: trust.issuers[3]: found "../keys/nowhere.pem": no such file or directory, expected a PEM public key file, a directory of them, or a JSON trust file (paths are relative to bad-key-files)"#,
            #"bad-key-files/kiosk.yaml:17:13: trust.central[0]: found "../keys/kiosk-FIX-0001.json": no "central" key in it, expected a trust file {"issuers": [{"keyId": …, "publicKey": PEM}], "central": […]}"#,
            #"bad-key-files/central.yaml:2:10: keyFile: found a key file for kiosk "OTHER-0002", expected the key file of this terminal, "FIX-0001" (kiosk.yaml terminal.id)"#,
        ])
    }

    @Test func aReaderNameWithControlCharactersIsRefusedVisibly() {
        #expect(messages("bad-reader") == [
            #"bad-reader/kiosk.yaml:12:9: reader.name: found "Gemalto\tReader\n", expected "any" or a PC/SC reader name (printable, at most 127 bytes; `bms-kiosk doctor` or pcsc_scan lists the readers)"#,
        ])
    }

    @Test func theReaderAndTraySidesAreRead() throws {
        let report = check("hardware")
        #expect(report.problems.isEmpty)
        let c = try #require(report.configuration)
        #expect(c.hardware == TerminalHardware(cardReader: .left, printerTray: .right))
    }

    @Test func aSideThatIsNotOneOfTheThreeListsThem() {
        #expect(messages("bad-hardware") == [
            "bad-hardware/kiosk.yaml:14:3: hardware.printer: unknown key; did you mean \"printerTray\"?",
            #"bad-hardware/kiosk.yaml:12:15: hardware.cardReader: found "top", expected one of: right, left, below"#,
            #"bad-hardware/kiosk.yaml:13:16: hardware.printerTray: found "rigth", expected one of: right, left, below; did you mean "right"?"#,
        ])
        #expect(check("bad-hardware").configuration == nil)
    }

    @Test func outOfRangeValuesGiveTheirBounds() {
        #expect(messages("out-of-range") == [
            "out-of-range/kiosk.yaml:7:20: screen.physicalWidthMm: found 34.5, expected a number from 100 to 2000 (millimetres of visible width)",
            "out-of-range/kiosk.yaml:8:16: screen.orientation: found portrait with a 1920×1080 screen, expected landscape: width and height are given as the user sees the screen",
            #"out-of-range/kiosk.yaml:11:12: languages.default: found "es", expected one of the offered languages: fr, en (or add Assets/i18n/es.json and "es" to languages.offered)"#,
            "out-of-range/kiosk.yaml:14:17: timeouts.printSeconds: found 1, expected a whole number from 5 to 600 (seconds)",
            "out-of-range/rules.yaml:2:13: codes.maxTries: found 12, expected a whole number from 1 to 10",
            "out-of-range/rules.yaml:5:29: session.inactivityWarningSeconds: found a warning 45 s before a 30 s timeout, expected fewer seconds than session.inactivityTimeoutSeconds",
            "out-of-range/rules.yaml:6:20: maxPersonsPerCard: found 13, expected a whole number from 1 to 12 (the card holds at most 12)",
        ])
    }

    @Test func aYAMLSyntaxErrorHasItsLine() {
        #expect(messages("syntax") == [
            "syntax/kiosk.yaml:3:1: found invalid YAML: found a tab character that violates indentation (while scanning a plain scalar at line 2), expected YAML (key: value, two-space indentation, no tabs)",
        ])
    }

    @Test func badURLs() {
        #expect(messages("bad-url") == [
            #"bad-url/central.yaml:1:6: url: found "htps://central.example.org" (scheme htps), expected an http(s) URL with a host, e.g. https://bms-central.cpam.example:8443; did you mean "https://central.example.org"?"#,
        ])
        #expect(messages("plain-http") == [
            #"plain-http/central.yaml:1:6: url: found "http://10.1.2.3:8080" (plain http to another machine), expected https:// for a central store that is not on this machine"#,
        ])
    }

    @Test func aDuplicateKeyIsAnError() {
        #expect(messages("duplicate-key") == ["duplicate-key/kiosk.yaml:2:3: id: duplicate key; each key once in a mapping"])
    }

    @Test func aMissingDirectoryOrFile() {
        #expect(messages("no-such-dir") == ["no-such-dir: found no such directory, expected a configuration directory with kiosk.yaml and central.yaml"])
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(KioskConfiguration.check(directory: empty, displayName: "empty").problems.map(\.description) == [
            "empty/kiosk.yaml: found no such file, expected a readable file",
            "empty/central.yaml: found no such file, expected a readable file",
        ])
    }

    @Test func loadThrowsEveryErrorAtOnce() {
        do {
            _ = try KioskConfiguration.load(from: Self.fixtures.appendingPathComponent("typos"))
            Issue.record("a broken configuration loaded")
        } catch {
            #expect(error.errors.count == 6)
            #expect(error.errors.allSatisfy { $0.line != nil && $0.column != nil && !$0.key.isEmpty })
        }
    }

    /// The valid fixture's kiosk.yaml and central.yaml in a fresh folder (keys
    /// by absolute path), for a test to add its own rules.yaml.
    static func validConfiguration() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in ["kiosk.yaml", "central.yaml"] {
            let text = try String(contentsOf: fixtures.appendingPathComponent("valid/\(file)"), encoding: .utf8)
            let absolute = text.replacingOccurrences(of: "../keys", with: fixtures.appendingPathComponent("keys").path)
            try absolute.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func rulesMapOntoRuleParameters() throws {
        let dir = try Self.validConfiguration()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        ceam:
          lossDeclarationYear: rolling
          urgentDepartureDays: 21
        codes:
          maxTries: 5
        session:
          inactivityTimeoutSeconds: 120
        """.write(to: dir.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        let c = try KioskConfiguration.load(from: dir)
        var expected = RuleParameters.standard
        expected.ceam.lossDeclarationYear = .rolling
        expected.ceam.urgentDepartureDays = 21
        expected.codes.maxTries = 5
        expected.session.inactivityTimeoutSeconds = 120
        #expect(c.rules == expected)
    }

    /// The old key counted the other way: a terminal still using it is told
    /// the new name and its meaning, never read under the new meaning.
    @Test func theOldLossLimitKeyIsRefusedWithTheNewName() throws {
        let dir = try Self.validConfiguration()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "ceam:\n  maxLossDeclarationsPerYear: 2\n".write(to: dir.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        let report = KioskConfiguration.check(directory: dir, displayName: "cfg")
        let problems = report.problems.map(\.description)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("cfg/rules.yaml:2:3: ceam.maxLossDeclarationsPerYear: found the old key, expected caisseWhenLossDeclarationsExceed") == true)
        try "ceam:\n  caisseWhenLossDeclarationsExceed: 3\n".write(to: dir.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        #expect(try KioskConfiguration.load(from: dir).rules.ceam.caisseWhenLossDeclarationsExceed == 3)
    }

    /// The demo configuration the README's run command uses stays valid.
    @Test func theDemoConfigurationIsValid() throws {
        let demo = Self.fixtures.appendingPathComponent("../../../kiosk-config").standardized
        let report = KioskConfiguration.check(directory: demo, displayName: "kiosk-config")
        #expect(report.problems.map(\.description) == [])
        let c = try #require(report.configuration)
        #expect(c.terminal.id == "DEMO-0001")
        #expect(c.central.url.absoluteString == "http://127.0.0.1:8080")
        #expect(c.services == KioskService.allCases)
        #expect(!c.trust.issuers.isEmpty && !c.trust.central.isEmpty)
    }

    /// `services: all` is every service in the standard order; another word
    /// is an error that says both forms.
    @Test func servicesAllIsEveryService() throws {
        // The valid fixture beside its keys, with `services: all` (the attestation among them needs a queue).
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("services-all-\(UUID().uuidString)")
        let dir = root.appendingPathComponent("cfg")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("keys"), withDestinationURL: Self.fixtures.appendingPathComponent("keys"))
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("valid/central.yaml"), to: dir.appendingPathComponent("central.yaml"))
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("valid/kiosk.yaml"), encoding: .utf8)
        func write(_ services: String) throws {
            try text.replacingOccurrences(of: "services: [ceam, provisionalCode]", with: "services: \(services)\nprinter:\n  queue: kiosk")
                .write(to: dir.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        }
        try write("all")
        let report = KioskConfiguration.check(directory: dir, displayName: "cfg")
        #expect(report.problems.map(\.description) == [])
        #expect(report.configuration?.services == KioskService.allCases)
        try write("everything")
        let wrong = KioskConfiguration.check(directory: dir, displayName: "cfg").problems.map(\.description)
        #expect(wrong.count == 1 && wrong.first?.contains("services: found") == true && wrong.first?.hasSuffix(", or all") == true, "\(wrong)")
    }

    /// A real terminal's commented example is valid except for the keys it
    /// cannot ship (they are made on the terminal).
    @Test func theTerminalExampleOnlyLacksItsSecrets() {
        let example = Self.fixtures.appendingPathComponent("../../../kiosk-config/examples/terminal").standardized
        let report = KioskConfiguration.check(directory: example, displayName: "terminal")
        #expect(report.errors.allSatisfy { $0.kind == .badKeyFile }, "\(report.errors)")
    }
}

@Suite struct SuggestTests {
    @Test(arguments: [
        ("widht", "width"), ("langauges", "languages"), ("maxTry", "maxTries"), ("fe", "fr"), ("Services", "services"),
    ])
    func suggestsTheClosestKey(typed: String, expected: String) {
        #expect(Suggest.closest(to: typed, in: ["width", "languages", "maxTries", "fr", "services", "en"]) == expected)
    }

    @Test func suggestsNothingFarAway() {
        #expect(Suggest.closest(to: "colour", in: ["width", "height"]) == nil)
        #expect(Suggest.closest(to: String(repeating: "x", count: 10_000), in: ["width"]) == nil)
    }
}

@Suite struct ConfigurationStateTests {
    @Test func anInvalidDirectoryKeepsTheKioskOutOfServiceWithAReason() {
        let state = ConfigurationState.load(directory: ConfigCheckTests.fixtures.appendingPathComponent("out-of-range"))
        guard case .outOfService(let errors) = state else { Issue.record("loaded"); return }
        #expect(errors.errors.count == 7)
        #expect(state.outOfServiceReason == "Configuration invalide: 7 erreur(s) dans kiosk.yaml, rules.yaml. bms-kiosk config check")
        let fields = errors.errors[0].logFields
        #expect(fields["line"] == "7" && fields["key"] == "screen.physicalWidthMm" && fields["kind"] == "outOfRange")
    }

    @Test func aValidDirectoryIsReady() {
        guard case .ready(let c) = ConfigurationState.load(directory: ConfigCheckTests.fixtures.appendingPathComponent("valid")) else {
            Issue.record("not ready"); return
        }
        #expect(c.terminal.id == "FIX-0001")
    }

    @Test func errorsEncodeForFleetTools() throws {
        let e = ConfigError(.unknownKey, file: "k.yaml", line: 5, column: 3, key: "screen.widht", didYouMean: "width")
        let json = String(decoding: try JSONEncoder().encode(e), as: UTF8.self)
        #expect(json.contains(#""didYouMean":"width""#) && json.contains(#""line":5"#) && json.contains(#""kind":"unknownKey""#))
    }
}

@Suite struct ConfigWarningTests {
    /// Warnings are printed but do not stop the kiosk.
    @Test func noCentralKeyIsAWarning() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = ConfigCheckTests.fixtures.appendingPathComponent("keys").path
        let kiosk = try String(contentsOf: ConfigCheckTests.fixtures.appendingPathComponent("valid/kiosk.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  central: [../keys/central]\n", with: "")
            .replacingOccurrences(of: "../keys", with: keys)
        try kiosk.write(to: dir.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        try "url: https://central.example.org\nkeyFile: \(keys)/kiosk-FIX-0001.json\n"
            .write(to: dir.appendingPathComponent("central.yaml"), atomically: true, encoding: .utf8)

        let report = KioskConfiguration.check(directory: dir, displayName: "cfg")
        #expect(report.configuration != nil)
        #expect(report.errors.isEmpty)
        #expect(report.warnings.map(\.description) == [
            "cfg/kiosk.yaml:13:3: trust.central: warning: missing; expected the central store's signing key: without it the rights written on cards cannot be verified",
        ])
        let (lines, status) = report.render(directory: "cfg")
        #expect(status == 0)
        #expect(lines.last?.hasSuffix("rules standard, 1 warning. The reader's presence is checked by `bms-kiosk doctor`, not here.") == true)
    }
}

/// Whatever a technician's editor leaves in the file, the check answers
/// with errors (located in the file) and never crashes.
@Suite struct ConfigRobustnessTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mangledFilesGiveLocatedErrorsNeverACrash() throws {
        let base = try String(contentsOf: ConfigCheckTests.fixtures.appendingPathComponent("valid/kiosk.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../keys", with: ConfigCheckTests.fixtures.appendingPathComponent("keys").path)
        let central = try String(contentsOf: ConfigCheckTests.fixtures.appendingPathComponent("valid/central.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../keys", with: ConfigCheckTests.fixtures.appendingPathComponent("keys").path)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try central.write(to: dir.appendingPathComponent("central.yaml"), atomically: true, encoding: .utf8)
        var rng = SplitMix(state: 42)
        let pieces: [String] = [":", " ", "\n", "\t", "- ", "[", "]", "{", "}", "\"", "'", "&a", "*a", "!!int", "~", "#", "é", "0x", "99999999999999999999"]
        var rejected = 0
        for _ in 0..<300 {
            var chars = Array(base)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<chars.count, using: &rng)
                if Bool.random(using: &rng) { chars.remove(at: i) } else { chars.insert(contentsOf: pieces.randomElement(using: &rng)!, at: i) }
            }
            try String(chars).write(to: dir.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
            let report = KioskConfiguration.check(directory: dir, displayName: "cfg")
            #expect((report.configuration == nil) == !report.errors.isEmpty)
            if !report.errors.isEmpty {
                rejected += 1
                let unlocated = report.errors.filter { !$0.file.hasPrefix("cfg/") || $0.line == nil }
                #expect(unlocated.isEmpty, "\(unlocated.map(\.description))")
            }
        }
        #expect(rejected > 100)
    }
}
