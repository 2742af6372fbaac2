import Domain
import Foundation

/// The BMS-VIT application (card-profile.md): identifiers and the files as
/// value types, with `encode()` for the emulator and the test-card maker and
/// `init(tlv:)`/`decode` for the reader.
public enum BMSVIT {
    /// `F0 42 4D 53 56 49 54 01`: proprietary, "BMSVIT", v1.
    public static let aid: [UInt8] = [0xF0, 0x42, 0x4D, 0x53, 0x56, 0x49, 0x54, 0x01]
    /// The ATR's historical bytes: a hint only, never proof.
    public static let historicalBytes: [UInt8] = Array("BMSVIT10".utf8)
    /// A T=1 ATR carrying the historical bytes (used by the virtual card).
    public static let atr: [UInt8] = [0x3B, 0x88, 0x80, 0x01] + historicalBytes + [checkByte([0x88, 0x80, 0x01] + historicalBytes)]
    /// A T=0-only ATR with the same historical bytes.
    public static let atrT0: [UInt8] = [0x3B, 0x08] + historicalBytes

    public enum FileID: UInt16, Sendable, CaseIterable, CustomStringConvertible {
        case card = 0x2F01
        case benef = 0x2F03
        case cert = 0x2F04
        case rights = 0x2F06
        public var description: String {
            switch self {
            case .card: return "EF.CARD"
            case .benef: return "EF.BENEF"
            case .cert: return "EF.CERT"
            case .rights: return "EF.RIGHTS"
            }
        }
    }

    public static let maxPersons = 12
    static let decoder = TLVDecoder(rules: .bmsVit)

    /// The bytes the card signs for INTERNAL AUTHENTICATE (hashed with
    /// SHA-256 by ECDSA P-256): `BMSVIT-AUTH-v1` ‖ challenge ‖ serial.
    public static func authenticationMessage(challenge: [UInt8], serial: String) -> [UInt8] {
        Array("BMSVIT-AUTH-v1".utf8) + challenge + Array(serial.utf8)
    }

    static func checkByte(_ bytes: [UInt8]) -> UInt8 { bytes.reduce(0, ^) }
}

/// Why a file's content does not follow the profile. Never carries the
/// content (names, NIRs), so it is safe to log.
public enum CardFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case tlv(BMSVIT.FileID, TLVError)
    case missing(BMSVIT.FileID, tag: UInt8)
    case invalid(BMSVIT.FileID, tag: UInt8, reason: String)
    case empty(BMSVIT.FileID)

    public var description: String {
        switch self {
        case .tlv(let f, let e): return "\(f) is malformed: \(e)"
        case .missing(let f, let t): return "\(f) lacks tag \(hex(t))"
        case .invalid(let f, let t, let r): return "\(f) tag \(hex(t)): \(r)"
        case .empty(let f): return "\(f) is empty"
        }
    }
}

// MARK: - reading helpers

struct FieldReader {
    let file: BMSVIT.FileID
    let element: [TLV]

    func bytes(_ tag: UInt8) throws(CardFileError) -> [UInt8] {
        guard let t = element.first(where: { $0.tag == UInt32(tag) }) else { throw .missing(file, tag: tag) }
        return t.value
    }
    func optionalBytes(_ tag: UInt8) -> [UInt8]? { element.first { $0.tag == UInt32(tag) }?.value }

