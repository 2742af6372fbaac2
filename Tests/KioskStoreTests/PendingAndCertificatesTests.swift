import CentralAPI
import Domain
import Foundation
@testable import KioskStore
import Testing

/// What a later session reads of the outbox: requests still waiting, and
/// certificates issued for requests that were sent.
@Suite struct PendingAndCertificatesTests {
    static let certificate = ProvisionalCertificate(issuedOn: CivilDate(year: 2026, month: 11, day: 23)!,
                                                    validUntil: CivilDate(year: 2027, month: 2, day: 23)!)

    @Test func onlyWaitingEntriesArePendingAndOnlyAppliedCertificatesAreKeptWithTheirCard() throws {
        let store = try KioskStore(path: try temporaryStorePath())
        let (urgent, plain, refused, parked, waiting) = (command(1), command(2), command(3), command(0), command(1))
        var otherCard = command(1)
        otherCard.serial = "25010000000099"
        for c in [urgent, plain, refused, parked, waiting, otherCard] { try store.enqueue(c) }
        #expect(try store.pending().map(\.id) == [urgent, plain, refused, parked, waiting, otherCard].map(\.id))

        var withCertificate = CommandReceipt(id: urgent.id, status: .applied)
        withCertificate.provisionalCertificate = Self.certificate
        try store.markAcknowledged(id: urgent.id, receipt: withCertificate)
        try store.markAcknowledged(id: plain.id, receipt: CommandReceipt(id: plain.id, status: .applied))
        try store.markAcknowledged(id: refused.id, receipt: CommandReceipt(id: refused.id, status: .refused, reason: "rules"))
        try store.markDeadLetter(id: parked.id, reason: "422 invalid")
        #expect(try store.pending().map(\.id) == [waiting.id, otherCard.id], "acknowledged, refused and parked are not pending")

        let issued = try store.issuedCertificates(serial: urgent.serial)
        #expect(issued == [.init(commandID: urgent.id, personIndex: 1, certificate: Self.certificate)])
        #expect(try store.issuedCertificates(serial: otherCard.serial).isEmpty)
        // Refused by the rules or parked, the assuré told nothing yet: said at the next visit, once.
        let unsaid = try store.unsuccessful(serial: urgent.serial)
        #expect(unsaid.map(\.id) == [refused.id, parked.id])
        #expect(unsaid.map(\.parked) == [false, true] && unsaid.map(\.personIndex) == [3, 0])
        #expect(unsaid.first?.action == "ceam.order")
        try store.markTold(ids: [refused.id])
        #expect(try store.unsuccessful(serial: urgent.serial).map(\.id) == [parked.id])
        // Purged with the acknowledged entries (7 days on the kiosk).
        try store.purgeAcknowledged(before: Date().addingTimeInterval(60))
        #expect(try store.issuedCertificates(serial: urgent.serial).isEmpty)
    }

    /// The central store answered: what waits on a backoff goes at the relay's next turn.
    @Test func pendingCommandsOnABackoffAreMadeDueNow() throws {
        let store = try KioskStore(path: try temporaryStorePath())
        let now = Date()
        let (waiting, parked) = (command(1), command(2))
        try store.enqueue(waiting, at: now)
        try store.enqueue(parked, at: now)
        try store.markRetry(id: waiting.id, error: "unreachable", next: now.addingTimeInterval(300))
        try store.markDeadLetter(id: parked.id, reason: "422")
        #expect(try store.due(at: now).isEmpty)
        #expect(try store.retryPendingNow(at: now) == 1)
        #expect(try store.due(at: now).map(\.id) == [waiting.id])
        #expect(try store.deadLetters().map(\.id) == [parked.id], "a dead letter stays parked")
    }
}

/// A pending body that no longer decodes (a kiosk upgraded with an older
/// command on disk) hides only itself from what later sessions see.
@Test func anUndecodablePendingEntryHidesOnlyItself() throws {
    let store = try KioskStore(path: try temporaryStorePath())
    let (broken, fine) = (command(1), command(2))
    try store.enqueue(broken)
    try store.enqueue(fine)
    try store.corruptBodyForTests(id: broken.id)
    #expect(try store.pending().map(\.id) == [fine.id])
}

extension KioskStore {
    func corruptBodyForTests(id: UUID) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE outbox SET body = ? WHERE id = ?", arguments: [Data("{".utf8), id.uuidString.lowercased()])
        }
    }
}
