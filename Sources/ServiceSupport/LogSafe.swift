import Crypto
import Foundation
import Logging

/// Stands for personal data in logs: a keyed short hash (HMAC-SHA256), so
/// that lines about the same assuré correlate without the NIR being
/// written or guessable (a NIR has few enough values that a plain hash
/// could be reversed by trying them all; the key prevents it).
public struct LogRedactor: Sendable {
    private let key: SymmetricKey

    /// `secret`: at least 32 bytes from the configuration
    /// (`logging.redactionKeyFile`), so references stay stable across
    /// restarts; nil: a random key for this process.
    public init(secret: Data? = nil) {
        if let secret, secret.count >= 32 { key = SymmetricKey(data: secret) } else { key = SymmetricKey(size: .bits256) }
    }

    /// A process-wide redactor with a random key.
    public static let perBoot = LogRedactor()

    /// `nir~kdpgalmoefcbhaij`: 12 letters a–p (48 bits of the HMAC). Letters
    /// only, so the scrubber never mistakes a reference for a number.
    public func reference(_ value: String, kind: String = "nir") -> String {
        let normalized = value.uppercased().filter { !$0.isWhitespace }
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(kind):\(normalized)".utf8), using: key)
        let letters = Array("abcdefghijklmnop")
        var out = ""
        for byte in mac.prefix(6) { out.append(letters[Int(byte >> 4)]); out.append(letters[Int(byte & 0x0F)]) }
        return "\(kind)~\(out)"
    }
}

/// The ways personal data may appear in a log line.
public enum LogSafe {
    /// A NIR as metadata: `logger.info("Card read", metadata: ["nir": LogSafe.nir(nir)])`.
    public static func nir(_ nir: String, using redactor: LogRedactor = .perBoot) -> Logger.Metadata.Value {
        .string(redactor.reference(nir, kind: "nir"))
    }

    /// A mobile number: the last two digits only, as the screens show it.
    public static func phone(_ number: String) -> Logger.Metadata.Value {
        let digits = number.filter(\.isNumber)
        return .string(digits.count >= 2 ? "** ** ** ** \(digits.suffix(2))" : "**")
    }
}

/// The last safety net of the log handler: any run of 9 digits or more
/// (spaces and dots allowed between them, `2A`/`2B` for Corsica) becomes
/// `[redacted]` — NIRs, phone numbers, card serials. Short numbers (ports,
/// durations, dates) pass.
public enum PersonalDataScrubber {
    public static let replacement = "[redacted]"

    public static func scrub(_ text: String) -> String {
        let chars = Array(text)
        guard chars.contains(where: \.isASCIIDigit) else { return text }
        let kept = uuidRanges(chars)
        var out = ""
        var i = 0
        while i < chars.count {
            if let r = kept.first(where: { $0.contains(i) }) { out += String(chars[r]); i = r.upperBound; continue }
            guard chars[i].isASCIIDigit else { out.append(chars[i]); i += 1; continue }
            // Extend over digits, single separators between digits, and 2A/2B.
            var j = i, digits = 0
            while j < chars.count {
                let c = chars[j]
                if c.isASCIIDigit { digits += 1; j += 1; continue }
                let nextIsDigit = j + 1 < chars.count && chars[j + 1].isASCIIDigit
                if (c == " " || c == ".") && nextIsDigit { j += 1; continue }
                if (c == "A" || c == "B") && j > i && chars[j - 1] == "2" && nextIsDigit { digits += 1; j += 1; continue }
                break
            }
            // A run glued to letters ("abc123456789") is an identifier, still redacted: it may hide a NIR.
            if digits >= 9 { out += replacement } else { out += String(chars[i..<j]) }
            i = j
        }
        return out
    }
}

extension PersonalDataScrubber {
    /// Event and session ids (UUIDs) stay readable even when a group is all digits.
    static func uuidRanges(_ chars: [Character]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i + 36 <= chars.count {
            if chars[i].isHexDigit, i == 0 || !(chars[i - 1].isHexDigit || chars[i - 1] == "-"),
               UUID(uuidString: String(chars[i..<(i + 36)])) != nil,
               i + 36 == chars.count || !(chars[i + 36].isHexDigit || chars[i + 36] == "-") {
                ranges.append(i..<(i + 36)); i += 36
            } else { i += 1 }
        }
        return ranges
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}

/// Finds personal data in captured log lines: what the smoke runs' log
/// test greps for. Digits are compared without separators (a phone number
/// written `06 39 98 00 34` is found), names case- and accent-insensitively.
public enum PersonalDataScan {
    public struct Leak: Sendable, Hashable, CustomStringConvertible {
        public var line: String
        public var needle: String
        public var description: String { "personal data \"\(needle)\" in log line: \(line)" }
    }

    public static func leaks(in lines: [String], needles: [String]) -> [Leak] {
        var found: [Leak] = []
        for line in lines {
            let digitsOnly = line.filter { $0.isASCIIDigit || $0 == "A" || $0 == "B" }
            let folded = fold(line)
            for needle in needles {
                let isNumber = needle.filter(\.isASCIIDigit).count >= 6
                if isNumber {
                    let n = needle.filter { $0.isASCIIDigit || $0 == "A" || $0 == "B" }
                    if digitsOnly.contains(n) { found.append(Leak(line: line, needle: needle)) }
                } else if containsWord(folded, fold(needle)) {
                    found.append(Leak(line: line, needle: needle))
                }
            }
        }
        return found
    }

    /// `word` in `text` with no letter right before or after it: a name, not
    /// a piece of a longer word or of a random token ("lea" in "hhcaceleamjd").
    static func containsWord(_ text: String, _ word: String) -> Bool {
        guard !word.isEmpty else { return false }
        var searchStart = text.startIndex
        while let r = text.range(of: word, range: searchStart..<text.endIndex) {
            let before = r.lowerBound > text.startIndex ? text[text.index(before: r.lowerBound)] : nil
            let after = r.upperBound < text.endIndex ? text[r.upperBound] : nil
            if before?.isLetter != true && after?.isLetter != true { return true }
            searchStart = text.index(after: r.lowerBound)
        }
        return false
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// The demo foyer's personal data (fictional people shared by every
    /// part): NIRs, mobile number, last names and first names.
    public static let demoFoyer: [String] = [
        "180057505612342", "282116912304563", "212033306301160", "275022A12301293",
        "0639980034",
        "DUPONT", "MARTIN", "BERNARD", "Jean", "Claire", "Léa", "Hugo", "Sophie",
    ]
}
