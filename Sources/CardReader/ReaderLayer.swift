import Foundation

/// The reader layer's threads (the monitors', the card sessions') and their
/// orderly end. A program that started them must call `shutdown()` before
/// it exits: exit() runs pcsc-lite's library destructors, and a thread still
/// inside SCardGetStatusChange, SCardListReaders or SCardReleaseContext then
/// crashes the process after its work is done (issue #10: `read-card` exited
/// 139 about one run in 12 on a loaded machine).
public enum ReaderLayer {
    private static let shutdownLock = NSLock()
    private nonisolated(unsafe) static var outcome: Bool?

    /// Cancels (SCardCancel) and joins every reader thread, releases the
    /// idle contexts; from then on no monitor or card session starts.
    /// Returns false when a thread could not be joined within `timeout` (a
    /// transmit that pcscd never answers): the caller should then leave
    /// with `_exit`, which runs no library destructor. Calls after the first
    /// wait for it and return its outcome.
    @discardableResult
    public static func shutdown(timeout: Duration = .seconds(3)) -> Bool {
        shutdownLock.lock()
        defer { shutdownLock.unlock() }
        if let outcome { return outcome }
        let threads = ReaderThreads.shared.close()
        for (context, worker) in SessionPool.shared.close() {
            worker.submit { context.release() }
            worker.stop()
        }
        threads.forEach { $0.requestEnd() }
        let c = timeout.components
        let deadline = Date().addingTimeInterval(Double(c.seconds) + Double(c.attoseconds) / 1e18)
        var all = true
        for thread in threads {
            // SCardCancel wakes only a wait already inside pcscd: ask again
            // until the thread has gone (it checks its stop flag between calls).
            while !thread.end.wait(until: min(deadline, Date().addingTimeInterval(0.05))) {
                if Date() >= deadline { all = false; break }
                thread.requestEnd()
            }
        }
        ReaderThreads.shared.finish()
        outcome = all
        return all
    }

    /// True once `shutdown()` began: new monitors and sessions are refused.
    public static var isShutDown: Bool { !ReaderThreads.shared.accepting }
}

/// A thread's end, which another thread can wait for.
final class ThreadEnd: @unchecked Sendable {
    private let condition = NSCondition()
    private var ended = false

    func mark() {
        condition.lock(); ended = true; condition.broadcast(); condition.unlock()
    }

    /// True when the thread has ended, at the latest at `deadline`.
    func wait(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !ended {
            if !condition.wait(until: deadline) { return ended }
        }
        return true
    }
}

/// A thread of the reader layer.
protocol ReaderThread: AnyObject, Sendable {
    var end: ThreadEnd { get }
    /// Asks the thread to end soon: stop flag, SCardCancel on what it waits on.
    func requestEnd()
}

/// The live reader threads, so that `ReaderLayer.shutdown()` can end them all.
final class ReaderThreads: @unchecked Sendable {
    static let shared = ReaderThreads()
    private let lock = NSLock()
    private var threads: [ObjectIdentifier: any ReaderThread] = [:]
    private var open = true
    private var finished = false

    var accepting: Bool { lock.withLock { open } }
    /// pcsc-lite calls are still allowed (false once shutdown returned).
    var callsAllowed: Bool { lock.withLock { !finished } }

    /// False once shutdown began: the thread must not start.
    func register(_ t: any ReaderThread) -> Bool {
        lock.withLock {
            guard open else { return false }
            threads[ObjectIdentifier(t)] = t
            return true
        }
    }

    func unregister(_ t: any ReaderThread) {
        _ = lock.withLock { threads.removeValue(forKey: ObjectIdentifier(t)) }
    }

    func close() -> [any ReaderThread] {
        lock.withLock {
            open = false
            return Array(threads.values)
        }
    }

    func finish() { lock.withLock { finished = true } }
}
