import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import KioskStore
import SyncClient
import Testing

/// A command id another kiosk already used (or used for another body): the
/// central store answers 409 command_id_conflict for good. The kiosk parks
/// it as a dead letter; the queue behind it is not held for ever.
@Suite("Sync: a command id in conflict")
struct CommandConflictTests {
    @Test func aConflictIsParkedAndTheQueueGoesOn() async throws {
        #expect(DeliveryFailure(.rejected(status: 409, body: .init(code: "command_id_conflict", message: ""))) == .definitive)
        let server = try await startCentral()
        defer { Task { await server.stop() } }
        let first = SignedTestClient(baseURL: server.baseURL, credentials: try await server.addKiosk())
        let taken = viewPrint()
        #expect(try await first.send("POST", "/v1/commands", body: try first.json(taken)).status == 200)

        let creds = try await server.addKiosk()
        let kiosk = try KioskStore(path: try tempPath("kiosk.sqlite").path)
        let relay = OutboxRelay(store: kiosk, client: CentralClient(baseURL: server.baseURL, credentials: creds),
                                backoff: Backoff(first: 0, maximum: 0))
        let behind = viewPrint()
        try kiosk.enqueue(taken)
        try kiosk.enqueue(behind)
        let report = try await relay.drainOnce()
        #expect(report.parked == 1 && report.delivered == 1 && report.stoppedOn == nil, "\(report)")
        #expect(try kiosk.deadLetters().first?.reason.contains("command_id_conflict") == true)
        #expect(try await appliedCounts(server)[behind.id] == 1)
    }
}
