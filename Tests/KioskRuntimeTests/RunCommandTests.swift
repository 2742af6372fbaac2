import CentralAPI
import CentralTesting
import Foundation
import KioskStore
import ProcessHygiene
import ServiceSupport
import Testing

/// `bms-kiosk run --config DIR` as systemd starts it: READY=1 once the first
/// frame is drawn, watchdog pings while the loop turns, the out-of-service
/// screen (not a crash) on an invalid configuration. Headless, no pcscd.
@Suite struct RunCommandTests {
    static var binary: URL? {
        ProcessHygiene.builtExecutable("bms-kiosk")
    }

    /// The demo configuration, copied, pointed at `central` with `credentials`.
    static func configuration(central: URL, credentials: KioskCredentials, in dir: URL) throws -> URL {
        let fm = FileManager.default
        let config = dir.appendingPathComponent("kiosk-config")
        try fm.createDirectory(at: config, withIntermediateDirectories: true)
        let trust = asset("Assets/demo/demo-trust.json")
        var kiosk = try String(contentsOfFile: asset("kiosk-config/kiosk.yaml"), encoding: .utf8)
        kiosk = kiosk.replacingOccurrences(of: "../Assets/demo/demo-trust.json", with: trust)
        try kiosk.write(to: config.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        try fm.copyItem(atPath: asset("kiosk-config/rules.yaml"), toPath: config.appendingPathComponent("rules.yaml").path)
        let key = config.appendingPathComponent("kiosk-key.json")
        try CentralJSON.encoder().encode(KioskKeyFile(credentials)).write(to: key)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        try "url: \(central.absoluteString)\nkeyFile: kiosk-key.json\n".write(to: config.appendingPathComponent("central.yaml"),
                                                                            atomically: true, encoding: .utf8)
        return config
    }

    /// Starts `bms-kiosk run --headless` with a notify socket and a watchdog.
    static func start(config: URL, state: URL, notify: NotifySocketListener) throws -> Process {
        let p = Process()
        p.executableURL = try #require(binary, "bms-kiosk is not built next to the tests")
        p.arguments = ["run", "--headless", "--config", config.path, "--state", state.path]
        p.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["STATE_DIRECTORY"] = nil
        // No pcscd for this test, whatever runs on the machine.
        env["PCSCLITE_CSOCK_NAME"] = state.appendingPathComponent("no-pcscd.comm").path
        for (k, v) in notify.environment(watchdog: .seconds(2)) { env[k] = v }
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Messages until READY=1 and then `pings` watchdog pings (bounded).
    static func readyThenPings(_ notify: NotifySocketListener, pings: Int) async throws -> (ready: String?, pings: Int) {
        try await ProcessHygiene.onOwnThread {
            var ready: String?
            var count = 0
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(60), ready == nil || count < pings {
                guard let m = notify.receive(timeout: .seconds(5)) else { continue }
                if m.assignments.contains("READY=1") { ready = m.text }
                if ready != nil, m.assignments.contains("WATCHDOG=1") { count += 1 }
            }
            return (ready, count)
        }
    }

    /// SIGTERM as `systemctl stop` sends it; waits (off the concurrency
    /// pool) for the exit: its status, and whether STOPPING=1 came first.
    static func stop(_ process: Process, _ notify: NotifySocketListener) async throws -> (status: Int32?, stopping: Bool) {
        try await ProcessHygiene.onOwnThread {
            process.terminate()
            var stopping = false
            let start = ContinuousClock.now
            while process.isRunning, ContinuousClock.now - start < .seconds(30) {
                if let m = notify.receive(timeout: .milliseconds(200)), m.assignments.contains("STOPPING=1") { stopping = true }
            }
            guard !process.isRunning else { return (nil, stopping) }
            process.waitUntilExit()
            // A datagram sent just before the exit may still be queued.
            while !stopping, let m = notify.receive(timeout: .milliseconds(100)) {
                if m.assignments.contains("STOPPING=1") { stopping = true }
            }
            return (process.terminationStatus, stopping)
        }
    }

    /// Without a configuration there is nothing to serve with: it says what
    /// is missing and stops, never falls back to a pretend central store.
    @Test func withoutAConfigurationItRefusesToStartAndSaysWhatIsMissing() throws {
        let p = Process()
        p.executableURL = try #require(Self.binary, "bms-kiosk is not built next to the tests")
        p.arguments = ["run", "--headless"]
        p.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["SDL_VIDEODRIVER"] = "dummy"
        p.environment = env
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        #expect(said.contains("--config DIR"), "\(said)")
        #expect(said.contains("kiosk.yaml"))
    }

    @Test func readyAfterTheFirstFrameAndPingsWhileTheLoopTurns() async throws {
        let dir = temporaryDirectory("run")
        let server = try await startCentral(directory: dir)
        let config = try Self.configuration(central: server.baseURL, credentials: try await server.addKiosk("DEMO-0001"), in: dir)
        let state = dir.appendingPathComponent("state")
        let notify = try NotifySocketListener()
        let process = try Self.start(config: config, state: state, notify: notify)
        defer { if process.isRunning { process.terminate() } }
        let (ready, pings) = try await Self.readyThenPings(notify, pings: 2)
        #expect(ready?.contains("attract") == true, "READY=1 with the attract screen: \(ready ?? "none")")
        #expect(pings >= 2)
        #expect(process.isRunning)
        // Its state is where it was told, and it fetched the reference data.
        let store = try KioskStore(path: state.appendingPathComponent("kiosk.sqlite").path)
        for _ in 0..<100 where !store.hasReference { try await Task.sleep(for: .milliseconds(50)) }
        #expect(store.hasReference)
        // systemctl stop: a clean exit, STOPPING=1 said.
        let (status, stopping) = try await Self.stop(process, notify)
        #expect(status == 0, "SIGTERM ends the kiosk cleanly (status \(status.map(String.init) ?? "still running after 30 s"))")
        #expect(stopping)
        await server.stop()
    }

    @Test func anInvalidConfigurationShowsOutOfServiceAndNeverCrashes() async throws {
        let dir = temporaryDirectory("bad")
        let config = dir.appendingPathComponent("kiosk-config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "terminal:\n  id: \"not valid!\"\nscreen: 12\n".write(to: config.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        let notify = try NotifySocketListener()
        let process = try Self.start(config: config, state: dir.appendingPathComponent("state"), notify: notify)
        defer { if process.isRunning { process.terminate() } }
        let (ready, pings) = try await Self.readyThenPings(notify, pings: 1)
        #expect(ready?.contains("out of service") == true, "READY=1 on the out-of-service screen: \(ready ?? "none")")
        #expect(pings >= 1)
        #expect(process.isRunning, "still running: a bad configuration is no crash")
        let (status, stopping) = try await Self.stop(process, notify)
        #expect(status == 0, "SIGTERM ends an out-of-service kiosk cleanly too")
        #expect(stopping)
    }
}
