import AsyncHTTPClient
import CardReader
import CentralAPI
import CPCSCLite
import Domain
import DocumentCapture
import Foundation
import KioskConfig
import KioskStore
import NIOCore
import Printing
import SyncClient

/// One line of `bms-kiosk doctor`: a check, its verdict, and either what is
/// fine or what to do. Never personal data: no serial, NIR, name or number.
struct DoctorLine: Codable, Hashable, Sendable {
    enum Status: String, Codable, Sendable { case ok = "OK", warn = "WARN", fail = "FAIL" }
    var check: String
    var status: Status
    var message: String

    var text: String { "\(status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(check): \(message)" }
}

/// The technician's checks, each one short and bounded in time.
struct DoctorChecks: Sendable {
    var configDirectory: URL
    var configShown: String
    var stateDirectory: URL
    /// Beyond this the clock is said to be off, even when the central still accepts it.
    var clockToleranceSeconds: Double = 5
    /// The oldest unsent command older than this: WARN.
    var outboxWarnAge: TimeInterval = 15 * 60
    /// Less free space than this in the state directory: WARN (and FAIL under a tenth of it).
    var diskWarnBytes: UInt64 = 500 << 20
    var centralTimeout: TimeAmount = .seconds(5)
    var cardDeadline: Duration = .seconds(3)
    var now: @Sendable () -> Date = { Date() }

    func run() async -> [DoctorLine] {
        var lines: [DoctorLine] = []
        let report = KioskConfiguration.check(directory: configDirectory, displayName: configShown)
        let configuration = report.configuration
        lines.append(configurationLine(report))
        if let configuration {
            lines.append(trustLine(configuration))
            lines.append(await readerLine(configuration))
            lines.append(contentsOf: await centralLines(configuration))
            lines.append(await printerLine(configuration))
            lines.append(await scannerLine(configuration))
        } else {
            for check in ["trusted keys", "reader", "central store", "printer", "scanner"] {
                lines.append(DoctorLine(check: check, status: .fail, message: "not checked: fix the configuration first"))
            }
        }
        lines.append(outboxLine())
        lines.append(diskLine())
        return lines
    }

    // MARK: configuration and keys

    func configurationLine(_ report: ConfigReport) -> DoctorLine {
        guard report.configuration != nil else {
            let first = report.errors.first.map { ": first, \($0.description)" } ?? ""
            return DoctorLine(check: "configuration", status: .fail,
                              message: "\(report.errors.count) error(s): run `bms-kiosk config check \(configShown)`\(first)")
        }
        let c = report.configuration!
        let warnings = report.warnings.count
        return DoctorLine(check: "configuration", status: warnings == 0 ? .ok : .warn,
                          message: "\(configShown) valid, terminal \(c.terminal.id)"
                              + (warnings == 0 ? "" : ", \(warnings) warning(s): run `bms-kiosk config check \(configShown)`"))
    }

