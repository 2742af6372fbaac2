import Crypto
import Domain
import Foundation
import Yams

/// The outcome of reading a configuration directory: the configuration when
/// there is no error, and every error and warning found.
public struct ConfigReport: Sendable {
    public var configuration: KioskConfiguration?
    /// Errors and warnings, by file then line.
    public var problems: [ConfigError]
    public var errors: [ConfigError] { problems.filter { !$0.isWarning } }
    public var warnings: [ConfigError] { problems.filter(\.isWarning) }
    /// The files that were read, as displayed.
    public var files: [String]
}

extension KioskConfiguration {
    public static let kioskFile = "kiosk.yaml"
    public static let centralFile = "central.yaml"
    public static let rulesFile = "rules.yaml"

    /// Loads `directory`, or throws every error at once.
    public static func load(from directory: URL) throws(ConfigErrors) -> KioskConfiguration {
        let report = check(directory: directory)
        guard let configuration = report.configuration else { throw ConfigErrors(report.errors) }
        return configuration
    }

    /// Reads and validates every file of `directory`. `displayName` is how
    /// the directory is shown in messages (what the technician typed).
    /// `catalogs`: the languages the kiosk has (default: the installed
    /// `Assets/i18n`; when none is found, the codes are checked against
    /// `knownLanguages` only).
    public static func check(directory: URL, displayName: String? = nil,
                             catalogs: CatalogLanguages? = CatalogLanguages.installed()) -> ConfigReport {
        let shown = displayName ?? directory.path
        func display(_ file: String) -> String { shown.hasSuffix("/") ? shown + file : shown + "/" + file }

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            let error = ConfigError(.unreadable, file: shown, found: isDirectory.boolValue ? nil : "no such directory",
                                    expected: "a configuration directory with kiosk.yaml and central.yaml")
            return ConfigReport(configuration: nil, problems: [error], files: [])
        }

        let kiosk = FileChecker(file: display(kioskFile))
        let central = FileChecker(file: display(centralFile))
        let rules = FileChecker(file: display(rulesFile))
        var files = [kiosk.file, central.file]

        let kioskRoot = kiosk.parse(directory.appendingPathComponent(kioskFile))
        let centralRoot = central.parse(directory.appendingPathComponent(centralFile))
        var rulesRoot: Node?
        let rulesURL = directory.appendingPathComponent(rulesFile)
        if FileManager.default.fileExists(atPath: rulesURL.path) {
            files.append(rules.file)
            rulesRoot = rules.parse(rulesURL)
        }

        // Each file is validated even when another is broken: all errors at once.
        let kioskRead = kioskRoot.map { KioskFileReader(checker: kiosk, directory: directory, catalogs: catalogs).read($0) }
        let kioskPart = kioskRead?.part
        let centralPart = centralRoot.map { CentralFileReader(checker: central, directory: directory).read($0) } ?? nil
        // No rules.yaml: the standard values; an unreadable one: no parameters (an error is recorded).
        let hasRulesFile = files.count == 3
        let parameters: RuleParameters? = !hasRulesFile ? .standard : rulesRoot.flatMap { RulesFileReader(checker: rules).read($0) }

        // Across files: the key file must belong to this terminal.
        if let terminalID = kioskRead?.terminalID, let c = centralPart, let fileID = c.central.keyFileKioskID, fileID != terminalID {
            central.report(.badKeyFile, at: c.keyFileMark, key: "keyFile",
                           found: "a key file for kiosk \"\(fileID)\"",
                           expected: "the key file of this terminal, \"\(terminalID)\" (kiosk.yaml terminal.id)")
        }

        let problems = kiosk.errors + central.errors + rules.errors
        var configuration: KioskConfiguration?
        if !problems.contains(where: { !$0.isWarning }), let k = kioskPart, let c = centralPart, let parameters {
            configuration = KioskConfiguration(
                terminal: k.terminal, screen: k.screen, languages: k.languages, services: k.services,
                timeouts: k.timeouts, speech: k.speech, printer: k.printer, scanner: k.scanner, reader: k.reader, hardware: k.hardware,
                logging: k.logging,
                central: c.central, trust: k.trust, rules: parameters, directory: directory)
        }
        return ConfigReport(configuration: configuration, problems: problems, files: files)
    }
}

