/// Numéro d'inscription au répertoire (numéro de sécurité sociale):
/// 13 characters then a 2-digit key.
///
/// Layout: sex (1) · birth year (2) · birth month (2) · département (2, or 3
/// overseas: 97x/98x) · commune (3, or 2 overseas) · order number (3) · key (2).
/// Key = 97 − (the 13-digit number mod 97), with Corsica's `2A` counted as 19
/// and `2B` as 18.
public struct NIR: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 13 characters, uppercase, no spaces.
    public let body: String
    public let key: Int

    public init(_ text: some StringProtocol) throws(NIRError) {
        let compact = NIR.normalize(text)
        guard compact.count == 15 else { throw .length(found: compact.count) }
        let body = String(compact.prefix(13))
        try NIR.checkParts(body)
        let keyText = String(compact.suffix(2))
        if let bad = keyText.firstIndex(where: { !$0.isASCIIDigit }) {
            throw .character(position: 14 + keyText.distance(from: keyText.startIndex, to: bad), found: keyText[bad])
        }
        let key = Int(keyText)!
        let expected = NIR.key(for: body)!
        guard key == expected else { throw .key(expected: expected, found: key) }
        self.body = body
        self.key = key
    }

    /// Builds a NIR from its 13 characters, computing the key.
    public init(body text: some StringProtocol) throws(NIRError) {
        let body = NIR.normalize(text)
        guard body.count == 13 else { throw .length(found: body.count) }
        try NIR.checkParts(body)
        self.body = body
        self.key = NIR.key(for: body)!
    }

    /// The key for 13 characters, or nil when they are not digits (with
    /// 2A/2B at the département position).
    public static func key(for body: String) -> Int? {
        var chars = Array(body.uppercased())
        guard chars.count == 13 else { return nil }
        // Corsica: 2A → 19, 2B → 18 for the computation only.
        if chars[5] == "2", chars[6] == "A" { chars[5] = "1"; chars[6] = "9" }
        else if chars[5] == "2", chars[6] == "B" { chars[5] = "1"; chars[6] = "8" }
        guard chars.allSatisfy(\.isASCIIDigit), let n = Int64(String(chars)) else { return nil }
        return 97 - Int(n % 97)
    }

    public var text: String { body + String(format2: key) }
    public var description: String { text }

    /// Grouped as printed on the card: 1 85 05 78 006 084 36.
    public var formatted: String {
        let c = Array(text)
        let groups = [0..<1, 1..<3, 3..<5, 5..<7, 7..<10, 10..<13, 13..<15]
        return groups.map { String(c[$0]) }.joined(separator: " ")
    }

    // MARK: parts

    public enum Sex: Sendable, Equatable { case male, female }

    /// 1 and 2; 3/4 and 7/8 are the same sexes on provisional numbers.
    public var sex: Sex { ["1", "3", "7"].contains(chars[0]) ? .male : .female }
    /// True for a temporary number (first digit 3, 4, 7 or 8).
    public var isProvisional: Bool { !["1", "2"].contains(chars[0]) }
    public var birthYearTwoDigits: Int { Int(String(chars[1...2]))! }
    /// 1–12, or nil when the month is an allowed placeholder (20–42, 50–99).
    public var birthMonth: Int? { let m = Int(String(chars[3...4]))!; return (1...12).contains(m) ? m : nil }
    /// "75", "2A", "971", or "99" (born abroad).
    public var departement: String { NIR.departementLength(chars) == 3 ? String(chars[5...7]) : String(chars[5...6]) }
    /// The commune code (INSEE), or for "99" the country code.
    public var commune: String { NIR.departementLength(chars) == 3 ? String(chars[8...9]) : String(chars[7...9]) }
    public var orderNumber: Int { Int(String(chars[10...12]))! }
    public var isBornAbroad: Bool { departement == "99" }

    private var chars: [Character] { Array(body) }

    // MARK: validation

    static func normalize(_ text: some StringProtocol) -> String {
        String(text.filter { !$0.isWhitespace && $0 != "\u{00A0}" && $0 != "\u{202F}" && $0 != "." && $0 != "-" }).uppercased()
    }

    static func departementLength(_ c: [Character]) -> Int {
        (c[5] == "9" && (c[6] == "7" || c[6] == "8")) ? 3 : 2
    }

    static func checkParts(_ body: String) throws(NIRError) {
        let c = Array(body)
        for (i, ch) in c.enumerated() where !ch.isASCIIDigit {
            // Only the département may hold a letter: 2A or 2B.
            if i == 6, c[5] == "2", ch == "A" || ch == "B" { continue }
            throw .character(position: i + 1, found: ch)
        }
        guard ["1", "2", "3", "4", "7", "8"].contains(c[0]) else { throw .sex(found: c[0]) }
        let month = Int(String(c[3...4]))!
        guard (1...12).contains(month) || (20...42).contains(month) || (50...99).contains(month) else {
            throw .birthMonth(found: String(c[3...4]))
        }
        let depLen = departementLength(c)
        let dep = depLen == 3 ? String(c[5...7]) : String(c[5...6])
        if depLen == 3 {
            // 971–978 (DROM and collectivités), 984–989 (TOM).
            let third = c[7]
            let ok = c[6] == "7" ? ("1"..."8").contains(third) : ("4"..."9").contains(third)
            guard ok else { throw .departement(found: dep) }
            guard String(c[8...9]) != "00" else { throw .commune(found: String(c[8...9])) }
        } else {
            guard dep != "00" else { throw .departement(found: dep) }
            let commune = String(c[7...9])
            guard commune != "000" else { throw .commune(found: commune) }
        }
        let order = String(c[10...12])
        guard order != "000" else { throw .orderNumber(found: order) }
    }
}

/// What is wrong with a NIR, part by part. Never carries the whole number,
/// so it is safe to log.
public enum NIRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not 15 characters (13 + key), or 13 when building from a body.
    case length(found: Int)
    /// A character that is not a digit (1-based position).
    case character(position: Int, found: Character)
    case sex(found: Character)
    case birthMonth(found: String)
    case departement(found: String)
    case commune(found: String)
    case orderNumber(found: String)
    case key(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .length(let n): return "NIR must have 13 characters and a 2-digit key (15 in all), found \(n)"
        case .character(let p, _): return "NIR character \(p) must be a digit (2A/2B allowed only as the Corsican département)"
        case .sex: return "NIR first digit (sex) must be 1 or 2 (3, 4, 7, 8 for provisional numbers)"
        case .birthMonth(let m): return "NIR birth month \(m) must be 01–12, or a placeholder 20–42 or 50–99"
        case .departement(let d): return "NIR département \(d) does not exist (01–95, 2A, 2B, 971–978, 984–989, 99)"
        case .commune(let c): return "NIR commune \(c) is not a valid code"
        case .orderNumber: return "NIR order number must be 001–999"
        case .key: return "NIR key does not match the number: a digit was mistyped"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
