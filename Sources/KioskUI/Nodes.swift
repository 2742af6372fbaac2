import Foundation

/// Layout as data: screens describe what is on them with these values, and
/// `LayoutEngine` turns them into a `DisplayList`. No screen calls SDL.
public indirect enum Node: Sendable {
    case stack(Stack)
    case text(Text)
    case button(Button)
    /// Takes the free space of its stack (at least `minMM`).
    case spacer(minMM: Double)
    case codeField(CodeField)
    case keypad(Keypad)
    case keyboard(Keyboard)
    case datePicker(DatePicker)
    case list(ListView)
    case progress(Progress)
    case banner(Banner)
    case image(Image)
    case drawing(Drawing)

    public static func vstack(_ children: [Node], spacing: Spacing = .block, align: Stack.Align = .fill) -> Node {
        .stack(Stack(axis: .vertical, children: children, spacing: spacing, align: align))
    }
    public static func hstack(_ children: [Node], spacing: Spacing = .block, align: Stack.Align = .fill) -> Node {
        .stack(Stack(axis: .horizontal, children: children, spacing: spacing, align: align))
    }
    public static let flexible: Node = .spacer(minMM: 0)

    /// Side by side when each child gets at least `minChildWidthMM`,
    /// otherwise one under the other (portrait screens, large text).
    public static func adaptive(_ children: [Node], minChildWidthMM: Double, spacing: Spacing = .block) -> Node {
        .stack(Stack(axis: .adaptive(minChildWidthMM: minChildWidthMM), children: children, spacing: spacing))
    }
}

public struct Stack: Sendable {
    public enum Axis: Sendable, Equatable { case vertical, horizontal, adaptive(minChildWidthMM: Double) }
    /// Cross-axis placement of children that have a natural size.
    public enum Align: Sendable { case start, center, end, fill }
    public var axis: Axis
    public var children: [Node]
    public var spacing: Spacing
    public var align: Align
    public init(axis: Axis, children: [Node], spacing: Spacing = .block, align: Align = .fill) {
        self.axis = axis; self.children = children; self.spacing = spacing; self.align = align
    }
    /// The spacing's size (the theme's table).
    public var spacingMM: Double { spacing.mm }
}

public struct Text: Sendable {
    public enum Alignment: Sendable { case leading, center }
    public var id: String?
    public var string: String
    public var style: TextStyle
    public var alignment: Alignment
    public var muted: Bool
    public init(_ string: String, style: TextStyle = .body, alignment: Alignment = .leading, muted: Bool = false, id: String? = nil) {
        self.string = string; self.style = style; self.alignment = alignment; self.muted = muted; self.id = id
    }
}

public struct Button: Sendable {
    /// What a button means, never a colour: the theme draws each its own way.
    public enum Style: Sendable, Hashable {
        /// The screen's one way on: solid, in the footer's bottom-right slot.
        case primary
        /// Another way on: outlined.
        case secondary
        /// Irreversible (deactivate a carte Vitale, cancel a CEAM): its own
        /// colour; its confirmation names the consequence.
        case destructive
        /// Harmless housekeeping (« Terminer »): a quiet outline.
        case neutral
        /// A tool of the top bar, on or off.
        case toggle(on: Bool)
        /// A box to tick (a commitment, a sworn statement): the whole row is the target.
        case checkbox(checked: Bool)
        /// One answer among several (oui / non, perte / vol).
        case radio(selected: Bool)
        /// A choice among equals (the menu's services).
        case tile
        case plain

        @available(*, deprecated, renamed: "destructive")
        public static var danger: Style { .destructive }

        /// The screen's way on: the primary, or the destructive that stands in for it.
        public var isMain: Bool { self == .primary || self == .destructive }
        /// A checkbox or a radio button.
        public var isChoice: Bool {
            switch self {
            case .checkbox, .radio: true
            default: false
            }
        }
    }
    public enum Width: Sendable, Equatable { case fill, natural, mm(Double) }
    public var id: String
    public var label: String
    public var style: Style
    public var width: Width
    public var enabled: Bool
    /// Spoken when focused; the label when nil.
    public var speech: String?
    /// A pictogram drawn above the label (menu tiles).
    public var pictogram: Drawing?
    public init(id: String, label: String, style: Style = .primary, width: Width = .fill, enabled: Bool = true, speech: String? = nil,
                pictogram: Drawing? = nil) {
        self.id = id; self.label = label; self.style = style; self.width = width; self.enabled = enabled; self.speech = speech
        self.pictogram = pictogram
    }
}