// MARK: - kiosk.yaml

struct KioskFileReader {
    /// Two lower-case letters (ISO 639-1): a language, maybe without its catalog yet.
    static func isLanguageCode(_ code: String) -> Bool { code.count == 2 && code.allSatisfy { $0 >= "a" && $0 <= "z" } }

    let checker: FileChecker
    let directory: URL
    let catalogs: CatalogLanguages?

    struct Part {
        var terminal: KioskConfiguration.Terminal
        var screen: KioskConfiguration.Screen
        var languages: KioskConfiguration.Languages
        var services: [KioskService]
        var timeouts: KioskConfiguration.Timeouts
        var speech: KioskConfiguration.Speech
        var printer: KioskConfiguration.Printer
        var scanner: KioskConfiguration.Scanner
        var reader: KioskConfiguration.ReaderChoice
        var hardware: TerminalHardware
        var logging: KioskConfiguration.LogSettings
        var trust: TrustedKeys
    }

    /// The part when the file is valid, and the terminal id whenever it
    /// reads (the key file is checked against it even when other keys are wrong).
    func read(_ root: Node) -> (part: Part?, terminalID: String?) {
        let before = checker.errors.filter { !$0.isWarning }.count
        let top = Section(root, path: "", allowed: ["terminal", "screen", "languages", "services", "timeouts",
                                                    "speech", "printer", "scanner", "reader", "hardware", "logging", "trust"], checker: checker)
        // terminal
        let t = top.requiredSection("terminal", allowed: ["id", "site"], expected: "a mapping with id and site")
        var id: String?
        if let (s, m) = t.string("id", expected: "the kiosk id known to the central store (letters, digits, - _ .)", required: top.has("terminal")) {
            if Self.isValidKioskID(s) { id = s } else {
                checker.report(.invalidValue, at: m, key: "terminal.id", found: "\"\(visible(s))\"",
                               expected: "1 to 64 of letters, digits, -, _, . (e.g. \"CPAM75-0012\")")
            }
        }
        let site = t.string("site", expected: "the site's name for operators", required: top.has("terminal"))?.0

        // screen
        let sc = top.requiredSection("screen", allowed: ["width", "height", "physicalWidthMm", "orientation", "fullscreen"],
                                     expected: "a mapping with width, height and physicalWidthMm")
        let width = sc.int("width", in: 320...7680, unit: "pixels", required: top.has("screen"))
        let height = sc.int("height", in: 240...4320, unit: "pixels", required: top.has("screen"))
        let mm = sc.double("physicalWidthMm", in: 100...2000, unit: "millimetres of visible width", required: top.has("screen"))
        let chosenOrientation = sc.choice("orientation", KioskConfiguration.Screen.Orientation.allCases.map(\.rawValue))
            .flatMap(KioskConfiguration.Screen.Orientation.init(rawValue:))
        let orientation = chosenOrientation ?? .landscape
        let fullscreen = sc.bool("fullscreen") ?? true
        if let width, let height {
            let portrait = height > width
            if chosenOrientation != nil, portrait != (orientation == .portrait) {
                checker.report(.invalidValue, at: sc.node("orientation")?.mark, key: "screen.orientation",
                               found: "\(orientation.rawValue) with a \(width)×\(height) screen",
                               expected: "\(portrait ? "portrait" : "landscape"): width and height are given as the user sees the screen")
            }
            if let mm {
                let pxPerMM = Double(width) / mm
                if !(2...20).contains(pxPerMM) {
                    checker.report(.outOfRange, at: sc.node("physicalWidthMm")?.mark, key: "screen.physicalWidthMm",
                                   found: "\(Section.format(mm)) mm for \(width) px (\(String(format: "%.1f", pxPerMM)) px/mm)",
                                   expected: "the visible width in millimetres, giving 2 to 20 px/mm (a 15.6\" 1920 px screen is about 345 mm)")
                }
            }
        }

        // languages
        let lang = top.requiredSection("languages", allowed: ["offered", "default"], expected: "a mapping with offered and default")
        let known = catalogs?.codes ?? KioskConfiguration.knownLanguages
        let knownText = catalogs.map { "a language with a catalog in \($0.shownDirectory): " + $0.codes.joined(separator: ", ") }
            ?? "a language the kiosk has: " + known.joined(separator: ", ")
        var offered: [String] = []
        for (code, mark, path) in lang.stringList("offered", expected: "language codes (fr, en, …)", required: top.has("languages")) ?? [] {
            if !known.contains(code) {
                // A well-formed code ("de") without a catalog is a missing
                // file, not a typo of a near code ("en").
                let addFile = catalogs != nil && Self.isLanguageCode(code)
                checker.report(.invalidValue, at: mark, key: path, found: "\"\(visible(code))\"",
                               expected: knownText + (addFile ? " (or add \(catalogs!.shownDirectory)/\(code).json)" : ""),
                               didYouMean: addFile ? nil : Suggest.closest(to: code, in: known))
            } else if offered.contains(code) {
                checker.report(.invalidValue, at: mark, key: path, found: "\"\(code)\" a second time", expected: "each language once")
            } else {
                offered.append(code)
            }
        }
        if lang.node("offered") != nil, case .sequence(let seq)? = lang.node("offered"), seq.isEmpty {
            checker.report(.invalidValue, at: lang.node("offered")?.mark, key: "languages.offered", found: "an empty list",
                           expected: "at least one language (fr)")
        }
        var defaultLanguage = offered.first ?? "fr"
        if let (code, mark) = lang.string("default", expected: "one of the offered languages") {
            if offered.contains(code) { defaultLanguage = code } else if !offered.isEmpty {
                let hasCatalog = known.contains(code)
                let addFile = !hasCatalog && catalogs != nil && Self.isLanguageCode(code)
                checker.report(.invalidValue, at: mark, key: "languages.default", found: "\"\(visible(code))\"",
                               expected: "one of the offered languages: " + offered.joined(separator: ", ")
                                   + (hasCatalog ? " (or add \"\(code)\" to languages.offered)"
                                      : addFile ? " (or add \(catalogs!.shownDirectory)/\(code).json and \"\(code)\" to languages.offered)" : ""),
                               didYouMean: hasCatalog || addFile ? nil : Suggest.closest(to: code, in: offered))
            }
        }

        // services: a list, or « all »: every service of this version in the
        // menu's order (the demo terminal's choice; a site lists its own).
        let serviceNames = KioskService.allCases.map(\.rawValue)
        var services: [KioskService] = []
        let all: Bool = if case .scalar(let s)? = top.node("services"), s.string == "all" { true } else { false }
        if all { services = KioskService.allCases }
        for (name, mark, path) in all ? [] : top.stringList("services", expected: "services (\(serviceNames.joined(separator: ", "))), or all",
                                                             required: true) ?? [] {
            guard let s = KioskService(rawValue: name) else {
                checker.report(.invalidValue, at: mark, key: path, found: "\"\(visible(name))\"",
                               expected: "a service: " + serviceNames.joined(separator: ", "),
                               didYouMean: Suggest.closest(to: name, in: serviceNames))
                continue
            }
            if services.contains(s) {
                checker.report(.invalidValue, at: mark, key: path, found: "\"\(name)\" a second time", expected: "each service once")
            } else { services.append(s) }
        }
        if case .sequence(let seq)? = top.node("services"), seq.isEmpty {
            checker.report(.invalidValue, at: top.node("services")?.mark, key: "services", found: "an empty list",
                           expected: "at least one service")
        }

        // timeouts
        let to = top.section("timeouts", allowed: ["cardReadSeconds", "centralRequestSeconds", "printSeconds",
                                                   "outOfServiceRetrySeconds", "syncIntervalSeconds"])
        let timeouts = KioskConfiguration.Timeouts(
            cardReadSeconds: to.int("cardReadSeconds", in: 1...60, unit: "seconds") ?? 10,
            centralRequestSeconds: to.int("centralRequestSeconds", in: 1...120, unit: "seconds") ?? 10,
            printSeconds: to.int("printSeconds", in: 5...600, unit: "seconds") ?? 60,
            outOfServiceRetrySeconds: to.int("outOfServiceRetrySeconds", in: 5...3600, unit: "seconds") ?? 30,
            syncIntervalSeconds: to.int("syncIntervalSeconds", in: 5...3600, unit: "seconds") ?? 30)

        // speech
        let sp = top.section("speech", allowed: ["enabled", "voice", "wordsPerMinute"])
        var voice = "fr"
        if let (v, m) = sp.string("voice", expected: "an espeak-ng voice (fr, fr-fr, en-gb…)") {
            if v.count <= 40, v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_+/".contains($0)) }) { voice = v } else {
                checker.report(.invalidValue, at: m, key: "speech.voice", found: "\"\(visible(v))\"",
                               expected: "an espeak-ng voice name (letters, digits, - + /: `espeak-ng --voices` lists them)")
            }
        }
        let speech = KioskConfiguration.Speech(enabled: sp.bool("enabled") ?? false, voice: voice,
                                               wordsPerMinute: sp.int("wordsPerMinute", in: 80...300, unit: "words per minute") ?? 160)

