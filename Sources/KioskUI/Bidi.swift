/// The direction a language writes in: a screen's (its catalog's), a
/// paragraph's, or one run of text.
public enum TextDirection: String, Hashable, Sendable {
    case leftToRight, rightToLeft

    public var isRightToLeft: Bool { self == .rightToLeft }
}

/// A piece of one line shaped in one direction: SDL_ttf (HarfBuzz) shapes
/// a string in a single direction, so a line mixing Arabic with a Latin
/// name or a number is cut into runs, each shaped in its own direction,
/// and the runs are placed in visual order.
public struct DirectionalRun: Hashable, Sendable {
    public var text: String
    public var direction: TextDirection
    public init(_ text: String, _ direction: TextDirection) { self.text = text; self.direction = direction }
}

/// A simplified Unicode bidirectional algorithm (UAX #9) for one line,
/// enough for the kiosk's texts: Arabic sentences holding Latin names
/// (« Jean DUPONT »), numbers, dates, amounts (« 23,50 € ») and phone
/// numbers (« 36 46 »). The rules, in order:
///
/// 1. Each character is **R** (Hebrew, Arabic and the other right-to-left
///    scripts), **L** (any other letter), **N** for a number (ASCII and
///    Arabic-Indic digits, and « • », a masked digit), or neutral (spaces,
///    punctuation, symbols).
/// 2. **Numbers hold together**: a separator between two digits — a space
///    (also non-breaking), « , », « . », « : », « / », « - » — joins them
///    into one number (« 36 46 », « 23,50 », « 14/05/1980 », « 10:30 »);
///    so do a « € » or « % » right after a number (after one space at
///    most) and a « + » right before one.
/// 3. A number after an L (nothing R in between) is L (UAX #9 W7), and so
///    is a number before an L (« 75019 PARIS », « 12 bis rue des Lilas »).
/// 4. A pair of brackets or guillemets takes the paragraph's direction when
///    it holds something of that direction, else the direction of what it
///    holds when the text before it is of that direction too (UAX #9 N0).
///    Then a run of neutrals takes the direction around it when both sides
///    agree (a number counts as R there, as in UAX #9 N1), else the
///    paragraph's (N2). The line's start and end count as the paragraph's
///    direction.
/// 5. Levels as UAX #9 I1–I2 (paragraph 0 or 1; R on an even level goes
///    up one, L and numbers on an odd level go up one, numbers on an even
///    level go up two), then the runs are reordered as L2: from the
///    highest level down to the lowest odd one, every sequence at that
///    level or above is reversed. Each run keeps its own text in logical
///    order: HarfBuzz shapes an R run right to left (and mirrors its
///    brackets and guillemets).
///
/// Not handled (never in the kiosk's texts): explicit embeddings and
/// isolates (U+202A–U+202E, U+2066–U+2069), and Arabic-Indic digits' own
/// rules (they are numbers here, like European digits).
public enum Bidi {
    enum Kind: Equatable { case r, l, number, neutral }

    /// Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic
    /// supplements and presentation forms, and the right-to-left planes.
    static func isRightToLeft(_ v: UInt32) -> Bool {
        switch v {
        case 0x0590...0x05FF, 0x0600...0x065F, 0x066A...0x06EF, 0x06FA...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF,
             0x10800...0x10FFF, 0x1E800...0x1EFFF:
            return true
        default:
            return false
        }
    }

    static func isDigit(_ v: UInt32) -> Bool {
        (0x30...0x39).contains(v) || (0x0660...0x0669).contains(v) || (0x06F0...0x06F9).contains(v)
    }

    static func kind(_ c: Character) -> Kind {
        guard let s = c.unicodeScalars.first else { return .neutral }
        // The marks U+200E and U+200F: invisible, strong.
        if s.value == 0x200E { return .l }
        if s.value == 0x200F { return .r }
        if isRightToLeft(s.value) { return .r }
        // A masked digit (« 06 •• •• •• 12 ») is a digit of its number.
        if isDigit(s.value) || s.value == 0x2022 { return .number }
        if s.properties.isAlphabetic { return .l }
        return .neutral
    }

