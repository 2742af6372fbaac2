/// What a widget is, for hit testing, speech and tests.
public enum Role: String, Hashable, Sendable {
    case background, topBar, title, text, button, toggle, key, codeField, listRow, listAction
    case scrollButton, scrollTrack, scrollThumb, modal, scrim, banner, progress, datePart, image
    case textField, divider, focusRing
    case checkbox, radio, stepIndicator, badge
}

/// One page of a paged area (a body, a modal, a list) and how full it is:
/// a page half empty while the next holds more is a page too many.
public struct PageArea: Hashable, Sendable {
    public var id: String
    /// The page's room and what its content takes, in pixels.
    public var height: Int
    public var used: Int
    /// More follows on a next page.
    public var continues: Bool
    /// The room the next page's first block needs here (it is kept whole:
    /// a row with its actions, a label with its value): a page may end
    /// early only when that block would not have fit in what is left.
    public var nextBlock: Int?
    public init(id: String, height: Int, used: Int, continues: Bool, nextBlock: Int? = nil) {
        self.id = id; self.height = height; self.used = used; self.continues = continues; self.nextBlock = nextBlock
    }
}

/// One thing to draw. Colours are already resolved from the theme: the
/// backend knows nothing of widgets.
public struct DisplayItem: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case rect(fill: Color, border: Color?, borderWidth: Int, radius: Int)
        /// One line of text; `frame.origin` is its top-left.
        case text(String, font: FontSpec, color: Color)
        /// A PNG from Assets, scaled into the frame.
        case image(path: String)
    }

    public var frame: Rect
    public var kind: Kind
    public var widgetID: String?
    public var role: Role
    /// What speech says for this widget when it has the focus.
    public var speech: String?
    /// Taps on this frame go to `widgetID`.
    public var isTarget: Bool
    public var isEnabled: Bool
    public var isSelected: Bool
    /// A line of text that ends inside a word (a long name broken after a
    /// hyphen or an apostrophe, or between characters): read on with the
    /// next line, without a space.
    public var continuesWord = false
    /// A button's meaning (primary, destructive…): the screen audit counts
    /// the ways on; nil for anything else.
    public var emphasis: Button.Style?
    /// The step indicator's step.
    public var step: StepIndicator?
    /// Items of one group keep their order left to right in a
    /// right-to-left screen: the group's box is mirrored, its items move
    /// with it unmirrored (a keypad's digits as on every phone, the code's
    /// boxes, the AZERTY keyboard, a QR code).
    public var keepsOrder: Int?
    /// Drawn mirrored in a right-to-left screen: an arrow that means a
    /// direction (« ➜ » from the old address to the new one).
    public var flipsHorizontally = false

    public init(frame: Rect, kind: Kind, widgetID: String? = nil, role: Role, speech: String? = nil,
                isTarget: Bool = false, isEnabled: Bool = true, isSelected: Bool = false) {
        self.frame = frame; self.kind = kind; self.widgetID = widgetID; self.role = role
        self.speech = speech; self.isTarget = isTarget; self.isEnabled = isEnabled; self.isSelected = isSelected
    }

    public var text: String? { if case .text(let s, _, _) = kind { return s }; return nil }
}

/// What the layout decided about pages for one frame: the rows each list
/// showed, the page of the body and of the modal on screen, and what the
/// other pages hold. Read by the controller (the next tap's page) and by
/// speech and scenarios, never drawn.
public struct PagingResult: Hashable, Sendable {
    /// Rows shown by each list (by list id): the page size for its buttons.
    public var listPageSizes: [String: Int] = [:]
    /// The first row of each of a list's pages (pages cut by the rows' real
    /// heights): « Précédent » goes to the start of the page before.
    public var listPageStarts: [String: [Int]] = [:]
    /// Every page of every paged area of the frame, and how full it is.
    public var areas: [PageArea] = []
    /// The body's page shown and how many it has (1: the body fits).
    public var bodyPage = 0
    public var bodyPageCount = 1
    /// The same for the modal's message and content.
    public var modalPage = 0
    public var modalPageCount = 1
    /// What speech says of the paged body: its position and the text of
    /// the page shown (nil when the body fits).
    public var bodyPageSpeech: String?
    /// The text of every page of a paged body or modal, in order (the
    /// page shown too): what the screen holds, a "Suite" or two away.
    public var pagedText: String = ""

    public init() {}
}

/// A frame's worth of drawing, in painter's order, plus what the screen is.
public struct DisplayList: Hashable, Sendable {
    public var size: Size
    public var background: Color
    public var items: [DisplayItem] = []
    public var screenID: String
    public var title: String
    /// The focused widget, spoken after the title.
    public var focusID: String?
    /// Layout problems: overflowing or cut text. Empty on a good screen.
    public var problems: [String] = []
    /// Widgets (ids) with a word broken between characters: the last
    /// resort for a name with no hyphen or apostrophe too wide for its box
    /// at the type floor (not a problem: the name is whole). A catalog
    /// text should never be there.
    public var brokenWords: [String] = []
    /// The factor the layout had to apply to the type to fit (1 = none).
    public var textShrink: Double = 1
    /// What paging decided for this frame, kept apart from the drawing.
    public var paging = PagingResult()
    /// The screen's direction (its language's): right to left, the list is
    /// mirrored (`mirroredForRightToLeft`) and the backend orders each
    /// line's runs from the right.
    public var direction: TextDirection = .leftToRight