        // printer
        let pr = top.section("printer", allowed: ["queue"])
        var queue: String?
        if let (q, m) = pr.string("queue", expected: "a CUPS queue name (lpstat -p lists them)", required: top.has("printer")) {
            // CUPS queue names: printable, no space, slash or hash, at most 127 bytes.
            if q.utf8.count <= 127, q.allSatisfy({ !$0.isWhitespace && $0 != "/" && $0 != "#" && !$0.isNewline && $0.asciiValue.map { $0 >= 0x21 && $0 < 0x7F } ?? true }) {
                queue = q
            } else {
                checker.report(.invalidValue, at: m, key: "printer.queue", found: "\"\(visible(q))\"",
                               expected: "a CUPS queue name: no space, / or #, at most 127 bytes")
            }
        }
        if services.contains(.attestation), !pr.has("queue"), !checker.errors.contains(where: { $0.key == "printer.queue" }) {
            checker.report(.missingKey, at: top.node("services")?.mark, key: "printer.queue",
                           expected: "a CUPS queue: the service attestation prints (or remove attestation from services)")
        }

        // scanner (optional: without one, the order's documents come from the phone)
        let scan = top.section("scanner", allowed: ["device"])
        var scannerDevice: String?
        if let (d, m) = scan.string("device", expected: "a SANE device name (scanimage -L lists them)", required: top.has("scanner")) {
            // SANE names: backend:rest, printable, no space, at most 127 bytes.
            if d.utf8.count <= 127, d.contains(":"), d.allSatisfy({ !$0.isWhitespace && $0.asciiValue.map { $0 >= 0x21 && $0 < 0x7F } ?? false }) {
                scannerDevice = d
            } else {
                checker.report(.invalidValue, at: m, key: "scanner.device", found: "\"\(visible(d))\"",
                               expected: "a SANE device name such as \"genesys:libusb:001:004\" (backend:device, no space; scanimage -L lists them)")
            }
        }

