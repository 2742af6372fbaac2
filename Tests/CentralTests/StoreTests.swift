import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

@Suite("Central store, on SQLite and PostgreSQL")
struct StoreTests {
    @Test(arguments: Engine.selected)
    func migrationsRunOnceAndAreRecorded(engine: Engine) async throws {
        let store = try await makeStore(engine)
        #expect(try await store.migrate().isEmpty)
        try await store.close()
    }

    @Test(arguments: Engine.selected)
    func auditLogIsAppendOnly(engine: Engine) async throws {
        let store = try await makeStore(engine)
        try await store.appendAudit(AuditEntry(at: Date(), kioskID: "k1", action: "test", subject: "abcd", outcome: "ok"))
        await #expect(throws: (any Error).self) {
            try await store.database.transaction { c in try c.query("UPDATE audit_log SET outcome = 'forged'") }
        }
        await #expect(throws: (any Error).self) {
            try await store.database.transaction { c in try c.query("DELETE FROM audit_log") }
        }
        #expect(try await store.auditLog(limit: 10).map(\.outcome) == ["ok"])
        try await store.close()
    }

    @Test(arguments: Engine.selected)
    func nonceIsAcceptedOnce(engine: Engine) async throws {
        let store = try await makeStore(engine)
        let until = Date().addingTimeInterval(600)
        #expect(try await store.useNonce(kioskID: "k1", nonce: "n1", at: Date(), keepUntil: until))
        #expect(try await store.useNonce(kioskID: "k1", nonce: "n1", at: Date(), keepUntil: until) == false)
        #expect(try await store.useNonce(kioskID: "k2", nonce: "n1", at: Date(), keepUntil: until))
        try await store.close()
    }

    @Test(arguments: Engine.selected)
    func demoSeedLoadsTheDemoFoyer(engine: Engine) async throws {
        let service = try await makeService(engine)
        let file = try #require(try await service.store.loadFoyer(serial: holderSerial))
        #expect(file.persons.map(\.person.prenoms) == ["Jean", "Claire", "Léa", "Hugo"])
        #expect(file.mobile?.masked == "06 •• •• •• 34")
        #expect(file.codes.personal != nil)
        let sophie = try #require(try await service.store.loadFoyer(serial: sophieSerial))
        #expect(sophie.mobile == nil)
        #expect(try await service.store.loadFoyer(serial: "99999999999999") == nil)
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func concurrentUpdatesOfOneFoyerAreNotLost(engine: Engine) async throws {
        let service = try await makeService(engine)
        let store = service.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    _ = try await store.updateFoyer(serial: holderSerial) { f in f.codes.failures += 1 }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.loadFoyer(serial: holderSerial)?.codes.failures == 20)
        try await store.close()
    }
}
