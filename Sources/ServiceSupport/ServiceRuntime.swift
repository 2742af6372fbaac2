import Foundation
import Logging

/// What a long-running program (`bms-kiosk run`, `bms-central serve`) does
/// with systemd, in one place:
///
///     let runtime = ServiceRuntime.bootstrap(label: "bms.kiosk", level: .info)
///     … load the configuration, open the window …
///     runtime.ready(status: "attract screen")
///     while running { …one turn of the main loop…; runtime.heartbeat() }
///     runtime.stopping()
///
/// Logs go to stdout, one logfmt line per record (journald-aware). The
/// watchdog pings only while `heartbeat()` is called: a hung loop gets the
/// process killed and restarted by systemd.
public final class ServiceRuntime: Sendable {
    public let notifier: SystemdNotifier
    public let pinger: WatchdogPinger?
    public let logger: Logger
    /// SIGTERM/SIGINT, once `handleTermination` installed the handlers.
    public let termination = TerminationSignals()

    public init(label: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        notifier = SystemdNotifier(environment: environment)
        pinger = WatchdogPinger(environment: environment)
        logger = Logger(label: label)
    }

    /// Installs the structured log handler for the process, then the runtime.
    public static func bootstrap(label: String, level: Logger.Level = .info) -> ServiceRuntime {
        StructuredLogHandler.bootstrap(level: level)
        return ServiceRuntime(label: label)
    }

    /// READY=1 and start the watchdog pings.
    public func ready(status: String? = nil) {
        notifier.ready(status: status)
        pinger?.start()
        logger.notice("ready", metadata: [
            "systemd": .string(notifier.isEnabled ? "notify" : "none"),
            "watchdog": .string(pinger.map { "\($0.interval)" } ?? "off"),
        ])
    }

    /// One turn of the main loop went through.
    public func heartbeat() { pinger?.heartbeat() }

    /// A line for `systemctl status` (no personal data).
    public func status(_ text: String) { notifier.status(text) }

    /// From now on SIGTERM and SIGINT ask for a clean stop: `wake` runs so
    /// that a sleeping main loop sees `terminationRequested` at once.
    public func handleTermination(wake: @escaping @Sendable () -> Void) {
        let logger = self.logger
        termination.install { number in
            logger.notice("stop requested", metadata: ["signal": .string(TerminationSignals.name(number))])
            wake()
        }
    }

    /// A stop was asked for (SIGTERM/SIGINT): leave the main loop.
    public var terminationRequested: Bool { termination.received != nil }

    public func stopping() {
        notifier.stopping()
        pinger?.stop()
    }
}
