import CardReader
import Foundation
import ServiceSupport
#if canImport(Glibc)
import Glibc
#endif

/// Every command that starts the reader layer (read-card, run, doctor,
/// bench card, smoke --live) ends it before the process ends: exit() runs
/// pcsc-lite's library destructors, and a reader thread still inside
/// SCardGetStatusChange or SCardReleaseContext then crashes the process
/// after its verdict (issue #10: exit 139 about one run in 12).
public enum ReaderShutdown {
    /// Runs `body`, then cancels and joins the reader threads, whether it
    /// returned or threw. With `handleSignals`, SIGTERM and SIGINT do the
    /// same and leave with 128 + the signal; pass false when the command
    /// handles them itself (run: its loop ends and returns here).
    /// `failure` gives the exit status and the message of an error the
    /// command threw (each executable says its own).
    public static func run(handleSignals: Bool = true,
                           failure: (any Error) -> (code: Int32, message: String) = { (1, "\($0)") },
                           _ body: () async throws -> Void) async throws {
        let signals = handleSignals ? TerminationSignals() : nil
        signals?.install { number in
            end(code: 128 + number, orExitAnyway: true)
        }
        do {
            try await body()
        } catch {
            // The signal's shutdown ends the command's loop too: its exit status wins.
            if let n = signals?.received { end(code: 128 + n, orExitAnyway: true) }
            let (code, message) = failure(error)
            end(code: code, message: message)
            throw error
        }
        if let n = signals?.received { end(code: 128 + n, orExitAnyway: true) }
        end(code: 0)
    }

    /// Ends the reader layer. When a thread could not be joined (a transmit
    /// pcscd never answers), exit() is not safe: `_exit` after flushing
    /// what was printed, so that no destructor runs under that thread.
    public static func end(code: Int32, message: String = "", orExitAnyway: Bool = false) {
        let joined = ReaderLayer.shutdown()
        guard !joined || orExitAnyway else { return }
        if !joined { FileHandle.standardError.write(Data("A card reader thread did not stop in time; leaving without cleanup.\n".utf8)) }
        if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        fflush(nil)
        _exit(code)
    }
}
