/// What a card reader driver learned from a card: who is on it and whether
/// the card can be trusted. Filled by CardReader's drivers, consumed by the
/// kiosk's flows; lives here so neither depends on the other.
public struct CardIdentity: Hashable, Sendable, Codable {
    public enum Profile: String, Sendable, Codable {
        /// The open BMS-VIT profile (shared card-profile.md).
        case bmsVit = "BMS-VIT"
        /// A real carte Vitale 2, clear zone only.
        case vitale2 = "VITALE-2"
    }

    public var profile: Profile
    /// Card serial number, ASCII digits.
    public var serial: String
    public var issueDate: CivilDate?
    /// 1 without photo, 2 with photo.
    public var generation: Int?
    /// Régime (2) + caisse (3) + centre (4) digits.
    public var issuer: String?
    /// The holder first, then the beneficiaries, in card order.
    public var foyer: Foyer
    public var rights: CardRightsStatus

    public init(profile: Profile, serial: String, issueDate: CivilDate? = nil, generation: Int? = nil,
                issuer: String? = nil, foyer: Foyer, rights: CardRightsStatus) {
        self.profile = profile
        self.serial = serial
        self.issueDate = issueDate
        self.generation = generation
        self.issuer = issuer
        self.foyer = foyer
        self.rights = rights
    }

    public var holder: Person { foyer.holder }
}

/// Rights for one person as written on the card by the "mise à jour".
public struct PersonRights: Hashable, Sendable, Codable {
    /// Index in EF.BENEF order (0 = holder).
    public var index: Int
    public var amoStart: CivilDate
    public var amoEnd: CivilDate
    public var ald: Bool
    public var complementaireSanteSolidaireEnd: CivilDate?

    public init(index: Int, amoStart: CivilDate, amoEnd: CivilDate, ald: Bool, complementaireSanteSolidaireEnd: CivilDate? = nil) {
        self.index = index
        self.amoStart = amoStart
        self.amoEnd = amoEnd
        self.ald = ald
        self.complementaireSanteSolidaireEnd = complementaireSanteSolidaireEnd
    }
}

/// The state of EF.RIGHTS. Untrusted rights are never shown as valid.
public enum CardRightsStatus: Hashable, Sendable, Codable {
    /// Never updated: the card needs a "mise à jour".
    case absent
    /// Signed by a trusted central key.
    case trusted(issuedAt: String, persons: [PersonRights])
    /// Present but the signature, key or content does not check: the card
    /// needs an update.
    case untrusted(reason: String)

    public var needsUpdate: Bool {
        if case .trusted = self { return false }
        return true
    }
}

/// The reader's verdict on a card. Only `.authentic` and `.identified` let a
/// session go on.
public enum CardVerdict: Hashable, Sendable, Codable {
    /// BMS-VIT card: certificate under a trusted issuer, in its dates, serial
    /// matching, fresh challenge signed by the card's key.
    case authentic
    /// Vitale 2 clear zone: the assuré is identified, but authenticity cannot
    /// be checked here; the code personnel authenticates them.
    case identified
    /// Signature or certificate does not verify, or a copy of another card.
    case forged(reason: String)
    /// Certificate outside its validity dates.
    case expired
    /// Certificate signed by an issuer key the kiosk does not trust.
    case unknownIssuer
    /// The card answers as blocked (62 83), or the central store lists its
    /// serial as lost, stolen or invalidated.
    case invalidated
    /// Memory failure or a card that does not answer properly.
    case faulty(reason: String)
    /// Not a card the kiosk knows (no application found).
    case unknownCard

    public var allowsSession: Bool { self == .authentic || self == .identified }
}

extension PersonRights {
    /// AMO rights open on `day` (both bounds included).
    public func amoOpen(on day: CivilDate) -> Bool { amoStart <= day && day <= amoEnd }

    /// Complémentaire santé solidaire in force on `day`.
    public func complementaireOpen(on day: CivilDate) -> Bool {
        complementaireSanteSolidaireEnd.map { day <= $0 && amoStart <= day } ?? false
    }
}

extension CardRightsStatus {
    /// The rights written for the person at `index` (EF.BENEF order), only
    /// when they are trusted: untrusted rights are never shown as valid.
    public func rights(forPersonAt index: Int) -> PersonRights? {
        guard case .trusted(_, let persons) = self else { return nil }
        return persons.first { $0.index == index }
    }
}