/// A state at a glance: a pictogram, a colour and a word, together (never
/// the colour alone), readable in both themes and said by speech.
public struct Badge: Sendable, Hashable {
    public enum Tone: String, Sendable, Hashable, CaseIterable {
        /// In order: a valid card, a card in service.
        case ok
        /// On its way: ordered, renewal asked, a request waiting to be sent.
        case pending
        /// Lost, stolen, deactivated.
        case alert
        /// Nothing yet: no card.
        case inactive
        /// Nothing can be done here for this person (the row says why).
        case blocked

        /// The pictogram that goes with the tone.
        public var symbol: String {
            switch self {
            case .ok: "✓"
            case .pending: "➜"
            case .alert: "⚠"
            case .inactive: "○"
            case .blocked: "⊘"
            }
        }
    }
    public var tone: Tone
    public var word: String
    public init(_ tone: Tone, _ word: String) { self.tone = tone; self.word = word }
}

/// « Étape 2 sur 4 » and the step's title, above the screen's title.
public struct StepIndicator: Sendable, Hashable {
    /// 1-based.
    public var number: Int
    public var count: Int
    public var title: String
    /// « Étape {n} sur {total} », already in the screen's language.
    public var position: String
    /// The catalog key of the step (tests, the screen audit).
    public var key: String
    public init(number: Int, count: Int, title: String, position: String, key: String = "") {
        self.number = number; self.count = count; self.title = title; self.position = position; self.key = key
    }
}

/// Masked code entry: one box per digit, filled boxes as dots.
public struct CodeField: Sendable {
    public var id: String
    public var length: Int
    public var entered: Int
    public var speech: String
    public init(id: String, length: Int, entered: Int, speech: String) {
        self.id = id; self.length = length; self.entered = min(entered, length); self.speech = speech
    }
}

/// 1–9, correction, 0, validation. Keys are `<id>.0` … `<id>.9`,
/// `<id>.erase`, `<id>.ok`.
public struct Keypad: Sendable {
    public var id: String
    public var eraseLabel: String
    public var okLabel: String
    public var okEnabled: Bool
    public var digitSpeech: String
    public init(id: String, eraseLabel: String, okLabel: String, okEnabled: Bool, digitSpeech: String = "") {
        self.id = id; self.eraseLabel = eraseLabel; self.okLabel = okLabel; self.okEnabled = okEnabled; self.digitSpeech = digitSpeech
    }
}

/// AZERTY with French accents. Keys are `<id>.key.<character>`,
/// `<id>.shift`, `<id>.space`, `<id>.erase`, `<id>.ok`.
public struct Keyboard: Sendable {
    public var id: String
    public var text: String
    public var placeholder: String
    public var uppercase: Bool
    public var spaceLabel: String
    public var okLabel: String
    public var eraseLabel: String
    public var shiftLabel: String
    public init(id: String, text: String, placeholder: String, uppercase: Bool, spaceLabel: String, okLabel: String,
                eraseLabel: String, shiftLabel: String) {
        self.id = id; self.text = text; self.placeholder = placeholder; self.uppercase = uppercase
        self.spaceLabel = spaceLabel; self.okLabel = okLabel; self.eraseLabel = eraseLabel; self.shiftLabel = shiftLabel
    }

    /// Letter rows; the third also holds shift (before) and space (after).
    public static let rows: [[Character]] = [
        ["a", "z", "e", "r", "t", "y", "u", "i", "o", "p"],
        ["q", "s", "d", "f", "g", "h", "j", "k", "l", "m"],
        ["w", "x", "c", "v", "b", "n", "’", "-"],
        ["é", "è", "ê", "à", "â", "ç", "ù", "ô", "î", "ë"],
    ]
}

