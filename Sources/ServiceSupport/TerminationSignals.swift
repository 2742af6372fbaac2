#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// SIGTERM (`systemctl stop`, a shutdown) and SIGINT (Ctrl-C) ask a program
/// to stop cleanly: finish the loop turn, send STOPPING=1, close the store.
/// Without this the default action kills it mid-write, and SDL's own
/// handler (installed only when nobody else handles the signals) turns them
/// into a window "quit" that a headless loop may not see for a minute.
/// A second signal while stopping takes the default action: a stop that
/// hangs can still be forced from the terminal.
///
/// A real handler and a self-pipe, not a dispatch signal source: on Linux
/// those need the signal ignored, and an ignored signal is dropped by the
/// kernel when the thread it picks does not block it.
public final class TerminationSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?

    public init() {}

    /// The first signal received, nil while none came.
    public var received: Int32? { lock.withLock { first } }

    /// Handles `signals` from now on (one installation per process): the
    /// first one is recorded and `onSignal` runs on a thread of its own; the
    /// program checks `received` in its loop.
    public func install(_ signals: [Int32] = [SIGTERM, SIGINT], onSignal: @escaping @Sendable (Int32) -> Void) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        signalPipe = fds[1]
        let readEnd = fds[0]
        Thread { [self] in
            var number: Int32 = 0
            while read(readEnd, &number, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size {
                let isFirst = lock.withLock { () -> Bool in
                    guard first == nil else { return false }
                    first = number
                    return true
                }
                if isFirst { onSignal(number) }
            }
        }.start()
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = terminationSignalHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }
}

/// Only async-signal-safe calls in the handler: write(2), signal(2), raise(3).
nonisolated(unsafe) private var signalPipe: Int32 = -1
nonisolated(unsafe) private var signalSeen: sig_atomic_t = 0

private func terminationSignalHandler(_ number: Int32) {
    if signalSeen != 0 {
        // Second request: the default action (the stop itself hangs).
        signal(number, SIG_DFL)
        raise(number)
        return
    }
    signalSeen = 1
    var n = number
    _ = write(signalPipe, &n, MemoryLayout<Int32>.size)
}