        // reader
        let rd = top.section("reader", allowed: ["name"])
        var reader = KioskConfiguration.ReaderChoice.any
        if let (name, m) = rd.string("name", expected: "\"any\" or the start of a PC/SC reader name") {
            if name == "any" { reader = .any } else if Self.isPlausibleReaderName(name) { reader = .named(name) } else {
                checker.report(.invalidValue, at: m, key: "reader.name", found: "\"\(visible(name))\"",
                               expected: "\"any\" or a PC/SC reader name (printable, at most 127 bytes; `bms-kiosk doctor` or pcsc_scan lists the readers)",
                               didYouMean: name.lowercased() == "any" || Suggest.closest(to: name, in: ["any"]) != nil ? "any" : nil)
            }
        }

        // hardware: where the reader and the tray stand, seen from the
        // assuré facing the screen (the pictograms' arrows point there).
        let hw = top.section("hardware", allowed: ["cardReader", "printerTray"])
        let sides = TerminalHardware.Side.allCases.map(\.rawValue)
        let standard = TerminalHardware()
        let hardware = TerminalHardware(
            cardReader: hw.choice("cardReader", sides).flatMap(TerminalHardware.Side.init(rawValue:)) ?? standard.cardReader,
            printerTray: hw.choice("printerTray", sides).flatMap(TerminalHardware.Side.init(rawValue:)) ?? standard.printerTray)

