import Central
import CentralAPI
import CentralTesting
import Crypto
import Domain
import Foundation
import KioskStore
import Printing
import PrintingTesting
import ProcessHygiene
import Testing

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let holderSerial = "25010000000001"

/// One central store and one private cupsd for the whole test process,
/// started once (a stored task: concurrent first callers share it) and the
/// cupsd stopped at exit; each test gets its own kiosk id, queue,
/// configuration and state directory.
enum Fixtures {
    nonisolated(unsafe) private static var task: Task<(CentralTestServer, CUPSTestServer), any Error>?
    nonisolated(unsafe) private static var cups: CUPSTestServer?
    private static let lock = NSLock()

    static func servers() async throws -> (CentralTestServer, CUPSTestServer) {
        let pending = lock.withLock {
            if let started = Fixtures.task { return started }
            let t = Task {
                let store = try SQLCentralStore.sqlite(path: try temporaryDirectory("central").appendingPathComponent("central.sqlite").path)
                try await store.migrate()
                try await DemoSeed.load(from: repository.appendingPathComponent("Assets/demo/central-seed.json"))
                    .load(into: store, hasher: .fastForTests, at: Date())
                let service = CentralService(store: store, hasher: .fastForTests,
                                             sms: LogFileSMSGatewayForDevelopment(path: try temporaryDirectory("sms").appendingPathComponent("sms.log").path))
                let central = try await CentralTestServer.start(service: service)
                let cups = try await CUPSTestServer.start()
                lock.withLock { Fixtures.cups = cups }
                return (central, cups)
            }
            Fixtures.task = t
            // Only the synchronous stop at exit: no cupsd is left behind.
            atexit { Fixtures.lock.withLock { Fixtures.cups }?.stop() }
            return t
        }
        return try await pending.value
    }
}