    /// True when `text` holds a right-to-left letter.
    public static func containsRightToLeft(_ text: String) -> Bool {
        text.unicodeScalars.contains { isRightToLeft($0.value) }
    }

    static let numberJoiners: Set<Character> = [" ", "\u{00A0}", "\u{202F}", ",", ".", ":", "/", "-", "\u{066B}", "\u{066C}"]
    static let numberSuffixes: Set<Character> = ["€", "%", "$", "£"]
    static let spaces: Set<Character> = [" ", "\u{00A0}", "\u{202F}"]

    /// Each character's kind after rules 1–3.
    static func kinds(_ chars: [Character]) -> [Kind] {
        var k = chars.map(kind)
        let n = k.count
        // 2. Separators between digits, currency after, plus before.
        for i in 0..<n where k[i] == .neutral {
            if numberJoiners.contains(chars[i]), i > 0, i + 1 < n, k[i - 1] == .number, k[i + 1] == .number { k[i] = .number }
        }
        for i in 0..<n where k[i] == .neutral && numberSuffixes.contains(chars[i]) {
            if i > 0, k[i - 1] == .number { k[i] = .number }
            else if i > 1, spaces.contains(chars[i - 1]), k[i - 2] == .number { k[i - 1] = .number; k[i] = .number }
        }
        for i in 0..<n where chars[i] == "+" && k[i] == .neutral && i + 1 < n && k[i + 1] == .number { k[i] = .number }
        // 3. A number after L is L; so is a number before L (« 75019 PARIS »,
        // « 12 bis rue des Lilas »: an address reads left to right whole).
        var lastStrong: Kind? = nil
        for i in 0..<n {
            switch k[i] {
            case .l, .r: lastStrong = k[i]
            case .number: if lastStrong == .l { k[i] = .l }
            case .neutral: break
            }
        }
        var nextStrong: Kind? = nil
        for i in stride(from: n - 1, through: 0, by: -1) {
            switch k[i] {
            case .l, .r: nextStrong = k[i]
            case .number: if nextStrong == .l { k[i] = .l }
            case .neutral: break
            }
        }
        return k
    }

    /// Opening and closing marks paired as UAX #9 N0 pairs brackets; the
    /// guillemets too, so that « « Mes démarches » » in an Arabic sentence
    /// holds its marks on both sides.
    static let pairs: [Character: Character] = ["(": ")", "[": "]", "{": "}", "«": "»", "‹": "›"]

    /// Rule 4a (UAX #9 N0, simplified): a pair of brackets takes the
    /// paragraph's direction when what it holds has a strong character of
    /// that direction; else the other direction when it holds one of it
    /// and the text before the pair is of it too; else the paragraph's.
    static func resolveBrackets(_ chars: [Character], _ k: inout [Kind], baseKind: Kind) {
        var stack: [(Character, Int)] = []
        var found: [(open: Int, close: Int)] = []
        for (i, c) in chars.enumerated() where k[i] == .neutral {
            if let close = pairs[c] {
                stack.append((close, i))
            } else if let at = stack.lastIndex(where: { $0.0 == c }) {
                found.append((stack[at].1, i))
                stack.removeSubrange(at...)
            }
        }
        func strong(_ x: Kind) -> Kind? { x == .number ? .r : (x == .neutral ? nil : x) }
        for (open, close) in found.sorted(by: { $0.open < $1.open }) {
            let inside = (open + 1..<close).compactMap { strong(k[$0]) }
            guard !inside.isEmpty else { continue }
            let other: Kind = baseKind == .r ? .l : .r
            var dir = baseKind
            if !inside.contains(baseKind) {
                var before = baseKind
                for j in stride(from: open - 1, through: 0, by: -1) {
                    if let x = strong(k[j]) { before = x; break }
                }
                dir = before == other ? other : baseKind
            }
            k[open] = dir
            k[close] = dir
        }
    }

