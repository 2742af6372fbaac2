import Central
import CentralAPI
import Domain
import Foundation
import KioskApp

/// A card file, as far as the central store's seed reads it.
struct CentralSectionFile: Decodable {
    struct Serial: Decodable { var serial: String }
    var identity: Serial?
    var central: CardFileCentral?
}

/// The optional `"central"` section of a scenario card file: how the
/// central store knows this foyer when the scenario starts. The smoke
/// runner and the kiosk's tests load it into the real central store
/// (`ScenarioCentral.seed`), with the card's own persons and rights and
/// the code personnel `1234`. Every field is optional: no section (or an
/// empty one) is an active card, a mobile on file, nothing ordered.
///
/// ```json
/// "central": {
///   "npai": true, "demarcheEnCours": false, "noMobile": true, "mobile": "06 99 00 00 12",
///   "address": {"number": "12", "street": "rue des Lilas", "complement": "Bâtiment B", "postalCode": "75019", "commune": "PARIS"},
///   "persons": [
///     {"index": 0, "ceam": {"state": "valid", "until": "2027-01-10"}, "lossDeclarations": ["2026-03-02"]},
///     {"index": 1, "ceam": {"state": "ordered", "placedOn": "2026-11-20"}, "rightsSufficient": false},
///     {"index": 2, "ceam": {"state": "lost", "on": "2026-11-01", "kind": "vol", "placedOn": "2026-11-02"}},
///     {"index": 3, "vitale": {"state": "invalidated", "reason": "perte", "declaredAt": "2026-11-21T10:00:00Z"}}
///   ]
/// }
/// ```
public struct CardFileCentral: Codable, Sendable, Hashable {
    public var npai: Bool?
    public var demarcheEnCours: Bool?
    public var noMobile: Bool?
    public var mobile: String?
    /// The postal address on file (`Domain.PostalAddress`: a `postalCode` and
    /// a `commune` at least, checked as the central store's seed is); none when absent.
    public var address: PostalAddress?
    public var persons: [PersonState]?
    /// Reimbursements paid, as the demo seed writes them (`DemoSeed.SeedPayment`).
    public var payments: [DemoSeed.SeedPayment]?
    /// Indemnités journalières paid to the assuré (`DemoSeed.SeedDailyAllowance`).
    public var dailyAllowances: [DemoSeed.SeedDailyAllowance]?

    public init(npai: Bool? = nil, demarcheEnCours: Bool? = nil, noMobile: Bool? = nil, mobile: String? = nil, address: PostalAddress? = nil,
                persons: [PersonState]? = nil, payments: [DemoSeed.SeedPayment]? = nil, dailyAllowances: [DemoSeed.SeedDailyAllowance]? = nil) {
        self.npai = npai; self.demarcheEnCours = demarcheEnCours; self.noMobile = noMobile; self.mobile = mobile; self.address = address
        self.persons = persons
        self.payments = payments; self.dailyAllowances = dailyAllowances
    }

    public struct PersonState: Codable, Sendable, Hashable {
        public var index: Int
        public var ceam: CEAM?
        public var lossDeclarations: [CivilDate]?
        public var vitale: Vitale?
        public var rightsSufficient: Bool?
        public init(index: Int, ceam: CEAM? = nil, lossDeclarations: [CivilDate]? = nil, vitale: Vitale? = nil, rightsSufficient: Bool? = nil) {
            self.index = index; self.ceam = ceam; self.lossDeclarations = lossDeclarations; self.vitale = vitale
            self.rightsSufficient = rightsSufficient
        }
    }

    /// The first field that names nothing the central store knows, with
    /// what it accepts; nil when the section is sound.
    func problem() -> (field: String, detail: String)? {
        if let m = mobile, MobileNumber(m) == nil { return ("mobile", "\"\(m)\" is not a French mobile number (06 or 07, 10 digits)") }
        if let problem = address?.problems.first { return ("address.\(problem.field.rawValue)", "\(problem)") }
        var seen: Set<Int> = []
        for (i, p) in (persons ?? []).enumerated() {
            let at = "persons[\(i)]"
            guard (0..<12).contains(p.index) else { return ("\(at).index", "\(p.index) is not a person of the card (0 to 11)") }
            guard seen.insert(p.index).inserted else { return ("\(at).index", "person \(p.index) is described twice") }
            if let c = p.ceam, let d = c.problem() { return ("\(at).ceam.\(d.field)", d.detail) }
            if let v = p.vitale, let d = v.problem() { return ("\(at).vitale.\(d.field)", d.detail) }
        }
        for (i, p) in (payments ?? []).enumerated() {
            guard (0..<12).contains(p.person) else { return ("payments[\(i)].person", "\(p.person) is not a person of the card (0 to 11)") }
            guard Money(euros: p.paid) != nil else { return ("payments[\(i)].paid", "\"\(p.paid)\" is not an amount in euros (26,50)") }
        }
        for (i, a) in (dailyAllowances ?? []).enumerated() where Money(euros: a.daily) == nil || Money(euros: a.paid) == nil {
            return ("dailyAllowances[\(i)]", "daily and paid are amounts in euros (43,12)")
        }
        return nil
    }

