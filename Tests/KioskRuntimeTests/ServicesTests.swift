import CentralAPI
import CentralTesting
import Domain
import Foundation
import KioskAppTesting
import KioskApp
import KioskRuntime
import KioskStore
import SyncClient
import Testing

/// The kiosk's services over a real central store (in process, SQLite, demo foyers).
@Suite struct CentralKioskServicesTests {
    static func card(_ file: String = "Assets/demo/cards/dupont-jean.json") throws -> CardIdentity {
        try #require(try KioskApp.CardFile.load(asset(file)).identity)
    }

    /// 30 s: on CI's two cores, a harness blocking a thread (initdb, cupsd)
    /// can hold the in-process central store's answers for seconds; these
    /// tests are about answers, not time-outs.
    static func services(_ server: CentralTestServer, dir: URL, timeout: Int64 = 30) async throws -> CentralKioskServices {
        let store = try KioskStore(path: dir.appendingPathComponent("kiosk-\(UUID().uuidString.prefix(6)).sqlite").path)
        let client = CentralClient(baseURL: server.baseURL, credentials: try await server.addKiosk(), timeout: .seconds(timeout))
        return CentralKioskServices(sync: KioskSync(store: store, client: client, backoff: Backoff(first: 0.01, maximum: 0.05)),
                                    enabled: [.ceam, .attestation])
    }

    @Test func codesAreCheckedByTheCentralStoreWhichLocksAfterThreeTries() async throws {
        let dir = temporaryDirectory("codes")
        let server = try await startCentral(directory: dir)
        let services = try await Self.services(server, dir: dir)
        let card = try Self.card()
        #expect(try await services.checkCode("1111", card: card) == .rejected(triesLeft: 2))
        #expect(try await services.checkCode("2222", card: card) == .rejected(triesLeft: 1))
        #expect(try await services.checkCode("3333", card: card) == .locked)
        // Locked is the central store's truth: the right code no longer opens.
        #expect(try await services.checkCode("1234", card: card) == .locked)
        // Another kiosk sees the same lock-out.
        let other = try await Self.services(server, dir: dir)
        #expect(try await other.checkCode("1234", card: card) == .locked)
        await server.stop()
    }

    @Test func foyerServicesAndReferenceData() async throws {
        let dir = temporaryDirectory("foyer")
        let server = try await startCentral(directory: dir)
        let services = try await Self.services(server, dir: dir)
        let card = try Self.card()
        #expect(try await services.checkCode("1234", card: card) == .accepted)
        #expect(try await services.services(for: card) == [.ceam, .attestation])
        let foyer = try await services.foyer(card: card)
        #expect(foyer.persons.count == 4)
        #expect(foyer.maskedMobile != nil)
        #expect(await services.ceamCountries().isEmpty, "no reference data before start")
        await services.start(syncInterval: 60, referenceInterval: 3600)
        #expect(await services.ceamCountries().contains { $0.code == "BE" && $0.name == "Belgique" })
        let rights = try await services.rights(card: card)
        #expect(rights.serial == card.serial && rights.efRights.first == 0xE2)
        let attestation = try await services.attestation(card: card)
        #expect(attestation.entries.count == 4)
        services.stop()
        await server.stop()
    }

    @Test func anUnknownCardIsRefusedAndAnAbsentCentralIsUnavailable() async throws {
        let dir = temporaryDirectory("refused")
        let server = try await startCentral(directory: dir)
        // A stopped central store refuses the connection at once: no short
        // time-out is needed to see "unavailable", and a short one fails on
        // a loaded machine before the running store has answered.
        let services = try await Self.services(server, dir: dir)
        var stranger = try Self.card()
        stranger.serial = "99990000000009"
        await #expect(throws: ServiceFailure(.cardRefused, "unknown_card")) { try await services.foyer(card: stranger) }
        await server.stop()
        do {
            _ = try await services.foyer(card: try Self.card())
            Issue.record("a stopped central store answered")
        } catch let f as ServiceFailure {
            #expect(f.kind == .unavailable)
        }
        if case .answered = await services.requestProvisionalCode(card: try Self.card()) { Issue.record("a code without a central store") }
    }

    @Test func aConfirmedRequestIsDurableBeforeSubmitReturnsAndSentOnceTheCentralIsBack() async throws {
        let dir = temporaryDirectory("submit")
        let server = try await startCentral(directory: dir)
        let services = try await Self.services(server, dir: dir)
        let card = try Self.card()
        let port = server.port
        await server.stop()
        let command = KioskCommand(serial: card.serial, personIndex: 3, action: .ceam(CEAMRequest(action: .order)),
                                   confirmedAt: Date())
        guard case .queued = try await services.submit(command) else { Issue.record("sent to a stopped central store"); return }
        #expect(try services.store.pendingCount() == 1)
        // Submitting the same command again (a double tap) keeps one entry.
        _ = try? await services.submit(command)
        #expect(try services.store.pendingCount() == 1)
        try await server.start(port: port)
        // The relay sends it once the central store answers.
        for _ in 0..<200 where try services.store.pendingCount() > 0 {
            try await services.sync.relay.drainOnce()
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try services.store.pendingCount() == 0)
        #expect(try services.store.entry(id: command.id)?.receipt?.status == .applied)
        await server.stop()
    }
}

/// The development SMS log (`bms-central serve --sms log:FILE`) starts each
/// line with a timestamp: the code is read from the message, not the date.
@Test func smsCodeIsReadFromTheMessageOfTheLastLogLine() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let log = """
        2026-11-23T16:00:01Z 1a2b 06 •• •• •• 34 Votre code provisoire ameli : 1111. Valable 48 h.
        2026-11-23T16:07:51Z dbff55d6-5bab-4f79-bdb2-1431a7cce052 06 •• •• •• 34 Votre code provisoire ameli : 6645. Valable 48 h.

        """
    try log.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(SMSCode.fromLogFile(path) == "6645")
}
