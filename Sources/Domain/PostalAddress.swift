import Foundation

/// A postal address in France as the caisse keeps it: the fields of the
/// change-of-address form (seed 001, §5 « Déclarer un changement
/// d'adresse »): number, street, complement, postal code, commune.
///
/// Stored and sent as it is; `problems` says what is wrong with one
/// (typed at a kiosk, or loaded from a file), `validated()` tidies it and
/// refuses it on its first problem. What a public screen may show of it is
/// `masked`.
public struct PostalAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// « 12 », « 12 bis », « 3 B », « 12-14 »; nil for an address without
    /// one (a lieu-dit: « LA GARN »).
    public var number: String?
    /// The street with its type (« rue des Lilas »), or the lieu-dit.
    public var street: String?
    /// « Bâtiment B, appartement 12 », « Résidence les Pins »…
    public var complement: String?
    /// Five digits (`PostalCode`).
    public var postalCode: String
    public var commune: String

    public init(number: String? = nil, street: String? = nil, complement: String? = nil, postalCode: String, commune: String) {
        self.number = number
        self.street = street
        self.complement = complement
        self.postalCode = postalCode
        self.commune = commune
    }

    /// The longest line La Poste takes (norme NF Z 10-011): 38 characters,
    /// spaces included. The number and the street share a line, so do the
    /// postal code and the commune.
    public static let maximumLineLength = 38

    /// Every problem of the address, in the form's order (number, street,
    /// complement, postal code, commune); empty when it can be kept. Spaces
    /// around and between words do not count (`validated()` removes them).
    public var problems: [PostalAddressProblem] {
        let a = tidied
        var found: [PostalAddressProblem] = []
        if let n = a.number, !Self.isHouseNumber(n) { found.append(.numberNotValid) }
        if a.number != nil, a.street == nil { found.append(.numberWithoutStreet) }
        if let s = a.street {
            let line = (a.number.map { $0 + " " } ?? "") + s
            if line.count > Self.maximumLineLength { found.append(.tooLong(.street, limit: Self.maximumLineLength)) }
        }
        if let c = a.complement, c.count > Self.maximumLineLength { found.append(.tooLong(.complement, limit: Self.maximumLineLength)) }
        switch PostalCode.check(a.postalCode) {
        case .failure(let problem): found.append(problem)
        case .success: break
        }
        if a.commune.isEmpty {
            found.append(.communeMissing)
        } else if a.commune.count > Self.maximumLineLength - 6 {
            // « 75019 » and a space come first on the line.
            found.append(.tooLong(.commune, limit: Self.maximumLineLength - 6))
        }
        return found
    }

    /// The address tidied (spaces trimmed and single, empty fields as nil),
    /// or its first problem.
    public func validated() throws(PostalAddressProblem) -> PostalAddress {
        if let first = problems.first { throw first }
        return tidied
    }

    /// Spaces trimmed and single, empty optional fields as nil.
    public var tidied: PostalAddress {
        func clean(_ s: String) -> String {
            s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        func optional(_ s: String?) -> String? { s.map(clean).flatMap { $0.isEmpty ? nil : $0 } }
        return PostalAddress(number: optional(number), street: optional(street), complement: optional(complement),
                             postalCode: postalCode.filter { !$0.isWhitespace }, commune: clean(commune))
    }

    /// « 12 », « 12 bis », « 12bis », « 3 B », « 12-14 »: one to four
    /// digits, maybe a range, maybe an indice (bis, ter, quater, quinquies
    /// or one letter).
    static func isHouseNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        func digits() -> Bool {
            let d = rest.prefix { $0.isASCII && $0.isNumber }
            guard (1...4).contains(d.count) else { return false }
            rest = rest.dropFirst(d.count)
            return true
        }
        guard digits() else { return false }
        if rest.first == "-" {
            rest = rest.dropFirst()
            guard digits() else { return false }
        }
        let indice = rest.drop { $0 == " " }.lowercased()
        return indice.isEmpty || ["bis", "ter", "quater", "quinquies"].contains(indice)
            || (indice.count == 1 && indice.first!.isLetter && indice.first!.isASCII)
    }

    /// Masked, as `masked` shows it: never the address itself in a log.
    public var description: String { masked.lines.joined(separator: ", ") }
}

