/// A font: size in pixels and weight. DejaVu Sans only, so pixels match
/// on every machine.
public struct FontSpec: Hashable, Sendable {
    public var pixels: Int
    public var bold: Bool
    public init(pixels: Int, bold: Bool) { self.pixels = max(6, pixels); self.bold = bold }
}

/// Measures text in a font: the SDL_ttf library in the product and tests.
@MainActor
public protocol TextMeasurer: AnyObject {
    func width(of text: String, font: FontSpec) -> Int
    func lineHeight(_ font: FontSpec) -> Int
    /// The screen's direction: a line mixing directions is measured run
    /// by run in it, as the backend draws it (`Bidi`).
    var paragraphDirection: TextDirection { get set }
}

/// Text broken into lines at word boundaries.
public struct WrappedText: Hashable, Sendable {
    public var lines: [String]
    public var lineHeight: Int
    public var font: FontSpec
    /// Widest line in pixels.
    public var width: Int
    /// False when a word is wider than the box, even broken after its
    /// hyphens and apostrophes: the caller must choose a smaller font,
    /// never cut the word.
    public var wordsFit: Bool
    /// The lines that end inside a word (broken after a hyphen or an
    /// apostrophe, or between two characters): the next line goes on with
    /// the same word, so the text reads back without a space there.
    public var continuing: Set<Int> = []
    /// True when a word was broken between two characters: the last
    /// resort for a word with no hyphen or apostrophe still wider than its
    /// box at the type floor (a name from the card is shown whole).
    public var brokenBetweenCharacters = false
    public var height: Int { lines.count * lineHeight }

    /// Lines `range` alone (a paragraph's part on one page).
    public func lines(_ range: Range<Int>) -> WrappedText {
        var part = self
        part.lines = Array(lines[range])
        part.continuing = Set(continuing.filter { range.contains($0) }.map { $0 - range.lowerBound })
        return part
    }

    /// Whether line `i` ends inside a word.
    public func continues(_ i: Int) -> Bool { continuing.contains(i) }
}

@MainActor
public enum TextWrapper {
    /// Where a word wider than its box may break: after a hyphen
    /// (« FRANCESCHINI-|SANTUCCI »), which stays at the end of the first
    /// line; U+2011 (non-breaking hyphen) does not.
    public static let hyphens: Set<Character> = ["-", "\u{2010}"]
    /// And, inside a part still too wide, after an apostrophe
    /// (« D'|ORNANO »): « D’ISTRIA » stays whole when it fits.
    public static let apostrophes: Set<Character> = ["'", "’"]
    /// Spaces that bind: never a break beside them (« ? », « » »).
    static let bindingSpaces: Set<Character> = ["\u{00A0}", "\u{202F}"]

