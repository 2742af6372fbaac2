import Central
import CentralAPI
import CentralTesting
import Domain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KioskApp
import KioskRuntime
import KioskStore
import SyncClient

/// The kiosk's services for one scenario or test, as a real kiosk has them:
/// the real central store (`CentralService` over SQLite in a temporary
/// folder, served on loopback), the kiosk's real client, outbox and
/// reference cache (`CentralKioskServices` over `KioskStore`), on the
/// scenario's clock. What it adds decides no rule, it only lets a test
/// switch a fault on (`submitMode`, `centralAway`, `smsGatewayDown`) and
/// watch what was sent (`submitted`, `lastSMSCode`).
///
/// Each card file's `"central"` section is loaded into the central store
/// when the card is inserted (`seed(cardFile:)`), with the code `1234`.
public final class ScenarioServices: KioskServices, @unchecked Sendable {
    /// How a confirmed request fares, so tests can show each outcome.
    public enum SubmitMode: Sendable, Hashable {
        /// The central store answers: applied (or refused) by its rules.
        case apply
        /// The central store cannot write commands now (busy, 503): the
        /// outbox keeps the request, `deliverQueued` sends it.
        case queue
        /// The kiosk's outbox cannot be written (its disk): nothing is recorded.
        case fail
    }

    public let clock: any Domain.Clock
    public let parameters: RuleParameters
    public let central: CentralService
    public let faults: FaultInjectingCentralStore
    public let server: CentralTestServer
    public let sms: FakeSMSGateway
    public let kiosk: CentralKioskServices
    public var sync: KioskSync { kiosk.sync }
    public var kioskStore: KioskStore { kiosk.store }
    let directory: URL

    private let lock = NSLock()
    private var _submitted: [KioskCommand] = []
    private var _outboxBroken = false
    /// The section each serial was seeded from: the same one again keeps
    /// what the session changed; another starts the foyer again from it.
    private var seeded: [String: CardFileCentral] = [:]
    /// Sections given in code, used in place of the card file's.
    private var overrides: [String: CardFileCentral] = [:]

    init(clock: any Domain.Clock, parameters: RuleParameters, central: CentralService, faults: FaultInjectingCentralStore,
         server: CentralTestServer, sms: FakeSMSGateway, kiosk: CentralKioskServices, directory: URL) {
        self.clock = clock; self.parameters = parameters; self.central = central; self.faults = faults; self.server = server
        self.sms = sms; self.kiosk = kiosk; self.directory = directory
    }

    /// Starts the central store and the kiosk's side for one scenario.
    /// `assets`: where `demo/central-seed.json` gives the reference data
    /// (the CEAM countries). Call `shutdown()` at the end.
    public static func start(clock: any Domain.Clock, offered: [KioskService] = KioskService.allCases,
                             parameters: RuleParameters = .standard,
                             assets: URL? = AssetLocator.find()) async throws -> ScenarioServices {
        // Swift Testing starts every test at once: each central store (server,
        // SQLite files, connections) waits for a slot, so a test process keeps
        // a bounded number open (posix_spawn in Foundation breaks past 1,024
        // descriptors) without making any test wait for long.
        await slots.acquire(within: .seconds(60))
        do {
            return try await make(clock: clock, offered: offered, parameters: parameters, assets: assets)
        } catch {
            await slots.release()
            throw error
        }
    }

    /// At most this many in-process central stores open at once in a process.
    static let slots = Slots(32)

