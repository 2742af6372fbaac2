import CardProfile
import Central
import CentralAPI
import Crypto
import Domain
import Foundation
import Testing

@Suite("EF.RIGHTS signed here reads back with the card part's decoder")
struct RightsInteropTests {
    @Test func centralRightsDecodeAndVerifyWithCardProfile() async throws {
        let service = try await makeService(.sqlite)
        let rights = try await service.rights(serial: holderSerial, kiosk: "k1")
        let file = try #require(try RightsFile.decode([UInt8](rights.efRights)))
        #expect(file.holderNIR.text == "180057505612342")
        #expect(file.issuedAt == rights.issuedAt)
        #expect(file.persons.map(\.index) == [0, 1, 2, 3])
        #expect(file.persons[3].ald)
        #expect(file.keyID.map { String(format: "%02x", $0) }.joined() == rights.keyID)
        #expect(file.encode() == [UInt8](rights.efRights))
        let key = try P256.Signing.PublicKey(x963Representation: try await service.reference().rightsSigningKeys[0].publicKey)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: Data(file.signature))
        #expect(key.isValidSignature(signature, for: Data(file.signedBytes)))
        try await service.store.close()
    }
}
