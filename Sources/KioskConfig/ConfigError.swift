/// One mistake in the kiosk's configuration files, located precisely enough
/// that a technician fixes it without reading code:
/// `kiosk-config/kiosk.yaml:12:3: screen.widht: unknown key; did you mean "width"?`
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The file or directory is missing or cannot be read.
        case unreadable
        /// The file is not valid YAML (or not one document).
        case syntax
        /// A key the kiosk does not know (often a typo).
        case unknownKey
        /// The same key twice in one mapping.
        case duplicateKey
        /// A required key is absent.
        case missingKey
        /// A value of the wrong type (a string where a number is expected…).
        case wrongType
        /// A number outside its bounds.
        case outOfRange
        /// A value of the right type that is not allowed (unknown language, bad URL…).
        case invalidValue
        /// A key file (PEM, kiosk key) that cannot be used.
        case badKeyFile
    }

    public var kind: Kind
    /// The file as the technician names it (the directory given + file name).
    public var file: String
    /// 1-based; nil when the error is about the whole file.
    public var line: Int?
    public var column: Int?
    /// Dotted path of the key, with `[i]` for list items: `screen.width`,
    /// `languages.offered[1]`. Empty when the error is about the whole file.
    public var key: String
    /// What is there, as written (quoted strings, `a list`, `a mapping`).
    public var found: String?
    /// What the kiosk accepts.
    public var expected: String?
    /// The closest allowed spelling, when one is close.
    public var didYouMean: String?
    /// A warning does not stop the kiosk; an error does.
    public var isWarning: Bool

    public init(_ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, key: String = "",
                found: String? = nil, expected: String? = nil, didYouMean: String? = nil, isWarning: Bool = false) {
        self.kind = kind; self.file = file; self.line = line; self.column = column; self.key = key
        self.found = found; self.expected = expected; self.didYouMean = didYouMean; self.isWarning = isWarning
    }

    /// `file:line:col`, as compilers print it, so editors jump to it.
    public var location: String {
        var s = file
        if let line { s += ":\(line)"; if let column { s += ":\(column)" } }
        return s
    }

    /// The message without the location.
    public var message: String {
        var parts: [String] = []
        switch kind {
        case .unknownKey:
            parts.append("unknown key")
            if didYouMean == nil, let expected { parts.append("expected \(expected)") }
        case .missingKey:
            parts.append("missing" + (expected.map { "; expected \($0)" } ?? ""))
        case .duplicateKey:
            parts.append("duplicate key" + (expected.map { "; \($0)" } ?? ""))
        default:
            var s = found.map { "found \($0)" } ?? ""
            if let expected { s += (s.isEmpty ? "" : ", ") + "expected \(expected)" }
            parts.append(s)
        }
        var text = parts.joined(separator: "; ")
        if let didYouMean { text += "; did you mean \"\(didYouMean)\"?" }
        return text
    }

    public var description: String {
        let text = (isWarning ? "warning: " : "") + message
        return key.isEmpty ? "\(location): \(text)" : "\(location): \(key): \(text)"
    }
}

/// Every error found in a configuration, in file then line order. Thrown
/// by `KioskConfiguration.load(from:)` when there is at least one.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// "Did you mean": the allowed word closest to what was typed, if close
/// enough to be a typo (Levenshtein distance, case-insensitive).
enum Suggest {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c.lowercased()))
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (candidate, d) = best else { return nil }
        // A truncated or extended key ("maxTry" for "maxTries") is a typo too.
        if w.count >= 3, let prefixed = candidates.first(where: {
            let c = $0.lowercased(); return c.hasPrefix(String(w)) || String(w).hasPrefix(c)
        }), d > 1 { return prefixed }
        // A third of the word, at least 1, at most 3 edits: beyond that the
        // suggestion confuses more than it helps.
        let limit = max(1, min(3, (max(w.count, candidate.count) + 1) / 3))
        return d <= limit ? candidate : nil
    }

    /// Edit distance where swapping two neighbours ("widht") counts as one
    /// edit (optimal string alignment).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Inputs are keys and short values; cap to avoid quadratic blow-up on junk.
        let a = Array(a.prefix(64)), b = Array(b.prefix(64))
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