    func trustLine(_ c: KioskConfiguration) -> DoctorLine {
        if c.trust.issuers.isEmpty {
            return DoctorLine(check: "trusted keys", status: .fail,
                              message: "no issuer key: no carte Vitale can be authenticated; add the issuers' public keys (trust.issuers in kiosk.yaml)")
        }
        // The kiosk's private key must not be readable by others.
        var keyMessage = ""
        var status = DoctorLine.Status.ok
        if let mode = (try? FileManager.default.attributesOfItem(atPath: c.central.keyFile.path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            status = .warn
            keyMessage = "; the kiosk's key file is readable by others: chmod 600 \(c.central.keyFile.path)"
        }
        return DoctorLine(check: "trusted keys", status: status,
                          message: "\(c.trust.issuers.count) issuer key(s) and \(c.trust.central.count) central key(s) readable\(keyMessage)")
    }

    // MARK: reader and card

    func readerLine(_ c: KioskConfiguration) async -> DoctorLine {
        let wanted: String? = if case .named(let prefix) = c.reader { prefix } else { nil }
        let listing = PCSCProbe.readers()
        switch listing {
        case .failure(let error) where error.code == PCSCError.noService || error.code == PCSCError.serviceStopped:
            return DoctorLine(check: "reader", status: .fail, message: "pcscd is not running: start it (systemctl start pcscd.socket)")
        case .failure(let error):
            return DoctorLine(check: "reader", status: .fail, message: "PC/SC error \(error): restart pcscd (systemctl restart pcscd)")
        case .success(let readers):
            guard !readers.isEmpty else {
                return DoctorLine(check: "reader", status: .fail, message: "no card reader: plug the reader in (USB) and check `pcsc_scan`")
            }
            let candidates = wanted.map { w in readers.filter { $0.hasPrefix(w) } } ?? readers
            guard let reader = candidates.first else {
                return DoctorLine(check: "reader", status: .fail,
                                  message: "no reader named \"\(wanted!)…\"; present: \(readers.map { "\"\($0)\"" }.joined(separator: ", ")): fix reader.name in kiosk.yaml")
            }
            switch PCSCProbe.cardState(reader: reader) {
            case .failure(let error):
                return DoctorLine(check: "reader", status: .fail, message: "\"\(reader)\": PC/SC error \(error): replug the reader")
            case .success(.empty):
                return DoctorLine(check: "reader", status: .ok, message: "\"\(reader)\" present, no card inserted")
            case .success(.mute):
                return DoctorLine(check: "reader", status: .fail,
                                  message: "\"\(reader)\": the card inserted does not answer: remove it, try another card or clean the reader")
            case .success(.present(let atr)):
                let trust = TrustStore(issuerKeys: c.trust.issuers.map { ($0.id, $0.publicKey) },
                                       centralKeys: c.trust.central.map { ($0.id, $0.publicKey) })
                let service = CardService(drivers: CardService.standard(trust: trust).drivers, deadline: cardDeadline)
                do {
                    let reading = try await service.read(reader: reader, atr: atr)
                    // The driver and the verdict's kind only: nothing about the holder.
                    let verdict = Self.verdictName(reading.verdict)
                    return DoctorLine(check: "reader", status: .ok,
                                      message: "\"\(reader)\" present, card readable (\(reading.driver ?? "no known driver"), \(verdict))")
                } catch {
                    return DoctorLine(check: "reader", status: .fail,
                                      message: "\"\(reader)\": the card inserted cannot be read (\(error)): try another card or replug the reader")
                }
            }
        }
    }

    static func verdictName(_ v: CardVerdict) -> String {
        switch v {
        case .authentic: "authentic"
        case .identified: "identified"
        case .forged: "forged"
        case .expired: "expired"
        case .unknownIssuer: "unknown issuer: check trust.issuers"
        case .invalidated: "invalidated"
        case .faulty: "faulty"
        case .unknownCard: "not a carte Vitale"
        }
    }

    // MARK: central store

