/// French typographic rules applied to every printed text: a non-breaking
/// space before « ; : ! ? » and inside guillemets, so a line never starts
/// with a lone colon or a closing guillemet.
public enum FrenchTypography {
    /// U+00A0, before ":" and inside « ».
    public static let nbsp: Character = "\u{00A0}"
    /// U+202F (espace fine insécable), before ";", "!" and "?".
    public static let narrowNbsp: Character = "\u{202F}"

    /// Replaces the ordinary spaces around high punctuation and guillemets
    /// with the right non-breaking ones, and adds them where they are missing.
    /// Leaves URLs and times ("https://", "10:30") alone: only a colon after a
    /// letter, a space or a closing bracket gets a space.
    public static func apply(_ text: String) -> String {
        var out: [Character] = []
        out.reserveCapacity(text.count + 8)
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            switch c {
            case ";", "!", "?", ":":
                let next = i + 1 < chars.count ? chars[i + 1] : " "
                if c == ":" && next == "/" { out.append(c); continue }
                let prev = out.last
                if c == ":" && (prev?.isNumber ?? false) { out.append(c); continue }
                if prev == " " || prev == nbsp || prev == narrowNbsp { out.removeLast() }
                if let p = out.last, p != "\n" {
                    out.append(c == ":" ? nbsp : narrowNbsp)
                }
                out.append(c)
            case "%":
                if out.last == " " { out.removeLast(); out.append(nbsp) }
                out.append(c)
            case "«":
                out.append(c)
                out.append(nbsp)
            case "»":
                if out.last == " " || out.last == nbsp { out.removeLast() }
                out.append(nbsp)
                out.append(c)
            case " " where out.last == "«" || out.last == nbsp && out.dropLast().last == "«":
                continue
            default:
                out.append(c)
            }
        }
        return String(out)
    }

    /// A date as printed on French documents: « 14 mai 1980 ».
    public static func longDate(year: Int, month: Int, day: Int) -> String {
        let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                      "août", "septembre", "octobre", "novembre", "décembre"]
        let d = day == 1 ? "1er" : "\(day)"
        return "\(d) \(months[max(0, min(11, month - 1))]) \(year)"
    }
}