        // logging
        let lg = top.section("logging", allowed: ["level", "redactionKeyFile"])
        let level = lg.choice("level", ["trace", "debug", "info", "notice", "warning", "error", "critical"]) ?? "info"
        var redactionKey: Data?
        if let (path, m) = lg.string("redactionKeyFile", expected: "a path to a secret file") {
            redactionKey = KeyFiles.secret(at: path, in: directory, keyPath: "logging.redactionKeyFile", mark: m, checker: checker)
        }

        // trust
        let tr = top.section("trust", allowed: ["issuers", "central"])
        func keys(_ key: String, default path: String) -> [TrustedKeys.Key] {
            // The default folder may be absent (no central keys); a path given must exist.
            let defaultExists = FileManager.default.fileExists(atPath: KeyFiles.resolve(path, in: directory).path)
            let entries = tr.stringList(key, expected: "paths of PEM files, directories of them, or JSON trust files")
                ?? (tr.has(key) || !defaultExists ? [] : [(path, nil, "trust.\(key)")])
            var found: [TrustedKeys.Key] = []
            for (entry, mark, keyPath) in entries {
                found += KeyFiles.publicKeys(at: entry, section: key, in: directory, keyPath: tr.has(key) ? keyPath : "trust.\(key)",
                                             mark: mark ?? tr.mark ?? top.mark, checker: checker)
            }
            return found
        }
        let issuers = keys("issuers", default: "trust/issuers")
        let centralKeys = keys("central", default: "trust/central")
        if centralKeys.isEmpty, !checker.errors.contains(where: { $0.key.hasPrefix("trust.central") }) {
            checker.report(.missingKey, at: tr.mark ?? top.mark, key: "trust.central",
                           expected: "the central store's signing key: without it the rights written on cards cannot be verified",
                           warning: true)
        }
        if issuers.isEmpty, !checker.errors.contains(where: { $0.key.hasPrefix("trust.issuers") }) {
            checker.report(.missingKey, at: tr.mark ?? top.mark, key: "trust.issuers",
                           expected: "at least one trusted card issuer key: without one no card is accepted")
        }

        guard checker.errors.filter({ !$0.isWarning }).count == before, let id, let site, let width, let height, let mm,
              !offered.isEmpty, !services.isEmpty else { return (nil, id) }
        return (Part(
            terminal: .init(id: id, site: site),
            screen: .init(width: width, height: height, physicalWidthMM: mm, orientation: orientation, fullscreen: fullscreen),
            languages: .init(offered: offered, default: defaultLanguage),
            services: services, timeouts: timeouts, speech: speech, printer: .init(queue: queue), scanner: .init(device: scannerDevice), reader: reader,
            hardware: hardware, logging: .init(level: level, redactionKey: redactionKey),
            trust: TrustedKeys(issuers: issuers, central: centralKeys)), id)
    }

    /// The central store's rule for kiosk ids (CentralAPI.RequestSignature.isValidKioskID).
    static func isValidKioskID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
        }
    }

    /// The form only: which readers exist is known to PC/SC at run time
    /// (`bms-kiosk doctor`), not to a file check.
    static func isPlausibleReaderName(_ name: String) -> Bool {
        (2...127).contains(name.utf8.count) && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
            && name.first != " " && name.last != " "
    }
}

// MARK: - central.yaml

struct CentralFileReader {
    let checker: FileChecker
    let directory: URL

    struct Part {
        var central: KioskConfiguration.Central
        var keyFileMark: Mark?
    }

    func read(_ root: Node) -> Part? {
        let top = Section(root, path: "", allowed: ["url", "keyFile"], checker: checker)
        var url: URL?
        if let (s, m) = top.string("url", expected: "the central store's URL (https://…, or http://127.0.0.1:PORT on this machine)", required: true) {
            url = Self.validate(url: s, mark: m, checker: checker)
        }
        var key: (URL, String?, P256.Signing.PrivateKey)?
        var keyMark: Mark?
        if let (path, m) = top.string("keyFile", expected: "the path of this kiosk's key file (from `bms-central kiosk add`)", required: true) {
            keyMark = m
            if let k = KeyFiles.kioskKey(at: path, in: directory, keyPath: "keyFile", mark: m, checker: checker) {
                key = k
                if let id = k.1, !KioskFileReader.isValidKioskID(id) {
                    checker.report(.badKeyFile, at: m, key: "keyFile", found: "\"\(path)\": kiosk id \"\(id)\"",
                                   expected: "a key file whose kioskID is a valid kiosk id")
                }
            }
        }
        guard let url, let key else { return nil }
        return Part(central: .init(url: url, keyFile: key.0, keyFileKioskID: key.1, privateKey: key.2), keyFileMark: keyMark)
    }