    public init(size: Size, background: Color, screenID: String, title: String) {
        self.size = size; self.background = background; self.screenID = screenID; self.title = title
    }

    public mutating func append(_ item: DisplayItem) { items.append(item) }

    /// Marks the items from `first` on as one group that keeps its order
    /// in a right-to-left screen (`mirroredForRightToLeft`).
    public mutating func keepOrder(from first: Int) {
        guard first < items.count else { return }
        for i in first..<items.count where items[i].keepsOrder == nil { items[i].keepsOrder = first }
    }

    /// The list for a right-to-left language: every frame mirrored about
    /// the screen's vertical axis (x → width − x − w), so what was leading
    /// is trailing: text aligned right, the footer's ways out on the right
    /// and the way on bottom-left, a list row's actions on its left, the
    /// step indicator's first segment on the right, pictograms mirrored.
    /// A group marked `keepsOrder` is mirrored as a whole, its items keep
    /// their order inside it. Text is never mirrored glyph by glyph (the
    /// backend shapes it), except an item marked `flipsHorizontally`.
    public func mirroredForRightToLeft() -> DisplayList {
        var out = self
        out.direction = .rightToLeft
        let w = size.width
        var boxes: [Int: Rect] = [:]
        for item in items {
            guard let g = item.keepsOrder else { continue }
            let f = item.frame
            if let b = boxes[g] {
                let x = min(b.x, f.x), y = min(b.y, f.y)
                boxes[g] = Rect(x: x, y: y, width: max(b.maxX, f.maxX) - x, height: max(b.maxY, f.maxY) - y)
            } else {
                boxes[g] = f
            }
        }
        for i in out.items.indices {
            let f = out.items[i].frame
            if let g = out.items[i].keepsOrder, let box = boxes[g] {
                // The box moves to its mirrored place; the item keeps its place in it.
                let dx = (w - box.x - box.width) - box.x
                out.items[i].frame = f.offsetBy(dx: dx, dy: 0)
            } else {
                out.items[i].frame = Rect(x: w - f.x - f.width, y: f.y, width: f.width, height: f.height)
            }
        }
        return out
    }

    /// The widget a tap at `p` reaches: the topmost enabled target. A modal's
    /// scrim swallows taps outside the modal.
    public func hitTest(_ p: Point) -> DisplayItem? {
        for item in items.reversed() where item.frame.contains(p) {
            if item.role == .scrim { return nil }
            if item.isTarget { return item.isEnabled ? item : nil }
        }
        return nil
    }

    /// Targets, first drawn first.
    public var targets: [DisplayItem] { items.filter(\.isTarget) }

    public func target(id: String) -> DisplayItem? { items.last { $0.isTarget && $0.widgetID == id } }

    /// Targets reachable now (not under a modal's scrim).
    public var reachableTargets: [DisplayItem] {
        let scrimIndex = items.lastIndex { $0.role == .scrim } ?? -1
        return items.enumerated().filter { $0.offset > scrimIndex && $0.element.isTarget }.map(\.element)
    }

    /// Every line of text drawn, top to bottom (glyphs of pictograms aside).
    public var texts: [DisplayItem] { items.filter { $0.text != nil && $0.role != .image } }

    /// All visible text joined with spaces (none inside a word broken over
    /// two lines), with non-breaking spaces made plain, so that tests and
    /// scenarios can look for a phrase across line breaks.
    public var visibleText: String {
        texts.readText.normalizedSpaces
    }

    /// The visible text, then every page's (a phrase over a page break reads whole).
    public var screenText: String {
        paging.pagedText.isEmpty ? visibleText : (visibleText + " " + paging.pagedText).normalizedSpaces
    }

    /// The text lines belonging to a widget, joined.
    public func label(of widgetID: String) -> String {
        items.filter { $0.widgetID == widgetID && $0.text != nil && $0.role != .image }.readText
    }

    /// A reachable target whose id is `label`, or whose visible label equals
    /// it (spaces normalised, case-insensitive).
    public func findTarget(_ label: String) -> DisplayItem? {
        let reach = reachableTargets
        if let byID = reach.last(where: { $0.widgetID == label }) { return byID }
        let wanted = label.normalizedSpaces.lowercased()
        return reach.last { t in
            guard let id = t.widgetID else { return false }
            let l = self.label(of: id).normalizedSpaces.lowercased()
            return l == wanted || (t.speech?.normalizedSpaces.lowercased() == wanted)
        }
    }
}

extension Sequence where Element == DisplayItem {
    /// The lines' text as read: a space between two lines, none after a
    /// line that ends inside a word (when the next line is the same
    /// widget's: a paragraph cut by a page break goes on on the next page).
    public var readText: String {
        var out = ""
        var previous: DisplayItem?
        for item in self {
            guard let t = item.text else { continue }
            if let p = previous, !(p.continuesWord && p.widgetID == item.widgetID) { out += " " }
            out += t
            previous = item
        }
        return out
    }
}

extension String {
    /// NBSP and narrow NBSP as plain spaces, runs of spaces collapsed, the
    /// typographic apostrophe as a plain one: for matching and speech.
    public var normalizedSpaces: String {
        let plain = self.map { c -> Character in
            if c == "\u{00A0}" || c == "\u{202F}" || c == "\n" { return " " }
            return c == "’" ? "'" : c
        }
        var out = ""
        var lastSpace = false
        for c in plain {
            if c == " " { if !lastSpace { out.append(c) }; lastSpace = true } else { out.append(c); lastSpace = false }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

import Foundation