    func byte(_ tag: UInt8) throws(CardFileError) -> UInt8 {
        let b = try bytes(tag)
        guard b.count == 1 else { throw .invalid(file, tag: tag, reason: "must be 1 byte, found \(b.count)") }
        return b[0]
    }
    func text(_ tag: UInt8, maxBytes: Int = 128) throws(CardFileError) -> String {
        try text(tag, from: bytes(tag), maxBytes: maxBytes)
    }
    func optionalText(_ tag: UInt8, maxBytes: Int = 128) throws(CardFileError) -> String? {
        guard let b = optionalBytes(tag) else { return nil }
        return try text(tag, from: b, maxBytes: maxBytes)
    }
    func text(_ tag: UInt8, from b: [UInt8], maxBytes: Int) throws(CardFileError) -> String {
        guard b.count <= maxBytes else { throw .invalid(file, tag: tag, reason: "longer than \(maxBytes) bytes") }
        guard let s = String(validating: b, as: UTF8.self) else { throw .invalid(file, tag: tag, reason: "not UTF-8") }
        guard !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(file, tag: tag, reason: "contains control characters")
        }
        // ASCII is already NFC: skip Foundation's normalisation for it.
        return b.allSatisfy({ $0 < 0x80 }) ? s : s.precomposedStringWithCanonicalMapping
    }
    func digits(_ tag: UInt8, count: ClosedRange<Int>) throws(CardFileError) -> String {
        let b = try bytes(tag)
        guard count.contains(b.count), b.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .invalid(file, tag: tag, reason: "must be \(count.lowerBound)–\(count.upperBound) ASCII digits")
        }
        return String(decoding: b, as: UTF8.self)
    }
    func date(_ tag: UInt8) throws(CardFileError) -> CivilDate {
        try date(tag, from: bytes(tag))
    }
    func optionalDate(_ tag: UInt8) throws(CardFileError) -> CivilDate? {
        guard let b = optionalBytes(tag) else { return nil }
        return try date(tag, from: b)
    }
    func date(_ tag: UInt8, from b: [UInt8]) throws(CardFileError) -> CivilDate {
        guard b.count == 8, b.allSatisfy({ (0x30...0x39).contains($0) }),
              let d = CivilDate(String(decoding: b, as: UTF8.self)) else {
            throw .invalid(file, tag: tag, reason: "not a date YYYYMMDD")
        }
        return d
    }
    func nir(_ tag: UInt8) throws(CardFileError) -> NIR {
        try nir(tag, from: bytes(tag))
    }
    func optionalNIR(_ tag: UInt8) throws(CardFileError) -> NIR? {
        guard let b = optionalBytes(tag) else { return nil }
        return try nir(tag, from: b)
    }
    func nir(_ tag: UInt8, from b: [UInt8]) throws(CardFileError) -> NIR {
        guard b.count == 15, b.allSatisfy({ $0 < 0x80 }) else { throw .invalid(file, tag: tag, reason: "NIR must be 15 ASCII characters") }
        do { return try NIR(String(decoding: b, as: UTF8.self)) } catch {
            throw .invalid(file, tag: tag, reason: error.description)
        }
    }
    func fixed(_ tag: UInt8, count: Int) throws(CardFileError) -> [UInt8] {
        let b = try bytes(tag)
        guard b.count == count else { throw .invalid(file, tag: tag, reason: "must be \(count) bytes, found \(b.count)") }
        return b
    }
}

func decodeSingle(_ file: BMSVIT.FileID, _ bytes: [UInt8], tag: UInt32) throws(CardFileError) -> TLV? {
    let elements: [TLV]
    do { elements = try BMSVIT.decoder.decode(bytes) } catch { throw .tlv(file, error) }
    return elements.first { $0.tag == tag }
}

func tlv(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] { TLV.encode(tag: UInt32(tag), value: value) }
func tlv(_ tag: UInt8, _ text: String) -> [UInt8] { tlv(tag, Array(text.precomposedStringWithCanonicalMapping.utf8)) }

// MARK: - EF.CARD

public struct CardFile: Hashable, Sendable {
    public var version: UInt8
    public var serial: String
    public var issueDate: CivilDate
    public var generation: Int
    /// Régime (2) + caisse (3) + centre (4) digits.
    public var issuer: String

    public init(version: UInt8 = 1, serial: String, issueDate: CivilDate, generation: Int, issuer: String) {
        self.version = version; self.serial = serial; self.issueDate = issueDate; self.generation = generation; self.issuer = issuer
    }

    public static func decode(_ bytes: [UInt8]) throws(CardFileError) -> CardFile {
        let elements: [TLV]
        do { elements = try BMSVIT.decoder.decode(bytes) } catch { throw .tlv(.card, error) }
        guard !elements.isEmpty else { throw .empty(.card) }
        let r = FieldReader(file: .card, element: elements)
        let version = try r.byte(0xC0)
        guard version == 1 else { throw .invalid(.card, tag: 0xC0, reason: "profile version \(version) is not supported (1)") }
        let generation = try r.byte(0xC3)
        guard generation == 1 || generation == 2 else { throw .invalid(.card, tag: 0xC3, reason: "generation must be 1 or 2") }
        return CardFile(version: version, serial: try r.digits(0xC1, count: 10...22), issueDate: try r.date(0xC2),
                        generation: Int(generation), issuer: try r.digits(0xC4, count: 9...9))
    }