    /// `word` cut after each of `marks` that follows something else than
    /// another mark: « JEAN-PAUL- » → « JEAN- », « PAUL- ».
    static func split(_ word: String, after marks: Set<Character>) -> [String] {
        var out: [String] = []
        var current = ""
        for c in word {
            current.append(c)
            if marks.contains(c), current.contains(where: { !marks.contains($0) && !apostrophes.contains($0) && !hyphens.contains($0) }) {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The parts a word wider than its box breaks into: after its hyphens,
    /// then, for a part still wider than the box, after its apostrophes.
    static func pieces(_ word: String, fits: (String) -> Bool) -> [String] {
        split(word, after: hyphens).flatMap { fits($0) ? [$0] : split($0, after: apostrophes) }
    }

    /// `piece` in units that may not be parted: a character, with a
    /// binding space and what it binds (« SCHAF ? » keeps « F ? »).
    static func characterUnits(_ piece: String) -> [String] {
        var units: [String] = []
        var bindNext = false
        for c in piece {
            if bindingSpaces.contains(c) || bindNext, !units.isEmpty {
                units[units.count - 1].append(c)
            } else {
                units.append(String(c))
            }
            bindNext = bindingSpaces.contains(c)
        }
        return units
    }

    /// Breaks at spaces (U+0020) and explicit newlines: non-breaking
    /// spaces bind « guillemets » and « ? » to their word. A word wider
    /// than `maxWidth` (a long compound name) also breaks after its hyphens
    /// (and apostrophes, in a part still too wide); a word that fits stays
    /// whole. With
    /// `betweenCharacters`, a part still too wide is broken between two
    /// characters (no hyphen added: a name must read as it is written).
    public static func wrap(_ text: String, font: FontSpec, maxWidth: Int, measurer: TextMeasurer,
                            betweenCharacters: Bool = false) -> WrappedText {
        let space = measurer.width(of: " ", font: font)
        var lines: [String] = []
        var continuing: Set<Int> = []
        var widest = 0
        var fits = true
        var broken = false
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            func endLine(continues: Bool) {
                if continues { continuing.insert(lines.count) }
                lines.append(line); widest = max(widest, lineWidth)
                line = ""; lineWidth = 0
            }
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let w = measurer.width(of: String(word), font: font)
                if w <= maxWidth {
                    if line.isEmpty {
                        line = String(word); lineWidth = w
                    } else if lineWidth + space + w <= maxWidth {
                        line += " " + word
                        lineWidth = measurer.width(of: line, font: font)
                    } else {
                        endLine(continues: false)
                        line = String(word); lineWidth = w
                    }
                    continue
                }
                // Wider than the box: its parts after each hyphen or
                // apostrophe, as many on a line as fit.
                let parts = pieces(String(word)) { measurer.width(of: $0, font: font) <= maxWidth }
                for (i, piece) in parts.enumerated() {
                    let pw = measurer.width(of: piece, font: font)
                    let candidate = line.isEmpty ? piece : line + (i == 0 ? " " : "") + piece
                    let cw = line.isEmpty ? pw : measurer.width(of: candidate, font: font)
                    if pw > maxWidth, betweenCharacters {
                        // Last resort (the type is at its floor already):
                        // between characters rather than cut. The part
                        // starts a line of its own, filled to the width.
                        broken = true
                        if !line.isEmpty { endLine(continues: i > 0) }
                        for c in characterUnits(piece) {
                            let next = line + c
                            let nw = measurer.width(of: next, font: font)
                            if nw > maxWidth, !line.isEmpty {
                                endLine(continues: true)
                                line = c; lineWidth = measurer.width(of: line, font: font)
                            } else {
                                line = next; lineWidth = nw
                            }
                        }
                    } else if cw <= maxWidth || line.isEmpty {
                        if pw > maxWidth { fits = false }
                        line = candidate; lineWidth = cw
                    } else {
                        if pw > maxWidth { fits = false }
                        endLine(continues: i > 0)
                        line = piece; lineWidth = pw
                    }
                }
            }
            endLine(continues: false)
        }
        return WrappedText(lines: lines, lineHeight: measurer.lineHeight(font), font: font, width: widest, wordsFit: fits,
                           continuing: continuing, brokenBetweenCharacters: broken)
    }

    /// Wraps at the largest size from `font` down to a floor where every
    /// word fits the width (broken after its hyphens and apostrophes if
    /// need be) and, when given, the lines fit `maxHeight`.
    ///
    /// - Without `minPixels` (button labels): the floor is 60 % of `font`;
    ///   a word too wide even there is left to the caller (reported).
    /// - With `minPixels` (text runs: the type floor, 90 % of the chosen
    ///   size): the run steps down no lower. A word still too wide there
    ///   is broken between characters, the last resort: a name from the
    ///   card must be shown whole, never cut or ended with an ellipsis.
    public static func fit(_ text: String, font: FontSpec, maxWidth: Int, maxHeight: Int? = nil, minPixels: Int? = nil,
                           measurer: TextMeasurer) -> WrappedText {
        var px = font.pixels
        let floor = minPixels.map { min(font.pixels, $0) } ?? max(8, font.pixels * 6 / 10)
        var best = wrap(text, font: font, maxWidth: maxWidth, measurer: measurer)
        while px > floor {
            if best.wordsFit, maxHeight.map({ best.height <= $0 }) ?? true { return best }
            px -= max(1, px / 16)
            if minPixels != nil { px = max(px, floor) }
            best = wrap(text, font: FontSpec(pixels: px, bold: font.bold), maxWidth: maxWidth, measurer: measurer)
        }
        if minPixels != nil, !best.wordsFit {
            return wrap(text, font: FontSpec(pixels: px, bold: font.bold), maxWidth: maxWidth, measurer: measurer, betweenCharacters: true)
        }
        return best
    }
}
