import CentralAPI
import Domain
import Foundation
import KioskStore
import Testing

func temporaryStorePath() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("kiosk.sqlite").path
}

func command(_ n: Int = 0) -> KioskCommand {
    KioskCommand(serial: "25010000000001", personIndex: n % 4, action: .ceam(CEAMRequest(action: .order)),
                 confirmedAt: Date(timeIntervalSince1970: 1_800_000_000)) // whole seconds: JSON keeps seconds
}

@Suite("Kiosk store: outbox, reference cache, lock-outs")
struct KioskStoreTests {
    @Test func outboxIsDurableWALWithFullSync() async throws {
        let path = try temporaryStorePath()
        let store = try KioskStore(path: path)
        let c = command()
        try store.enqueue(c)
        // A second process (a new connection) sees it at once: it is committed.
        let reopened = try KioskStore(path: path)
        #expect(try reopened.entry(id: c.id)?.command == c)
        let modes = try reopened.pragmas()
        #expect(modes.journal == "wal")
        #expect(modes.synchronous == 2) // FULL
    }

    @Test func enqueueIsIdempotentAndKeepsOrder() async throws {
        let store = try KioskStore(path: try temporaryStorePath())
        let commands = (0..<5).map(command)
        for c in commands { try store.enqueue(c) }
        try store.enqueue(commands[2])
        #expect(try store.due(at: Date()).map(\.id) == commands.map(\.id))
        #expect(try store.pendingCount() == 5)
    }

    @Test func acknowledgedCommandsAreErasedAndNotDueAgain() async throws {
        let store = try KioskStore(path: try temporaryStorePath())
        let c = command()
        try store.enqueue(c)
        try store.markAcknowledged(id: c.id, receipt: CommandReceipt(id: c.id, status: .applied))
        let entry = try #require(try store.entry(id: c.id))
        #expect(entry.state == .delivered && entry.command == nil)
        #expect(try store.due(at: Date()).isEmpty)
        #expect(try store.purgeAcknowledged(before: Date().addingTimeInterval(1)) == 1)
        #expect(try store.entry(id: c.id) == nil)
    }

    /// The receipt's person (names, NIR, rights) serves the screen of the
    /// moment: it never reaches the kiosk's disk.
    @Test func anAcknowledgedReceiptKeepsNoPersonalData() async throws {
        let store = try KioskStore(path: try temporaryStorePath())
        let c = command()
        try store.enqueue(c)
        let person = Person(ouvrantDroitNIR: try NIR("180057505612342"), nomFamille: "DUPONT", prenoms: "Jean",
                            birthDate: BirthDate(year: 1980, month: 5, day: 14)!, qualite: .assure)
        let view = PersonView(index: 0, person: person, ceam: .none, ceamActions: [], vitale: .none, vitaleActions: [], rights: nil)
        try store.markAcknowledged(id: c.id, receipt: CommandReceipt(id: c.id, status: .applied, person: view))
        let entry = try #require(try store.entry(id: c.id))
        #expect(entry.receipt?.status == .applied)
        #expect(entry.receipt?.person == nil)
    }

    @Test func retryWaitsAndHoldsLaterCommands() async throws {
        let store = try KioskStore(path: try temporaryStorePath())
        let a = command(0), b = command(1)
        try store.enqueue(a)
        try store.enqueue(b)
        let now = Date()
        let next = now.addingTimeInterval(30)
        try store.markRetry(id: a.id, error: "central down", next: next)
        try store.postpone(after: try #require(try store.entry(id: a.id)).seq, until: next)
        #expect(try store.due(at: now).isEmpty)
        #expect(try store.due(at: next).map(\.id) == [a.id, b.id])
        #expect(try store.entry(id: a.id)?.attempts == 1)
        #expect(try store.entry(id: a.id)?.lastError == "central down")
    }

    @Test func referenceIsCachedWithItsAge() async throws {
        let store = try KioskStore(path: try temporaryStorePath())
        #expect(try store.reference() == nil)
        let fetched = Date(timeIntervalSince1970: 1_800_000_000)
        let data = ReferenceData(generatedAt: fetched, trustedIssuerKeys: [], rightsSigningKeys: [],
                                 opposedSerials: ["25010000000009"], ceamCountries: [CEAMCountry(code: "BE", name: "Belgique")],
                                 parameters: .standard)
        try store.saveReference(data, fetchedAt: fetched)
        let cached = try #require(try store.reference())
        #expect(cached.data == data)
        #expect(cached.age(at: fetched.addingTimeInterval(3600)) == 3600)
        #expect(try store.isOpposed(serial: "25010000000009"))
        #expect(try store.isOpposed(serial: "25010000000001") == false)
    }

    /// The decoded data is kept between reads, never past a change: saved
    /// here (even with the same date) or by another process on the file.
    @Test func referenceReadsFollowEveryChange() async throws {
        let path = try temporaryStorePath()
        let kiosk = try KioskStore(path: path)
        let doctor = try KioskStore(path: path)   // another process on the same file
        func data(_ opposed: [String]) -> ReferenceData {
            ReferenceData(generatedAt: Date(timeIntervalSince1970: 1_800_000_000), trustedIssuerKeys: [], rightsSigningKeys: [],
                          opposedSerials: opposed, ceamCountries: [], parameters: .standard)
        }
        let first = Date(timeIntervalSince1970: 1_800_000_000)
        try kiosk.saveReference(data(["25010000000009"]), fetchedAt: first)
        #expect(try kiosk.isOpposed(serial: "25010000000009"))
        #expect(try kiosk.reference()?.data.opposedSerials == ["25010000000009"])
        // Saved again here with the same date: the new list counts at once.
        try kiosk.saveReference(data(["25010000000001"]), fetchedAt: first)
        #expect(try kiosk.isOpposed(serial: "25010000000009") == false)
        #expect(try kiosk.isOpposed(serial: "25010000000001"))
        // Saved by another process: seen by its date.
        try doctor.saveReference(data(["25010000000002"]), fetchedAt: first.addingTimeInterval(300))
        #expect(try kiosk.isOpposed(serial: "25010000000001") == false)
        #expect(try kiosk.isOpposed(serial: "25010000000002"))
        #expect(try kiosk.reference()?.fetchedAt == first.addingTimeInterval(300))
    }

    @Test func lockoutCountersCountAndReset() async throws {
        let store = try KioskStore(path: try temporaryStorePath())
        #expect(try store.recordFailure(key: "abc") == 1)
        #expect(try store.recordFailure(key: "abc") == 2)
        #expect(try store.failures(key: "abc") == 2)
        try store.resetFailures(key: "abc")
        #expect(try store.failures(key: "abc") == 0)
    }
}
