import Domain

/// The clear zone of a real carte Vitale 2, as community tools describe it
/// (card-profile.md, last section). Reverse-engineered, read-only, best
/// effort: anything unexpected is an error, never a guess.
public enum Vitale2 {
    /// Application "VITALE".
    public static let vitaleAID: [UInt8] = [0xD2, 0x50, 0x00, 0x00, 0x02, 0x56, 0x49, 0x54, 0x41, 0x4C, 0x45]
    /// Application "MF_VITALE".
    public static let mfVitaleAID: [UInt8] = [0xD2, 0x50, 0x00, 0x00, 0x02, 0x4D, 0x46, 0x5F, 0x56, 0x49, 0x54, 0x41, 0x4C, 0x45]
    /// EF listing the files to read.
    public static let mapFileID: UInt16 = 0x2001
    /// Known Vitale 2 ATRs: `3B 75 13 00 00 4x 09 EA 90 00`, x = 3, 4, 5.
    public static func isKnownATR(_ atr: [UInt8]) -> Bool {
        atr.count == 10 && Array(atr[0..<5]) == [0x3B, 0x75, 0x13, 0x00, 0x00]
            && [0x43, 0x44, 0x45].contains(atr[5]) && Array(atr[6...]) == [0x09, 0xEA, 0x90, 0x00]
    }
    public static let atr: [UInt8] = [0x3B, 0x75, 0x13, 0x00, 0x00, 0x44, 0x09, 0xEA, 0x90, 0x00]

    static let decoder = TLVDecoder(rules: .iso7816)

    /// One application named in EF 2001 (an `82` inside `A0`).
    public struct Application: Hashable, Sendable {
        /// Bytes 0–1: the number the file entries refer to.
        public var entry: UInt16
        /// Bytes 4…: the AID to SELECT.
        public var aid: [UInt8]
        public init(entry: UInt16, aid: [UInt8]) { self.entry = entry; self.aid = aid }
    }

    /// One file named in EF 2001 (an `80` after `A0`), with the AID of the
    /// application it belongs to.
    public struct FileEntry: Hashable, Sendable {
        /// 8 bytes, ASCII, space-padded.
        public var name: [UInt8]
        /// The entry number of its application.
        public var application: UInt16
        public var aid: [UInt8]
        public var fileID: UInt16
        public init(name: [UInt8], application: UInt16, aid: [UInt8], fileID: UInt16) {
            self.name = name; self.application = application; self.aid = aid; self.fileID = fileID
        }
        /// The name for messages and logs (it names a file, not a person).
        public var label: String {
            String(decoding: name.map { (0x20...0x7E).contains($0) ? $0 : 0x3F }, as: UTF8.self).trimmingPadding
        }
    }

    /// EF 2001: the applications, and the files to read in map order.
    public struct Map: Hashable, Sendable {
        public var applications: [Application]
        public var files: [FileEntry]
    }

