import Foundation

/// Kannel on loopback for tests: bearerbox, the fake SMSC (fakesmsc) and
/// smsbox with private ports and config. Start order matters: bearerbox,
/// then fakesmsc once bearerbox listens (it never retries), then smsbox.
/// Needs Debian's `kannel` and `kannel-extras` (fakesmsc).
public final class KannelTestGateway: @unchecked Sendable {
    public let directory: URL
    public let sendsmsPort: Int
    public let username = "bms"
    public let password: String
    let adminPort: Int
    let smsboxPort: Int
    let smscPort: Int
    private var processes: [ChildProcess] = []
    private let lock = NSLock()

    /// `kannel:…` spec for `bms-central serve --sms`.
    public var spec: String { "kannel:http://\(username):\(password)@127.0.0.1:\(sendsmsPort)/cgi-bin/sendsms" }
    public var sendsmsURL: URL { URL(string: "http://127.0.0.1:\(sendsmsPort)/cgi-bin/sendsms")! }
    var fakesmscLog: URL { directory.appendingPathComponent("fakesmsc.out") }

    static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"

    private init(directory: URL, ports: [Int]) {
        self.directory = directory
        adminPort = ports[0]
        smsboxPort = ports[1]
        smscPort = ports[2]
        sendsmsPort = ports[3]
        password = UUID().uuidString.prefix(12).lowercased()
    }

    public static func start() async throws -> KannelTestGateway {
        for tool in ["/usr/sbin/bearerbox", "/usr/sbin/smsbox"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw HarnessError("Kannel is not installed (\(tool)): apt-get install -y kannel kannel-extras")
        }
        guard FileManager.default.isExecutableFile(atPath: fakesmsc) else {
            throw HarnessError("fakesmsc is missing (\(fakesmsc)): apt-get install -y kannel-extras")
        }
        // A free port is free when picked, not when bearerbox binds it: a test
        // running beside this one may take it meanwhile (bearerbox then panics,
        // "Could not open smsbox port"). Three tries, each on new ports.
        var failure: Error?
        for _ in 0..<3 {
            var ports: [Int] = []
            while ports.count < 4 {
                let p = try Harness.freePort()
                if !ports.contains(p) { ports.append(p) }
            }
            let gw = KannelTestGateway(directory: try Harness.temporaryDirectory("bms-kannel"), ports: ports)
            do {
                try gw.writeConfig()
                try await gw.startBearerbox()
                try await gw.startFakeSMSC()
                try await gw.startSMSBox()
                return gw
            } catch {
                // Nothing left running for a start that failed half-way.
                gw.stop()
                failure = error
            }
        }
        throw failure ?? HarnessError("Kannel did not start")
    }

    var configFile: URL { directory.appendingPathComponent("kannel.conf") }

    func writeConfig() throws {
        let d = directory.path
        let conf = """
        group = core
        admin-port = \(adminPort)
        admin-password = \(password)
        admin-allow-ip = 127.0.0.1
        smsbox-port = \(smsboxPort)
        box-allow-ip = 127.0.0.1
        log-file = "\(d)/bearerbox.log"
        log-level = 1
        dlr-storage = internal

        group = smsc
        smsc = fake
        smsc-id = fake
        host = 127.0.0.1
        port = \(smscPort)
        connect-allow-ip = 127.0.0.1

        group = smsbox
        bearerbox-host = 127.0.0.1
        bearerbox-port = \(smsboxPort)
        sendsms-port = \(sendsmsPort)
        sendsms-interface = 127.0.0.1
        log-file = "\(d)/smsbox.log"
        log-level = 1

        group = sendsms-user
        username = \(username)
        password = \(password)
        max-messages = 1

        """
        try conf.write(to: configFile, atomically: true, encoding: .utf8)
    }

    func add(_ p: ChildProcess) { lock.withLock { processes.append(p) } }

    func startBearerbox() async throws {
        let log = directory.appendingPathComponent("bearerbox.out")
        let bearerbox = try Harness.spawn("/usr/sbin/bearerbox", [configFile.path], log: log)
        add(bearerbox)
        try await Harness.waitForPort(adminPort, timeout: 10, what: "Kannel bearerbox", log: log, process: bearerbox)
        try await Harness.waitForPort(smscPort, timeout: 10, what: "Kannel bearerbox fake SMSC port", log: log, process: bearerbox)
    }

    func startFakeSMSC() async throws {
        // -m 0: sends nothing, prints every message it receives.
        add(try Harness.spawn(Self.fakesmsc, ["-H", "127.0.0.1", "-r", "\(smscPort)", "-m", "0", "100 200 text nop"], log: fakesmscLog))
        try await Task.sleep(nanoseconds: 100_000_000)
    }

    func startSMSBox() async throws {
        let log = directory.appendingPathComponent("smsbox.out")
        let smsbox = try Harness.spawn("/usr/sbin/smsbox", [configFile.path], log: log)
        add(smsbox)
        try await Harness.waitForPort(sendsmsPort, timeout: 10, what: "Kannel smsbox sendsms", log: log, process: smsbox)
    }

    /// A message as the fake SMSC received it.
    public struct ReceivedMessage: Sendable, Hashable {
        public var to: String
        public var text: String
    }

    /// What reached the fake SMSC so far ("Got message N: <from to text …>").
    public func received() -> [ReceivedMessage] {
        guard let out = try? String(contentsOf: fakesmscLog, encoding: .utf8) else { return [] }
        return out.split(separator: "\n").compactMap { line in
            guard let r = line.range(of: "Got message") , let colon = line[r.upperBound...].firstIndex(of: ":") else { return nil }
            let fields = line[line.index(after: colon)...].split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
            guard fields.count == 4, fields[2] == "text" else { return nil }
            // The line is "<from to text …>": drop the closing bracket.
            var text = String(fields[3])
            if text.hasSuffix(">") { text.removeLast() }
            return ReceivedMessage(to: String(fields[1]).replacingOccurrences(of: "<", with: ""), text: text)
        }
    }

    /// Waits until `count` messages arrived.
    public func waitForMessages(_ count: Int, timeout: TimeInterval = 10) async throws -> [ReceivedMessage] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let got = received()
            if got.count >= count { return got }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw HarnessError("fake SMSC received \(received().count) of \(count) messages in \(timeout) s")
    }

    /// Stops everything (smsbox first, bearerbox last).
    public func stop() {
        let ps = lock.withLock { processes }
        for p in ps.reversed() { p.terminate(timeout: 1) }
        try? FileManager.default.removeItem(at: directory)
    }
}
