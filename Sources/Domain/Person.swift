/// A birth date as the card carries it: month and day may be unknown
/// (`00`), as NIRs allow.
public struct BirthDate: Hashable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    /// nil when unknown.
    public let month: Int?
    /// nil when unknown (always nil when the month is unknown).
    public let day: Int?

    public init?(year: Int, month: Int?, day: Int?) {
        guard (1850...9999).contains(year) else { return nil }
        if let m = month {
            guard (1...12).contains(m) else { return nil }
            if let d = day { guard (1...CivilDate.daysIn(month: m, year: year)).contains(d) else { return nil } }
        } else if day != nil { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init(_ date: CivilDate) {
        year = date.year; month = date.month; day = date.day
    }

    /// `YYYYMMDD` with `00` for unknown month/day.
    public init?(compact text: some StringProtocol) {
        guard text.count == 8, text.allSatisfy(\.isASCIIDigit) else { return nil }
        let s = Array(text)
        let y = Int(String(s[0..<4]))!, m = Int(String(s[4..<6]))!, d = Int(String(s[6..<8]))!
        self.init(year: y, month: m == 0 ? nil : m, day: d == 0 ? nil : d)
    }

    public var compact: String {
        String(format4: year) + String(format2: month ?? 0) + String(format2: day ?? 0)
    }

    /// `JJ/MM/AAAA`, with `..` for an unknown part.
    public var french: String {
        let d = day.map { String(format2: $0) } ?? "..", m = month.map { String(format2: $0) } ?? ".."
        return "\(d)/\(m)/\(String(format4: year))"
    }

    public var description: String { compact }

    /// Age in whole years on `today`. An unknown day or month counts as the
    /// last possible one (31 December, or the month's last day): the age is
    /// never overstated, so no one is let past an age threshold too early.
    public func age(on today: CivilDate) -> Int {
        let m = month ?? 12
        let d = day ?? CivilDate.daysIn(month: m, year: year)
        var age = today.year - year
        if (today.month, today.day) < (m, d) { age -= 1 }
        return max(0, age)
    }

    /// The first day on which the person is at least `years` old.
    public func birthday(turning years: Int) -> CivilDate {
        let m = month ?? 12
        let y = year + years
        let d = day ?? CivilDate.daysIn(month: m, year: year)
        // 29 February birthdays fall on 1 March in common years.
        return CivilDate(year: y, month: m, day: d) ?? CivilDate(year: y, month: m, day: 28)!.adding(days: 1)
    }
}

/// The person's link to the assuré ouvrant droit (card profile C7).
public enum Qualite: UInt8, Sendable, Codable, CaseIterable {
    case assure = 0
    case conjoint = 1
    case enfant = 2
    case autreAyantDroit = 9
}

/// One person on a carte Vitale: the holder or one of their beneficiaries.
public struct Person: Hashable, Sendable, Codable, Identifiable {
    /// The NIR of the assuré ouvrant droit (same for everyone on the card).
    public var ouvrantDroitNIR: NIR
    /// The person's own NIR, when they have one.
    public var ownNIR: NIR?
    public var nomFamille: String
    public var nomUsage: String?
    public var prenoms: String
    public var birthDate: BirthDate
    /// 1 for a single birth; twins 1 and 2.
    public var rangNaissance: Int
    public var qualite: Qualite

    public init(ouvrantDroitNIR: NIR, ownNIR: NIR? = nil, nomFamille: String, nomUsage: String? = nil,
                prenoms: String, birthDate: BirthDate, rangNaissance: Int = 1, qualite: Qualite) {
        self.ouvrantDroitNIR = ouvrantDroitNIR
        self.ownNIR = ownNIR
        self.nomFamille = nomFamille
        self.nomUsage = nomUsage
        self.prenoms = prenoms
        self.birthDate = birthDate
        self.rangNaissance = rangNaissance
        self.qualite = qualite
    }

    /// Stable within a card: ouvrant droit + birth date + rang + prénoms.
    /// Beneficiaries without a NIR of their own are told apart by these, as
    /// the caisse does.
    public var id: String {
        "\(ouvrantDroitNIR.text)-\(birthDate.compact)-\(rangNaissance)-\(prenoms)"
    }

    /// Name to show: nom d'usage when there is one.
    public var displayName: String { "\(prenoms) \(nomUsage ?? nomFamille)" }

    public func age(on today: CivilDate) -> Int { birthDate.age(on: today) }
}

/// The assuré ouvrant droit and everyone attached to them.
public struct Foyer: Hashable, Sendable, Codable {
    /// The holder first, then beneficiaries in card order.
    public let persons: [Person]

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case holderNotFirst
        case tooMany(limit: Int, found: Int)
        case mixedOuvrantDroit
    }

    public init(_ persons: [Person], maxPersons: Int = 12) throws(Problem) {
        guard let first = persons.first else { throw .empty }
        guard persons.count <= maxPersons else { throw .tooMany(limit: maxPersons, found: persons.count) }
        guard first.qualite == .assure else { throw .holderNotFirst }
        guard persons.allSatisfy({ $0.ouvrantDroitNIR == first.ouvrantDroitNIR }) else { throw .mixedOuvrantDroit }
        self.persons = persons
    }

    public var holder: Person { persons[0] }
    public var beneficiaries: ArraySlice<Person> { persons.dropFirst() }
}

extension Person {
    /// The sex the NIR's first digit says, when the person's NIR is known:
    /// their own, or for the assuré the ouvrant droit's (theirs). A
    /// beneficiary without a NIR of their own: unknown.
    public var sex: NIR.Sex? { (ownNIR ?? (qualite == .assure ? ouvrantDroitNIR : nil))?.sex }
}
