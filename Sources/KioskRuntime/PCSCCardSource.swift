import CardProfile
import CardReader
import CentralAPI
import Crypto
import Domain
import Foundation
import KioskApp
import KioskStore
import Logging

/// Keys the kiosk trusts: the configuration's, plus what the central store
/// publishes in the cached reference data (issuers, and the key it signs
/// EF.RIGHTS with). Read again at every card, so a refreshed cache counts.
public struct TrustSource: Sendable {
    public var configured: TrustStore
    public var store: KioskStore?

    public init(configured: TrustStore, store: KioskStore?) {
        self.configured = configured
        self.store = store
    }

    public func current() -> TrustStore {
        var t = configured
        guard let ref = (try? store?.reference())??.data else { return t }
        for k in ref.trustedIssuerKeys {
            if let id = TrustStore.KeyID(hex: k.id), let key = try? P256.Signing.PublicKey(x963Representation: k.publicKey) { t.issuers[id] = key }
        }
        for k in ref.rightsSigningKeys {
            if let id = TrustStore.KeyID(hex: k.id), let key = try? P256.Signing.PublicKey(x963Representation: k.publicKey) { t.central[id] = key }
        }
        return t
    }
}

/// The opposition list of the cached reference data; nil (cannot say) when
/// there is no cache yet.
public struct CachedOppositionList: CardOppositionList {
    public let store: KioskStore
    public init(store: KioskStore) { self.store = store }
    public func isOpposed(serial: String) async -> Bool? {
        guard let ref = try? store.reference() else { return nil }
        return ref.data.opposedSerials.contains(serial)
    }
}

/// Card events from a real PC/SC reader, and the EF.RIGHTS write on the
/// card in it. Reading runs off the main thread; the UI gets `CardEvent`s.
public final class PCSCCardSource: CardEventSource, CardRightsWriter, @unchecked Sendable {
    public enum ReaderChoice: Sendable, Hashable {
        case any
        /// A reader whose PC/SC name starts with this.
        case named(String)
    }

    public let events: AsyncStream<CardEvent>
    private let continuation: AsyncStream<CardEvent>.Continuation
    private let monitor: ReaderMonitor
    private let choice: ReaderChoice
    private let trust: TrustSource
    private let opposition: any CardOppositionList
    private let clock: any Domain.Clock
    private let deadline: Duration
    private let logger: Logger
    private let lock = NSLock()
    /// The reader holding the card the kiosk works with, and that card's serial.
    private var active: (reader: String, serial: String?)?
    private var task: Task<Void, Never>?
    /// Bumped at each insertion/removal: a read that finishes after its card left says nothing.
    private var generation = 0

    public init(choice: ReaderChoice = .any, trust: TrustSource, opposition: any CardOppositionList = NoOppositionList(),
                clock: any Domain.Clock = SystemClock(), deadline: Duration = .seconds(3), pollMs: UInt32 = 500,
                logger: Logger = Logger(label: "bms.kiosk.card")) {
        (events, continuation) = AsyncStream.makeStream(of: CardEvent.self, bufferingPolicy: .bufferingNewest(64))
        monitor = ReaderMonitor(pollMs: pollMs)
        self.choice = choice
        self.trust = trust
        self.opposition = opposition
        self.clock = clock
        self.deadline = deadline
        self.logger = logger
    }

    /// Starts watching the readers.
    public func start() {
        let stream = monitor.events()
        let t = Task.detached { [self] in
            for await e in stream { await handle(e) }
        }
        lock.withLock { task = t }
    }

    /// Stops watching, and waits (bounded) until the monitor's thread has
    /// left pcsc-lite: a stopped source holds no PC/SC call.
    public func stop() {
        monitor.stopAndWait(timeout: .seconds(2))
        lock.withLock { task?.cancel(); task = nil }
        continuation.finish()
    }

    deinit { monitor.stop() }

    func accepts(_ reader: String) -> Bool {
        switch choice {
        case .any: return true
        case .named(let prefix): return reader.hasPrefix(prefix)
        }
    }

    private func handle(_ e: ReaderEvent) async {
        switch e {
        case .cardInserted(let reader, let atr) where accepts(reader):
            let gen: Int? = lock.withLock {
                // One card at a time: a second reader's card waits.
                guard active == nil else { return nil }
                active = (reader, nil)
                generation += 1
                return generation
            }
            guard let gen else { return }
            continuation.yield(.inserted)
            await read(reader: reader, atr: atr, generation: gen)
        case .cardMute(let reader) where accepts(reader):
            let mine: Bool = lock.withLock {
                guard active == nil else { return false }
                active = (reader, nil); generation += 1
                return true
            }
            if mine { continuation.yield(.inserted); continuation.yield(.mute) }
        case .cardRemoved(let reader), .readerLeft(let reader):
            let mine: Bool = lock.withLock {
                guard active?.reader == reader else { return false }
                active = nil; generation += 1
                return true
            }
            if mine { continuation.yield(.removed) }
        case .serviceUnavailable(let reason):
            logger.warning("pcscd unavailable", metadata: ["reason": "\(reason)"])
        default:
            break
        }
    }

    private func read(reader: String, atr: [UInt8], generation gen: Int) async {
        var service = CardService.standard(trust: trust.current(), opposition: opposition, clock: clock)
        service.deadline = deadline
        let reading: CardReading
        do { reading = try await service.read(reader: reader, atr: atr) } catch {
            // Removed mid-read: the monitor's removal event follows. The
            // reader gone: say the card cannot be read.
            if case .readerUnavailable = error, lock.withLock({ generation == gen }) { continuation.yield(.mute) }
            return
        }
        let current: Bool = lock.withLock {
            guard generation == gen else { return false }
            active?.serial = reading.identity?.serial
            return true
        }
        guard current else { return }
        if let id = reading.identity {
            continuation.yield(.read(id, reading.verdict))
        } else {
            logger.notice("card unreadable", metadata: ["verdict": "\(reading.verdict.logLabel)"])
            continuation.yield(.mute)
        }
    }

    // MARK: CardRightsWriter

    public func writeRights(_ efRights: Data, serial: String) async -> RightsWriteOutcome {
        guard let (reader, current) = lock.withLock({ active.map { ($0.reader, $0.serial) } }) else { return .cardRemoved }
        guard current == nil || current == serial else { return .otherCard }
        let updater = RightsUpdater(trust: trust.current(), deadline: deadline)
        switch await updater.write(Array(efRights), serial: serial, reader: reader) {
        case .updated: return .updated
        case .cardRemoved: return .cardRemoved
        case .otherCard: return .otherCard
        case .failed(let reason): return .failed(reason: reason)
        }
    }
}
