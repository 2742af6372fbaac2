import Domain
import Testing
@testable import CardProfile

@Suite struct FilesTests {
    static let holderNIR = try! NIR("180057505612342")

    static func foyer() throws -> Foyer {
        try Foyer([
            Person(ouvrantDroitNIR: holderNIR, ownNIR: holderNIR, nomFamille: "DUPONT", prenoms: "Jean",
                   birthDate: BirthDate(compact: "19800514")!, qualite: .assure),
            Person(ouvrantDroitNIR: holderNIR, ownNIR: try NIR("282116912304563"), nomFamille: "MARTIN", nomUsage: "DUPONT",
                   prenoms: "Claire", birthDate: BirthDate(compact: "19821103")!, qualite: .conjoint),
            Person(ouvrantDroitNIR: holderNIR, nomFamille: "DUPONT", prenoms: "Hugo", birthDate: BirthDate(compact: "20180700")!,
                   qualite: .enfant),
        ])
    }

    @Test func cardFileRoundTrip() throws {
        let f = CardFile(serial: "25010000000001", issueDate: CivilDate(year: 2025, month: 1, day: 15)!, generation: 2, issuer: "011751234")
        #expect(try CardFile.decode(f.encode()) == f)
    }

    @Test func cardFileSkipsUnknownTags() throws {
        let f = CardFile(serial: "25010000000001", issueDate: CivilDate(year: 2025, month: 1, day: 15)!, generation: 1, issuer: "011751234")
        let later = f.encode() + TLV.encode(tag: 0xD5, value: [1, 2, 3])
        #expect(try CardFile.decode(later) == f)
    }

    @Test func cardFileRejectsBadFields() throws {
        func file(_ pairs: [(UInt8, [UInt8])]) -> [UInt8] { pairs.flatMap { TLV.encode(tag: UInt32($0.0), value: $0.1) } }
        let good: [(UInt8, [UInt8])] = [(0xC0, [1]), (0xC1, Array("25010000000001".utf8)), (0xC2, Array("20250115".utf8)), (0xC3, [2]), (0xC4, Array("011751234".utf8))]
        #expect(throws: Never.self) { try CardFile.decode(file(good)) }
        var v = good; v[0].1 = [2]
        #expect(throws: CardFileError.self) { try CardFile.decode(file(v)) }
        v = good; v[1].1 = Array("12AB".utf8)
        #expect(throws: CardFileError.self) { try CardFile.decode(file(v)) }
        v = good; v[2].1 = Array("20250230".utf8)
        #expect(throws: CardFileError.self) { try CardFile.decode(file(v)) }
        v = good; v[3].1 = [3]
        #expect(throws: CardFileError.self) { try CardFile.decode(file(v)) }
        v = good; v.remove(at: 4)
        #expect(throws: CardFileError.missing(.card, tag: 0xC4)) { try CardFile.decode(file(v)) }
        #expect(throws: CardFileError.empty(.card)) { try CardFile.decode([0, 0, 0]) }
    }

    @Test func benefRoundTripKeepsNFCAndUnknownDates() throws {
        let b = BenefFile(foyer: try Self.foyer())
        let decoded = try BenefFile.decode(b.encode())
        #expect(decoded == b)
        #expect(decoded.foyer.persons[2].birthDate.day == nil)
        // "Léa" in NFD is stored and read back in NFC.
        var p = decoded.foyer.persons[2]
        p.prenoms = "Le\u{301}a"
        let f = BenefFile(foyer: try Foyer([decoded.foyer.persons[0], p]))
        let back = try BenefFile.decode(f.encode())
        #expect(back.foyer.persons[1].prenoms.unicodeScalars.count == 3)
    }

    @Test func benefRejectsBadNIRKeyAndTooManyPersons() throws {
        var bytes = BenefFile(foyer: try Self.foyer()).encode()
        // Change the last key digit of the first NIR.
        let nir = Array("180057505612342".utf8)
        if let r = bytes.firstRange(of: nir) { bytes[r.upperBound - 1] = UInt8(ascii: "3") }
        #expect(throws: CardFileError.self) { try BenefFile.decode(bytes) }

        let one = BenefFile(foyer: try Foyer([try Self.foyer().holder])).encode()
        let thirteen = one + Array(repeating: one, count: 12).flatMap { $0 }
        #expect(throws: CardFileError.invalid(.benef, tag: 0xE0, reason: "more than 12 persons")) { try BenefFile.decode(thirteen) }
    }