    public func encode() -> [UInt8] {
        tlv(0xC0, [version]) + tlv(0xC1, serial) + tlv(0xC2, issueDate.compact) + tlv(0xC3, [UInt8(generation)]) + tlv(0xC4, issuer)
    }
}

// MARK: - EF.BENEF

public struct BenefFile: Hashable, Sendable {
    public var foyer: Foyer
    public init(foyer: Foyer) { self.foyer = foyer }

    public static func decode(_ bytes: [UInt8]) throws(CardFileError) -> BenefFile {
        let elements: [TLV]
        do { elements = try BMSVIT.decoder.decode(bytes) } catch { throw .tlv(.benef, error) }
        let entries = elements.filter { $0.tag == 0xE0 }
        guard !entries.isEmpty else { throw .empty(.benef) }
        guard entries.count <= BMSVIT.maxPersons else {
            throw .invalid(.benef, tag: 0xE0, reason: "more than \(BMSVIT.maxPersons) persons")
        }
        var persons: [Person] = []
        for e in entries {
            let r = FieldReader(file: .benef, element: e.children)
            guard let birth = BirthDate(compact: String(decoding: try r.bytes(0xC5), as: UTF8.self)) else {
                throw .invalid(.benef, tag: 0xC5, reason: "not a birth date YYYYMMDD (00 allowed for month/day)")
            }
            let rang = try r.byte(0xC6)
            guard (1...9).contains(rang) else { throw .invalid(.benef, tag: 0xC6, reason: "rang de naissance must be 1–9") }
            guard let qualite = Qualite(rawValue: try r.byte(0xC7)) else {
                throw .invalid(.benef, tag: 0xC7, reason: "unknown qualité")
            }
            let nom = try r.text(0xC2, maxBytes: 80), prenoms = try r.text(0xC4, maxBytes: 80)
            guard !nom.isEmpty, !prenoms.isEmpty else { throw .invalid(.benef, tag: 0xC2, reason: "empty name") }
            persons.append(Person(ouvrantDroitNIR: try r.nir(0xC0), ownNIR: try r.optionalNIR(0xC1), nomFamille: nom,
                                  nomUsage: try r.optionalText(0xC3, maxBytes: 80), prenoms: prenoms,
                                  birthDate: birth, rangNaissance: Int(rang), qualite: qualite))
        }
        do { return BenefFile(foyer: try Foyer(persons, maxPersons: BMSVIT.maxPersons)) } catch {
            throw .invalid(.benef, tag: 0xE0, reason: "foyer: \(error)")
        }
    }

    public func encode() -> [UInt8] {
        foyer.persons.flatMap { p in
            var v = tlv(0xC0, p.ouvrantDroitNIR.text)
            if let own = p.ownNIR { v += tlv(0xC1, own.text) }
            v += tlv(0xC2, p.nomFamille)
            if let u = p.nomUsage { v += tlv(0xC3, u) }
            v += tlv(0xC4, p.prenoms) + tlv(0xC5, p.birthDate.compact)
            v += tlv(0xC6, [UInt8(p.rangNaissance)]) + tlv(0xC7, [p.qualite.rawValue])
            return tlv(0xE0, v)
        }
    }
}

// MARK: - EF.CERT

public struct CertificateFile: Hashable, Sendable {
    public var version: UInt8
    public var serial: String
    /// P-256, 65-byte uncompressed point.
    public var cardPublicKey: [UInt8]
    public var notBefore: CivilDate
    public var notAfter: CivilDate
    public var issuerKeyID: [UInt8]
    /// Raw r‖s, 64 bytes.
    public var signature: [UInt8]
    /// The C0–C5 TLVs exactly as they stood in the file: what the issuer signed.
    public var signedBytes: [UInt8]

    public init(version: UInt8 = 1, serial: String, cardPublicKey: [UInt8], notBefore: CivilDate, notAfter: CivilDate,
                issuerKeyID: [UInt8], signature: [UInt8] = []) {
        self.version = version; self.serial = serial; self.cardPublicKey = cardPublicKey
        self.notBefore = notBefore; self.notAfter = notAfter; self.issuerKeyID = issuerKeyID; self.signature = signature
        self.signedBytes = tlv(0xC0, [version]) + tlv(0xC1, serial) + tlv(0xC2, cardPublicKey)
            + tlv(0xC3, notBefore.compact) + tlv(0xC4, notAfter.compact) + tlv(0xC5, issuerKeyID)
    }

