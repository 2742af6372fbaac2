import Foundation
import ProcessHygiene
import Testing

/// The units in systemd/ pass `systemd-analyze verify` with no output at
/// all (it exits 0 on unknown keys and bad values, so any line is a
/// failure), score low on `systemd-analyze security --offline`, and keep
/// the settings a kiosk's availability depends on.
@Suite struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let unitDirectory = repository.appendingPathComponent("systemd")
    static let units = ["bms-kiosk.service", "bms-central.service", "bms-virtual-card.service", "bms-demo.target"]

    static func analyzer() throws -> URL {
        for dir in ["/usr/bin", "/bin"] {
            let url = URL(fileURLWithPath: "\(dir)/systemd-analyze")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        Issue.record("systemd-analyze is missing: apt-get install -y systemd")
        throw CancellationError()
    }

    static func run(_ tool: URL, _ arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
        try await runCapturing(tool, arguments, in: directory, environment: ["SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": ""])
    }

    /// The units as installed, but with the binaries (not installed on a
    /// build machine) replaced by /bin/true: verify checks ExecStart exists.
    static func stagedUnits() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for unit in units {
            let text = try String(contentsOf: unitDirectory.appendingPathComponent(unit), encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/bms-kiosk ", with: "/bin/true ")
                .replacingOccurrences(of: "/usr/local/bin/bms-central ", with: "/bin/true ")
            try text.write(to: dir.appendingPathComponent(unit), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func verifyPrintsNothing() async throws {
        let tool = try Self.analyzer()
        let dir = try Self.stagedUnits()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, output) = try await Self.run(tool, ["verify", "--man=no"] + Self.units.map { "./\($0)" }, in: dir)
        #expect(status == 0)
        #expect(output.isEmpty, "systemd-analyze verify said:\n\(output)")
    }

    @Test(arguments: ["bms-kiosk.service", "bms-central.service", "bms-virtual-card.service"])
    func hardeningScoresLow(unit: String) async throws {
        let tool = try Self.analyzer()
        let dir = try Self.stagedUnits()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, output) = try await Self.run(tool, ["security", "--offline=yes", "./\(unit)"], in: dir)
        let line = try #require(output.split(separator: "\n").last { $0.contains("Overall exposure level") }, "\(output)")
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(score <= 2.5, "\(line)")
    }

    static func settings(_ unit: String) throws -> [String: [String]] {
        let text = try String(contentsOf: unitDirectory.appendingPathComponent(unit), encoding: .utf8)
        var settings: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
        }
        return settings
    }

    @Test(arguments: ["bms-kiosk.service", "bms-central.service"])
    func longRunningServicesNotifyAreWatchedAndComeBack(unit: String) throws {
        let s = try Self.settings(unit)
        #expect(s["Type"] == ["notify"])
        #expect(s["WatchdogSec"]?.isEmpty == false)
        #expect(s["Restart"] == ["always"])
        #expect(s["StartLimitIntervalSec"] == ["0"])
        #expect(s["Environment"]?.contains("SWIFT_BACKTRACE=enable=no") == true)
        #expect(s["TimeoutAbortSec"]?.isEmpty == false)
        #expect(s["StateDirectory"]?.isEmpty == false)
        for key in ["ProtectSystem": "strict", "NoNewPrivileges": "yes", "PrivateTmp": "yes", "ProtectHome": "yes"] {
            #expect(s[key.key] == [key.value], "\(key.key)")
        }
        #expect(s["User"] != nil || s["DynamicUser"] == ["yes"])
        #expect(s["User"] != ["root"])
    }

    @Test func theKioskStartsAfterTheCardDaemon() throws {
        let s = try Self.settings("bms-kiosk.service")
        #expect(s["After"]?.joined(separator: " ").contains("pcscd.socket") == true)
        #expect(s["Wants"]?.joined(separator: " ").contains("pcscd.socket") == true)
        #expect(s["ExecStart"]?.first?.contains("--config /etc/bms-kiosk") == true)
    }
}

/// Runs a tool to its end and returns its status and everything it printed
/// (stdout and stderr together), with `environment` added to ours. On a
/// thread of its own: a blocking wait on one of the concurrency pool's two
/// threads (CI) stalls the in-process servers of every other test. Output
/// through a file: a daemon another test spawns meanwhile could inherit a
/// pipe and hold its end of file back.
func runCapturing(_ tool: URL, _ arguments: [String], in directory: URL,
                  environment: [String: String]) async throws -> (status: Int32, output: String) {
    try await ProcessHygiene.onOwnThread {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
    }
}