/// Day, month, year, each with its own bigger/smaller buttons: no typing.
/// Buttons are `<id>.day.up`, `<id>.day.down`, `.month.…`, `.year.…`.
public struct DatePicker: Sendable {
    public struct Part: Sendable {
        public var label: String
        public var value: String
        public var upSpeech: String
        public var downSpeech: String
        public init(label: String, value: String, upSpeech: String, downSpeech: String) {
            self.label = label; self.value = value; self.upSpeech = upSpeech; self.downSpeech = downSpeech
        }
    }
    public var id: String
    public var day: Part
    public var month: Part
    public var year: Part
    public init(id: String, day: Part, month: Part, year: Part) { self.id = id; self.day = day; self.month = month; self.year = year }
}

/// A list whose rows each carry their own actions; pages with visible
/// "previous"/"next" buttons and a scroll bar.
public struct ListView: Sendable {
    public struct Row: Sendable {
        public var id: String
        public var title: String
        public var detail: String?
        public var actions: [Button]
        public var selected: Bool
        /// The state at a glance, before the detail.
        public var badges: [Badge]
        /// The row that just changed (after an action): marked until the next one.
        public var highlighted: Bool
        public init(id: String, title: String, detail: String? = nil, actions: [Button] = [], selected: Bool = false,
                    badges: [Badge] = [], highlighted: Bool = false) {
            self.id = id; self.title = title; self.detail = detail; self.actions = actions; self.selected = selected
            self.badges = badges; self.highlighted = highlighted
        }
    }
    public var id: String
    public var rows: [Row]
    /// Index of a row of the page to show: the page that holds it is shown
    /// (pages are cut from the first row by the rows' real heights).
    public var firstVisible: Int
    /// At most this many rows a page; nil: as many as fit the room.
    public var visibleRows: Int?
    /// Row ids become targets when true (a list to choose from).
    public var rowsSelectable: Bool
    public var previousLabel: String
    public var nextLabel: String
    public init(id: String, rows: [Row], firstVisible: Int = 0, visibleRows: Int? = nil, rowsSelectable: Bool = false,
                previousLabel: String, nextLabel: String) {
        self.id = id; self.rows = rows; self.firstVisible = max(0, min(firstVisible, rows.count - 1))
        self.visibleRows = visibleRows.map { max(1, $0) }; self.rowsSelectable = rowsSelectable
        self.previousLabel = previousLabel; self.nextLabel = nextLabel
    }
    public var canScrollUp: Bool { firstVisible > 0 }
}

/// A wait indicator: a bar, determinate or not. No animation in smoke
/// mode; the phase moves with the clock otherwise.
public struct Progress: Sendable {
    public var id: String
    public var message: String
    /// 0…1, or nil for "working".
    public var fraction: Double?
    /// 0…1, position of the moving block when indeterminate.
    public var phase: Double
    public init(id: String, message: String, fraction: Double? = nil, phase: Double = 0) {
        self.id = id; self.message = message; self.fraction = fraction; self.phase = phase
    }
}

public struct Banner: Sendable {
    public enum Kind: Sendable { case error, info }
    public var id: String
    public var kind: Kind
    public var text: String
    public init(id: String = "banner", kind: Kind, text: String) { self.id = id; self.kind = kind; self.text = text }
}

public struct Image: Sendable {
    public var id: String
    public var path: String
    public var heightMM: Double
    public var aspect: Double
    public init(id: String, path: String, heightMM: Double, aspect: Double) {
        self.id = id; self.path = path; self.heightMM = heightMM; self.aspect = aspect
    }
}

