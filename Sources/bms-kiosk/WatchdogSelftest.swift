import ArgumentParser
import Foundation
import Logging
import ServiceSupport

/// `bms-kiosk watchdog-selftest [--hang-after S]` (hidden): a main loop
/// that beats every 50 ms and, after S seconds, hangs (stops beating while
/// staying alive). Under systemd with WatchdogSec, the pings stop and the
/// service is killed and restarted: `scripts/systemd-demo-check.sh` and the
/// notify-socket harness use it to prove the watchdog end to end.
struct WatchdogSelftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchdog-selftest",
        abstract: "Beat the systemd watchdog, then simulate a hung main loop.",
        shouldDisplay: false)

    @Option(help: "Seconds of healthy loop before the simulated hang (default: never hang).")
    var hangAfter: Double?

    @Option(help: "Exit cleanly after this many seconds (default: run until killed).")
    var exitAfter: Double?

    func run() throws {
        let runtime = ServiceRuntime.bootstrap(label: "bms.kiosk.watchdog-selftest")
        runtime.ready(status: "watchdog self-test: loop alive")
        let start = Date()
        var hung = false
        while true {
            let elapsed = Date().timeIntervalSince(start)
            if let exitAfter, elapsed >= exitAfter { break }
            if let hangAfter, elapsed >= hangAfter {
                if !hung {
                    hung = true
                    runtime.logger.warning("simulating a hung main loop: heartbeats stop", metadata: ["after_s": "\(hangAfter)"])
                    runtime.status("watchdog self-test: loop hung")
                }
            } else {
                runtime.heartbeat()
            }
            usleep(50_000)
        }
        runtime.stopping()
    }
}
