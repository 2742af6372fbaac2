/// The one table of colours and type sizes. Screens never name a colour:
/// they name a role, and the theme answers.
public struct Theme: Hashable, Sendable {
    public enum Contrast: String, Sendable, CaseIterable, Codable { case normal, high }

    public var contrast: Contrast
    public var background: Color
    public var surface: Color
    public var text: Color
    public var mutedText: Color
    public var primary: Color
    public var onPrimary: Color
    public var secondaryFill: Color
    public var secondaryBorder: Color
    public var onSecondary: Color
    /// Irreversible actions (`Button.Style.destructive`).
    public var danger: Color
    public var onDanger: Color
    /// « Terminer »: white (black) with a grey (white) outline.
    public var neutralFill: Color
    public var neutralBorder: Color
    public var onNeutral: Color
    public var selectedFill: Color
    public var onSelected: Color
    /// A ticked box or a chosen answer: a light tint, a thick outline and
    /// the mark, never the primary button's solid fill.
    public var choiceFill: Color
    public var choiceSelectedFill: Color
    public var choiceBorder: Color
    public var choiceSelectedBorder: Color
    /// The box's tick, the radio's dot (and the box's fill behind the tick).
    public var choiceMark: Color
    public var onChoiceMark: Color
    /// The row that just changed.
    public var highlightFill: Color
    public var highlightBorder: Color
    /// State badges: fill, outline and text per tone.
    public var badgeFill: [Badge.Tone: Color]
    public var badgeBorder: [Badge.Tone: Color]
    public var onBadge: [Badge.Tone: Color]
    public var disabledFill: Color
    public var disabledText: Color
    public var focusRing: Color
    public var scrim: Color
    public var bannerError: Color
    public var onBannerError: Color
    public var bannerInfo: Color
    public var onBannerInfo: Color
    public var topBar: Color
    public var onTopBar: Color
    public var track: Color
    public var trackFill: Color
    public var divider: Color
    /// Border width in px on the reference screen.
    public var borderWidth: Double

    /// Assurance Maladie look: blue #0C419A on white, calm.
    public static let normal = Theme(
        contrast: .normal,
        background: Color(hex: 0xFFFFFF), surface: Color(hex: 0xEEF3FA),
        text: Color(hex: 0x1A1A1A), mutedText: Color(hex: 0x3F4652),
        primary: Color(hex: 0x0C419A), onPrimary: Color(hex: 0xFFFFFF),
        secondaryFill: Color(hex: 0xFFFFFF), secondaryBorder: Color(hex: 0x0C419A), onSecondary: Color(hex: 0x0C419A),
        danger: Color(hex: 0xA3001B), onDanger: Color(hex: 0xFFFFFF),
        neutralFill: Color(hex: 0xFFFFFF), neutralBorder: Color(hex: 0x5A6472), onNeutral: Color(hex: 0x1A1A1A),
        selectedFill: Color(hex: 0x0C419A), onSelected: Color(hex: 0xFFFFFF),
        choiceFill: Color(hex: 0xFFFFFF), choiceSelectedFill: Color(hex: 0xE6EEF9),
        choiceBorder: Color(hex: 0x5A6472), choiceSelectedBorder: Color(hex: 0x0C419A),
        choiceMark: Color(hex: 0x0C419A), onChoiceMark: Color(hex: 0xFFFFFF),
        highlightFill: Color(hex: 0xFFF6D5), highlightBorder: Color(hex: 0xB07A00),
        badgeFill: [.ok: Color(hex: 0xE3F4E8), .pending: Color(hex: 0xE5EEFB), .alert: Color(hex: 0xFBE9EB),
                    .inactive: Color(hex: 0xEEF0F3), .blocked: Color(hex: 0xFFF1D6)],
        badgeBorder: [.ok: Color(hex: 0x0A4F1A), .pending: Color(hex: 0x0A2A66), .alert: Color(hex: 0x7A0015),
                      .inactive: Color(hex: 0x5A6472), .blocked: Color(hex: 0x5C3600)],
        onBadge: [.ok: Color(hex: 0x0A4F1A), .pending: Color(hex: 0x0A2A66), .alert: Color(hex: 0x7A0015),
                  .inactive: Color(hex: 0x2B313B), .blocked: Color(hex: 0x5C3600)],
        disabledFill: Color(hex: 0xE2E5EA), disabledText: Color(hex: 0x4D5561),
        focusRing: Color(hex: 0xF2A900),
        scrim: Color(hex: 0x0A1A33, alpha: 170),
        bannerError: Color(hex: 0xA3001B), onBannerError: Color(hex: 0xFFFFFF),
        bannerInfo: Color(hex: 0xDCE8F8), onBannerInfo: Color(hex: 0x0A2A66),
        topBar: Color(hex: 0x0C419A), onTopBar: Color(hex: 0xFFFFFF),
        track: Color(hex: 0xD5DEEC), trackFill: Color(hex: 0x0C419A),
        divider: Color(hex: 0xC9D3E3),
        borderWidth: 3)