    /// A decoding error as the field (dotted, `[i]` for list items) and what went wrong.
    static func describe(_ error: DecodingError) -> (field: String, detail: String) {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { s, k in
                if let i = k.intValue { return s + "[\(i)]" }
                return s.isEmpty ? k.stringValue : s + "." + k.stringValue
            }
        }
        switch error {
        case .typeMismatch(let type, let c): return (path(c.codingPath), "expected \(type): \(c.debugDescription)")
        case .valueNotFound(let type, let c): return (path(c.codingPath), "missing \(type)")
        case .keyNotFound(let key, let c): return (path(c.codingPath + [key]), "missing")
        case .dataCorrupted(let c): return (path(c.codingPath), c.debugDescription)
        @unknown default: return ("", "\(error)")
        }
    }

    /// `state`: `none`, `valid` (`until`), `ordered` (`placedOn`, optional
    /// `kind` first|earlyRenewal|replacement), `lost` (`on`, `kind`
    /// perte|vol, optional `placedOn`).
    public struct CEAM: Codable, Sendable, Hashable {
        public var state: String
        public var until: CivilDate?
        public var on: CivilDate?
        public var placedOn: CivilDate?
        public var kind: String?
        public init(state: String, until: CivilDate? = nil, on: CivilDate? = nil, placedOn: CivilDate? = nil, kind: String? = nil) {
            self.state = state; self.until = until; self.on = on; self.placedOn = placedOn; self.kind = kind
        }

        func problem() -> (field: String, detail: String)? {
            switch state {
            case "none": return nil
            case "valid": return until == nil ? ("until", "a valid card needs its last day (\"until\": \"YYYY-MM-DD\")") : nil
            case "ordered":
                if placedOn == nil { return ("placedOn", "an order needs the day it was placed (\"placedOn\": \"YYYY-MM-DD\")") }
                if let k = kind, CEAMOrderKind(rawValue: k) == nil { return ("kind", "\"\(k)\" is not one of first, earlyRenewal, replacement") }
                return nil
            case "lost":
                if on == nil { return ("on", "a lost card needs the day of the loss (\"on\": \"YYYY-MM-DD\")") }
                guard let k = kind, LossKind(rawValue: k) != nil else { return ("kind", "\(kind.map { "\"\($0)\"" } ?? "nothing") is not one of perte, vol") }
                return nil
            default: return ("state", "\"\(state)\" is not one of none, valid, ordered, lost")
            }
        }

        /// The state the section describes (checked by `problem()` first).
        public var ceamState: CEAMState {
            let delivery = CEAMParameters().deliveryDays
            switch self.state {
            case "valid": return until.map { .valid(until: $0) } ?? .none
            case "ordered":
                guard let placed = placedOn else { return .none }
                return .ordered(CEAMOrder(kind: CEAMOrderKind(rawValue: kind ?? "first") ?? .first, placedOn: placed,
                                          expectedBy: placed.adding(days: delivery)))
            case "lost":
                guard let on else { return .none }
                let placed = placedOn ?? on
                return .declaredLost(on: on, kind: LossKind(rawValue: kind ?? "perte") ?? .perte,
                                     replacement: CEAMOrder(kind: .replacement, placedOn: placed, expectedBy: placed.adding(days: delivery)))
            default: return .none
            }
        }
    }

    /// `state`: `none`, `active`, `ordered` (`at`), `invalidated` (`reason`, `declaredAt`).
    public struct Vitale: Codable, Sendable, Hashable {
        public var state: String
        public var reason: String?
        public var declaredAt: Date?
        public var at: Date?
        public init(state: String, reason: String? = nil, declaredAt: Date? = nil, at: Date? = nil) {
            self.state = state; self.reason = reason; self.declaredAt = declaredAt; self.at = at
        }

        func problem() -> (field: String, detail: String)? {
            switch state {
            case "none", "active": return nil
            case "ordered": return at == nil ? ("at", "an order needs its instant (\"at\": ISO 8601)") : nil
            case "invalidated":
                guard let r = reason, VitaleDeclarationReason(rawValue: r) != nil else {
                    return ("reason", "\(reason.map { "\"\($0)\"" } ?? "nothing") is not one of perte, vol, dysfonctionnement")
                }
                return declaredAt == nil ? ("declaredAt", "a declaration needs its instant (\"declaredAt\": ISO 8601)") : nil
            default: return ("state", "\"\(state)\" is not one of none, active, ordered, invalidated")
            }
        }

        func cardState(serial: String) -> VitaleCardState {
            switch state {
            case "active": return .active(serial: serial)
            case "ordered": return .ordered(at: at ?? Date(timeIntervalSince1970: 0))
            case "invalidated":
                return .invalidated(serial: serial, reason: VitaleDeclarationReason(rawValue: reason ?? "perte") ?? .perte,
                                    declaredAt: declaredAt ?? Date(timeIntervalSince1970: 0))
            default: return .none
            }
        }
    }
}


