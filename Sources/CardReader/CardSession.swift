import CPCSCLite
import Foundation
import CardProfile

/// Why an exchange with the card did not produce an answer.
public enum CardTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No answer within the deadline: the card stopped answering.
    case timeout(milliseconds: Int)
    case cardRemoved
    /// The card does not answer its ATR properly (PC/SC mute).
    case mute
    /// The ATR or protocol is unusable.
    case badATR
    case pcsc(PCSCError)
    /// The card answered something that is not a response APDU.
    case malformedResponse(String)
    /// 61 XX / 6C XX chains that do not end.
    case runaway(String)
    /// The session was closed or poisoned by an earlier timeout.
    case closed

    public var description: String {
        switch self {
        case .timeout(let ms): return "the card did not answer within \(ms) ms"
        case .cardRemoved: return "the card was removed"
        case .mute: return "the card does not answer (mute)"
        case .badATR: return "the card's ATR is not valid"
        case .pcsc(let e): return e.description
        case .malformedResponse(let r): return "malformed card answer: \(r)"
        case .runaway(let r): return "the card keeps asking for more exchanges: \(r)"
        case .closed: return "the card session is closed"
        }
    }

    static func from(_ e: PCSCError) -> CardTransportError {
        if e.isCardGone { return .cardRemoved }
        switch e.code {
        case PCSCError.unresponsiveCard, PCSCError.unpoweredCard: return .mute
        case PCSCError.protoMismatch, PCSCError.unsupportedCard: return .badATR
        default: return .pcsc(e)
        }
    }
}

/// Something that carries raw APDUs to a card and back. The PC/SC session
/// is the real one; the seam lets the benchmark time raw round trips.
public protocol CardChannel: Sendable {
    /// The raw exchange, with a deadline.
    func transmit(_ command: [UInt8]) async throws(CardTransportError) -> [UInt8]
}

/// One connection to a card through pcsc-lite, owning its context and a
/// dedicated thread. SCardTransmit has no timeout and a card that stops
/// answering blocks it forever, so every call waits with a deadline: past
/// it, the caller gets `.timeout` at once, the session is poisoned, and the
/// thread disconnects and releases the context whenever pcscd lets go
/// (pcsc-lite holds the context lock during a transmit, so SCardDisconnect
/// from another thread would block as well).
public final class PCSCCardSession: CardChannel, @unchecked Sendable {
    public let reader: String
    public let atr: [UInt8]
    /// `SCARD_PROTOCOL_T0` (1) or `SCARD_PROTOCOL_T1` (2).
    public let activeProtocol: UInt
    public let deadline: Duration

    private let context: PCSCContext
    private let card: SCARDHANDLE
    private let worker: Worker
    private let lock = NSLock()
    private var poisoned = false
    private var closed = false

    private init(reader: String, atr: [UInt8], activeProtocol: UInt, deadline: Duration, context: PCSCContext, card: SCARDHANDLE, worker: Worker) {
        self.reader = reader; self.atr = atr; self.activeProtocol = activeProtocol; self.deadline = deadline
        self.context = context; self.card = card; self.worker = worker
    }

    /// Connects (shared, T=0 or T=1) on a thread of its own. A context and
    /// thread left by a cleanly closed session are reused when there is one
    /// (it saves a round trip to pcscd and a thread start on each card).
    /// - Parameter knownATR: the ATR from the monitor's event, which saves a
    ///   round trip to pcscd (SCardStatus) when given.
    public static func connect(reader: String, knownATR: [UInt8]? = nil, deadline: Duration = .seconds(3)) async throws(CardTransportError) -> PCSCCardSession {
        // The program is ending (ReaderLayer.shutdown): no new thread, no new PC/SC call.
        guard !ReaderLayer.isShutDown else { throw .closed }
        let idle = SessionPool.shared.take()
        let worker = idle?.worker ?? Worker(name: "bms.card.session")
        let result: Result<PCSCCardSession, CardTransportError> = await withDeadline(deadline, worker: worker, onTimeout: { worker.stop() }) {
            var context = idle?.context
            for attempt in 0..<2 {
                do {
                    let ctx = try context ?? PCSCContext()
                    var card: SCARDHANDLE = 0
                    var proto: DWORD = 0
                    let rv = SCardConnect(ctx.handle, reader, DWORD(SCARD_SHARE_SHARED),
                                          DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &card, &proto)
                    guard rv == 0 else {
                        let error = PCSCError(code: UInt32(truncatingIfNeeded: rv), operation: "SCardConnect")
                        ctx.release()
                        // A reused context dies with a restarted pcscd: retry on a fresh one.
                        if attempt == 0, context != nil, error.isServiceGone { context = nil; continue }
                        throw error
                    }
                    let atr = knownATR ?? status(card) ?? []
                    return .success(PCSCCardSession(reader: reader, atr: atr, activeProtocol: UInt(proto), deadline: deadline,
                                                    context: ctx, card: card, worker: worker))
                } catch let e as PCSCError {
                    worker.stop()
                    return .failure(CardTransportError.from(e))
                } catch {
                    worker.stop()
                    return .failure(.closed)
                }
            }
            worker.stop()
            return .failure(.closed)
        }
        return try result.get()
    }

    private static func status(_ card: SCARDHANDLE) -> [UInt8]? {
        var atr = [UInt8](repeating: 0, count: Int(MAX_ATR_SIZE))
        var atrLen = DWORD(atr.count)
        var state: DWORD = 0, proto: DWORD = 0
        var nameLen: DWORD = 0
        guard SCardStatus(card, nil, &nameLen, &state, &proto, &atr, &atrLen) == 0 else { return nil }
        return Array(atr.prefix(Int(atrLen)))
    }