/// What is wrong with an address, and in which field: the form points at
/// the field, the log says it in plain words. Never the address itself.
public enum PostalAddressProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Field: String, Hashable, Sendable, Codable, CaseIterable {
        case number, street, complement, postalCode, commune
    }

    /// The number is not one to four digits with maybe a range and an
    /// indice (« 12 », « 12-14 », « 12 bis », « 3 B »).
    case numberNotValid
    /// A number with no street to put it in.
    case numberWithoutStreet
    /// The field's line is longer than La Poste takes.
    case tooLong(Field, limit: Int)
    case postalCodeMissing
    /// Not five digits (found this many characters).
    case postalCodeNotFiveDigits(length: Int)
    /// Five digits, but no département has them: « 00 », « 96 », « 979 »…
    /// (`prefix`: the two or three digits that name no département).
    case noSuchDepartement(prefix: String)
    /// « 980 »: Monaco, a country of its own; an address there is abroad.
    case monaco
    case communeMissing

    public var field: Field {
        switch self {
        case .numberNotValid, .numberWithoutStreet: .number
        case .tooLong(let f, _): f
        case .postalCodeMissing, .postalCodeNotFiveDigits, .noSuchDepartement, .monaco: .postalCode
        case .communeMissing: .commune
        }
    }

    public var description: String {
        switch self {
        case .numberNotValid: "the number is not 1 to 4 digits, maybe a range (12-14) and an indice (bis, ter, quater, quinquies or one letter)"
        case .numberWithoutStreet: "a number is given without a street"
        case .tooLong(let f, let limit): "the \(f.rawValue) line is longer than \(limit) characters (La Poste, NF Z 10-011)"
        case .postalCodeMissing: "the postal code is missing"
        case .postalCodeNotFiveDigits(let n): "the postal code is not five digits (\(n) characters)"
        case .noSuchDepartement(let p): "no département has postal codes starting \(p)"
        case .monaco: "postal codes starting 980 are Monaco's: an address abroad"
        case .communeMissing: "the commune is missing"
        }
    }
}

/// French postal codes: five digits, the first two (three overseas) those
/// of the département.
public enum PostalCode {
    /// Overseas départements and collectivités that have postal codes of
    /// their own: Guadeloupe (with Saint-Barthélemy 97133 and Saint-Martin
    /// 97150), Martinique, Guyane, La Réunion, Saint-Pierre-et-Miquelon,
    /// Mayotte; the Terres australes et antarctiques françaises,
    /// Wallis-et-Futuna, la Polynésie française, la Nouvelle-Calédonie.
    public static let overseas: Set<String> = ["971", "972", "973", "974", "975", "976", "984", "986", "987", "988"]

    /// The département (or collectivité) a postal code belongs to: « 01 » to
    /// « 95 » (« 20 » for Corsica's 20xxx), or the three digits overseas;
    /// its problem otherwise.
    public static func check(_ code: String) -> Result<String, PostalAddressProblem> {
        let code = code.filter { !$0.isWhitespace }
        guard !code.isEmpty else { return .failure(.postalCodeMissing) }
        guard code.count == 5, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.postalCodeNotFiveDigits(length: code.count)) }
        let two = String(code.prefix(2)), three = String(code.prefix(3))
        if two == "97" || two == "98" {
            if three == "980" { return .failure(.monaco) }
            return overseas.contains(three) ? .success(three) : .failure(.noSuchDepartement(prefix: three))
        }
        // Metropolitan France: 01 to 95, Corsica's 2A and 2B both 20.
        guard let n = Int(two), (1...95).contains(n) else { return .failure(.noSuchDepartement(prefix: two)) }
        return .success(two)
    }
}

/// An address as a public screen may show it (the kiosk's « Mes
/// informations », its printout): the central store masks it, so the kiosk
/// never holds the address itself.
///
/// - Shown whole: the postal code and the commune. Thousands of households
///   share them; they tell the assuré which address the caisse writes to,
///   whether a move was recorded, and make sense of an NPAI.
/// - Masked: the number, the street's own name, the complement: what
///   would lead a passer-by (or whoever holds a stolen card and a code seen
///   over a shoulder) to the door. The number keeps its first digit (« 1• »,
///   one digit « • ») and its indice; the street keeps its type and small
///   words (« rue des », « boulevard de la »), every other word its first
///   letter and « ••• » (a fixed length, so the name's length is not told);
///   the complement its usual words (« Bâtiment », « appartement ») the
///   same way. Enough for the assuré to recognise their address, or to see
///   it is an old one.
public struct MaskedPostalAddress: Hashable, Sendable, Codable {
    /// Number and street: « 1• rue des L••• ».
    public var street: String?
    public var complement: String?
    public var postalCode: String
    public var commune: String