    func centralLines(_ c: KioskConfiguration) async -> [DoctorLine] {
        let url = c.central.url.absoluteString
        // The central's Date header (unsigned health): the skew even when a
        // signed request would be refused for it.
        var skew: Double?
        var request = HTTPClientRequest(url: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/v1/health")
        request.method = .GET
        do {
            let response = try await CentralClient.kioskHTTP.execute(request, timeout: centralTimeout)
            _ = try? await response.body.collect(upTo: 1 << 16)
            if let date = response.headers.first(name: "Date").flatMap(Self.httpDate) {
                skew = now().timeIntervalSince(date)
            }
        } catch {
            // The kiosk's own HTTP client, so the check sees what the kiosk sees.
            let why = CentralClient.reason(error, timeout: centralTimeout)
            return [DoctorLine(check: "central store", status: .fail,
                               message: "unreachable at \(url) (\(why)): check the network and central.yaml url")]
        }
        let client = CentralClient(baseURL: c.central.url,
                                   credentials: KioskCredentials(kioskID: c.terminal.id, privateKey: c.central.privateKey),
                                   timeout: centralTimeout)
        var lines: [DoctorLine] = []
        do {
            _ = try await client.reference()
            lines.append(DoctorLine(check: "central store", status: .ok, message: "\(url) reachable, kiosk key accepted"))
        } catch {
            switch error {
            case .rejected(401, let body) where body.code == "clock_skew":
                if let server = body.serverTime { skew = now().timeIntervalSince(server) }
                lines.append(DoctorLine(check: "central store", status: .fail, message: "\(url) refuses this kiosk's clock: set NTP (see clock)"))
            case .rejected(401, let body) where body.code != "replay":
                lines.append(DoctorLine(check: "central store", status: .fail,
                                        message: "kiosk key refused (\(body.code)): re-enrol this kiosk (bms-central kiosk add \(c.terminal.id))"))
            case .unreachable(let why):
                lines.append(DoctorLine(check: "central store", status: .fail, message: "unreachable at \(url) (\(why)): check the network"))
            default:
                lines.append(DoctorLine(check: "central store", status: .fail, message: "\(url): \(error)"))
            }
        }
        if let skew {
            let seconds = Int(skew.rounded())
            let ahead = seconds > 0 ? "ahead of" : "behind"
            if abs(skew) > clockToleranceSeconds {
                lines.append(DoctorLine(check: "clock", status: .fail, message: "\(abs(seconds)) s \(ahead) the central store: set NTP (timedatectl set-ntp true)"))
            } else {
                lines.append(DoctorLine(check: "clock", status: .ok, message: "in step with the central store (\(seconds) s)"))
            }
        } else {
            lines.append(DoctorLine(check: "clock", status: .warn, message: "the central store sent no Date: cannot compare clocks"))
        }
        return lines
    }

    static func httpDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: text)
    }

    // MARK: scanner

    /// The carte Vitale order's scanner: optional (the phone is the other way in).
    func scannerLine(_ c: KioskConfiguration) async -> DoctorLine {
        guard let device = c.scanner.device else {
            return DoctorLine(check: "scanner", status: .ok, message: "none configured (the order's documents come from the assuré's phone)")
        }
        do {
            let devices = try await SANEScanner.devices()
            if devices.contains(device) { return DoctorLine(check: "scanner", status: .ok, message: "\(device) ready") }
            let seen = devices.isEmpty ? "SANE sees no scanner" : "SANE sees \(devices.joined(separator: ", "))"
            return DoctorLine(check: "scanner", status: .fail,
                              message: "no scanner \"\(device)\" (\(seen)): check its USB cable and power, or fix scanner.device in kiosk.yaml (`scanimage -L` lists the devices)")
        } catch {
            return DoctorLine(check: "scanner", status: .fail, message: "SANE cannot list the scanners: \(error)")
        }
    }

    // MARK: printer

    func printerLine(_ c: KioskConfiguration) async -> DoctorLine {
        guard let queue = c.printer.queue else {
            return DoctorLine(check: "printer", status: .ok, message: "none configured (attestation is not offered)")
        }
        do {
            let health = try await CUPSPrinter(queue: queue).health()
            let reasons = health.reasons.filter { $0 != "none" }
            let shown = reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))"
            switch health {
            case .ready where reasons.contains(where: { $0.hasPrefix("media-low") }):
                return DoctorLine(check: "printer", status: .warn, message: "\(queue) ready, paper low: add paper\(shown)")
            case .ready:
                return DoctorLine(check: "printer", status: .ok, message: "\(queue) ready\(shown)")
            case .stopped where health.isOutOfPaper:
                return DoctorLine(check: "printer", status: .fail, message: "\(queue) out of paper: load paper, then `cupsenable \(queue)`\(shown)")
            case .stopped:
                return DoctorLine(check: "printer", status: .fail,
                                  message: "\(queue) stopped: check the printer (paper, jam, cover), then `cupsenable \(queue)`\(shown)")
            case .notAcceptingJobs:
                return DoctorLine(check: "printer", status: .fail, message: "\(queue) refuses new jobs: `cupsaccept \(queue)`\(shown)")
            }
        } catch {
            switch error {
            case .cupsUnreachable:
                return DoctorLine(check: "printer", status: .fail, message: "CUPS is not running: start it (systemctl start cups)")
            case .unknownQueue:
                return DoctorLine(check: "printer", status: .fail,
                                  message: "no CUPS queue \"\(queue)\": add it (lpadmin -p \(queue) …) or fix printer.queue in kiosk.yaml")
            default:
                return DoctorLine(check: "printer", status: .fail, message: "\(queue): \(error)")
            }
        }
    }

    // MARK: outbox and disk

    var databaseURL: URL { stateDirectory.appendingPathComponent("kiosk.sqlite") }

    func outboxLine() -> DoctorLine {
        guard FileManager.default.fileExists(atPath: databaseURL.path) else {
            return DoctorLine(check: "outbox", status: .ok, message: "empty (no database yet at \(databaseURL.path))")
        }
        do {
            let health = try KioskStore(path: databaseURL.path).outboxHealth()
            var parts: [String] = []
            var status = DoctorLine.Status.ok
            if let age = health.oldestAge(at: now()) {
                parts.append("\(health.pending) command(s) waiting, the oldest for \(Self.duration(age))")
                if health.oldestLastError.map({ $0.contains("unknown_kiosk") || $0.contains("bad_signature") }) == true {
                    status = .fail
                    parts.append("kiosk key refused: re-enrol this kiosk")
                } else if age > outboxWarnAge {
                    status = .warn
                    parts.append("not sent for over \(Self.duration(outboxWarnAge)): check the central store line above"
                                 + (health.oldestLastError.map { " (last error: \($0.prefix(120)))" } ?? ""))
                }
            } else {
                parts.append("empty")
            }
            if health.deadLetters > 0 {
                status = status == .fail ? .fail : .warn
                parts.append("\(health.deadLetters) dead letter(s): refused for good by the central store, kept in \(databaseURL.path); report them to the caisse")
            }
            return DoctorLine(check: "outbox", status: status, message: parts.joined(separator: "; "))
        } catch {
            return DoctorLine(check: "outbox", status: .fail, message: "cannot read \(databaseURL.path): \(error)")
        }
    }

    func diskLine() -> DoctorLine {
        var st = statvfs()
        guard statvfs(stateDirectory.path, &st) == 0 else {
            return DoctorLine(check: "disk", status: .fail,
                              message: "state directory \(stateDirectory.path) missing or unreadable: create it (StateDirectory= in the unit, or --state)")
        }
        let free = UInt64(st.f_bavail) * UInt64(st.f_frsize)
        let text = "\(Self.bytes(free)) free in \(stateDirectory.path)"
        if free < diskWarnBytes / 10 { return DoctorLine(check: "disk", status: .fail, message: text + ": free space now, the outbox needs it") }
        if free < diskWarnBytes { return DoctorLine(check: "disk", status: .warn, message: text + ": free some space (journal, old logs)") }
        return DoctorLine(check: "disk", status: .ok, message: text)
    }

    static func bytes(_ n: UInt64) -> String {
        n >= 1 << 30 ? String(format: "%.1f GiB", Double(n) / Double(1 << 30)) : "\(n >> 20) MiB"
    }

    static func duration(_ t: TimeInterval) -> String {
        let s = Int(max(0, t))
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 2 * 86400 { return "\(s / 3600) h" }
        return "\(s / 86400) days"
    }
}

