import CardProfile
import Crypto
import Domain
import Foundation

/// A virtual card, as a readable JSON file: who is on it, its keys, its
/// certificate and rights, and optional faults. Written by
/// `bms-kiosk virtual-card make`, served by `virtual-card serve`.
public struct CardSpec: Codable, Sendable, Hashable {
    public enum Profile: String, Codable, Sendable { case bmsVit = "BMS-VIT", vitale2 = "VITALE-2" }

    public struct PersonSpec: Codable, Sendable, Hashable {
        public var ouvrantDroitNIR: String
        public var ownNIR: String?
        public var nomFamille: String
        public var nomUsage: String?
        public var prenoms: String
        /// `YYYYMMDD`, `00` allowed for unknown month/day.
        public var birthDate: String
        public var rangNaissance: Int
        /// assure, conjoint, enfant, autreAyantDroit.
        public var qualite: String

        public init(ouvrantDroitNIR: String, ownNIR: String? = nil, nomFamille: String, nomUsage: String? = nil, prenoms: String,
                    birthDate: String, rangNaissance: Int = 1, qualite: String) {
            self.ouvrantDroitNIR = ouvrantDroitNIR; self.ownNIR = ownNIR; self.nomFamille = nomFamille; self.nomUsage = nomUsage
            self.prenoms = prenoms; self.birthDate = birthDate; self.rangNaissance = rangNaissance; self.qualite = qualite
        }

        public func person() throws -> Person {
            guard let birth = BirthDate(compact: birthDate) else { throw SpecError.invalid("birthDate must be YYYYMMDD") }
            let q: Qualite
            switch qualite {
            case "assure": q = .assure
            case "conjoint": q = .conjoint
            case "enfant": q = .enfant
            case "autreAyantDroit": q = .autreAyantDroit
            default: throw SpecError.invalid("qualite must be assure, conjoint, enfant or autreAyantDroit")
            }
            return Person(ouvrantDroitNIR: try NIR(ouvrantDroitNIR), ownNIR: try ownNIR.map { try NIR($0) }, nomFamille: nomFamille,
                          nomUsage: nomUsage, prenoms: prenoms, birthDate: birth, rangNaissance: rangNaissance, qualite: q)
        }
    }

    public struct CertificateSpec: Codable, Sendable, Hashable {
        /// Normally the card's serial; differs on a forged test card.
        public var serial: String
        /// Hex of the 65-byte point; normally the card key's.
        public var cardPublicKey: String
        public var notBefore: String
        public var notAfter: String
        public var issuerKeyId: String
        /// Raw r‖s in hex.
        public var signature: String
    }

    public struct RightsSpec: Codable, Sendable, Hashable {
        public struct PersonRightsSpec: Codable, Sendable, Hashable {
            public var index: Int
            public var amoStart: String
            public var amoEnd: String
            public var ald: Bool
            public var complementaireSanteSolidaireEnd: String?
        }
        public var issuedAt: String
        public var holderNIR: String
        public var persons: [PersonRightsSpec]
        public var keyId: String
        public var signature: String
    }

    public var comment: String?
    public var profile: Profile
    public var serial: String
    public var issueDate: String
    public var generation: Int
    public var issuer: String
    public var persons: [PersonSpec]
    /// The card's private key, PEM. A test key, never a real secret.
    public var cardPrivateKey: String?
    public var certificate: CertificateSpec?
    public var rights: RightsSpec?
    /// "T=1" (default) or "T=0": a T=0 card answers 61 XX and 6C XX.
    public var transport: String?
    public var faults: [Fault]?