extension CardFileCentral {
    /// The code personnel of every scenario card (scenarios type it).
    public static let code = "1234"
    /// A mobile on file unless the section says otherwise (not a real number range: 06 99).
    public static let mobile = MobileNumber("06 99 00 00 12")!

    /// Reads a card file's `"central"` section. Nil when the file has no
    /// identity or no section (other cases: broken cards, mute cards); a
    /// malformed section throws `CardFile.Problem.invalidCentral` with the
    /// file and the field, never read as "nothing on file".
    public static func load(cardFile path: String) throws -> (serial: String, central: CardFileCentral)? {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 256 * 1024 else {
            throw CardFile.Problem.unreadable(path: path, detail: "no such file or over 256 KB")
        }
        let file: CentralSectionFile
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { file = try decoder.decode(CentralSectionFile.self, from: data) } catch let error as DecodingError {
            let (field, detail) = describe(error)
            if field.hasPrefix("central") {
                throw CardFile.Problem.invalidCentral(path: path, field: String(field.dropFirst("central".count).drop { $0 == "." }), detail: detail)
            }
            throw CardFile.Problem.unreadable(path: path, detail: field.isEmpty ? detail : "\(field): \(detail)")
        } catch {
            throw CardFile.Problem.unreadable(path: path, detail: "\(error)")
        }
        guard let serial = file.identity?.serial else { return nil }
        let central = file.central ?? CardFileCentral()
        if let (field, detail) = central.problem() { throw CardFile.Problem.invalidCentral(path: path, field: field, detail: detail) }
        return (serial, central)
    }

    /// The foyer as the central store files it: the card's persons (EF.BENEF
    /// order), their rights as the card carries them when it is trusted,
    /// the card on file for its holder (person 0), and this section's states.
    /// A holder's carte Vitale declared here marks the card on file as the
    /// central store does after a declaration (lost, stolen, invalidated).
    public func foyerFile(card: CardIdentity, hasher: CodeHasher) throws -> FoyerFile {
        let rights: [PersonRights]
        if case .trusted(_, let r) = card.rights { rights = r } else { rights = [] }
        var cardStatus = CardStatus.active
        var statusChangedAt: Date?
        let persons = card.foyer.persons.enumerated().map { i, p -> PersonFile in
            let s = self.persons?.first { $0.index == i }
            // The holder has the inserted card; the others none unless told.
            let vitale = s?.vitale?.cardState(serial: i == 0 ? card.serial : "SCENARIO\(i)") ?? (i == 0 ? .active(serial: card.serial) : .none)
            if i == 0, case .invalidated(_, let why, let at) = vitale {
                cardStatus = why == .perte ? .lost : why == .vol ? .stolen : .invalidated
                statusChangedAt = at
            }
            return PersonFile(person: p, ceam: CEAMRecord(state: s?.ceam?.ceamState ?? .none, lossDeclarations: s?.lossDeclarations ?? []),
                              vitale: vitale, rights: rights.first { $0.index == i }, rightsSufficient: s?.rightsSufficient ?? true)
        }
        guard let holder = card.foyer.persons.first else { throw CardFile.Problem.unreadable(path: card.serial, detail: "a card without persons") }
        let mobile = noMobile == true ? nil : (self.mobile.flatMap { MobileNumber($0) } ?? Self.mobile)
        var file = FoyerFile(nir: holder.ouvrantDroitNIR.text, mobile: mobile,
                         situation: AssureSituation(npai: npai ?? false, demarcheEnCours: demarcheEnCours ?? false),
                         persons: persons, codes: CodeFile(personal: try hasher.hash(Self.code)),
                         cards: [CardRecord(serial: card.serial, personIndex: 0, generation: card.generation, issuer: card.issuer,
                                             issueDate: card.issueDate, status: cardStatus, statusChangedAt: statusChangedAt)])
        file.address = address
        return file
    }
}
