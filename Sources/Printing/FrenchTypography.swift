import FrenchTypography

/// French typography for printed text. The rules live in the
/// `FrenchTypography` module, shared with the screens, so paper and screen agree.
public enum FrenchTypography {
    /// U+00A0, before ":" and "%" and inside « ».
    public static let nbsp: Character = FrenchText.nbsp
    /// U+202F (espace fine insécable), before ";", "!" and "?".
    public static let narrowNbsp: Character = FrenchText.narrowNbsp

    public static func apply(_ text: String) -> String { FrenchText.apply(text) }

    /// A date as printed on French documents: « 14 mai 1980 ».
    public static func longDate(year: Int, month: Int, day: Int) -> String {
        let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                      "août", "septembre", "octobre", "novembre", "décembre"]
        let d = day == 1 ? "1er" : "\(day)"
        return "\(d) \(months[max(0, min(11, month - 1))]) \(year)"
    }
}