    public enum SpecError: Error, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self { case .invalid(let r): return "card file: \(r)" }
        }
    }

    public static func load(path: String) throws -> CardSpec {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SpecError.invalid("cannot read \(path): \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(CardSpec.self, from: data) } catch {
            throw SpecError.invalid("\(path) is not a card file: \(error)")
        }
    }

    public func write(path: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try e.encode(self).write(to: URL(fileURLWithPath: path))
    }

    // MARK: the files the card serves

    /// The application a reader selects first: BMS-VIT's, or VITALE.
    public var mainAID: [UInt8] { profile == .vitale2 ? Vitale2.vitaleAID : BMSVIT.aid }

    /// The card's applications and their files: AID → file id → bytes.
    public func applications() throws -> [[UInt8]: [UInt16: [UInt8]]] {
        switch profile {
        case .bmsVit: return [BMSVIT.aid: try bmsVitFiles()]
        case .vitale2: return try vitale2Applications()
        }
    }

    /// The files of the main application (`mainAID`).
    public func files() throws -> [UInt16: [UInt8]] { try applications()[mainAID] ?? [:] }

    func date(_ s: String, _ what: String) throws -> CivilDate {
        guard let d = CivilDate(s) else { throw SpecError.invalid("\(what) must be YYYYMMDD or YYYY-MM-DD") }
        return d
    }

    func bmsVitFiles() throws -> [UInt16: [UInt8]] {
        var out: [UInt16: [UInt8]] = [:]
        out[BMSVIT.FileID.card.rawValue] = CardFile(serial: serial, issueDate: try date(issueDate, "issueDate"),
                                                     generation: generation, issuer: issuer).encode()
        out[BMSVIT.FileID.benef.rawValue] = BenefFile(foyer: try Foyer(persons.map { try $0.person() })).encode()
        if let c = certificate {
            guard let key = [UInt8](hex: c.cardPublicKey), let id = [UInt8](hex: c.issuerKeyId), let sig = [UInt8](hex: c.signature) else {
                throw SpecError.invalid("certificate key, key id and signature must be hex")
            }
            out[BMSVIT.FileID.cert.rawValue] = CertificateFile(serial: c.serial, cardPublicKey: key, notBefore: try date(c.notBefore, "notBefore"),
                                                                notAfter: try date(c.notAfter, "notAfter"), issuerKeyID: id, signature: sig).encode()
        }
        if let r = rights {
            guard let id = [UInt8](hex: r.keyId), let sig = [UInt8](hex: r.signature) else { throw SpecError.invalid("rights key id and signature must be hex") }
            let persons = try r.persons.map {
                PersonRights(index: $0.index, amoStart: try date($0.amoStart, "amoStart"), amoEnd: try date($0.amoEnd, "amoEnd"), ald: $0.ald,
                             complementaireSanteSolidaireEnd: try $0.complementaireSanteSolidaireEnd.map { try date($0, "CSS end") })
            }
            out[BMSVIT.FileID.rights.rawValue] = RightsFile(issuedAt: r.issuedAt, holderNIR: try NIR(r.holderNIR), persons: persons,
                                                             keyID: id, signature: sig).encode()
        } else {
            out[BMSVIT.FileID.rights.rawValue] = [UInt8](repeating: 0, count: 64)
        }
        return out
    }

    /// The emulated Vitale 2 clear zone, built from card-profile.md's last
    /// section (not from CardProfile's decoder, so that each is checked
    /// against the text rather than against the other):
    ///
    ///     VITALE     (entry 0001)  EF 2001  the map, E0 { A0 { 82… } 80… }
    ///                              EF 2002  "CARTE"    66 › 80 validity start, 7F21 certificate
    ///     MF_VITALE  (entry 0002)  EF 2004  "IDENTITE" one 65 per beneficiary
    ///
    /// The beneficiaries sit in the second application, so a reader has to
    /// select the application each map entry names before the file.
    public enum Vitale2Layout {
        public static let cardFileID: UInt16 = 0x2002
        public static let beneficiariesFileID: UInt16 = 0x2004
        /// An `82` inside `A0`: entry number (2 bytes), 2 reserved bytes, the AID.
        static func application(entry: UInt16, aid: [UInt8]) -> TLV {
            TLV(tag: 0x82, value: [UInt8(entry >> 8), UInt8(entry & 0xFF), 0x00, 0x00] + aid)
        }
        /// An `80` after `A0`: 8-byte name (ASCII, space-padded), the entry
        /// number of its application, the file id; 12 bytes in all.
        static func file(_ name: String, application: UInt16, fileID: UInt16) -> TLV {
            let padded = Array(name.utf8.prefix(8)) + [UInt8](repeating: 0x20, count: max(0, 8 - name.utf8.count))
            return TLV(tag: 0x80, value: padded + [UInt8(application >> 8), UInt8(application & 0xFF), UInt8(fileID >> 8), UInt8(fileID & 0xFF)])
        }
        static func map() -> [UInt8] {
            TLV(tag: 0xE0, children: [
                TLV(tag: 0xA0, children: [application(entry: 1, aid: Vitale2.vitaleAID), application(entry: 2, aid: Vitale2.mfVitaleAID)]),
                file("IDENTITE", application: 2, fileID: beneficiariesFileID),
                file("CARTE", application: 1, fileID: cardFileID),
            ]).raw
        }
    }

    func vitale2Applications() throws -> [[UInt8]: [UInt16: [UInt8]]] {
        var beneficiaries: [UInt8] = []
        for p in persons {
            let person = try p.person()
            // 65: 80 nom, 81 prénom, 82 date de naissance, 90 nationalité, 93 NIR.
            var fields = [TLV(tag: 0x80, value: Array((person.nomUsage ?? person.nomFamille).utf8)),
                          TLV(tag: 0x81, value: Array(person.prenoms.utf8)),
                          TLV(tag: 0x82, value: Array(person.birthDate.compact.utf8)),
                          TLV(tag: 0x90, value: Array("FR".utf8))]
            if let nir = person.ownNIR ?? (person.qualite == .assure ? person.ouvrantDroitNIR : nil) {
                fields.append(TLV(tag: 0x93, value: Array(nir.text.utf8)))
            }
            beneficiaries += TLV(tag: 0x65, children: fields).raw
        }
        // 66 › 80: the card's validity start; 7F21 a certificate (5F37 its
        // signature), which a kiosk cannot check: zeros here.
        let card = TLV(tag: 0x66, children: [TLV(tag: 0x80, value: Array(try date(issueDate, "issueDate").compact.utf8))]).raw
            + TLV(tag: 0x7F21, children: [TLV(tag: 0x5F37, value: [UInt8](repeating: 0, count: 64))]).raw
        return [
            Vitale2.vitaleAID: [Vitale2.mapFileID: Vitale2Layout.map(), Vitale2Layout.cardFileID: card],
            Vitale2.mfVitaleAID: [Vitale2Layout.beneficiariesFileID: beneficiaries],
        ]
    }

    public func privateKey() throws -> P256.Signing.PrivateKey? {
        guard let pem = cardPrivateKey else { return nil }
        do { return try P256.Signing.PrivateKey(pemRepresentation: pem) } catch { throw SpecError.invalid("cardPrivateKey is not a P-256 key in PEM") }
    }
}