/// A small vector drawing as data (pictograms): shapes in millimetres
/// from the drawing's top-left, coloured by theme role, so high contrast
/// recolours them too.
public struct Drawing: Sendable {
    /// Glyphs that point a way (« ➜ » from the old address to the new, « ↩ »
    /// money coming back): drawn mirrored with their drawing in a
    /// right-to-left screen. Others (« € », « ✓ », « ↻ », « ▼ ») are not.
    public static let directionalGlyphs: Set<String> = ["➜", "→", "←", "↩", "↪", "➔"]
    public enum Paint: String, Sendable, Decodable { case primary, surface, text, muted, accent, background, track, danger }
    public enum Shape: Sendable {
        case rect(x: Double, y: Double, width: Double, height: Double, radius: Double, fill: Paint, border: Paint?)
        /// One glyph (e.g. an arrow), centred on (x, y), `size` mm high.
        case glyph(String, x: Double, y: Double, size: Double, paint: Paint)
        /// A code's modules (a QR code) in a square `side` mm wide, quiet zone included; dark on white.
        case modules(ModuleMatrix, x: Double, y: Double, side: Double)
        /// A picture's cells (a document's preview) in a box `width` × `height` mm.
        case raster(Raster, x: Double, y: Double, width: Double, height: Double)
    }
    public var id: String
    public var widthMM: Double
    public var heightMM: Double
    public var shapes: [Shape]
    /// It says again what the words say (« Reprenez votre carte »): left out
    /// when the screen is short of room, before the words are paged.
    public var decorative = false
    public init(id: String, widthMM: Double, heightMM: Double, shapes: [Shape]) {
        self.id = id; self.widthMM = widthMM; self.heightMM = heightMM; self.shapes = shapes
    }

    /// A pictogram asset (`Assets/pictograms/<name>.json`): `width` and
    /// `height` in millimetres, then its shapes, each
    /// `{"rect": [x, y, w, h], "radius": r, "fill": "surface", "border": "primary"}`
    /// or `{"glyph": "▼", "at": [x, y], "size": 9, "paint": "primary"}`;
    /// paints are theme roles (primary, surface, text, muted, accent,
    /// background, track, danger).
    public init(id: String, json data: Data) throws {
        struct File: Decodable {
            struct Shape: Decodable {
                var rect: [Double]?
                var radius: Double?
                var fill: Paint?
                var border: Paint?
                var glyph: String?
                var at: [Double]?
                var size: Double?
                var paint: Paint?
            }
            var width: Double
            var height: Double
            var shapes: [Shape]
        }
        let f = try JSONDecoder().decode(File.self, from: data)
        let shapes = try f.shapes.enumerated().map { i, s -> Shape in
            if let r = s.rect, r.count == 4 {
                return .rect(x: r[0], y: r[1], width: r[2], height: r[3], radius: s.radius ?? 0, fill: s.fill ?? .surface, border: s.border)
            }
            if let g = s.glyph, let at = s.at, at.count == 2, let size = s.size {
                return .glyph(g, x: at[0], y: at[1], size: size, paint: s.paint ?? .text)
            }
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "\(id): shape \(i + 1) is neither {\"rect\": [x, y, w, h], …} nor {\"glyph\": …, \"at\": [x, y], \"size\": …}"))
        }
        self.init(id: id, widthMM: f.width, heightMM: f.height, shapes: shapes)
    }

    /// Left for right: every shape mirrored about the drawing's vertical
    /// axis, and the arrows that point sideways turned round (a reader on
    /// the left is the one on the right seen in a mirror). A code's modules
    /// move but are not mirrored (it must still read).
    public func mirrored() -> Drawing {
        var d = self
        d.shapes = shapes.map { shape in
            switch shape {
            case .rect(let x, let y, let w, let h, let r, let fill, let border):
                .rect(x: widthMM - x - w, y: y, width: w, height: h, radius: r, fill: fill, border: border)
            case .glyph(let g, let x, let y, let size, let paint):
                .glyph(String(g.map { Self.mirroredGlyphs[$0] ?? $0 }), x: widthMM - x, y: y, size: size, paint: paint)
            case .modules(let m, let x, let y, let side):
                .modules(m, x: widthMM - x - side, y: y, side: side)
            case .raster(let r, let x, let y, let w, let h):
                // A document's preview moves, never mirrored (it shows the paper as it is).
                .raster(r, x: widthMM - x - w, y: y, width: w, height: h)
            }
        }
        return d
    }

    /// Glyphs and their mirror image (arrows, triangles, pointers).
    static let mirroredGlyphs: [Character: Character] = {
        let pairs: [(Character, Character)] = [("▶", "◀"), ("▷", "◁"), ("►", "◄"), ("▸", "◂"), ("→", "←"), ("⇒", "⇐"), ("➜", "⬅")]
        var m: [Character: Character] = [:]
        for (a, b) in pairs { m[a] = b; m[b] = a }
        return m
    }()
}

