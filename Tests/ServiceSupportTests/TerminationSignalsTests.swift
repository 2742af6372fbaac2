import Foundation
import ServiceSupport
import Synchronization
import Testing

/// SIGUSR2 stands in for SIGTERM: the test process must keep its own
/// SIGTERM for the CI's time limit.
@Test func aSignalIsRecordedAndWakesTheLoop() async throws {
    let signals = TerminationSignals()
    #expect(signals.received == nil)
    let woken = Mutex<[Int32]>([])
    signals.install([SIGUSR2]) { n in woken.withLock { $0.append(n) } }
    kill(getpid(), SIGUSR2)
    // Bounded wait: a lost signal fails the test instead of hanging the run.
    for _ in 0..<200 where woken.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(25)) }
    #expect(woken.withLock { $0 } == [SIGUSR2])
    #expect(signals.received == SIGUSR2)
    #expect(TerminationSignals.name(SIGTERM) == "SIGTERM")
}