    static func validate(url s: String, mark: Mark?, checker: FileChecker) -> URL? {
        let expected = "an http(s) URL with a host, e.g. https://bms-central.cpam.example:8443"
        guard let components = URLComponents(string: s), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty, let url = components.url else {
            checker.report(.invalidValue, at: mark, key: "url", found: "\"\(visible(s))\"", expected: expected)
            return nil
        }
        guard scheme == "https" || scheme == "http" else {
            checker.report(.invalidValue, at: mark, key: "url", found: "\"\(s)\" (scheme \(scheme))", expected: expected,
                           didYouMean: Suggest.closest(to: scheme, in: ["https", "http"]).map { s.replacingOccurrences(of: scheme, with: $0) })
            return nil
        }
        if components.query != nil || components.fragment != nil || components.user != nil || components.password != nil {
            checker.report(.invalidValue, at: mark, key: "url", found: "\"\(visible(s))\"", expected: "the base URL only (no user, password, query or #fragment)")
            return nil
        }
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        if scheme == "http", !loopback {
            // Requests carry NIRs: plain HTTP only to a store on this machine.
            checker.report(.invalidValue, at: mark, key: "url", found: "\"\(s)\" (plain http to another machine)",
                           expected: "https:// for a central store that is not on this machine")
            return nil
        }
        return url
    }
}

// MARK: - rules.yaml

/// Maps `rules.yaml` onto `RuleParameters`: every key optional (absent =
/// the standard value of the ameli documents), every number bounded.
struct RulesFileReader {
    let checker: FileChecker

