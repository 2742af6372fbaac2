import CardProfile
import CardReader
import Crypto
import Domain
import Foundation

/// Makes test issuer keys, test cards and the trust file that goes with
/// them. Every key it makes is a TEST key: never a real secret.
public enum CardMaker {
    /// A signing key with its 8-byte id (SHA-256 of the point, first 8 bytes).
    public struct TestKey: Sendable {
        public let privateKey: P256.Signing.PrivateKey
        public var publicKey: P256.Signing.PublicKey { privateKey.publicKey }
        public var keyID: TrustStore.KeyID { TrustStore.KeyID(for: publicKey) }
        public init(_ key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) { privateKey = key }
        /// PEM; lines starting with `#` (the TEST warning) are skipped.
        public init(pem: String) throws {
            let body = pem.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
            privateKey = try P256.Signing.PrivateKey(pemRepresentation: body)
        }
    }

    /// A BMS-VIT card for `persons`, with a fresh card key and a certificate
    /// signed by `issuer`, valid `notBefore`…`notAfter`.
    public static func makeCard(serial: String, issueDate: CivilDate, issuer: String = "011751234", generation: Int = 2,
                                persons: [CardSpec.PersonSpec], issuerKey: TestKey, notBefore: CivilDate? = nil,
                                notAfter: CivilDate? = nil, cardKey: TestKey = TestKey(), comment: String? = nil) throws -> CardSpec {
        var spec = CardSpec(comment: comment, profile: .bmsVit, serial: serial, issueDate: issueDate.compact, generation: generation,
                            issuer: issuer, persons: persons, cardPrivateKey: cardKey.privateKey.pemRepresentation,
                            certificate: nil, rights: nil, transport: nil, faults: nil)
        spec = try certify(spec, serial: serial, cardPublicKey: Array(cardKey.publicKey.x963Representation),
                           notBefore: notBefore ?? issueDate, notAfter: notAfter ?? issueDate.adding(years: 5), issuerKey: issuerKey)
        return spec
    }

    /// (Re)writes the certificate: signed by `issuerKey` over exactly the
    /// C0–C5 TLVs the card will serve.
    public static func certify(_ spec: CardSpec, serial: String, cardPublicKey: [UInt8], notBefore: CivilDate, notAfter: CivilDate,
                               issuerKey: TestKey) throws -> CardSpec {
        var spec = spec
        let unsigned = CertificateFile(serial: serial, cardPublicKey: cardPublicKey, notBefore: notBefore, notAfter: notAfter,
                                       issuerKeyID: issuerKey.keyID.bytes)
        let sig = try issuerKey.privateKey.signature(for: unsigned.signedBytes)
        spec.certificate = .init(serial: serial, cardPublicKey: cardPublicKey.hexString, notBefore: notBefore.compact,
                                 notAfter: notAfter.compact, issuerKeyId: issuerKey.keyID.description,
                                 signature: Array(sig.rawRepresentation).hexString)
        return spec
    }

    /// Writes EF.RIGHTS as the central store would: AMO rights for every
    /// person from `start` to `end`, signed by `centralKey`.
    public static func signRights(_ spec: CardSpec, issuedAt: String, start: CivilDate, end: CivilDate, centralKey: TestKey) throws -> CardSpec {
        var spec = spec
        let holder = try NIR(spec.persons[0].ouvrantDroitNIR)
        let persons = spec.persons.indices.map { PersonRights(index: $0, amoStart: start, amoEnd: end, ald: false) }
        let unsigned = RightsFile(issuedAt: issuedAt, holderNIR: holder, persons: persons, keyID: centralKey.keyID.bytes)
        let sig = try centralKey.privateKey.signature(for: unsigned.signedBytes)
        spec.rights = .init(issuedAt: issuedAt, holderNIR: holder.text,
                            persons: persons.map { .init(index: $0.index, amoStart: $0.amoStart.compact, amoEnd: $0.amoEnd.compact,
                                                         ald: $0.ald, complementaireSanteSolidaireEnd: nil) },
                            keyId: centralKey.keyID.description, signature: Array(sig.rawRepresentation).hexString)
        return spec
    }

    /// The same files on a card with another private key: what a copy of a
    /// card's readable content looks like. Must be refused.
    public static func copyOntoAnotherChip(_ spec: CardSpec) -> CardSpec {
        var copy = spec
        copy.cardPrivateKey = P256.Signing.PrivateKey().pemRepresentation
        copy.comment = "copy of \(spec.serial)'s files with another key (must be refused)"
        return copy
    }

    /// The trust file a kiosk needs to accept these issuers and central keys.
    public static func trustFile(issuers: [TestKey], central: [TestKey] = []) -> TrustStore.File {
        TrustStore.File(issuers: issuers.map { .init(keyId: $0.keyID, publicKey: $0.publicKey.pemRepresentation, comment: "TEST issuer key") },
                        central: central.map { .init(keyId: $0.keyID, publicKey: $0.publicKey.pemRepresentation, comment: "TEST central key") })
    }

    public static func trustStore(issuers: [TestKey], central: [TestKey] = []) -> TrustStore {
        TrustStore(issuers: Dictionary(uniqueKeysWithValues: issuers.map { ($0.keyID, $0.publicKey) }),
                   central: Dictionary(uniqueKeysWithValues: central.map { ($0.keyID, $0.publicKey) }))
    }

    // MARK: the demo foyer (fictional people, shared by every part)

    public static let demoHolderNIR = "180057505612342"

    public static var demoFoyer: [CardSpec.PersonSpec] {
        [
            .init(ouvrantDroitNIR: demoHolderNIR, ownNIR: demoHolderNIR, nomFamille: "DUPONT", prenoms: "Jean", birthDate: "19800514", qualite: "assure"),
            .init(ouvrantDroitNIR: demoHolderNIR, ownNIR: "282116912304563", nomFamille: "MARTIN", nomUsage: "DUPONT", prenoms: "Claire",
                  birthDate: "19821103", qualite: "conjoint"),
            .init(ouvrantDroitNIR: demoHolderNIR, ownNIR: "212033306301160", nomFamille: "DUPONT", prenoms: "Léa", birthDate: "20120321", qualite: "enfant"),
            .init(ouvrantDroitNIR: demoHolderNIR, nomFamille: "DUPONT", prenoms: "Hugo", birthDate: "20180709", qualite: "enfant"),
        ]
    }

    public static var demoSecondFoyer: [CardSpec.PersonSpec] {
        [.init(ouvrantDroitNIR: "275022A12301293", ownNIR: "275022A12301293", nomFamille: "BERNARD", prenoms: "Sophie", birthDate: "19750228", qualite: "assure")]
    }

    /// The same foyer as a Vitale 2 clear zone.
    public static func vitale2Card(persons: [CardSpec.PersonSpec], validityStart: CivilDate) -> CardSpec {
        CardSpec(comment: "emulated Vitale 2 clear zone (TEST)", profile: .vitale2, serial: "", issueDate: validityStart.compact,
                 generation: 2, issuer: "", persons: persons, cardPrivateKey: nil, certificate: nil, rights: nil, transport: nil, faults: nil)
    }
}
