import Foundation
import ProcessHygiene
import Testing
@testable import ServiceSupport

@Suite struct SystemdNotifierTests {
    @Test func withoutNotifySocketEveryCallIsANoOp() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.ready())
        #expect(!notifier.watchdog())
        #expect(WatchdogPinger(environment: ["WATCHDOG_USEC": "1000000"]) == nil)
    }

    @Test func sendsReadyStatusWatchdogAndStoppingToThePathSocket() throws {
        let listener = try NotifySocketListener()
        let notifier = SystemdNotifier(environment: listener.environment())
        #expect(notifier.ready(status: "Borne prête"))
        #expect(notifier.status("outbox 0"))
        #expect(notifier.watchdog())
        #expect(notifier.stopping())
        let texts = (0..<4).compactMap { _ in listener.receive(timeout: .seconds(2)) }
        #expect(texts.map(\.text) == ["READY=1\nSTATUS=Borne prête", "STATUS=outbox 0", "WATCHDOG=1", "STOPPING=1"])
        // SO_PASSCRED: systemd knows who speaks; so does the harness.
        #expect(texts.allSatisfy { $0.pid == getpid() })
    }

    @Test func reachesAnAbstractSocket() throws {
        // An abstract name: `@` in NOTIFY_SOCKET, a leading NUL in the address.
        let name = "@bms-test-\(UUID().uuidString.prefix(12))"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        let bound = withUnixAddress(name) { bind(fd, $0, $1) }
        #expect(bound == 0)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).ready())
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(String(decoding: buffer.prefix(max(n, 0)), as: UTF8.self) == "READY=1")
    }

    @Test func ignoresANotifySocketItCannotUse() {
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]).isEnabled)
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/dir/sock"]).ready())
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]).ready())
    }

    @Test func watchdogTimeoutIsOnlyForThisProcess() {
        #expect(WatchdogPinger.watchdogTimeout(environment: ["WATCHDOG_USEC": "3000000"]) == .seconds(3))
        #expect(WatchdogPinger.watchdogTimeout(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getpid())"]) == .seconds(3))
        #expect(WatchdogPinger.watchdogTimeout(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"]) == nil)
        #expect(WatchdogPinger.watchdogTimeout(environment: ["WATCHDOG_USEC": "0"]) == nil)
        #expect(WatchdogPinger.watchdogTimeout(environment: ["WATCHDOG_USEC": "soon"]) == nil)
    }
}

/// The watchdog contract: pings at about half WATCHDOG_USEC while the loop
/// beats, none once it hangs. Margins are wide (a loaded 2-core machine):
/// the test checks presence and absence of pings, not their precision.
@Suite struct WatchdogPingerTests {
    // Async, with the listening on a thread of its own: these waits last
    // seconds and must not hold one of the concurrency pool's two threads.
    @Test func pingsWhileTheLoopIsAliveAndStopsWhenItHangs() async throws {
        let listener = try NotifySocketListener()
        let env = listener.environment(watchdog: .milliseconds(400))
        let pinger = try #require(WatchdogPinger(environment: env))
        #expect(pinger.interval == .milliseconds(200))
        pinger.start()
        defer { pinger.stop() }

        // The loop: beats every 20 ms for 1.2 s, then hangs (no more beats).
        let loop = Thread {
            let end = Date(timeIntervalSinceNow: 1.2)
            while Date() < end { pinger.heartbeat(); usleep(20_000) }
        }
        loop.start()
        let (alive, hung) = try await ProcessHygiene.onOwnThread {
            (listener.collect(for: .milliseconds(1300)), listener.collect(for: .milliseconds(1200)))
        }

        let alivePings = alive.filter { $0.text == "WATCHDOG=1" }
        #expect(alivePings.count >= 3, "expected pings every ~200 ms while alive, got \(alivePings.count)")
        #expect(alivePings.count <= 8)
        // Gaps between pings: near the interval, never beyond the timeout.
        for (a, b) in zip(alivePings, alivePings.dropFirst()) {
            #expect(b.received - a.received < .milliseconds(400) + .milliseconds(300))
        }
        // After the hang at most one ping (a beat just before the hang), then silence.
        #expect(hung.filter { $0.text == "WATCHDOG=1" }.count <= 1)
        #expect(alive.allSatisfy { $0.pid == getpid() })
    }

    @Test func noPingBeforeTheFirstHeartbeat() async throws {
        let listener = try NotifySocketListener()
        let pinger = try #require(WatchdogPinger(environment: listener.environment(watchdog: .milliseconds(100))))
        pinger.start()
        defer { pinger.stop() }
        #expect(try await ProcessHygiene.onOwnThread { listener.collect(for: .milliseconds(400)) }.isEmpty)
        pinger.heartbeat()
        #expect(try await ProcessHygiene.onOwnThread { listener.receive(timeout: .seconds(2)) }?.text == "WATCHDOG=1")
    }
}

/// The real executable under the harness, as systemd would run it: READY=1,
/// pings while the loop beats, silence once it hangs.
@Suite struct WatchdogProcessTests {
    /// `swift test` builds every product next to the test bundle.
    static var kioskBinary: URL? {
        ProcessHygiene.builtExecutable("bms-kiosk")
    }

    @Test(.enabled(if: kioskBinary != nil, "bms-kiosk is not built next to the tests"))
    func aHungLoopStopsThePings() async throws {
        let listener = try NotifySocketListener()
        let binary = try #require(Self.kioskBinary)
        // The child's whole run is watched from a thread of its own (seconds
        // of waiting); the expectations follow on the test's task.
        let run = try await ProcessHygiene.onOwnThread { try Self.watch(binary, listener) }
        let ready = try #require(run.ready, "no READY=1 from the child")
        #expect(ready.text.hasPrefix("READY=1"))
        #expect(ready.pid == run.pid)
        let pings = run.messages.filter { $0.text == "WATCHDOG=1" }.map { $0.received - ready.received }
        let beforeHang = pings.filter { $0 < .milliseconds(1400) }
        let afterHang = pings.filter { $0 > .milliseconds(1900) }
        #expect(beforeHang.count >= 3, "pings before the hang: \(pings)")
        #expect(afterHang.isEmpty, "pings after the hang: \(pings)")
        #expect(run.messages.contains { $0.text == "STATUS=watchdog self-test: loop hung" })
        #expect(run.log.contains("level=warning label=bms.kiosk.watchdog-selftest msg=\"simulating a hung main loop: heartbeats stop\""))
        #expect(run.last.last?.text == "STOPPING=1")
    }

    struct Run: Sendable {
        var pid: Int32
        var ready: NotifySocketListener.Message?
        var messages: [NotifySocketListener.Message] = []
        var log = ""
        var last: [NotifySocketListener.Message] = []
    }

    /// Starts `watchdog-selftest` under the listener and records what it says
    /// until it exits (blocking).
    static func watch(_ binary: URL, _ listener: NotifySocketListener) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["watchdog-selftest", "--hang-after", "1.5", "--exit-after", "3.5"]
        process.environment = ProcessInfo.processInfo.environment.merging(listener.environment(watchdog: .milliseconds(400))) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var run = Run(pid: process.processIdentifier)
        run.ready = listener.receive(timeout: .seconds(10))
        guard let ready = run.ready else { return run }
        while case let left = ready.received + .milliseconds(3300) - .now, left > .zero {
            if let m = listener.receive(timeout: left) { run.messages.append(m) }
        }
        process.waitUntilExit()
        run.log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.last = listener.collect(for: .milliseconds(300))
        return run
    }
}
