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

    public func files() throws -> [UInt16: [UInt8]] {
        switch profile {
        case .bmsVit: return try bmsVitFiles()
        case .vitale2: return try vitale2Files()
        }
    }

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

    func vitale2Files() throws -> [UInt16: [UInt8]] {
        let zone = Vitale2.ClearZone(beneficiaries: try persons.map { p in
            let person = try p.person()
            return Vitale2.Beneficiary(nom: person.nomUsage ?? person.nomFamille, prenom: person.prenoms, birthDate: person.birthDate,
                                       nationality: "FR", nir: person.ownNIR ?? (person.qualite == .assure ? person.ouvrantDroitNIR : nil))
        }, validityStart: try date(issueDate, "issueDate"))
        let name = Array("IDENTITE".utf8)
        return [Vitale2.mapFileID: Vitale2.encodeMap([.init(name: name, fileID: 0x2004)]), 0x2004: Vitale2.encodeFile(zone)]
    }

    public func privateKey() throws -> P256.Signing.PrivateKey? {
        guard let pem = cardPrivateKey else { return nil }
        do { return try P256.Signing.PrivateKey(pemRepresentation: pem) } catch { throw SpecError.invalid("cardPrivateKey is not a P-256 key in PEM") }
    }
}