    public init(street: String?, complement: String?, postalCode: String, commune: String) {
        self.street = street
        self.complement = complement
        self.postalCode = postalCode
        self.commune = commune
    }

    /// The lines of the envelope, in order: street, complement, « 75019 PARIS ».
    public var lines: [String] {
        [street, complement].compactMap { $0 } + ["\(postalCode) \(commune)"]
    }
}

extension PostalAddress {
    /// What a public screen may show (`MaskedPostalAddress` says why).
    public var masked: MaskedPostalAddress {
        let a = tidied
        let street = a.street.map { Mask.words($0, keeping: Mask.streetWords) }
        let line = [a.number.map(Mask.number), street].compactMap { $0 }.joined(separator: " ")
        return MaskedPostalAddress(street: line.isEmpty ? nil : line,
                                   complement: a.complement.map { Mask.words($0, keeping: Mask.complementWords) },
                                   postalCode: a.postalCode, commune: a.commune)
    }
}

/// The masking of `MaskedPostalAddress`.
enum Mask {
    static let bullet: Character = "•"

    /// « 12 bis » → « 1• bis », « 7 » → « • », « 12-14 » → « 1•-1• »: a
    /// run of digits keeps its first when it has more than one.
    static func number(_ n: String) -> String {
        var out = "", run = ""
        func flush() {
            if run.count > 1 { out += String(run.first!) + String(repeating: bullet, count: run.count - 1) }
            else { out += String(repeating: bullet, count: run.count) }
            run = ""
        }
        for c in n {
            if c.isASCII && c.isNumber { run.append(c) } else { flush(); out.append(c) }
        }
        flush()
        return out
    }

    /// Each word kept when it is one of `keeping` (any case, any accent) or
    /// one character long; otherwise its first letter and « ••• ». An
    /// elided article stays (« l'É••• », « d'A••• »); punctuation around a
    /// word stays.
    static func words(_ text: String, keeping: Set<String>) -> String {
        text.split(separator: " ", omittingEmptySubsequences: true).map { word -> String in
            // Punctuation around the word (« B, » « (…) ») stays as it is.
            let lead = word.prefix { !$0.isLetter && !$0.isNumber }
            let trail = word.reversed().prefix { !$0.isLetter && !$0.isNumber }.reversed()
            guard lead.count + trail.count < word.count else { return String(word) }
            var core = word.dropFirst(lead.count).dropLast(trail.count)
            var elision = ""
            if core.count > 2, let i = core.firstIndex(where: { $0 == "'" || $0 == "’" }), core.distance(from: core.startIndex, to: i) == 1 {
                elision = String(core[...i])
                core = core[core.index(after: i)...]
            }
            let kept = core.count <= 1 || keeping.contains(fold(core))
            return String(lead) + elision + (kept ? String(core) : String(core.first!) + "•••") + String(trail)
        }.joined(separator: " ")
    }

    static func fold(_ s: Substring) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
    }

    /// Words that say nothing of where: linking words and articles.
    static let linking: Set<String> = ["de", "du", "des", "la", "le", "les", "au", "aux", "et", "en", "sur", "sous", "a"]

    /// Types of voie (La Poste's list, the usual ones and their abbreviations), and linking words.
    static let streetWords: Set<String> = linking.union([
        "allee", "allees", "avenue", "av", "ave", "boulevard", "bd", "bld", "carrefour", "chaussee", "chemin", "che", "chem",
        "cite", "clos", "corniche", "cote", "cour", "cours", "domaine", "dom", "esplanade", "faubourg", "fg", "galerie",
        "hameau", "ham", "impasse", "imp", "lieu-dit", "ld", "lotissement", "lot", "mail", "montee", "parc", "parvis",
        "passage", "pas", "place", "pl", "plateau", "promenade", "prom", "quai", "quartier", "qua", "residence", "res",
        "rond-point", "rpt", "route", "rte", "rue", "ruelle", "sentier", "sen", "square", "sq", "terrasse", "traverse",
        "tra", "venelle", "villa", "village", "voie", "zone", "za", "zac", "zi",
    ])

    /// Words of a complement that say nothing of where.
    static let complementWords: Set<String> = linking.union([
        "batiment", "bat", "appartement", "appt", "apt", "app", "escalier", "esc", "etage", "porte", "entree", "residence",
        "res", "tour", "bloc", "chez", "boite", "lettres", "bp", "cedex", "logement", "log", "numero", "no",
    ])
}