    /// A counting semaphore for async code, soft: a waiter goes ahead after
    /// `within` (a services object a test never stopped holds its slot until
    /// it goes; no test may wait on that for ever).
    actor Slots {
        private var free: Int
        private var waiting: [(id: UUID, resume: CheckedContinuation<Void, Never>)] = []
        init(_ n: Int) { free = n }
        func acquire(within: Duration) async {
            if free > 0 { free -= 1; return }
            let id = UUID()
            let timer = Task { [weak self] in
                try? await Task.sleep(for: within)
                await self?.giveUp(id)
            }
            await withCheckedContinuation { waiting.append((id, $0)) }
            timer.cancel()
        }
        private func giveUp(_ id: UUID) {
            guard let i = waiting.firstIndex(where: { $0.id == id }) else { return }
            // Over the bound: it will release a slot it never had, counted as freed.
            free -= 1
            waiting.remove(at: i).resume.resume()
        }
        func release() {
            if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume.resume() }
        }
    }

    private static func make(clock: any Domain.Clock, offered: [KioskService], parameters: RuleParameters,
                             assets: URL?) async throws -> ScenarioServices {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bms-scenario-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let faults = FaultInjectingCentralStore(wrapping: try SQLCentralStore.sqlite(path: directory.appendingPathComponent("central.sqlite").path))
        try await faults.migrate()
        let sms = FakeSMSGateway()
        let service = CentralService(store: faults, clock: clock, parameters: parameters, hasher: .fastForTests, sms: sms,
                                     smsRetry: RetryPolicy(attempts: 1, firstDelay: .milliseconds(1)))
        if let seedFile = assets?.appendingPathComponent("demo/central-seed.json"),
           FileManager.default.fileExists(atPath: seedFile.path) {
            let seed = try DemoSeed.load(from: seedFile)
            try await faults.setReference(issuerKeys: seed.trustedIssuerKeys ?? [], countries: seed.ceamCountries)
        }
        let server = try await CentralTestServer.start(service: service)
        let credentials = try await server.addKiosk("kiosk-scenario")
        // The kiosk's SQLite in memory: the same store and outbox code, no
        // file to keep open while a controller that outlived its test holds it.
        let store = try KioskStore(path: ":memory:")
        let client = CentralClient(baseURL: server.baseURL, credentials: credentials, clock: clock)
        let sync = KioskSync(store: store, client: client)
        let kiosk = CentralKioskServices(sync: sync, enabled: offered)
        await sync.refreshReference()
        return ScenarioServices(clock: clock, parameters: parameters, central: service, faults: faults, server: server, sms: sms,
                                kiosk: kiosk, directory: directory)
    }

    /// Stops the server, closes the central store, removes the temporary
    /// folder. Done anyway, in the background, when the services go.
    public func shutdown() async {
        await Self.shutdown(server: server, store: faults, kiosk: kioskStore, directory: directory, done: stopped)
    }

    /// Set once the first shutdown began: the others do nothing.
    private let stopped = StopFlag()

    final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var set = false
        /// True the first time only.
        func claim() -> Bool { lock.withLock { defer { set = true }; return !set } }
    }

    static func shutdown(server: CentralTestServer, store: any CentralStore, kiosk: KioskStore, directory: URL, done: StopFlag) async {
        guard done.claim() else { return }
        await server.stop()
        // The server first: nothing reaches the store any more. The kiosk's own
        // store stays open until the services go: a controller that outlives
        // its test may still read its outbox.
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
        await slots.release()
    }

    /// Stops the services when it goes: held by what a test holds (a host).
    public final class StopWhenReleased {
        let services: ScenarioServices
        public init(_ services: ScenarioServices) { self.services = services }
        deinit {
            let services = self.services
            Task.detached { await services.shutdown() }
        }
    }

    deinit {
        let (server, store, kiosk, directory, done) = (server, faults, kioskStore, directory, stopped)
        Task.detached { await Self.shutdown(server: server, store: store, kiosk: kiosk, directory: directory, done: done) }
    }

    // MARK: seeding

    /// Loads the card file's `"central"` section (or none: an active card)
    /// into the central store, with the card's persons. A malformed section
    /// throws `CardFile.Problem.invalidCentral` with the file and the field.
    /// Cards without identity (mute, broken) have nothing to load.
    public func seed(cardFile path: String) async throws {
        guard let loaded = try CardFileCentral.load(cardFile: path), let identity = try CardFile.load(path).identity else { return }
        try await seed(card: identity, central: loaded.central)
    }

    /// Loads `central` (or the section `register` gave for this serial) for this card.
    public func seed(card: CardIdentity, central section: CardFileCentral = CardFileCentral()) async throws {
        let wanted: CardFileCentral? = lock.withLock {
            let s = overrides[card.serial] ?? section
            if seeded[card.serial] == s { return nil }
            return s
        }
        guard let wanted else { return }
        // The scenario's set-up, not a kiosk's call: past any fault switched on.
        let file = try wanted.foyerFile(card: card, hasher: central.hasher)
        try await faults.wrapped.insertFoyer(file, at: clock.now)
        try await faults.wrapped.setPayments(nir: file.nir, payments: try DemoSeed.payments(wanted.payments ?? [], nir: file.nir),
                                             allowances: try DemoSeed.allowances(wanted.dailyAllowances ?? [], nir: file.nir))
        lock.withLock { seeded[card.serial] = wanted }
    }

    /// This section in place of the card file's for `serial`, from its next insertion.
    public func register(serial: String, central: CardFileCentral) {
        lock.withLock { overrides[serial] = central; seeded[serial] = nil }
    }

    // MARK: faults and what was sent

    public var submitMode: SubmitMode {
        get {
            lock.withLock { _outboxBroken } ? .fail : faults.faults.commandsBusy ? .queue : .apply
        }
        set {
            lock.withLock { _outboxBroken = newValue == .fail }
            faults.faults.commandsBusy = newValue == .queue
        }
    }

    /// The central store's database away: every call answers 503 (the kiosk
    /// says the service is unavailable, codes are not counted, requests
    /// wait in the outbox).
    public var centralAway: Bool {
        get { faults.faults.away }
        set { faults.faults.away = newValue }
    }

    /// Foyers cannot be read while commands still apply (the list read
    /// after an answer fails).
    public var foyerUnavailable: Bool {
        get { faults.faults.foyerReadsAway }
        set { faults.faults.foyerReadsAway = newValue }
    }

    public var smsGatewayDown: Bool {
        get { sms.down }
        set { sms.down = newValue }
    }

    /// The code of the last provisional-code SMS the central store sent.
    public func lastSMSCode() -> String? { sms.lastCode }

    /// Every command handed to `submit`, in order (retries included).
    public var submitted: [KioskCommand] { lock.withLock { _submitted } }

    /// Commands waiting in the kiosk's outbox, oldest first.
    public var queuedCommands: [KioskCommand] { ((try? kioskStore.pending()) ?? []).compactMap(\.command) }

    /// The central store is back and the relay sends the outbox: each queued
    /// command applied (or refused) by the central store's rules, oldest
    /// first; `submit` is sent at once from now on. `refusing`: meanwhile the
    /// caisse opened a démarche on each foyer concerned (and closes it once
    /// the relay has passed), so the central store's rules refuse them, as
    /// happens when the situation changes between the visit and the sending.
    @discardableResult
    public func deliverQueued(refusing: Bool = false) async throws -> [CommandReceipt] {
        submitMode = .apply
        centralAway = false
        let pending = queuedCommands
        let serials = Set(pending.map(\.serial))
        if refusing { for s in serials { try await setDemarcheEnCours(true, serial: s) } }
        _ = try kioskStore.retryPendingNow(at: clock.now)
        _ = try await sync.relay.drainOnce()
        if refusing { for s in serials { try await setDemarcheEnCours(false, serial: s) } }
        return try pending.compactMap { try kioskStore.entry(id: $0.id)?.receipt }
    }

    private func setDemarcheEnCours(_ on: Bool, serial: String) async throws {
        // The caisse's own change, past any fault.
        _ = try await faults.wrapped.updateFoyer(serial: serial) { $0.situation.demarcheEnCours = on }
    }

    // MARK: KioskServices: the real kiosk's, through the real central store

    public func checkCode(_ code: String, card: CardIdentity) async throws -> CodeAttempts.Outcome {
        try await kiosk.checkCode(code, card: card)
    }
    public func codeStatus(card: CardIdentity) async -> CodeStatus? { await kiosk.codeStatus(card: card) }
    public func services(for card: CardIdentity) async throws -> [KioskService] { try await kiosk.services(for: card) }
    public func foyer(card: CardIdentity) async throws -> FoyerResponse { try await kiosk.foyer(card: card) }
    public func requestProvisionalCode(card: CardIdentity) async -> ProvisionalCodeOutcome { await kiosk.requestProvisionalCode(card: card) }

    public func submit(_ command: KioskCommand) async throws -> SubmitOutcome {
        let broken = lock.withLock { _submitted.append(command); return _outboxBroken }
        // What CentralKioskServices throws when its outbox cannot be written.
        if broken { throw ServiceFailure(.failed, "the request could not be recorded on the kiosk (scenario: outbox broken)") }
        return try await kiosk.submit(command)
    }

    public func rights(card: CardIdentity) async throws -> RightsResponse { try await kiosk.rights(card: card) }
    public func attestation(card: CardIdentity) async throws -> AttestationResponse { try await kiosk.attestation(card: card) }
    public func payments(card: CardIdentity, from: CivilDate?, to: CivilDate?, person: Int?) async throws -> PaymentsResponse {
        try await kiosk.payments(card: card, from: from, to: to, person: person)
    }
    public func dailyAllowances(card: CardIdentity, from: CivilDate?, to: CivilDate?) async throws -> DailyAllowancesResponse {
        try await kiosk.dailyAllowances(card: card, from: from, to: to)
    }
    public func ceamCountries() async -> [CEAMCountry] { await kiosk.ceamCountries() }
    public func pendingRequests(card: CardIdentity) async -> [PendingRequest] { await kiosk.pendingRequests(card: card) }
    public func issuedCertificates(card: CardIdentity) async -> [IssuedCertificate] { await kiosk.issuedCertificates(card: card) }
    public func unsuccessfulRequests(card: CardIdentity) async -> [UnsuccessfulRequest] { await kiosk.unsuccessfulRequests(card: card) }
    public func markTold(_ ids: [UUID]) async { await kiosk.markTold(ids) }

    // The order's documents: the kiosk's real client; the addresses the
    // kiosk opened and closed are kept, so a scenario's phone can use them.
    public func openUpload(session: UUID, kind: DocumentKind) async throws -> UploadSlotResponse {
        let slot = try await kiosk.openUpload(session: session, kind: kind)
        lock.withLock { _openedUploads.append(slot) }
        return slot
    }
    public func uploadState(id: UUID) async throws -> UploadStateResponse { try await kiosk.uploadState(id: id) }
    public func takeUpload(id: UUID) async throws -> ReceivedDocument { try await kiosk.takeUpload(id: id) }
    public func putDocument(id: UUID, jpeg: Data) async throws { try await kiosk.putDocument(id: id, jpeg: jpeg) }
    public func closeUpload(id: UUID) async {
        lock.withLock { _closedUploads.append(id) }
        await kiosk.closeUpload(id: id)
    }
    public func vitaleOrders(card: CardIdentity) async throws -> VitaleOrdersResponse { try await kiosk.vitaleOrders(card: card) }

    private var _openedUploads: [UploadSlotResponse] = []
    private var _closedUploads: [UUID] = []
    /// Every upload address the kiosk opened, in order.
    public var openedUploads: [UploadSlotResponse] { lock.withLock { _openedUploads } }
    /// Every upload address the kiosk closed (card pulled, order abandoned).
    public var closedUploads: [UUID] { lock.withLock { _closedUploads } }

    /// The assuré's phone: sends `file` to the last address the kiosk showed,
    /// as the phone's page's form does (multipart, over HTTP). The page's status.
    @discardableResult
    public func phoneSends(_ file: [UInt8], filename: String = "photo.jpg") async throws -> Int {
        guard let slot = openedUploads.last, let url = URL(string: slot.url) else { throw ScenarioPhoneError.noAddress }
        // The QR code's host is the one phones reach; here, the in-process server on loopback.
        let target = server.baseURL.appendingPathComponent(url.path)
        let boundary = "scenario-\(UUID().uuidString)"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"\(filename)\"\r\n".utf8)
        body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8) + Data(file) + Data("\r\n--\(boundary)--\r\n".utf8)
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

public enum ScenarioPhoneError: Error, CustomStringConvertible {
    case noAddress
    public var description: String { "the kiosk showed no upload address (no QR code) for the phone to use" }
}
