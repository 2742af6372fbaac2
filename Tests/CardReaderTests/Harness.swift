import CardProfile
import CardReader
import Domain
import Foundation
import Testing
import VirtualCard

/// Collects a monitor's events so a test can wait for one.
actor EventLog {
    private(set) var events: [ReaderEvent] = []
    private var task: Task<Void, Never>?

    init(_ monitor: ReaderMonitor) {
        let stream = monitor.events()
        task = nil
        Task { await self.consume(stream) }
    }

    private func consume(_ stream: AsyncStream<ReaderEvent>) async {
        for await e in stream { events.append(e) }
    }

    /// Waits for an event matching `match` after index `from`; returns its index.
    /// Returns as soon as the event came: the time-out only bounds a failure,
    /// generous because a loaded test run (every suite at once on 2 cores)
    /// can keep pcscd's polling thread waiting for seconds.
    func wait(from: Int = 0, timeout: Duration = .seconds(30), _ match: @Sendable (ReaderEvent) -> Bool) async -> Int? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let i = events.indices.dropFirst(from).first(where: { match(events[$0]) }) { return i }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    var count: Int { events.count }
}

/// One private pcscd, a monitor on it, and the keys of the test cards.
final class Bench: @unchecked Sendable {
    let daemon: PCSCDaemon
    let monitor: ReaderMonitor
    let log: EventLog
    /// The card `insertAndRead` inserted last (its applet logs the commands).
    private(set) var lastCard: VirtualCardConnection?
    static let issuer = CardMaker.TestKey()
    static let central = CardMaker.TestKey()
    static let today = CivilDate(year: 2026, month: 3, day: 1)!

    init() async throws {
        daemon = try await PCSCDaemon.start()
        monitor = ReaderMonitor(pollMs: 500)
        log = EventLog(monitor)
        guard await log.wait({ $0 == .readerArrived(reader: self.daemon.readerName) }) != nil else {
            throw BenchError.noReader(daemon.log)
        }
    }

    enum BenchError: Error { case noReader(String) }

    func stop() async {
        monitor.stopAndWait()
        await daemon.stop()
    }

    var service: CardService { service() }

    func service(opposition: any CardOppositionList = NoOppositionList(), deadline: Duration = .seconds(2)) -> CardService {
        var s = CardService.standard(trust: CardMaker.trustStore(issuers: [Self.issuer], central: [Self.central]), opposition: opposition,
                                     clock: TestClock(day: Self.today))
        s.deadline = deadline
        return s
    }

    static func demo(faults: [Fault]? = nil, transport: String? = nil) throws -> CardSpec {
        var s = try CardMaker.makeCard(serial: "25010000000001", issueDate: CivilDate(year: 2025, month: 1, day: 15)!,
                                       persons: CardMaker.demoFoyer, issuerKey: issuer)
        s = try CardMaker.signRights(s, issuedAt: "20260101090000", start: CivilDate(year: 2026, month: 1, day: 1)!,
                                     end: CivilDate(year: 2027, month: 12, day: 31)!, centralKey: central)
        s.faults = faults
        s.transport = transport
        return s
    }

    /// Inserts `spec`, waits for the card event, reads it, pulls it and
    /// waits for the removal: the reader is then ready for the next card.
    func insertAndRead(_ spec: CardSpec, service: CardService? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result<CardReading, CardReadError> {
        let mark = await log.count
        let card = try daemon.insert(spec)
        lastCard = card
        let reader = daemon.readerName
        let seen = await log.wait(from: mark) { e in
            if case .cardInserted(reader, _) = e { return true }
            if case .cardMute(reader) = e { return true }
            return false
        }
        guard let seen else {
            card.pull()
            Issue.record("no card event after insertion", sourceLocation: sourceLocation)
            throw BenchError.noReader(daemon.log)
        }
        let event = await log.events[seen]
        let result: Result<CardReading, CardReadError>
        if case .cardMute = event {
            result = .success(CardReading(identity: nil, verdict: .faulty(reason: "mute"), atr: [], driver: nil))
        } else {
            do { result = .success(try await (service ?? self.service).read(reader: reader)) } catch { result = .failure(error) }
        }
        card.pull()
        let removed = await log.wait(from: seen) { $0 == .cardRemoved(reader: reader) }
        #expect(removed != nil, "the reader sees the card leave", sourceLocation: sourceLocation)
        return result
    }

    /// After any fault: a good card right after reads as authentic.
    func expectNextCardWorks(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let r = try await insertAndRead(try Self.demo(), sourceLocation: sourceLocation)
        #expect((try? r.get().verdict) == .authentic, "the next card reads normally", sourceLocation: sourceLocation)
    }
}

func verdict(_ r: Result<CardReading, CardReadError>) -> CardVerdict? { try? r.get().verdict }

func isFaulty(_ r: Result<CardReading, CardReadError>) -> Bool {
    if case .faulty? = verdict(r) { return true }
    return false
}
func isForged(_ r: Result<CardReading, CardReadError>) -> Bool {
    if case .forged? = verdict(r) { return true }
    return false
}