    public enum Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        case tlv(TLVError)
        /// EF 2001 is not `E0 { A0 { 82… } 80… }` as card-profile.md
        /// describes it: refused, never guessed.
        case unknownLayout(String)
        case noFiles
        case noBeneficiary
        case invalid(tag: UInt32, reason: String)
        public var description: String {
            switch self {
            case .tlv(let e): return "Vitale 2 data malformed: \(e)"
            case .unknownLayout(let r):
                return "unknown Vitale 2 layout: \(r); EF 2001 is not E0 { A0 { 82… } 80… } as card-profile.md describes it, so the card is not read: report its ATR (bms-kiosk read-card) so that the layout can be studied"
            case .noFiles: return "Vitale 2 map (EF 2001) lists no file"
            case .noBeneficiary: return "Vitale 2 clear zone holds no beneficiary"
            case .invalid(let t, let r): return "Vitale 2 tag \(String(t, radix: 16, uppercase: true)): \(r)"
            }
        }
    }

    /// Most applications and files a map may name (a real card names a few).
    public static let maxApplications = 8
    public static let maxFiles = 32

    /// Parses EF 2001 as card-profile.md lays it out (cardpeek's walk):
    /// `E0 { A0 { 82… } 80… }`. Each `82` is a 2-byte entry number, 2
    /// reserved bytes, then an AID; each `80`, after `A0` and still inside
    /// `E0`, is exactly 12 bytes: an 8-byte name, the 2-byte entry number of
    /// its application, the 2-byte file id. Any other shape (files inside
    /// `A0`, 10-byte entries, a file naming no application…) is
    /// `.unknownLayout`: a reverse-engineered layout we do not recognise is
    /// not guessed at.
    public static func decodeMap(_ bytes: [UInt8]) throws(Error) -> Map {
        let top: [TLV]
        do { top = try decoder.decode(bytes) } catch { throw .tlv(error) }
        guard top.count == 1, let e0 = top.first, e0.tag == 0xE0 else {
            throw .unknownLayout("the map is not one E0 element")
        }
        guard let a0 = e0.children.first, a0.tag == 0xA0 else { throw .unknownLayout("E0 does not begin with A0") }
        var applications: [Application] = []
        for app in a0.children {
            guard app.tag == 0x82 else {
                throw .unknownLayout("A0 holds a \(String(app.tag, radix: 16, uppercase: true)) element, not only 82 applications")
            }
            // ISO 7816-4: an AID is 5 to 16 bytes.
            guard (4 + 5...4 + 16).contains(app.value.count) else {
                throw .unknownLayout("an 82 application entry is \(app.value.count) bytes, not 2 + 2 + an AID of 5 to 16")
            }
            let entry = UInt16(app.value[0]) << 8 | UInt16(app.value[1])
            guard !applications.contains(where: { $0.entry == entry }) else {
                throw .unknownLayout("application entry \(hex16(entry)) is listed twice")
            }
            applications.append(Application(entry: entry, aid: Array(app.value[4...])))
            guard applications.count <= maxApplications else { throw .unknownLayout("more than \(maxApplications) applications") }
        }
        guard !applications.isEmpty else { throw .unknownLayout("A0 names no application") }
        var files: [FileEntry] = []
        for entry in e0.children.dropFirst() {
            guard entry.tag == 0x80 else {
                throw .unknownLayout("E0 holds a \(String(entry.tag, radix: 16, uppercase: true)) element after A0, not only 80 files")
            }
            guard entry.value.count == 12 else {
                throw .unknownLayout("an 80 file entry is \(entry.value.count) bytes, not 8 + 2 + 2")
            }
            let v = entry.value
            let appEntry = UInt16(v[8]) << 8 | UInt16(v[9])
            guard let app = applications.first(where: { $0.entry == appEntry }) else {
                throw .unknownLayout("a file entry names application \(hex16(appEntry)), which A0 does not list")
            }
            files.append(FileEntry(name: Array(v[0..<8]), application: appEntry, aid: app.aid, fileID: UInt16(v[10]) << 8 | UInt16(v[11])))
            guard files.count <= maxFiles else { throw .unknownLayout("more than \(maxFiles) files") }
        }
        guard !files.isEmpty else { throw .noFiles }
        return Map(applications: applications, files: files)
    }

    static func hex16(_ v: UInt16) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    /// One `65` element.
    public struct Beneficiary: Hashable, Sendable {
        public var nom: String
        public var prenom: String
        public var birthDate: BirthDate
        public var nationality: String?
        public var nir: NIR?
        public init(nom: String, prenom: String, birthDate: BirthDate, nationality: String? = nil, nir: NIR? = nil) {
            self.nom = nom; self.prenom = prenom; self.birthDate = birthDate; self.nationality = nationality; self.nir = nir
        }
    }

    /// What the clear zone's files say, all files together.
    public struct ClearZone: Hashable, Sendable {
        public var beneficiaries: [Beneficiary]
        public var validityStart: CivilDate?
        public init(beneficiaries: [Beneficiary], validityStart: CivilDate?) {
            self.beneficiaries = beneficiaries; self.validityStart = validityStart
        }

        /// The foyer, first beneficiary as the assuré. The card does not say
        /// the qualité of the others: they are "autre ayant droit".
        public func foyer() throws(Error) -> Foyer {
            guard let first = beneficiaries.first, let holderNIR = first.nir else { throw .noBeneficiary }
            let persons = beneficiaries.prefix(12).enumerated().map { i, b in
                Person(ouvrantDroitNIR: holderNIR, ownNIR: i == 0 ? holderNIR : (b.nir == holderNIR ? nil : b.nir),
                       nomFamille: b.nom, prenoms: b.prenom, birthDate: b.birthDate,
                       qualite: i == 0 ? .assure : .autreAyantDroit)
            }
            do { return try Foyer(persons) } catch { throw .invalid(tag: 0x65, reason: "foyer: \(error)") }
        }
    }

    /// Adds what one file of the clear zone holds to `zone`.
    public static func decodeFile(_ bytes: [UInt8], into zone: inout ClearZone) throws(Error) {
        let top: [TLV]
        do { top = try decoder.decode(bytes) } catch { throw .tlv(error) }
        for e in top {
            switch e.tag {
            case 0x65:
                guard zone.beneficiaries.count < 12 else { throw .invalid(tag: 0x65, reason: "more than 12 beneficiaries") }
                zone.beneficiaries.append(try beneficiary(e))
            case 0x66:
                if let v = e.child(0x80) { zone.validityStart = try date(v) }
            default:
                continue // 7F21 certificate, 5F37 signature: not checkable here.
            }
        }
    }

    static func text(_ t: TLV) throws(Error) -> String {
        guard t.value.count <= 80, let s = String(validating: t.value, as: UTF8.self) else {
            throw .invalid(tag: t.tag, reason: "not UTF-8 text of at most 80 bytes")
        }
        return s.trimmingPadding
    }

    static func date(_ t: TLV) throws(Error) -> CivilDate {
        guard let d = CivilDate(String(decoding: t.value, as: UTF8.self)), t.value.count == 8 else {
            throw .invalid(tag: t.tag, reason: "not a date YYYYMMDD")
        }
        return d
    }

    static func beneficiary(_ e: TLV) throws(Error) -> Beneficiary {
        guard let nom = e.child(0x80), let prenom = e.child(0x81), let birth = e.child(0x82) else {
            throw .invalid(tag: 0x65, reason: "beneficiary lacks nom, prénom or date de naissance")
        }
        guard birth.value.count == 8, let b = BirthDate(compact: String(decoding: birth.value, as: UTF8.self)) else {
            throw .invalid(tag: 0x82, reason: "not a birth date YYYYMMDD")
        }
        var nir: NIR?
        if let n = e.child(0x93) {
            guard n.value.count <= 15 else { throw .invalid(tag: 0x93, reason: "NIR longer than 15 characters") }
            do { nir = try NIR(String(decoding: n.value, as: UTF8.self)) } catch {
                throw .invalid(tag: 0x93, reason: error.description)
            }
        }
        return Beneficiary(nom: try text(nom), prenom: try text(prenom), birthDate: b,
                           nationality: try e.child(0x90).map { t throws(Error) in try text(t) }, nir: nir)
    }

    public static func encodeFile(_ zone: ClearZone) -> [UInt8] {
        var out: [UInt8] = []
        for b in zone.beneficiaries {
            var c = [TLV(tag: 0x80, value: Array(b.nom.utf8)), TLV(tag: 0x81, value: Array(b.prenom.utf8)),
                     TLV(tag: 0x82, value: Array(b.birthDate.compact.utf8))]
            if let n = b.nationality { c.append(TLV(tag: 0x90, value: Array(n.utf8))) }
            if let nir = b.nir { c.append(TLV(tag: 0x93, value: Array(nir.text.utf8))) }
            out += TLV(tag: 0x65, children: c).raw
        }
        if let v = zone.validityStart { out += TLV(tag: 0x66, children: [TLV(tag: 0x80, value: Array(v.compact.utf8))]).raw }
        return out
    }
}

extension String {
    var trimmingPadding: String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\0" { s = s.dropLast() }
        return String(s)
    }
}
