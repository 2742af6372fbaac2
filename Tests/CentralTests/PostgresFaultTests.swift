import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

@Suite("PostgreSQL faults and several instances")
struct PostgresFaultTests {
    @Test func restartUnderLoadLosesAndDoublesNothing() async throws {
        // Its own cluster: restarting the shared one would disturb other tests.
        let cluster = try await PostgresTestCluster.start()
        defer { cluster.stop() }
        let store = try SQLCentralStore.postgres(url: try cluster.createDatabase(), maximumConnections: 8)
        try await store.migrate()
        let service = try await makeService(.postgres, store: store, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service)
        let client = SignedTestClient(baseURL: server.baseURL, credentials: try await server.addKiosk())
        let commands = (0..<60).map { _ in
            KioskCommand(serial: holderSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date())
        }
        // Four kiosks send, each retrying a command until it gets a receipt (as the relay does).
        let results = try await withThrowingTaskGroup(of: (receipts: Int, failures: Int).self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var receipts = 0, failures = 0
                    for c in commands[(worker * 15)..<(worker * 15 + 15)] {
                        while true {
                            let answer = try? await client.send("POST", "/v1/commands", body: try client.json(c))
                            if ProcessInfo.processInfo.environment["CENTRAL_TEST_TRACE"] != nil {
                                FileHandle.standardError.write(Data("worker \(worker) status \(answer?.status ?? -1)\n".utf8))
                            }
                            if answer?.status == 200 { receipts += 1; break }
                            failures += 1
                            try await Task.sleep(nanoseconds: 50_000_000)
                        }
                    }
                    return (receipts, failures)
                }
            }
            group.addTask {
                try await Task.sleep(nanoseconds: 150_000_000)
                FileHandle.standardError.write(Data("restart begins\n".utf8))
                try await cluster.restart()
                FileHandle.standardError.write(Data("restart done\n".utf8))
                return (0, 0)
            }
            return try await group.reduce(into: (0, 0)) { $0.0 += $1.receipts; $0.1 += $1.failures }
        }
        #expect(results.0 == commands.count)
        // Applied once each: one row per id in the store's record of applied commands.
        let ids = try await store.database.transaction { c in try c.query("SELECT id FROM applied_commands").map { try $0.text(0) } }
        #expect(ids.count == commands.count)
        #expect(Set(ids) == Set(commands.map { $0.id.uuidString.lowercased() }))
        // And each has exactly one "applied" audit entry (written in the same transaction).
        let applied = try await service.store.auditLog(limit: 10_000).filter { $0.outcome == "applied" }
        let perCommand = Dictionary(grouping: applied.compactMap(\.commandID), by: { $0 }).mapValues(\.count)
        #expect(commands.allSatisfy { perCommand[$0.id] == 1 })
        // The service answers normally afterwards.
        #expect(try await client.send("GET", "/v1/cards/\(holderSerial)/foyer").status == 200)
        await server.stop()
        try await store.close()
    }

    @Test func twoInstancesOnOneDatabaseShareLimitsAndLockOuts() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let url = try cluster.createDatabase()
        let storeA = try SQLCentralStore.postgres(url: url, maximumConnections: 4)
        let storeB = try SQLCentralStore.postgres(url: url, maximumConnections: 4)
        try await storeA.migrate()
        try await storeB.migrate()
        let a = try await makeService(.postgres, store: storeA, clock: TestClock(Date()))
        let b = CentralService(store: storeB, clock: a.clock, hasher: .fastForTests, sms: a.sms)
        let serverA = try await CentralTestServer.start(service: a)
        let serverB = try await CentralTestServer.start(service: b)
        // One kiosk key, registered once, accepted by both instances; a nonce used on A is refused on B.
        let creds = try await serverA.addKiosk()
        let clientA = SignedTestClient(baseURL: serverA.baseURL, credentials: creds)
        let clientB = SignedTestClient(baseURL: serverB.baseURL, credentials: creds)
        let nonce = KioskCredentials.freshNonce()
        let now = Date()
        #expect(try await clientA.send("GET", "/v1/reference", signedAt: now, nonce: nonce).status == 200)
        #expect(try await clientB.send("GET", "/v1/reference", signedAt: now, nonce: nonce).error?.code == "replay")
        // Provisional codes: 3 a day in all, whichever instance answers.
        let path = "/v1/cards/\(holderSerial)/provisional-code"
        var statuses: [ProvisionalCodeResponse.Status] = []
        for client in [clientA, clientB, clientA, clientB] {
            statuses.append(try await client.send("POST", path).decode(ProvisionalCodeResponse.self).status)
        }
        #expect(statuses == [.sent, .sent, .sent, .tooManyRequests])
        // Lock-out: tries on both instances add up.
        let check = "/v1/cards/\(holderSerial)/code-check"
        for client in [clientA, clientB, clientA] {
            _ = try await client.send("POST", check, body: try client.json(CodeCheckRequest(code: "0000")))
        }
        // Locked on the other instance: the right code personnel is refused
        // (it counts against the SMS code that waits, the one way out).
        #expect(try await clientB.send("GET", "/v1/cards/\(holderSerial)/status").decode(CardStatusResponse.self).codeLocked == true)
        #expect(try await clientB.send("POST", check, body: try clientB.json(CodeCheckRequest(code: "1234")))
            .decode(CodeCheckResponse.self).outcome != .accepted)
        await serverA.stop()
        await serverB.stop()
    }
}
