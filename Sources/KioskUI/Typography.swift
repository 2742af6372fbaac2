/// French typography for on-screen text: typographic apostrophe, and
/// non-breaking spaces where French puts them, so that a line never starts
/// with « ? » or ends with « .
public enum FrenchTypography {
    /// U+00A0, before « : » and inside guillemets.
    public static let nbsp: Character = "\u{00A0}"
    /// U+202F, the narrow no-break space before « ; ! ? ».
    public static let narrowNbsp: Character = "\u{202F}"

    public static func apply(_ text: String) -> String {
        var out: [Character] = []
        out.reserveCapacity(text.count + 8)
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            switch c {
            case "'":
                out.append("’")
            case ";", "!", "?", ":":
                // "https://" and times like "10:30" keep their colon tight.
                let prev = out.last
                let next = i + 1 < chars.count ? chars[i + 1] : nil
                if c == ":", let n = next, n == "/" || n.isNumber { out.append(c); continue }
                if c == ":", let p = prev, p.isNumber, let n = next, n.isNumber { out.append(c); continue }
                while let last = out.last, last == " " || last == nbsp || last == narrowNbsp { out.removeLast() }
                if let p = out.last, !p.isNewline, p != "(" {
                    out.append(c == ":" ? nbsp : narrowNbsp)
                }
                out.append(c)
            case "«":
                out.append(c)
                out.append(nbsp)
            case "»":
                while let last = out.last, last == " " || last == nbsp { out.removeLast() }
                out.append(nbsp)
                out.append(c)
            case " ", nbsp, narrowNbsp:
                // Swallow the space typed after « (already replaced).
                if let last = out.last, last == nbsp, out.count >= 2, out[out.count - 2] == "«" { continue }
                out.append(c)
            default:
                out.append(c)
            }
        }
        return String(out)
    }

    /// True when no breakable space stands where French needs a fixed one.
    public static func isWellFormed(_ text: String) -> Bool { apply(text) == text }
}
