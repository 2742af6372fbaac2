import FrenchTypography

/// French typography for on-screen text. The rules live in the
/// `FrenchTypography` module, shared with the printed documents; this name
/// stays for the screens that call it.
public enum FrenchTypography {
    /// U+00A0, before « : » and « % » and inside guillemets.
    public static let nbsp: Character = FrenchText.nbsp
    /// U+202F, the narrow no-break space before « ; ! ? ».
    public static let narrowNbsp: Character = FrenchText.narrowNbsp

    public static func apply(_ text: String) -> String { FrenchText.apply(text) }

    /// True when no breakable space stands where French needs a fixed one.
    public static func isWellFormed(_ text: String) -> Bool { FrenchText.isWellFormed(text) }
}
