import CPCSCLite
import Foundation
import Logging

/// What happens at the readers, as the kiosk sees it.
public enum ReaderEvent: Hashable, Sendable {
    case readerArrived(reader: String)
    case readerLeft(reader: String)
    /// A card is powered and answered an ATR.
    case cardInserted(reader: String, atr: [UInt8])
    case cardRemoved(reader: String)
    /// A card is in the reader but does not answer (PC/SC MUTE).
    case cardMute(reader: String)
    /// pcscd is not reachable; the monitor retries on its own.
    case serviceUnavailable(reason: String)
}

/// Turns PC/SC into events, on a thread of its own so that nothing ever
/// blocks the caller. Readers arriving and leaving come from
/// `\\?PnP?\Notification`; a pcscd restart is survived by reconnecting.
public final class ReaderMonitor: Sendable {
    private let state: LockedState
    private let logger: Logger
    private let pollMs: UInt32

    final class LockedState: ReaderThread, @unchecked Sendable {
        let lock = NSLock()
        var stopped = false
        var context: PCSCContext?
        var continuations: [UUID: AsyncStream<ReaderEvent>.Continuation] = [:]
        var started = false
        /// Marked when the thread has left run(), its context released.
        let end = ThreadEnd()

        /// Sets the stop flag, wakes the wait (SCardCancel) and ends every stream.
        func requestEnd() {
            let (ctx, conts): (PCSCContext?, [AsyncStream<ReaderEvent>.Continuation]) = lock.withLock {
                stopped = true
                defer { continuations = [:] }
                return (context, Array(continuations.values))
            }
            ctx?.cancel()
            conts.forEach { $0.finish() }
        }
    }

    /// - Parameter pollMs: how long one SCardGetStatusChange waits before
    ///   checking for `stop()` (it is also woken by SCardCancel).
    public init(logger: Logger = Logger(label: "bms.card.monitor"), pollMs: UInt32 = 1000) {
        self.state = LockedState()
        self.logger = logger
        self.pollMs = pollMs
    }

    deinit { stop() }

    /// A new stream of events. Each subscriber gets every event from now on;
    /// the first call starts the monitor thread.
    public func events() -> AsyncStream<ReaderEvent> {
        let (stream, continuation) = AsyncStream<ReaderEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        let startNow: Bool = state.lock.withLock {
            state.continuations[id] = continuation
            defer { state.started = true }
            return !state.started && !state.stopped
        }
        continuation.onTermination = { [state] _ in state.lock.withLock { _ = state.continuations.removeValue(forKey: id) } }
        if startNow {
            // The program is ending (ReaderLayer.shutdown): no thread, the stream ends.
            guard ReaderThreads.shared.register(state) else {
                state.requestEnd()
                state.end.mark()
                return stream
            }
            let thread = Thread { [self] in
                self.run()
                ReaderThreads.shared.unregister(state)
                state.end.mark()
            }
            thread.name = "bms.card.monitor"
            thread.start()
        }
        return stream
    }

    /// Stops the thread and ends every stream; returns at once (the thread
    /// leaves pcsc-lite shortly after). Before the process exits, call
    /// `stopAndWait` or `ReaderLayer.shutdown()`.
    public func stop() { state.requestEnd() }

    /// Stops, then waits until the thread has left pcsc-lite and released
    /// its context. False when it did not within `timeout`.
    @discardableResult
    public func stopAndWait(timeout: Duration = .seconds(3)) -> Bool {
        stop()
        let begun = state.lock.withLock { state.started }
        guard begun else { return true }
        let c = timeout.components
        let deadline = Date().addingTimeInterval(Double(c.seconds) + Double(c.attoseconds) / 1e18)
        while !state.end.wait(until: min(deadline, Date().addingTimeInterval(0.05))) {
            if Date() >= deadline { return false }
            // A cancel sent just before the thread entered its wait is lost: again.
            stop()
        }
        return true
    }

    private var isStopped: Bool { state.lock.withLock { state.stopped } }

    private func emit(_ event: ReaderEvent) {
        let conts = state.lock.withLock { Array(state.continuations.values) }
        conts.forEach { $0.yield(event) }
    }

    // MARK: the loop

    private struct Known {
        var eventState: UInt = 0
        var cardPresent = false
        var mute = false
    }

