import Central
import CentralAPI
import Domain
import Foundation
import KioskApp

// The parts a scenario cannot have for real in every test: each a fake,
// named so. Live runs (LiveSmoke.swift) use pcscd + vpcd, CUPS and the
// SMS log of a running bms-central instead.

/// Card events from card files, for smoke scenarios and development.
/// A fake: the real reader is PC/SC.
public final class FakeCardSource: CardEventSource, @unchecked Sendable {
    public let events: AsyncStream<CardEvent>
    private let continuation: AsyncStream<CardEvent>.Continuation

    public init() {
        (events, continuation) = AsyncStream.makeStream(of: CardEvent.self)
    }

    /// Reads the card file and sends its events; returns them too, so a
    /// synchronous caller (the smoke runner) can apply them in order.
    @discardableResult
    public func insert(file path: String) throws -> [CardEvent] {
        let evs = try CardFile.load(path).insertionEvents(path: path)
        for e in evs { continuation.yield(e) }
        return evs
    }

    @discardableResult
    public func remove() -> [CardEvent] {
        continuation.yield(.removed)
        return [.removed]
    }
}

/// A card writer for scenarios and tests, where no card is in a reader.
/// A fake: `CardReader` writes EF.RIGHTS over PC/SC.
public final class FakeCardRightsWriter: CardRightsWriter, @unchecked Sendable {
    public enum Mode: String, Sendable { case update, pull, fail, otherCard }
    private let lock = NSLock()
    private var _mode: Mode
    private var _written: [Data] = []

    public init(mode: Mode = .update) { _mode = mode }

    public var mode: Mode {
        get { lock.withLock { _mode } }
        set { lock.withLock { _mode = newValue } }
    }

    /// What was written and read back equal (`update` mode only).
    public var written: [Data] { lock.withLock { _written } }

    public func writeRights(_ efRights: Data, serial: String) async -> RightsWriteOutcome {
        lock.withLock {
            switch _mode {
            case .update: _written.append(efRights); return .updated
            case .pull: return .cardRemoved
            case .fail: return .failed(reason: "fake write refused")
            case .otherCard: return .otherCard
            }
        }
    }
}

/// A printer that keeps what it is given, for scenarios and tests where no
/// CUPS runs. A fake: the real one lays out a PDF and sends it to CUPS.
/// Each job id prints once, as the real ledger does.
public final class FakeKioskPrinter: KioskPrinter, @unchecked Sendable {
    public struct Job: Sendable, Hashable {
        public var id: String
        public var document: KioskDocument
    }
    private let lock = NSLock()
    private var _jobs: [Job] = []
    private var _available = true

    public init(available: Bool = true) { _available = available }

    /// Printed jobs, in order.
    public var jobs: [Job] { lock.withLock { _jobs } }

    /// False: paper out, every print answers `printerUnavailable`.
    public var available: Bool {
        get { lock.withLock { _available } }
        set { lock.withLock { _available = newValue } }
    }

    public func print(_ document: KioskDocument, jobID: String) async -> PrintOutcome {
        lock.withLock {
            guard _available else { return .printerUnavailable(message: "fake printer set out of paper") }
            if _jobs.contains(where: { $0.id == jobID }) { return .alreadyPrinted }
            _jobs.append(Job(id: jobID, document: document))
            return .printed
        }
    }
}

/// The assuré's phone behind the central store's SMS gateway, for scenarios
/// where no Kannel runs (live runs and the central store's tests use Kannel):
/// keeps each text; `down` refuses as an unreachable gateway does.
public final class FakeSMSGateway: SMSGateway, @unchecked Sendable {
    private let lock = NSLock()
    private var _texts: [(to: MobileNumber, text: String)] = []
    private var _down = false

    public init() {}

    public var down: Bool {
        get { lock.withLock { _down } }
        set { lock.withLock { _down = newValue } }
    }

    /// Every text taken, oldest first.
    public var texts: [(to: MobileNumber, text: String)] { lock.withLock { _texts } }

    /// The code of the last provisional-code SMS (what the phone shows).
    public var lastCode: String? { texts.last.flatMap { SMSCode.extract(from: $0.text) } }

    public func send(to: MobileNumber, text: String, messageID: String) async throws(SMSError) {
        let refused: Bool = lock.withLock {
            if _down { return true }
            _texts.append((to, text))
            return false
        }
        if refused { throw .unreachable("fake SMS gateway set down") }
    }
}