    func read(_ root: Node) -> RuleParameters? {
        let before = checker.errors.filter { !$0.isWarning }.count
        var p = RuleParameters.standard
        let top = Section(root, path: "", allowed: ["ceam", "carteVitale", "codes", "session", "maxPersonsPerCard"], checker: checker)

        let c = top.section("ceam", allowed: ["validityYears", "earlyRenewalMonthsBeforeExpiry", "urgentDepartureDays",
                                              "provisionalCertificateValidityMonths", "deliveryDays",
                                              "caisseWhenLossDeclarationsExceed", "lossDeclarationYear",
                                              "maxLossDeclarationsPerYear"])
        if let v = c.int("validityYears", in: 1...5, unit: "years") { p.ceam.validityYears = v }
        if let v = c.int("earlyRenewalMonthsBeforeExpiry", in: 0...12, unit: "months") { p.ceam.earlyRenewalMonthsBeforeExpiry = v }
        if let v = c.int("urgentDepartureDays", in: 1...60, unit: "days") { p.ceam.urgentDepartureDays = v }
        if let v = c.int("provisionalCertificateValidityMonths", in: 1...12, unit: "months") { p.ceam.provisionalCertificateValidityMonths = v }
        if let v = c.int("deliveryDays", in: 1...60, unit: "days") { p.ceam.deliveryDays = v }
        if let v = c.int("caisseWhenLossDeclarationsExceed", in: 0...12) { p.ceam.caisseWhenLossDeclarationsExceed = v }
        // The old name counted the other way (2 allowed 2, not 3): never
        // take its number silently under the new meaning.
        if c.has("maxLossDeclarationsPerYear") {
            checker.report(.invalidValue, at: c.keyMark("maxLossDeclarationsPerYear"), key: c.keyPath("maxLossDeclarationsPerYear"),
                           found: "the old key", expected: "caisseWhenLossDeclarationsExceed (seed 003: « plus de 2 fois » → 2; "
                               + "the caisse takes declarations once the year counts MORE than this)")
        }
        if let v = c.choice("lossDeclarationYear", YearWindow.allCases.map(\.rawValue)).flatMap(YearWindow.init(rawValue:)) {
            p.ceam.lossDeclarationYear = v
        }

        let v = top.section("carteVitale", allowed: ["minimumAge", "orderWindowDays", "orderBlackoutDays"])
        if let x = v.int("minimumAge", in: 0...18, unit: "years") { p.carteVitale.minimumAge = x }
        if let x = v.int("orderWindowDays", in: 1...30, unit: "days") { p.carteVitale.orderWindowDays = x }
        if let x = v.int("orderBlackoutDays", in: 0...30, unit: "days") { p.carteVitale.orderBlackoutDays = x }

        let k = top.section("codes", allowed: ["personalCodeDigits", "maxTries", "provisionalCodeDigits",
                                               "provisionalCodeValidityHours", "maxProvisionalRequests",
                                               "provisionalRequestWindowHours"])
        if let x = k.int("personalCodeDigits", in: 4...8, unit: "digits") { p.codes.personalCodeDigits = x }
        if let x = k.int("maxTries", in: 1...10) { p.codes.maxTries = x }
        if let x = k.int("provisionalCodeDigits", in: 4...8, unit: "digits") { p.codes.provisionalCodeDigits = x }
        if let x = k.int("provisionalCodeValidityHours", in: 1...168, unit: "hours") { p.codes.provisionalCodeValidityHours = x }
        if let x = k.int("maxProvisionalRequests", in: 1...10) { p.codes.maxProvisionalRequests = x }
        if let x = k.int("provisionalRequestWindowHours", in: 1...168, unit: "hours") { p.codes.provisionalRequestWindowHours = x }

        let s = top.section("session", allowed: ["inactivityTimeoutSeconds", "inactivityWarningSeconds", "maxExtensions"])
        if let x = s.int("inactivityTimeoutSeconds", in: 30...600, unit: "seconds") { p.session.inactivityTimeoutSeconds = x }
        if let x = s.int("inactivityWarningSeconds", in: 5...120, unit: "seconds") { p.session.inactivityWarningSeconds = x }
        if let x = s.int("maxExtensions", in: 0...50) { p.session.maxExtensions = x }
        if p.session.inactivityWarningSeconds >= p.session.inactivityTimeoutSeconds {
            checker.report(.outOfRange, at: s.node("inactivityWarningSeconds")?.mark ?? s.node("inactivityTimeoutSeconds")?.mark,
                           key: "session.inactivityWarningSeconds",
                           found: "a warning \(p.session.inactivityWarningSeconds) s before a \(p.session.inactivityTimeoutSeconds) s timeout",
                           expected: "fewer seconds than session.inactivityTimeoutSeconds")
        }

        if let x = top.int("maxPersonsPerCard", in: 1...12, unit: "the card holds at most 12") { p.maxPersonsPerCard = x }

        return checker.errors.filter({ !$0.isWarning }).count == before ? p : nil
    }
}

// MARK: - What `bms-kiosk config check` prints

extension ConfigReport {
    /// One line per problem (errors and warnings, `file:line:col: key: …`),
    /// then a summary line. Exit status 1 when there is any error.
    public func render(directory shown: String) -> (lines: [String], exitCode: Int32) {
        var lines = problems.map(\.description)
        let errorCount = errors.count, warningCount = warnings.count
        let plural = { (n: Int, word: String) in "\(n) \(word)\(n == 1 ? "" : "s")" }
        guard let c = configuration, errorCount == 0 else {
            lines.append("\(shown): \(plural(errorCount, "error"))" + (warningCount > 0 ? ", \(plural(warningCount, "warning"))" : "")
                         + ": the kiosk will not start with this configuration (it shows its out-of-service screen).")
            return (lines, 1)
        }
        let changed = c.rules == .standard ? "standard" : "tuned"
        let reader: String = switch c.reader { case .any: "any reader"; case .named(let n): "reader \"\(n)\"" }
        lines.append("OK \(shown): terminal \(c.terminal.id) (\(c.terminal.site)), \(c.screen.width)×\(c.screen.height) \(c.screen.orientation.rawValue), "
                     + "\(plural(c.services.count, "service")), languages \(c.languages.offered.joined(separator: "/")), \(reader), "
                     + "\(plural(c.trust.issuers.count, "issuer key")), \(plural(c.trust.central.count, "central key")), "
                     + "central \(c.central.url.absoluteString), rules \(changed)"
                     + (warningCount > 0 ? ", \(plural(warningCount, "warning"))" : "")
                     + ". The reader's presence is checked by `bms-kiosk doctor`, not here.")
        return (lines, 0)
    }
}
