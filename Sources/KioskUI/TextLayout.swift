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
}

/// Text broken into lines at word boundaries.
public struct WrappedText: Hashable, Sendable {
    public var lines: [String]
    public var lineHeight: Int
    public var font: FontSpec
    /// Widest line in pixels.
    public var width: Int
    /// False when a single word is wider than the box: the caller must
    /// choose a smaller font, never cut the word.
    public var wordsFit: Bool
    public var height: Int { lines.count * lineHeight }
}

@MainActor
public enum TextWrapper {
    /// Breaks at spaces (U+0020) and explicit newlines only: non-breaking
    /// spaces bind « guillemets » and « ? » to their word.
    public static func wrap(_ text: String, font: FontSpec, maxWidth: Int, measurer: TextMeasurer) -> WrappedText {
        let space = measurer.width(of: " ", font: font)
        var lines: [String] = []
        var widest = 0
        var fits = true
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let w = measurer.width(of: String(word), font: font)
                if w > maxWidth { fits = false }
                if line.isEmpty {
                    line = String(word); lineWidth = w
                } else if lineWidth + space + w <= maxWidth {
                    line += " " + word
                    lineWidth = measurer.width(of: line, font: font)
                } else {
                    lines.append(line); widest = max(widest, lineWidth)
                    line = String(word); lineWidth = w
                }
            }
            lines.append(line); widest = max(widest, lineWidth)
        }
        return WrappedText(lines: lines, lineHeight: measurer.lineHeight(font), font: font, width: widest, wordsFit: fits)
    }

    /// Wraps at the largest size from `font` down to 60 % of it where every
    /// word fits the width and, when given, the lines fit `maxHeight`.
    public static func fit(_ text: String, font: FontSpec, maxWidth: Int, maxHeight: Int? = nil,
                           measurer: TextMeasurer) -> WrappedText {
        var px = font.pixels
        let floor = max(8, font.pixels * 6 / 10)
        var best = wrap(text, font: font, maxWidth: maxWidth, measurer: measurer)
        while px > floor {
            if best.wordsFit, maxHeight.map({ best.height <= $0 }) ?? true { return best }
            px -= max(1, px / 16)
            best = wrap(text, font: FontSpec(pixels: px, bold: font.bold), maxWidth: maxWidth, measurer: measurer)
        }
        return best
    }
}
