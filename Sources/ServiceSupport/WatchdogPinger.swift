import Foundation

/// Pings systemd's watchdog only while the caller's loop proves it is
/// alive: the loop calls `heartbeat()` each turn, and a thread of its own
/// sends WATCHDOG=1 every half WATCHDOG_USEC if, and only if, a heartbeat
/// came since the last ping. A hung loop stops the pings, systemd kills
/// the process (SIGABRT) and `Restart=always` starts a fresh one.
public final class WatchdogPinger: @unchecked Sendable {
    public let notifier: SystemdNotifier
    /// How often a ping may go out: half the watchdog timeout.
    public let interval: Duration

    private let condition = NSCondition()
    private var beatSinceLastPing = false
    private var running = false
    private var stopped = false
    private var thread: Thread?
    private var pings = 0

    /// Nil when systemd asked for no watchdog (no WATCHDOG_USEC, or it is
    /// meant for another process: WATCHDOG_PID differs) or there is no
    /// NOTIFY_SOCKET.
    public convenience init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let notifier = SystemdNotifier(environment: environment)
        guard notifier.isEnabled, let timeout = Self.watchdogTimeout(environment: environment) else { return nil }
        self.init(notifier: notifier, interval: timeout / 2)
    }

    public init(notifier: SystemdNotifier, interval: Duration) {
        self.notifier = notifier
        self.interval = max(interval, .milliseconds(10))
    }

    /// WATCHDOG_USEC when it is meant for this process.
    public static func watchdogTimeout(environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], let p = Int32(pid), p != getpid() { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// Called by the main loop each turn (cheap: a lock and a flag).
    public func heartbeat() {
        condition.lock(); beatSinceLastPing = true; condition.unlock()
    }

    /// Pings sent so far (for `STATUS=` and tests).
    public var pingCount: Int { condition.lock(); defer { condition.unlock() }; return pings }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running, !stopped else { return }
        running = true
        let thread = Thread { [self] in self.run() }
        thread.name = "watchdog-pinger"
        self.thread = thread
        thread.start()
    }

    public func stop() {
        condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
    }

    private func run() {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        condition.lock()
        while !stopped {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while !stopped, condition.wait(until: deadline) {}
            if stopped { break }
            let alive = beatSinceLastPing
            beatSinceLastPing = false
            if alive {
                condition.unlock()
                let sent = notifier.watchdog()
                condition.lock()
                if sent { pings += 1 }
            }
        }
        running = false
        condition.unlock()
    }

    deinit { stop() }
}