    /// Black, white and yellow: every text pair ≥ 7:1.
    public static let high = Theme(
        contrast: .high,
        background: Color(hex: 0x000000), surface: Color(hex: 0x000000),
        text: Color(hex: 0xFFFFFF), mutedText: Color(hex: 0xFFFFFF),
        primary: Color(hex: 0xFFE000), onPrimary: Color(hex: 0x000000),
        secondaryFill: Color(hex: 0x000000), secondaryBorder: Color(hex: 0xFFE000), onSecondary: Color(hex: 0xFFE000),
        danger: Color(hex: 0xFF9E9E), onDanger: Color(hex: 0x000000),
        neutralFill: Color(hex: 0x000000), neutralBorder: Color(hex: 0xFFFFFF), onNeutral: Color(hex: 0xFFFFFF),
        selectedFill: Color(hex: 0x00FFFF), onSelected: Color(hex: 0x000000),
        choiceFill: Color(hex: 0x000000), choiceSelectedFill: Color(hex: 0x000000),
        choiceBorder: Color(hex: 0xFFFFFF), choiceSelectedBorder: Color(hex: 0x00FFFF),
        choiceMark: Color(hex: 0x00FFFF), onChoiceMark: Color(hex: 0x000000),
        highlightFill: Color(hex: 0x000000), highlightBorder: Color(hex: 0xFFE000),
        badgeFill: [.ok: Color(hex: 0x000000), .pending: Color(hex: 0x000000), .alert: Color(hex: 0x000000),
                    .inactive: Color(hex: 0x000000), .blocked: Color(hex: 0x000000)],
        badgeBorder: [.ok: Color(hex: 0x7CFC9A), .pending: Color(hex: 0x00FFFF), .alert: Color(hex: 0xFF9E9E),
                      .inactive: Color(hex: 0xFFFFFF), .blocked: Color(hex: 0xFFE000)],
        onBadge: [.ok: Color(hex: 0x7CFC9A), .pending: Color(hex: 0x00FFFF), .alert: Color(hex: 0xFF9E9E),
                  .inactive: Color(hex: 0xFFFFFF), .blocked: Color(hex: 0xFFE000)],
        disabledFill: Color(hex: 0x000000), disabledText: Color(hex: 0xB0B0B0),
        focusRing: Color(hex: 0x00FFFF),
        scrim: Color(hex: 0x000000, alpha: 215),
        bannerError: Color(hex: 0xFFE000), onBannerError: Color(hex: 0x000000),
        bannerInfo: Color(hex: 0x000000), onBannerInfo: Color(hex: 0xFFFFFF),
        topBar: Color(hex: 0x000000), onTopBar: Color(hex: 0xFFFFFF),
        track: Color(hex: 0x505050), trackFill: Color(hex: 0xFFE000),
        divider: Color(hex: 0xFFFFFF),
        borderWidth: 4)

    public static func named(_ c: Contrast) -> Theme { c == .high ? .high : .normal }

    /// Every (text, background) pair the widgets draw, for contrast checks.
    public var textPairs: [(name: String, fg: Color, bg: Color)] {
        [("text", text, background), ("text on surface", text, surface), ("muted", mutedText, background),
         ("muted on surface", mutedText, surface),
         ("primary", onPrimary, primary), ("secondary", onSecondary, secondaryFill),
         ("danger", onDanger, danger), ("neutral", onNeutral, neutralFill), ("selected", onSelected, selectedFill),
         ("choice", text, choiceFill), ("choice chosen", text, choiceSelectedFill), ("muted chosen", mutedText, choiceSelectedFill),
         ("mark", onChoiceMark, choiceMark), ("highlighted row", text, highlightFill), ("muted highlighted", mutedText, highlightFill),
         ("banner error", onBannerError, bannerError), ("banner info", onBannerInfo, bannerInfo),
         ("top bar", onTopBar, topBar)]
            + Badge.Tone.allCases.map { ("badge \($0)", onBadge[$0] ?? text, badgeFill[$0] ?? background) }
    }

    /// A badge's colours (text on fill, outline).
    public func badge(_ tone: Badge.Tone) -> (fill: Color, border: Color, text: Color) {
        (badgeFill[tone] ?? surface, badgeBorder[tone] ?? divider, onBadge[tone] ?? text)
    }
}

/// Space between the parts of a screen, in millimetres of the screen
/// whatever its size (the layout turns them into pixels): one table, each
/// named for what it separates. Screens say `.block`, never a number.
public enum Spacing: String, Hashable, Sendable, CaseIterable {
    /// A label and the value under it: one item.
    case label
    /// The buttons of one row, a label and the actions under it: 3 mm,
    /// the least between two targets.
    case tight
    /// Tiles of a grid (the gallery's).
    case grid
    /// A banner and the block it heads; the lines of one group.
    case related
    /// The blocks of a screen: the default.
    case block
    /// The questions of a form, the groups of a modal.
    case group
    /// Sections that must read apart.
    case section
    /// Two halves side by side (the code's field and its keypad).
    case halves

    public var mm: Double {
        switch self {
        case .label: 1
        case .tight: 3
        case .grid: 3
        case .related: 4
        case .block: 5
        case .group: 6
        case .section: 8
        case .halves: 10
        }
    }
}

/// Type sizes, in px on the reference screen (1280×800, 15.6"), before the
/// user's scale; `ScreenMetrics` keeps their physical size on other screens.
public enum TextStyle: String, Hashable, Sendable, CaseIterable {
    case display, title, body, button, small, key

    public var basePixels: Double {
        switch self {
        case .display: 48
        case .title: 40
        case .body: 30
        case .button: 30
        case .small: 28
        case .key: 34
        }
    }

    public var bold: Bool {
        switch self {
        case .display, .title, .button, .key: true
        case .body, .small: false
        }
    }
}