    private func run() {
        var reportedDown = false
        while !isStopped {
            let context: PCSCContext
            do { context = try PCSCContext() } catch {
                if !reportedDown { emit(.serviceUnavailable(reason: error.description)); reportedDown = true }
                logger.warning("pcscd unreachable, retrying", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            reportedDown = false
            state.lock.withLock { state.context = context }
            var readers: [String: Known] = [:]
            do {
                try loop(context, &readers)
            } catch {
                logger.warning("reader monitor lost pcscd, reconnecting", metadata: ["error": "\(error)"])
                emit(.serviceUnavailable(reason: error.description))
                reportedDown = true
            }
            // Everything known is gone with the context.
            for (name, k) in readers.sorted(by: { $0.key < $1.key }) {
                if k.cardPresent || k.mute { emit(.cardRemoved(reader: name)) }
                emit(.readerLeft(reader: name))
            }
            state.lock.withLock { state.context = nil }
            context.release()
            if !isStopped { Thread.sleep(forTimeInterval: 0.3) }
        }
    }

    private func loop(_ context: PCSCContext, _ readers: inout [String: Known]) throws(PCSCError) {
        var pnpState: UInt = 0
        try refreshReaders(context, &readers)
        while !isStopped {
            let names = readers.keys.sorted()
            let current = [(pnpNotificationReader, pnpState)] + names.map { ($0, readers[$0]!.eventState) }
            let result: [ReaderStateSnapshot]?
            do { result = try context.waitForChange(current: current, timeoutMs: pollMs) } catch {
                // A reader left between the listing and the wait: list again
                // rather than dropping the whole context.
                guard error.code == PCSCError.unknownReader || error.code == PCSCError.readerUnavailable else { throw error }
                try refreshReaders(context, &readers)
                continue
            }
            guard let snapshots = result else {
                // Timeout: also re-list, since some pcscd builds do not signal PnP for serial readers.
                try refreshReaders(context, &readers)
                continue
            }
            let pnp = snapshots[0]
            if pnp.eventState & UInt(SCARD_STATE_CHANGED) != 0 {
                pnpState = pnp.eventState & ~UInt(SCARD_STATE_CHANGED)
                try refreshReaders(context, &readers)
            }
            for snap in snapshots.dropFirst() where readers[snap.name] != nil {
                apply(snap, to: &readers)
            }
        }
    }

    private func refreshReaders(_ context: PCSCContext, _ readers: inout [String: Known]) throws(PCSCError) {
        let now = Set(try context.readers())
        for gone in readers.keys.filter({ !now.contains($0) }).sorted() {
            if readers[gone]!.cardPresent || readers[gone]!.mute { emit(.cardRemoved(reader: gone)) }
            readers[gone] = nil
            logger.info("reader left", metadata: ["reader": "\(gone)"])
            emit(.readerLeft(reader: gone))
        }
        for new in now.subtracting(readers.keys).sorted() {
            readers[new] = Known()
            logger.info("reader arrived", metadata: ["reader": "\(new)"])
            emit(.readerArrived(reader: new))
        }
    }

    private func apply(_ snap: ReaderStateSnapshot, to readers: inout [String: Known]) {
        guard var k = readers[snap.name] else { return }
        let s = snap.eventState
        guard s & UInt(SCARD_STATE_CHANGED) != 0 || k.eventState == 0 else { return }
        let oldCount = k.eventState >> 16, newCount = s >> 16
        k.eventState = s & ~UInt(SCARD_STATE_CHANGED)
        if s & UInt(SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE) != 0 {
            readers[snap.name] = k // refreshReaders reports it as gone.
            return
        }
        let present = s & UInt(SCARD_STATE_PRESENT) != 0
        let mute = present && s & UInt(SCARD_STATE_MUTE) != 0
        // The upper 16 bits count card events: a change of count with the
        // card still present means it was swapped between two polls.
        let swapped = present && (k.cardPresent || k.mute) && oldCount != newCount && oldCount != 0
        if (k.cardPresent || k.mute) && (!present || swapped) {
            emit(.cardRemoved(reader: snap.name))
            k.cardPresent = false; k.mute = false
        }
        if present && !(k.cardPresent || k.mute) {
            if mute {
                k.mute = true
                emit(.cardMute(reader: snap.name))
            } else {
                k.cardPresent = true
                emit(.cardInserted(reader: snap.name, atr: snap.atr))
            }
        } else if present && k.mute && !mute {
            k.mute = false; k.cardPresent = true
            emit(.cardInserted(reader: snap.name, atr: snap.atr))
        }
        readers[snap.name] = k
    }
}
