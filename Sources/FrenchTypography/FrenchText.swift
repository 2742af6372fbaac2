/// French typography for every text the kiosk shows or prints, in one place
/// so that the screen and the paper agree:
/// - the typographic apostrophe ’;
/// - a narrow no-break space (U+202F) before ; ! ?;
/// - a no-break space (U+00A0) before : and % and inside « »;
/// - a no-break space (U+00A0) between a number and the word it counts
///   (« 3 essais », « 48 heures », « 1er janvier »), so a line never ends
///   on a bare number; a year (4 digits and more) is not a count;
/// - nothing inserted in times ("14:05") or in URLs ("https://…?a=1").
/// Spaces typed around that punctuation are replaced, missing ones added,
/// so a line never starts with « ? » or ends with « ; it is idempotent and
/// never inserts a breakable space. No dependencies: KioskUI and Printing use it.
public enum FrenchText {
    /// U+00A0, before « : » and « % » and inside guillemets.
    public static let nbsp: Character = "\u{00A0}"
    /// U+202F (espace fine insécable), before « ; ! ? ».
    public static let narrowNbsp: Character = "\u{202F}"

    static func isSpace(_ c: Character) -> Bool { c == " " || c == nbsp || c == narrowNbsp }

    /// The text with French typography applied.
    public static func apply(_ text: String) -> String {
        let chars = Array(text)
        let url = urlMask(chars)
        var out: [Character] = []
        out.reserveCapacity(chars.count + 8)
        /// Drops the spaces just written (they are replaced by a fixed one).
        func dropSpaces() { while let last = out.last, isSpace(last) { out.removeLast() } }
        for (i, c) in chars.enumerated() {
            if url[i] { out.append(c); continue }
            let next = i + 1 < chars.count ? chars[i + 1] : nil
            switch c {
            case "'":
                out.append("’")
            case ";", "!", "?", ":":
                // Times and ratios ("14:05", "1:2") keep their colon tight.
                if c == ":", let p = out.last, p.isNumber, let n = next, n.isNumber { out.append(c); continue }
                dropSpaces()
                // Nothing before it on the line, or a run ("?!", "(?)"): no space.
                if let p = out.last, !p.isNewline, p != "(", p != "«", !";!?:".contains(p) {
                    out.append(c == ":" ? nbsp : narrowNbsp)
                }
                out.append(c)
            case "%":
                if let p = out.last, isSpace(p) || p.isNumber {
                    dropSpaces()
                    out.append(nbsp)
                }
                out.append(c)
            case "«":
                out.append(c)
                out.append(nbsp)
            case "»":
                dropSpaces()
                if let p = out.last, !p.isNewline { out.append(nbsp) }
                out.append(c)
            case " ", nbsp, narrowNbsp:
                // The space typed after « is already there, fixed.
                if out.count >= 2, out[out.count - 1] == nbsp, out[out.count - 2] == "«" { continue }
                if c == " ", let n = next, (n.isLetter && endsWithCount(out)) || (n == "€" && out.last?.isNumber == true) {
                    out.append(nbsp); continue
                }
                out.append(c)
            default:
                out.append(c)
            }
        }
        return String(out)
    }

    /// True when `out` ends with a count: a word of 1 to 3 digits, or an
    /// ordinal (« 1er », « 2e »), standing alone (not « n°12 », « A4 »).
    static func endsWithCount(_ out: [Character]) -> Bool {
        var i = out.count
        var suffix = 0
        while i > 0, out[i - 1].isLetter, suffix < 2 { i -= 1; suffix += 1 }
        if suffix > 0 {
            let s = String(out[i...])
            guard s == "er" || s == "re" || s == "e" else { return false }
        }
        var digits = 0
        while i > 0, out[i - 1].isASCII, out[i - 1].isNumber { i -= 1; digits += 1 }
        guard (1...3).contains(digits) else { return false }
        guard i == 0 || isSpace(out[i - 1]) || out[i - 1].isNewline || out[i - 1] == "(" else { return false }
        return true
    }

    /// Only the rule every language shares: a count stays with the word it
    /// counts (« 24 hours », "25 November"), for the texts that get no other
    /// French rule (English on screen).
    public static func bindCounts(_ text: String) -> String {
        let chars = Array(text)
        var out: [Character] = []
        out.reserveCapacity(chars.count)
        for (i, c) in chars.enumerated() {
            let next = i + 1 < chars.count ? chars[i + 1] : nil
            if c == " ", let n = next, n.isLetter, endsWithCount(out) { out.append(nbsp); continue }
            out.append(c)
        }
        return String(out)
    }

    /// True when the text already follows the rules.
    public static func isWellFormed(_ text: String) -> Bool { apply(text) == text }

    /// Which characters belong to a URL or a mail address (a word with
    /// "://", "www." at its start, or an "@"): left exactly as written.
    static func urlMask(_ chars: [Character]) -> [Bool] {
        var mask = [Bool](repeating: false, count: chars.count)
        var start = 0
        func close(_ end: Int) {
            guard end > start else { return }
            let word = String(chars[start..<end])
            if word.contains("://") || word.hasPrefix("www.") || word.contains("@") {
                // Punctuation closing the sentence is not part of the address.
                var last = end
                while last > start, ".,;:!?)»".contains(chars[last - 1]) { last -= 1 }
                for k in start..<last { mask[k] = true }
            }
        }
        for (i, c) in chars.enumerated() where c.isWhitespace || c == "(" || c == "«" {
            close(i)
            start = i + 1
        }
        close(chars.count)
        return mask
    }
}