    public func transmit(_ command: [UInt8]) async throws(CardTransportError) -> [UInt8] {
        let usable = lock.withLock { !poisoned && !closed }
        guard usable else { throw .closed }
        let card = self.card, proto = activeProtocol
        let result: Result<[UInt8], CardTransportError> = await withDeadline(deadline, worker: worker, onTimeout: { [self] in
            lock.withLock { poisoned = true }
            // Wakes anything waiting on the context; the worker cleans up
            // once the blocked transmit returns (card pulled, pcscd gone).
            context.cancel()
            close()
        }) {
            var response = [UInt8](repeating: 0, count: 258 + 2)
            var length = DWORD(response.count)
            let pci = proto == UInt(SCARD_PROTOCOL_T0) ? bms_pci_t0() : bms_pci_t1()
            let rv = command.withUnsafeBufferPointer { cmd in
                SCardTransmit(card, pci, cmd.baseAddress, DWORD(cmd.count), nil, &response, &length)
            }
            if rv != 0 { return .failure(CardTransportError.from(PCSCError(code: UInt32(truncatingIfNeeded: rv), operation: "SCardTransmit"))) }
            // A card pulled mid-command: success with no bytes.
            if length < 2 { return .failure(.cardRemoved) }
            return .success(Array(response.prefix(Int(length))))
        }
        return try result.get()
    }

    /// Disconnects (leaving the card powered for the next reader), on the
    /// session's thread after any pending command. A clean session gives its
    /// context and thread back for the next card; a poisoned one releases.
    public func close() {
        let (first, reusable) = lock.withLock { () -> (Bool, Bool) in
            defer { closed = true }
            return (!closed, !poisoned)
        }
        guard first else { return }
        let card = self.card, context = self.context, worker = self.worker
        worker.submit {
            let rv = SCardDisconnect(card, DWORD(SCARD_LEAVE_CARD))
            if reusable && (rv == 0 || UInt32(truncatingIfNeeded: rv) == PCSCError.removedCard), SessionPool.shared.give(context: context, worker: worker) {
                return
            }
            context.release()
            worker.stop()
        }
    }

    deinit { close() }
}

/// Runs `job` on `worker` and waits at most `deadline` for its result.
func withDeadline<T: Sendable>(_ deadline: Duration, worker: Worker, onTimeout: @escaping @Sendable () -> Void,
                               _ job: @escaping @Sendable () -> Result<T, CardTransportError>) async -> Result<T, CardTransportError> {
    let once = Once<Result<T, CardTransportError>>()
    let ms = Int(deadline.components.seconds * 1000 + deadline.components.attoseconds / 1_000_000_000_000_000)
    return await withCheckedContinuation { (cont: CheckedContinuation<Result<T, CardTransportError>, Never>) in
        once.set(cont)
        worker.submit { once.resume(job()) }
        worker.timer(after: deadline) {
            if once.resume(.failure(.timeout(milliseconds: ms))) { onTimeout() }
        }
    }
}

/// Resumes a continuation exactly once, whichever comes first.
final class Once<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    private var done = false
    func set(_ c: CheckedContinuation<T, Never>) { lock.withLock { continuation = c } }
    @discardableResult
    func resume(_ value: T) -> Bool {
        let c: CheckedContinuation<T, Never>? = lock.withLock {
            guard !done else { return nil }
            done = true
            defer { continuation = nil }
            return continuation
        }
        c?.resume(returning: value)
        return c != nil
    }
}

/// A dedicated thread running jobs in order. A blocked job blocks only
/// this thread; deadlines are timed elsewhere. Registered with
/// `ReaderThreads`, so that the program can join it before it exits.
final class Worker: ReaderThread, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false
    private static let timers = DispatchQueue(label: "bms.card.deadlines", attributes: .concurrent)
    let end = ThreadEnd()

    init(name: String) {
        guard ReaderThreads.shared.register(self) else {
            // Shutting down: no thread; jobs never run and their deadlines answer.
            stopped = true
            end.mark()
            return
        }
        let thread = Thread { [self] in
            run()
            ReaderThreads.shared.unregister(self)
            end.mark()
        }
        thread.name = name
        thread.start()
    }

    /// The jobs already queued run (a disconnect, a release), then the thread ends.
    func requestEnd() { stop() }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock(); jobs.append(job); condition.signal(); condition.unlock()
    }

    func timer(after deadline: Duration, _ fire: @escaping @Sendable () -> Void) {
        let c = deadline.components
        let ns = Int(c.seconds) * 1_000_000_000 + Int(c.attoseconds / 1_000_000_000)
        Worker.timers.asyncAfter(deadline: .now() + .nanoseconds(ns), execute: fire)
    }

    func stop() {
        condition.lock(); stopped = true; condition.signal(); condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped { condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// Idle contexts and their threads, kept from cleanly closed sessions.
final class SessionPool: @unchecked Sendable {
    static let shared = SessionPool()
    private let lock = NSLock()
    private var idle: [(context: PCSCContext, worker: Worker)] = []
    private let limit = 2
    private var closed = false

    /// Shutdown: hands out what is idle and keeps nothing from now on.
    func close() -> [(context: PCSCContext, worker: Worker)] {
        lock.withLock {
            closed = true
            defer { idle = [] }
            return idle
        }
    }

    func take() -> (context: PCSCContext, worker: Worker)? {
        lock.withLock { idle.popLast() }
    }

    /// False when the pool is full: the caller releases them.
    func give(context: PCSCContext, worker: Worker) -> Bool {
        lock.withLock {
            guard !closed, idle.count < limit else { return false }
            idle.append((context, worker))
            return true
        }
    }
}