    /// Each character's embedding level (rules 4–5).
    static func levels(_ chars: [Character], base: TextDirection) -> [Int] {
        var k = kinds(chars)
        let n = k.count
        let baseLevel = base == .rightToLeft ? 1 : 0
        let baseKind: Kind = base == .rightToLeft ? .r : .l
        resolveBrackets(chars, &k, baseKind: baseKind)
        // For neutrals, numbers act as R.
        func strong(_ x: Kind) -> Kind { x == .number ? .r : x }
        var resolved = k
        var i = 0
        while i < n {
            guard k[i] == .neutral else { i += 1; continue }
            var j = i
            while j < n, k[j] == .neutral { j += 1 }
            let before = i > 0 ? strong(k[i - 1]) : baseKind
            let after = j < n ? strong(k[j]) : baseKind
            let dir = before == after ? before : baseKind
            for x in i..<j { resolved[x] = dir }
            i = j
        }
        // After rule 4 only R, L and numbers are left.
        return resolved.map { kind in
            switch kind {
            case .r: 1
            case .l: baseLevel == 0 ? 0 : 2
            case .number: 2
            case .neutral: baseLevel
            }
        }
    }

    /// The line cut into runs of one level, in logical order, with their levels.
    static func levelRuns(_ line: String, base: TextDirection) -> [(run: DirectionalRun, level: Int)] {
        let chars = Array(line)
        guard !chars.isEmpty else { return [] }
        let lv = levels(chars, base: base)
        var out: [(DirectionalRun, Int)] = []
        var start = 0
        for i in 1...chars.count where i == chars.count || lv[i] != lv[start] {
            out.append((DirectionalRun(String(chars[start..<i]), lv[start] % 2 == 1 ? .rightToLeft : .leftToRight), lv[start]))
            start = i
        }
        return out
    }

    /// The runs of one line in logical order (what is read first, first).
    public static func logicalRuns(_ line: String, base: TextDirection) -> [DirectionalRun] {
        if !containsRightToLeft(line) && base == .leftToRight { return line.isEmpty ? [] : [DirectionalRun(line, .leftToRight)] }
        return merged(levelRuns(line, base: base).map(\.run))
    }

    /// The runs of one line in visual order, left to right on the screen:
    /// draw each shaped in its direction, one after the other.
    public static func visualRuns(_ line: String, base: TextDirection) -> [DirectionalRun] {
        // The common case, every French and English line: one run, as before.
        if !containsRightToLeft(line) && base == .leftToRight { return line.isEmpty ? [] : [DirectionalRun(line, .leftToRight)] }
        var runs = levelRuns(line, base: base)
        guard let top = runs.map(\.level).max() else { return [] }
        let lowestOdd = (runs.map(\.level).min() ?? 0) | 1
        if top >= lowestOdd {
            for level in stride(from: top, through: lowestOdd, by: -1) {
                var i = 0
                while i < runs.count {
                    guard runs[i].level >= level else { i += 1; continue }
                    var j = i
                    while j < runs.count, runs[j].level >= level { j += 1 }
                    runs[i..<j].reverse()
                    i = j
                }
            }
        }
        return merged(runs.map(\.run))
    }

    /// Neighbouring runs of one direction as one (a level-2 number beside a
    /// level-2 Latin name, in an Arabic line: shaped together).
    static func merged(_ runs: [DirectionalRun]) -> [DirectionalRun] {
        var out: [DirectionalRun] = []
        for r in runs {
            if let last = out.last, last.direction == r.direction, r.direction == .leftToRight {
                out[out.count - 1].text += r.text
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// The characters a right-to-left run shows as their mirror image
    /// (UAX #9 L4): brackets, guillemets, angle quotes.
    static let mirrors: [Character: Character] = [
        "(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "«": "»", "»": "«", "‹": "›", "›": "‹", "<": ">", ">": "<",
    ]

    /// `text` with its mirrored characters swapped: what a right-to-left
    /// run is given to a shaper that does not mirror them itself.
    public static func mirroringBrackets(_ text: String) -> String {
        String(text.map { mirrors[$0] ?? $0 })
    }

    /// The line as it reads on the screen, left to right, each right-to-left
    /// run's characters reversed (what a reader sees; for tests and logs,
    /// never for drawing: shaping joins Arabic letters).
    public static func visualString(_ line: String, base: TextDirection) -> String {
        visualRuns(line, base: base).map { $0.direction == .rightToLeft ? String($0.text.reversed()) : $0.text }.joined()
    }
}