/// A dialog above the screen: title, message, buttons. Taps outside it
/// do nothing.
public struct Modal: Sendable {
    public var id: String
    public var title: String
    public var message: String
    public var content: Node?
    public var buttons: [Button]
    /// The page shown when the message and content do not fit the screen
    /// (0-based; the controller holds it, the layout clamps it).
    public var page = 0
    /// A wizard in a modal (the CEAM loss): its step, above the title.
    public var step: StepIndicator?
    public init(id: String, title: String, message: String, content: Node? = nil, buttons: [Button], step: StepIndicator? = nil) {
        self.id = id; self.title = title; self.message = message; self.content = content; self.buttons = buttons; self.step = step
    }
}

/// The words of the paging controls of a body or modal too long for the
/// screen at the chosen text size. `position` holds `{n}` and `{total}`.
public struct PageLabels: Sendable, Equatable {
    public var previous: String
    public var next: String
    public var position: String
    /// Said after a checkbox's or a radio's label.
    public var checked: String
    public var notChecked: String
    public var selected: String
    public var notSelected: String
    public init(previous: String, next: String, position: String, checked: String = "checked", notChecked: String = "not checked",
                selected: String = "selected", notSelected: String = "not selected") {
        self.previous = previous; self.next = next; self.position = position
        self.checked = checked; self.notChecked = notChecked; self.selected = selected; self.notSelected = notSelected
    }
    public static let english = PageLabels(previous: "Previous", next: "Next", position: "Page {n} of {total}")

    public func position(_ n: Int, of total: Int) -> String {
        position.replacing("{n}", with: String(n)).replacing("{total}", with: String(total))
    }
}

/// A whole screen as data.
public struct ScreenModel: Sendable {
    public var id: String
    public var title: String
    /// Shown in the top bar, left.
    public var brand: String
    /// The brand when the whole one does not fit (large text): « Assurance
    /// Maladie » rather than nothing.
    public var shortBrand = ""
    /// Tools in the top bar (listen, language, contrast, text size).
    public var tools: [Button]
    public var banner: Banner?
    public var body: Node
    /// Actions pinned at the bottom (end, back).
    public var footer: [Button]
    public var modal: Modal?
    /// Widget that has the focus (spoken after the title).
    public var focusID: String?
    /// The title is spoken but not drawn (screens whose first row says it).
    public var titleHidden = false
    /// The page of the body shown when it does not fit (0-based; the
    /// controller holds it, the layout clamps it).
    public var bodyPage = 0
    public var pageLabels = PageLabels.english
    /// The language's direction: right to left, the layout is mirrored
    /// (`DisplayList.mirroredForRightToLeft`) and mixed lines are ordered
    /// from the right (`Bidi`).
    public var direction: TextDirection = .leftToRight
    /// The screen's one way on, drawn in the footer's bottom-right slot, the
    /// same place on every screen. A body's own primary button (outside
    /// lists and keypads) goes there too (`LayoutEngine`).
    public var primary: Button?
    /// The step of a multi-step service, shown above the title.
    public var step: StepIndicator?
    /// The focus ring shows only once a key or the speech controls moved
    /// the focus: a finger needs none, and a ring on an unanswered « Oui »
    /// reads as an answer given. The focus is still spoken.
    public var showsFocus = false

    public init(id: String, title: String, brand: String = "", tools: [Button] = [], banner: Banner? = nil,
                body: Node, footer: [Button] = [], modal: Modal? = nil, focusID: String? = nil) {
        self.id = id; self.title = title; self.brand = brand; self.tools = tools; self.banner = banner
        self.body = body; self.footer = footer; self.modal = modal; self.focusID = focusID
    }
}