    public static func decode(_ bytes: [UInt8]) throws(CardFileError) -> CertificateFile {
        guard let e1 = try decodeSingle(.cert, bytes, tag: 0xE1) else { throw .missing(.cert, tag: 0xE1) }
        let r = FieldReader(file: .cert, element: e1.children)
        let version = try r.byte(0xC0)
        guard version == 1 else { throw .invalid(.cert, tag: 0xC0, reason: "certificate version \(version) is not supported (1)") }
        var cert = CertificateFile(version: version, serial: try r.digits(0xC1, count: 10...22),
                                   cardPublicKey: try r.fixed(0xC2, count: 65), notBefore: try r.date(0xC3),
                                   notAfter: try r.date(0xC4), issuerKeyID: try r.fixed(0xC5, count: 8),
                                   signature: try r.fixed(0xCF, count: 64))
        // The signature covers the C0–C5 TLVs as they stand, in file order.
        cert.signedBytes = e1.children.filter { (0xC0...0xC5).contains($0.tag) }.flatMap(\.raw)
        return cert
    }

    public func encode() -> [UInt8] { tlv(0xE1, signedBytes + tlv(0xCF, signature)) }
}

// MARK: - EF.RIGHTS

public struct RightsFile: Hashable, Sendable {
    public var version: UInt8
    /// `YYYYMMDDhhmmss` UTC.
    public var issuedAt: String
    public var holderNIR: NIR
    public var persons: [PersonRights]
    public var keyID: [UInt8]
    public var signature: [UInt8]
    /// Everything in E2 before CF, as it stood in the file.
    public var signedBytes: [UInt8]

    public init(version: UInt8 = 1, issuedAt: String, holderNIR: NIR, persons: [PersonRights], keyID: [UInt8], signature: [UInt8] = []) {
        self.version = version; self.issuedAt = issuedAt; self.holderNIR = holderNIR; self.persons = persons
        self.keyID = keyID; self.signature = signature
        var b = tlv(0xC0, [version]) + tlv(0xC1, issuedAt) + tlv(0xC2, holderNIR.text)
        for p in persons {
            var v = tlv(0xC0, [UInt8(p.index)]) + tlv(0xC1, p.amoStart.compact) + tlv(0xC2, p.amoEnd.compact) + tlv(0xC3, [p.ald ? 1 : 0])
            if let c = p.complementaireSanteSolidaireEnd { v += tlv(0xC4, c.compact) }
            b += tlv(0xE0, v)
        }
        b += tlv(0xC5, keyID)
        signedBytes = b
    }

    /// nil for a card never updated (all `00`, or no `E2`).
    public static func decode(_ bytes: [UInt8]) throws(CardFileError) -> RightsFile? {
        guard let e2 = try decodeSingle(.rights, bytes, tag: 0xE2) else { return nil }
        let r = FieldReader(file: .rights, element: e2.children)
        let version = try r.byte(0xC0)
        guard version == 1 else { throw .invalid(.rights, tag: 0xC0, reason: "rights version \(version) is not supported (1)") }
        let issuedAt = try r.digits(0xC1, count: 14...14)
        var persons: [PersonRights] = []
        for e in e2.children where e.tag == 0xE0 {
            let p = FieldReader(file: .rights, element: e.children)
            let index = Int(try p.byte(0xC0))
            guard index < BMSVIT.maxPersons else { throw .invalid(.rights, tag: 0xC0, reason: "person index out of range") }
            persons.append(PersonRights(index: index, amoStart: try p.date(0xC1), amoEnd: try p.date(0xC2),
                                        ald: try p.byte(0xC3) != 0, complementaireSanteSolidaireEnd: try p.optionalDate(0xC4)))
        }
        var file = RightsFile(version: version, issuedAt: issuedAt, holderNIR: try r.nir(0xC2), persons: persons,
                              keyID: try r.fixed(0xC5, count: 8), signature: try r.fixed(0xCF, count: 64))
        var signed: [UInt8] = []
        for c in e2.children { if c.tag == 0xCF { break }; signed += c.raw }
        file.signedBytes = signed
        return file
    }

    public func encode() -> [UInt8] { tlv(0xE2, signedBytes + tlv(0xCF, signature)) }
}