func temporaryDirectory(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// A terminal: its configuration directory (from the demo one), its state
/// directory, and how `bms-kiosk doctor` answers for it.
struct Terminal {
    var id: String
    var config: URL
    var state: URL
    var cupsSocket: String

    /// `centralURL` nil: the test central store.
    static func make(central: CentralTestServer, cups: CUPSTestServer, queue: String?, centralURL: String? = nil,
                     clockOffset: TimeInterval = 0) async throws -> (Terminal, KioskCredentials) {
        let id = "DOC-\(UUID().uuidString.prefix(8))"
        let creds = try await central.addKiosk(id)
        let config = try temporaryDirectory("config"), state = try temporaryDirectory("state")
        var kiosk = try String(contentsOf: repository.appendingPathComponent("kiosk-config/kiosk.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "id: DEMO-0001", with: "id: \(id)")
            .replacingOccurrences(of: "../Assets/", with: repository.appendingPathComponent("Assets").path + "/")
        if let queue {
            kiosk = kiosk.replacingOccurrences(of: "queue: bms-demo", with: "queue: \(queue)")
        } else {
            // No printer: no attestation either (the other services print only where a printer is).
            let services = KioskService.allCases.filter { $0 != .attestation }.map { "  - \($0.rawValue)" }.joined(separator: "\n")
            kiosk = kiosk.replacingOccurrences(of: "services: all", with: "services:\n" + services)
                .split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("printer:") && !$0.hasPrefix("  queue:") && !$0.hasPrefix("  - attestation") }.joined(separator: "\n")
        }
        try kiosk.write(to: config.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        try "url: \(centralURL ?? central.baseURL.absoluteString)\nkeyFile: kiosk-key.json\n"
            .write(to: config.appendingPathComponent("central.yaml"), atomically: true, encoding: .utf8)
        let key = ["kioskID": id, "privateKeyPEM": creds.privateKey.pemRepresentation]
        let keyFile = config.appendingPathComponent("kiosk-key.json")
        try JSONSerialization.data(withJSONObject: key).write(to: keyFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
        return (Terminal(id: id, config: config, state: state, cupsSocket: cups.socketPath), creds)
    }

    static var binary: URL? {
        ProcessHygiene.builtExecutable("bms-kiosk")
    }

    /// Runs the doctor on a thread of its own: waiting for the child must not
    /// hold a thread of the small concurrency pool the test central store needs.
    /// `pcscd`: false points PC/SC at a socket that does not exist.
    func doctor(_ extra: [String] = [], pcscd: Bool = false) async throws -> (lines: [String: String], output: String, status: Int32) {
        try await ProcessHygiene.onOwnThread { try doctorNow(extra, pcscd: pcscd) }
    }

    func doctorNow(_ extra: [String], pcscd: Bool) throws -> (lines: [String: String], output: String, status: Int32) {
        let process = Process()
        process.executableURL = try #require(Self.binary, "bms-kiosk is not built next to the tests")
        process.arguments = ["doctor", "--config", config.path, "--state", state.path] + extra
        process.currentDirectoryURL = repository
        var environment = ProcessInfo.processInfo.environment
        // No pcscd for these tests, whatever runs on the machine: a socket that does not exist.
        if !pcscd { environment["PCSCLITE_CSOCK_NAME"] = state.appendingPathComponent("no-pcscd.comm").path }
        environment["CUPS_SERVER"] = cupsSocket
        environment["STATE_DIRECTORY"] = nil
        process.environment = environment
        // A file, not a pipe: a daemon another test spawns meanwhile may
        // inherit a pipe's write end and hold its end-of-file back.
        let outputFile = state.appendingPathComponent("doctor-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        let output = try String(contentsOf: outputFile, encoding: .utf8)
        try? FileManager.default.removeItem(at: outputFile)
        var lines: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let check = line.prefix(upTo: colon).dropFirst(5)
            lines[String(check)] = String(line)
        }
        return (lines, output, process.terminationStatus)
    }
}

@Suite("bms-kiosk doctor: one line per part, OK or what to do", .enabled(if: Terminal.binary != nil))
struct DoctorTests {
    @Test func aHealthyTerminalWithoutPCSCD() async throws {
        let (central, cups) = try await Fixtures.servers()
        let queue = "doctor-ok-\(UUID().uuidString.prefix(6))"
        try cups.addQueue(queue)
        let (terminal, _) = try await Terminal.make(central: central, cups: cups, queue: queue)
        // A healthy central store is judged on its answer, not on how fast a loaded test run gives it.
        let (lines, output, status) = try await terminal.doctor(["--central-timeout", "30"])
        #expect(lines["configuration"] == "OK   configuration: \(terminal.config.path) valid, terminal \(terminal.id)")
        #expect(lines["trusted keys"] == "OK   trusted keys: 1 issuer key(s) and 1 central key(s) readable")
        #expect(lines["reader"] == "FAIL reader: pcscd is not running: start it (systemctl start pcscd.socket)")
        #expect(lines["central store"] == "OK   central store: \(central.baseURL.absoluteString) reachable, kiosk key accepted")
        #expect(lines["clock"]?.hasPrefix("OK   clock: in step with the central store (") == true, "\(output)")
        #expect(lines["printer"] == "OK   printer: \(queue) ready", "\(output)")
        #expect(lines["outbox"] == "OK   outbox: empty (no database yet at \(terminal.state.path)/kiosk.sqlite)")
        #expect(lines["disk"]?.hasPrefix("OK   disk: ") == true)
        #expect(lines["scanner"] == "OK   scanner: none configured (the order's documents come from the assuré's phone)")
        #expect(status == 1, "the reader fails")
        #expect(output.split(separator: "\n").count == 9)
    }

    @Test func centralUnreachable() async throws {
        let (central, cups) = try await Fixtures.servers()
        let port = try CentralTestServer.freePort()
        let (terminal, _) = try await Terminal.make(central: central, cups: cups, queue: nil, centralURL: "http://127.0.0.1:\(port)")
        let (lines, output, status) = try await terminal.doctor(["--central-timeout", "1"])
        #expect(lines["central store"]?.hasPrefix("FAIL central store: unreachable at http://127.0.0.1:\(port) (connection refused (central store not running?)): check the network and central.yaml url") == true, "\(output)")
        #expect(lines["printer"] == "OK   printer: none configured (attestation is not offered)")
        #expect(status == 1)
    }

    @Test func clockSkewIsSaidInSecondsWithWhatToDo() async throws {
        let (_, cups) = try await Fixtures.servers()
        // A central store whose clock is 10 minutes ahead of this kiosk's.
        let store = try SQLCentralStore.sqlite(path: try temporaryDirectory("skew").appendingPathComponent("central.sqlite").path)
        try await store.migrate()
        let clock = TestClock(Date().addingTimeInterval(600))
        let service = CentralService(store: store, clock: clock, hasher: .fastForTests,
                                     sms: LogFileSMSGatewayForDevelopment(path: try temporaryDirectory("sms").appendingPathComponent("sms.log").path))
        let skewed = try await CentralTestServer.start(service: service)
        defer { Task { await skewed.stop() } }
        let (terminal, _) = try await Terminal.make(central: skewed, cups: cups, queue: nil)
        let (lines, output, _) = try await terminal.doctor()
        #expect(lines["central store"] == "FAIL central store: \(skewed.baseURL.absoluteString) refuses this kiosk's clock: set NTP (see clock)", "\(output)")
        // The central's test clock stands still: a few seconds less by the time the doctor asks.
        let clockLine = try #require(lines["clock"], "\(output)")
        #expect(clockLine.hasPrefix("FAIL clock: ") && clockLine.hasSuffix(" s behind the central store: set NTP (timedatectl set-ntp true)"))
        let seconds = Int(clockLine.dropFirst("FAIL clock: ".count).prefix { $0.isNumber }) ?? 0
        #expect((580...600).contains(seconds), "\(clockLine)")
    }

    @Test func revokedKeyAndStaleOutboxWithADeadLetter() async throws {
        let (central, cups) = try await Fixtures.servers()
        let (terminal, creds) = try await Terminal.make(central: central, cups: cups, queue: nil)
        try await central.service.store.revokeKiosk(id: creds.kioskID, at: Date())
        let store = try KioskStore(path: terminal.state.appendingPathComponent("kiosk.sqlite").path)
        let old = KioskCommand(serial: holderSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date())
        let parked = KioskCommand(serial: holderSerial, personIndex: 0, action: .vitaleOrder(order: nil), confirmedAt: Date())
        try store.enqueue(parked, at: Date().addingTimeInterval(-3 * 3600))
        try store.markDeadLetter(id: parked.id, reason: "central store answered 404 unknown_card: no card with this serial")
        try store.enqueue(old, at: Date().addingTimeInterval(-2 * 3600))
        try store.markRetry(id: old.id, error: "central store unreachable: ConnectError", next: Date())
        let (lines, output, status) = try await terminal.doctor()
        #expect(lines["central store"] == "FAIL central store: kiosk key refused (unknown_kiosk): re-enrol this kiosk (bms-central kiosk add \(terminal.id))", "\(output)")
        #expect(lines["outbox"] == "WARN outbox: 1 command(s) waiting, the oldest for 2 h; not sent for over 15 min: check the central store line above (last error: central store unreachable: ConnectError); 1 dead letter(s): refused for good by the central store, kept in \(terminal.state.path)/kiosk.sqlite; report them to the caisse", "\(output)")
        #expect(status == 1)
        // No personal data: no serial in the doctor's words.
        #expect(!output.contains(holderSerial))
        // The relay's error from a revoked key says so in the outbox line too.
        try store.markRetry(id: old.id, error: "central store answered 401 unknown_kiosk: this kiosk is not registered", next: Date())
        #expect(try await terminal.doctor().lines["outbox"]?.hasPrefix("FAIL outbox: 1 command(s) waiting, the oldest for 2 h; kiosk key refused: re-enrol this kiosk") == true)
    }

    @Test func deadLettersAreListedAndRequeued() async throws {
        let (central, cups) = try await Fixtures.servers()
        let (terminal, _) = try await Terminal.make(central: central, cups: cups, queue: nil)
        let store = try KioskStore(path: terminal.state.appendingPathComponent("kiosk.sqlite").path)
        let parked = KioskCommand(serial: holderSerial, personIndex: 0, action: .vitaleOrder(order: nil), confirmedAt: Date())
        try store.enqueue(parked)
        try store.markDeadLetter(id: parked.id, reason: "central store answered 400 bad_request: the body is not the JSON this endpoint expects")
        let listed = try await terminal.doctor(["--dead-letters", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any]
        let letters = json?["deadLetters"] as? [[String: Any]] ?? []
        #expect(letters.count == 1)
        #expect(letters.first?["id"] as? String == parked.id.uuidString.lowercased())
        #expect(letters.first?["action"] as? String == "vitale.order")
        #expect((letters.first?["reason"] as? String)?.contains("400 bad_request") == true)
        #expect(!listed.output.contains(holderSerial))

        let requeued = try await terminal.doctor(["--requeue", parked.id.uuidString])
        #expect(requeued.status == 0 && requeued.output.hasPrefix("Requeued \(parked.id.uuidString.lowercased())"))
        #expect(try store.pendingCount() == 1 && store.deadLetters().isEmpty)
        let again = try await terminal.doctor(["--requeue", parked.id.uuidString])
        #expect(again.status != 0 && again.output.contains("no dead letter"))
    }

    @Test func printerStoppedOrMissing() async throws {
        let (central, cups) = try await Fixtures.servers()
        let queue = "doctor-stop-\(UUID().uuidString.prefix(6))"
        try cups.addQueue(queue)
        try cups.disable(queue: queue)
        let (terminal, _) = try await Terminal.make(central: central, cups: cups, queue: queue)
        let stopped = try await terminal.doctor()
        #expect(stopped.lines["printer"]?.hasPrefix("FAIL printer: \(queue) stopped: check the printer (paper, jam, cover), then `cupsenable \(queue)`") == true,
                "\(stopped.output)")
        // Out of paper: the backend fails the first job with media-empty, cupsd stops the queue.
        let empty = "doctor-paper-\(UUID().uuidString.prefix(6))"
        try cups.addQueue(empty)
        try cups.setFault(.mediaEmpty, queue: empty)
        let pdf = try PDFRenderer().render(DemoDocuments.ceamCertificate(issuedOn: CivilDate(year: 2026, month: 11, day: 23)!).layout)
        _ = try await cups.printer(queue: empty).submit(pdf: pdf, jobName: "doctor-test")
        _ = try await cups.waitForHealth(queue: empty) { $0.isOutOfPaper }
        let (paperless, _) = try await Terminal.make(central: central, cups: cups, queue: empty)
        let paper = try await paperless.doctor()
        #expect(paper.lines["printer"]?.hasPrefix("FAIL printer: \(empty) out of paper: load paper, then `cupsenable \(empty)` (") == true, "\(paper.output)")

        let (missing, _) = try await Terminal.make(central: central, cups: cups, queue: "no-such-queue")
        #expect(try await missing.doctor().lines["printer"] == "FAIL printer: no CUPS queue \"no-such-queue\": add it (lpadmin -p no-such-queue …) or fix printer.queue in kiosk.yaml")
    }

    @Test func littleDiskSpaceSaysToFreeSome() async throws {
        let (central, cups) = try await Fixtures.servers()
        let (terminal, _) = try await Terminal.make(central: central, cups: cups, queue: nil)
        // A threshold no disk reaches: under a tenth of it is a FAIL.
        let line = try await terminal.doctor(["--disk-warn-mib", "1000000000000"]).lines["disk"]
        #expect(line?.hasPrefix("FAIL disk: ") == true && line?.hasSuffix(" free in \(terminal.state.path): free space now, the outbox needs it") == true,
                "\(line ?? "")")
    }

    @Test func aBrokenConfigurationSaysWhereAndSkipsWhatDependsOnIt() async throws {
        let (central, cups) = try await Fixtures.servers()
        let (terminal, _) = try await Terminal.make(central: central, cups: cups, queue: nil)
        let file = terminal.config.appendingPathComponent("kiosk.yaml")
        // The language menu's second code misspelt, whatever follows it (the demo's offers Arabic too).
        let text = try String(contentsOf: file, encoding: .utf8)
        try #require(text.contains("offered: [fr, en"), "the fixture's kiosk.yaml no longer offers [fr, en…]")
        try text.replacingOccurrences(of: "offered: [fr, en", with: "offered: [fr, eng").write(to: file, atomically: true, encoding: .utf8)
        let (lines, output, status) = try await terminal.doctor(["--json"])
        #expect(status == 1)
        _ = lines
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(json?["ok"] as? Bool == false)
        let checks = json?["checks"] as? [[String: String]] ?? []
        #expect(checks.first?["status"] == "FAIL")
        #expect(checks.first?["message"]?.contains(#"languages.offered[1]: found "eng""#) == true, "\(output)")
        #expect(checks.first?["message"]?.contains(#"did you mean "en"?"#) == true)
        #expect(checks.first(where: { $0["check"] == "reader" })?["message"] == "not checked: fix the configuration first")
    }
}