    @Test func benefRejectsControlCharactersAndInvalidUTF8() throws {
        let holder = try Self.foyer().holder
        for bad in [[0x44, 0x00, 0x55] as [UInt8], [0xC3, 0x28], [0x41, 0x0A]] {
            var v = TLV.encode(tag: 0xC0, value: Array(holder.ouvrantDroitNIR.text.utf8))
            v += TLV.encode(tag: 0xC2, value: bad) + TLV.encode(tag: 0xC4, value: Array("Jean".utf8))
            v += TLV.encode(tag: 0xC5, value: Array("19800514".utf8)) + TLV.encode(tag: 0xC6, value: [1]) + TLV.encode(tag: 0xC7, value: [0])
            #expect(throws: CardFileError.self) { try BenefFile.decode(TLV.encode(tag: 0xE0, value: v)) }
        }
    }

    @Test func certificateSignedBytesAreTheFileBytes() throws {
        let cert = CertificateFile(serial: "25010000000001", cardPublicKey: [0x04] + Array(repeating: 1, count: 64),
                                   notBefore: CivilDate(year: 2025, month: 1, day: 1)!, notAfter: CivilDate(year: 2030, month: 1, day: 1)!,
                                   issuerKeyID: Array(1...8), signature: Array(repeating: 2, count: 64))
        let decoded = try CertificateFile.decode(cert.encode())
        #expect(decoded == cert)
        // An unknown tag inside E1 is skipped, and not part of what was signed.
        var e1 = cert.signedBytes + TLV.encode(tag: 0xD0, value: [9]) + TLV.encode(tag: 0xCF, value: cert.signature)
        e1 = TLV.encode(tag: 0xE1, value: e1)
        #expect(try CertificateFile.decode(e1).signedBytes == cert.signedBytes)
        #expect(throws: CardFileError.missing(.cert, tag: 0xE1)) { try CertificateFile.decode([0, 0]) }
        var short = cert
        short.signature = [1, 2, 3]
        #expect(throws: CardFileError.self) { try CertificateFile.decode(short.encode()) }
    }

    @Test func rightsAbsentTruncatedAndRoundTrip() throws {
        #expect(try RightsFile.decode([UInt8](repeating: 0, count: 64)) == nil)
        #expect(try RightsFile.decode([]) == nil)
        let r = RightsFile(issuedAt: "20250115090000", holderNIR: Self.holderNIR,
                           persons: [PersonRights(index: 0, amoStart: CivilDate(year: 2025, month: 1, day: 1)!, amoEnd: CivilDate(year: 2026, month: 1, day: 1)!,
                                                  ald: true, complementaireSanteSolidaireEnd: CivilDate(year: 2025, month: 6, day: 30)!)],
                           keyID: Array(1...8), signature: Array(repeating: 3, count: 64))
        #expect(try RightsFile.decode(r.encode()) == r)
        #expect(throws: CardFileError.self) { try RightsFile.decode(Array(r.encode().dropLast(10))) }
    }

    @Test func authenticationMessage() {
        let m = BMSVIT.authenticationMessage(challenge: [1, 2], serial: "123")
        #expect(m == Array("BMSVIT-AUTH-v1".utf8) + [1, 2] + Array("123".utf8))
    }

    /// The map (EF 2001) has its own vectors: Vitale2MapTests.
    @Test func vitale2ClearZone() throws {
        let zone = Vitale2.ClearZone(beneficiaries: [.init(nom: "DUPONT", prenom: "Jean", birthDate: BirthDate(compact: "19800514")!,
                                                           nationality: "FR", nir: Self.holderNIR)],
                                     validityStart: CivilDate(year: 2020, month: 1, day: 1))
        var back = Vitale2.ClearZone(beneficiaries: [], validityStart: nil)
        try Vitale2.decodeFile(Vitale2.encodeFile(zone) + [0x7F, 0x21, 0x03, 0x5F, 0x37, 0x00], into: &back)
        #expect(back == zone)
        #expect(try back.foyer().holder.ouvrantDroitNIR == Self.holderNIR)
        #expect(throws: Vitale2.Error.self) { try Vitale2.decodeFile([0x65, 0x03, 0x80, 0x01, 0x41], into: &back) }
    }
}
