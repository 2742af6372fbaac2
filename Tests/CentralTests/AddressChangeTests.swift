import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

/// The change of address through the central store, on SQLite and
/// PostgreSQL: kept with the foyer, served masked, the NPAI lifted only
/// when it is applied; an address that cannot be kept is refused.
@Suite("Central: change of address, on SQLite and PostgreSQL")
struct AddressChangeTests {
    func change(_ a: PostalAddress, id: UUID = UUID()) -> KioskCommand {
        KioskCommand(id: id, serial: holderSerial, personIndex: 0, action: .addressChange(a), confirmedAt: CivilDay.noonInParis(demoDay))
    }

    @Test(arguments: Engine.selected)
    func theNewAddressIsKeptServedMaskedAndLiftsTheNPAI(engine: Engine) async throws {
        let service = try await makeService(engine)
        _ = try await service.store.updateFoyer(serial: holderSerial) { $0.situation.npai = true }
        #expect(try await service.foyer(serial: holderSerial, kiosk: "k1").npai == true)
        let typed = PostalAddress(number: "12 bis", street: "rue de la Paix", postalCode: "69003", commune: "LYON")
        guard case .receipt(let r) = try await service.apply(change(typed), kiosk: "k1") else { Issue.record("pending"); return }
        #expect(r.status == .applied)
        let foyer = try await service.foyer(serial: holderSerial, kiosk: "k1")
        #expect(foyer.npai == false)
        #expect(foyer.address?.lines.last == "69003 LYON")
        #expect(foyer.address?.street?.contains("Paix") == false, "masked on the wire to a public screen")
        #expect(try await service.store.loadFoyer(serial: holderSerial)?.address == typed)
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func anAddressThatCannotBeKeptIsRefusedAndTheNPAIStays(engine: Engine) async throws {
        let service = try await makeService(engine)
        _ = try await service.store.updateFoyer(serial: holderSerial) { $0.situation.npai = true }
        let before = try await service.store.loadFoyer(serial: holderSerial)?.address
        guard case .receipt(let r) = try await service.apply(change(PostalAddress(postalCode: "00100", commune: "LYON")), kiosk: "k1") else {
            Issue.record("pending"); return
        }
        #expect(r.status == .refused && r.reason == RefusalReason.addressNotValid.rawValue)
        let after = try await service.store.loadFoyer(serial: holderSerial)
        #expect(after?.address == before && after?.situation.npai == true)
        try await service.store.close()
    }
}