/// Direct PC/SC questions with no waiting: is pcscd there, which readers,
/// is a card in one.
enum PCSCProbe {
    enum CardState: Sendable { case empty, mute, present(atr: [UInt8]) }

    static func withContext<T>(_ body: (SCARDCONTEXT) throws(PCSCError) -> T) -> Result<T, PCSCError> {
        var ctx: SCARDCONTEXT = 0
        let rv = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &ctx)
        guard rv == 0 else { return .failure(PCSCError(code: UInt32(truncatingIfNeeded: rv), operation: "SCardEstablishContext")) }
        defer { SCardReleaseContext(ctx) }
        do throws(PCSCError) { return .success(try body(ctx)) } catch { return .failure(error) }
    }

    static func readers() -> Result<[String], PCSCError> {
        withContext { ctx throws(PCSCError) in
            var size: DWORD = 0
            var rv = SCardListReaders(ctx, nil, nil, &size)
            if UInt32(truncatingIfNeeded: rv) == PCSCError.noReadersAvailable { return [] }
            guard rv == 0 else { throw PCSCError(code: UInt32(truncatingIfNeeded: rv), operation: "SCardListReaders") }
            guard size > 0, size < 1 << 20 else { return [] }
            var buffer = [CChar](repeating: 0, count: Int(size))
            rv = SCardListReaders(ctx, nil, &buffer, &size)
            if UInt32(truncatingIfNeeded: rv) == PCSCError.noReadersAvailable { return [] }
            guard rv == 0 else { throw PCSCError(code: UInt32(truncatingIfNeeded: rv), operation: "SCardListReaders") }
            return buffer.split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
    }

    static func cardState(reader: String) -> Result<CardState, PCSCError> {
        withContext { ctx throws(PCSCError) in
            let name = strdup(reader)!
            defer { free(name) }
            var state = SCARD_READERSTATE()
            state.szReader = UnsafePointer(name)
            state.dwCurrentState = DWORD(SCARD_STATE_UNAWARE)
            let rv = SCardGetStatusChange(ctx, 0, &state, 1)
            guard rv == 0 || UInt32(truncatingIfNeeded: rv) == PCSCError.timeout else {
                throw PCSCError(code: UInt32(truncatingIfNeeded: rv), operation: "SCardGetStatusChange")
            }
            let event = UInt(state.dwEventState)
            if event & UInt(SCARD_STATE_MUTE) != 0 { return .mute }
            guard event & UInt(SCARD_STATE_PRESENT) != 0 else { return .empty }
            let count = min(Int(state.cbAtr), Int(MAX_ATR_SIZE))
            let atr = withUnsafeBytes(of: &state.rgbAtr) { Array($0.prefix(count)) }
            return .present(atr: atr)
        }
    }
}
