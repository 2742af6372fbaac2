import CentralAPI
import Domain
import Foundation
import KioskApp
import KioskStore
import Logging
import NIOCore
import SyncClient

/// The kiosk's services over the central store: codes and foyers asked
/// live (the central store's lock-out is the truth), confirmed requests
/// through the outbox (durable before `submit` returns), reference data
/// (countries, opposition list, rights keys) from the KioskStore cache,
/// refreshed at start and periodically.
public final class CentralKioskServices: KioskServices, @unchecked Sendable {
    public let sync: KioskSync
    /// Services enabled by the configuration, in menu order.
    public let enabled: [KioskService]
    let logger: Logger
    private let lock = NSLock()
    private var background: [Task<Void, Never>] = []

    public init(sync: KioskSync, enabled: [KioskService], logger: Logger = Logger(label: "bms.kiosk.services")) {
        self.sync = sync
        self.enabled = enabled
        self.logger = logger
    }

    public var store: KioskStore { sync.store }
    var client: CentralClient { sync.client }

    /// Refreshes the reference cache now, then every `referenceInterval`
    /// seconds; runs the outbox relay every `syncInterval` seconds. Both
    /// stop with `stop()`. `waitForReference: false` does the first refresh
    /// in the background too (the kiosk draws its first frame without
    /// waiting for a central store that may be away).
    public func start(syncInterval: TimeInterval, referenceInterval: TimeInterval = 300, waitForReference: Bool = true) async {
        let sync = self.sync
        let logger = self.logger
        @Sendable func first() async {
            if !(await sync.refreshReference()) { logger.warning("reference data not refreshed at start: the cached copy is used") }
        }
        if waitForReference { await first() }
        let relay = sync.relay
        let tasks = [
            Task.detached { await relay.run(interval: syncInterval) },
            Task.detached {
                if !waitForReference { await first() }
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(referenceInterval * 1e9))
                    if Task.isCancelled { break }
                    await sync.refreshReference()
                }
            },
        ]
        lock.withLock { background += tasks }
    }

    public func stop() {
        let tasks = lock.withLock { defer { background = [] }; return background }
        tasks.forEach { $0.cancel() }
    }

    deinit { background.forEach { $0.cancel() } }

    // MARK: KioskServices

    public func checkCode(_ code: String, card: CardIdentity) async throws -> CodeAttempts.Outcome {
        let answer = try await call { try await self.client.checkCode(serial: card.serial, code: code) }
        switch answer.outcome {
        case .accepted: return .accepted
        case .rejected: return answer.triesLeft > 0 ? .rejected(triesLeft: answer.triesLeft) : .locked
        case .locked: return .locked
        }
    }

    public func codeStatus(card: CardIdentity) async -> CodeStatus? {
        do {
            let answer = try await call { try await self.client.cardStatus(serial: card.serial) }
            guard let left = answer.codeTriesLeft, let locked = answer.codeLocked else { return nil }
            return CodeStatus(triesLeft: left, locked: locked)
        } catch {
            logger.warning("code status not read: the code screen shows no count", metadata: ["error": "\(type(of: error))"])
            return nil
        }
    }

    public func services(for card: CardIdentity) async throws -> [KioskService] { enabled }

    public func foyer(card: CardIdentity) async throws -> FoyerResponse {
        let foyer = try await call { try await self.client.foyer(serial: card.serial) }
        // The central store answers again: what waits in the outbox need not
        // wait out its backoff (minutes) to reach it, and the foyer to show it.
        do { try store.retryPendingNow(at: client.clock.now) } catch {
            logger.warning("outbox not rescheduled", metadata: ["error": "\(type(of: error))"])
        }
        return foyer
    }

    public func requestProvisionalCode(card: CardIdentity) async -> ProvisionalCodeOutcome {
        switch await sync.requestProvisionalCode(serial: card.serial) {
        case .answered(let r): return .answered(r)
        case .unavailable(let m): return .unavailable(message: m)
        }
    }

    public func submit(_ command: KioskCommand) async throws -> SubmitOutcome {
        do {
            switch try await sync.submit(command) {
            case .acknowledged(let r): return .acknowledged(r)
            case .queued(let m): return .queued(message: m)
            }
        } catch {
            // The outbox could not be written: nothing was taken, say so.
            logger.error("outbox write failed", metadata: ["error": "\(type(of: error))"])
            throw ServiceFailure(.failed, "the request could not be recorded on the kiosk")
        }
    }

    public func rights(card: CardIdentity) async throws -> RightsResponse {
        try await call { try await self.client.rights(serial: card.serial) }
    }

    public func attestation(card: CardIdentity) async throws -> AttestationResponse {
        try await call { try await self.client.attestation(serial: card.serial) }
    }

    public func payments(card: CardIdentity, from: CivilDate?, to: CivilDate?, person: Int?) async throws -> PaymentsResponse {
        try await call { try await self.client.payments(serial: card.serial, from: from, to: to, person: person) }
    }

    public func dailyAllowances(card: CardIdentity, from: CivilDate?, to: CivilDate?) async throws -> DailyAllowancesResponse {
        try await call { try await self.client.dailyAllowances(serial: card.serial, from: from, to: to) }
    }

    public func ceamCountries() async -> [CEAMCountry] {
        (try? store.reference()?.data.ceamCountries) ?? []
    }

    public func pendingRequests(card: CardIdentity) async -> [PendingRequest] {
        do {
            return try store.pending().compactMap { $0.command }.filter { $0.serial == card.serial }.map(PendingRequest.init)
        } catch {
            // The central store's rules still refuse a duplicate: nothing is applied twice.
            logger.error("outbox not readable for pending requests", metadata: ["error": "\(type(of: error))"])
            return []
        }
    }

    public func issuedCertificates(card: CardIdentity) async -> [IssuedCertificate] {
        do {
            return try store.issuedCertificates(serial: card.serial)
        } catch {
            logger.error("outbox not readable for issued certificates", metadata: ["error": "\(type(of: error))"])
            return []
        }
    }

    public func unsuccessfulRequests(card: CardIdentity) async -> [UnsuccessfulRequest] {
        do {
            return try store.unsuccessful(serial: card.serial)
        } catch {
            logger.error("outbox not readable for refused requests", metadata: ["error": "\(type(of: error))"])
            return []
        }
    }

    public func markTold(_ ids: [UUID]) async {
        do { try store.markTold(ids: ids, at: client.clock.now) } catch {
            // Said again at the next visit: better twice than never.
            logger.error("outbox: told not recorded", metadata: ["error": "\(type(of: error))"])
        }
    }

    // MARK: the carte Vitale order's documents, its tracking

    public func openUpload(session: UUID, kind: DocumentKind) async throws -> UploadSlotResponse {
        try await call { try await self.client.openUpload(session: session, kind: kind) }
    }

    public func uploadState(id: UUID) async throws -> UploadStateResponse {
        try await call { try await self.client.uploadState(id: id) }
    }

    public func takeUpload(id: UUID) async throws -> ReceivedDocument {
        let (format, bytes) = try await call { try await self.client.takeUpload(id: id) }
        return ReceivedDocument(format: format, bytes: bytes)
    }

    public func putDocument(id: UUID, jpeg: Data) async throws {
        _ = try await call { try await self.client.putUpload(id: id, document: jpeg) }
    }

    public func closeUpload(id: UUID) async {
        do { try await client.closeUpload(id: id) } catch {
            // Unclosed, it still expires after 10 minutes and is purged after 30 days.
            logger.warning("upload address not closed", metadata: ["error": "\(type(of: error))"])
        }
    }

    public func vitaleOrders(card: CardIdentity) async throws -> VitaleOrdersResponse {
        try await call { try await self.client.vitaleOrders(serial: card.serial) }
    }

    // MARK: errors

    /// Runs a central call; its failure becomes a `ServiceFailure` of the right kind.
    func call<T: Sendable>(_ body: @Sendable () async throws -> T) async throws(ServiceFailure) -> T {
        do { return try await body() } catch let e as CentralClientError {
            throw Self.failure(e)
        } catch {
            throw ServiceFailure(.unavailable, "\(type(of: error))")
        }
    }

    public static func failure(_ error: CentralClientError) -> ServiceFailure {
        switch error {
        case .unreachable(let why): return ServiceFailure(.unavailable, "central unreachable: \(why)")
        case .badAnswer(let why): return ServiceFailure(.unavailable, "central answer not understood: \(why)")
        case .rejected(let status, let body):
            if body.code == "card_refused" || body.code == "unknown_card" { return ServiceFailure(.cardRefused, body.code) }
            if status >= 500 || status == 429 || status == 408 { return ServiceFailure(.unavailable, "\(status) \(body.code)") }
            return ServiceFailure(.failed, "\(status) \(body.code)")
        }
    }
}
