import CentralAPI
import CentralTesting
import Domain
import Foundation
import KioskApp
import KioskRuntime
import KioskStore
import SyncClient
import Testing

/// One démarche at a time across visits and sessions: what waits in the
/// kiosk's outbox (SQLite) is pending for the card that confirmed it, until
/// the central store acknowledges it (applied or refused) or it is parked.
@Suite struct PendingRequestsTests {
    static func order(_ card: CardIdentity, _ person: Int, urgent: Bool = false) -> KioskCommand {
        KioskCommand(serial: card.serial, personIndex: person,
                     action: .ceam(CEAMRequest(action: .order, departureWithinUrgentDays: urgent)), confirmedAt: Date())
    }

    static func orderable(_ foyer: FoyerResponse) -> [Int] {
        foyer.persons.filter { p in p.ceamActions.contains { $0.action == .order && $0.exclusion == nil } }.map(\.index)
    }

    @Test func queuedRequestsArePendingForTheirCardUntilTheRelayDeliversThem() async throws {
        let dir = temporaryDirectory("pending")
        let server = try await startCentral(directory: dir)
        let services = try await CentralKioskServicesTests.services(server, dir: dir)
        let card = try CentralKioskServicesTests.card()
        var other = card
        other.serial = "25010000000099"
        let before = try await services.foyer(card: card)
        let persons = Self.orderable(before)
        try #require(persons.count >= 2, "the demo foyer has two persons without a CEAM")
        let (p, q) = (persons[0], persons[1])
        #expect(await services.pendingRequests(card: card).isEmpty)

        // The central store away: confirmed requests wait in the outbox.
        let port = server.port
        await server.stop()
        let first = Self.order(card, p, urgent: true)
        guard case .queued = try await services.submit(first) else { Issue.record("sent to a stopped central store"); return }
        // The same order again under another id (another kiosk's screen, a
        // stale one): the central store's rules will refuse it.
        let twice = Self.order(card, p)
        _ = try await services.submit(twice)
        let parked = Self.order(card, q)
        _ = try await services.submit(parked)
        let pending = await services.pendingRequests(card: card)
        #expect(pending.map(\.id) == [first.id, twice.id, parked.id], "oldest first")
        // The outbox keeps the confirmation to the second (JSON dates).
        #expect(pending.first?.action == first.action && pending.first?.personIndex == p)
        #expect(abs((pending.first?.confirmedAt ?? .distantPast).timeIntervalSince(first.confirmedAt)) < 1)
        #expect(await services.pendingRequests(card: other).isEmpty, "another card's session sees none of them")

        // A request parked as a dead letter no longer blocks the assuré.
        try services.store.markDeadLetter(id: parked.id, reason: "test: refused for good")
        #expect(await services.pendingRequests(card: card).map(\.id) == [first.id, twice.id])

        // The central store answers again, the relay has not run yet: its
        // foyer does not show the order, the outbox does.
        try await server.start(port: port)
        // On a backoff of minutes; the foyer read that succeeds makes it due now.
        try services.store.markRetry(id: first.id, error: "unreachable", next: Date().addingTimeInterval(300))
        let stale = try await services.foyer(card: card)
        #expect(try services.store.due(at: Date()).map(\.id).contains(first.id))
        #expect(Self.orderable(stale).contains(p), "the central store does not know the order yet")
        #expect(await services.pendingRequests(card: card).map(\.id) == [first.id, twice.id])

        // Delivered: applied once, the duplicate refused by the rules; none pending.
        for _ in 0..<200 where try services.store.pendingCount() > 0 {
            try await services.sync.relay.drainOnce()
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await services.pendingRequests(card: card).isEmpty)
        #expect(try services.store.entry(id: first.id)?.receipt?.status == .applied)
        #expect(try services.store.entry(id: twice.id)?.receipt?.status == .refused)
        // The urgent order's certificate, for the assuré's next visit if they had left.
        let issued = await services.issuedCertificates(card: card)
        #expect(issued.map(\.commandID) == [first.id] && issued.first?.personIndex == p)
        #expect(await services.issuedCertificates(card: other).isEmpty)
        // The duplicate refused and the parked one, said once at the next visit.
        #expect(await services.unsuccessfulRequests(card: card).map(\.id) == [twice.id, parked.id])
        await services.markTold([twice.id, parked.id])
        #expect(await services.unsuccessfulRequests(card: card).isEmpty)
        let after = try await services.foyer(card: card)
        #expect(!Self.orderable(after).contains(p))
        if case .ordered = after.persons.first(where: { $0.index == p })?.ceam {} else { Issue.record("the order is not in the foyer") }
        await server.stop()
    }
}
