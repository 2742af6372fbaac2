import KioskUI

/// The page shown of a body or modal too long for the screen at the
/// chosen text size (the layout pages it rather than shrink the type).
/// Kept by the controller, like the lists' first rows: back to the first
/// page whenever the screen or the modal changes, and when the card leaves.
public struct PagingState: Sendable, Equatable {
    public private(set) var bodyPage = 0
    public private(set) var modalPage = 0
    /// Pages in the last frame (set by the host after layout).
    public var bodyPageCount = 1
    public var modalPageCount = 1
    private var bodyKey = ""
    private var modalKey = ""

    public init() {}

    /// What makes a new screen: its id, title, banner and first widget (a
    /// flow's steps share an id), the language and the text size. Ticking
    /// a box on page 2 keeps page 2.
    static func key(_ s: ScreenModel, _ settings: KioskController.Settings) -> String {
        [s.id, s.title, s.banner?.text ?? "", firstID(s.body) ?? "", s.step?.key ?? "", settings.language,
         String(settings.fontScale)].joined(separator: "\u{1}")
    }

    static func firstID(_ node: Node) -> String? {
        switch node {
        case .stack(let s): return s.children.lazy.compactMap(firstID).first
        case .text(let t): return t.id
        case .button(let b): return b.id
        case .list(let l): return l.id
        case .keypad(let k): return k.id
        case .keyboard(let k): return k.id
        case .codeField(let c): return c.id
        case .datePicker(let d): return d.id
        case .progress(let p): return p.id
        case .banner(let b): return b.id
        case .image(let i): return i.id
        case .drawing(let d): return d.id
        case .spacer: return nil
        }
    }

    /// Sets the pages on the screen, after starting again at the first
    /// page of a new screen or modal.
    mutating func apply(to s: inout ScreenModel, settings: KioskController.Settings, catalog t: Catalog) {
        let body = Self.key(s, settings)
        if body != bodyKey { bodyKey = body; bodyPage = 0 }
        let modal = s.modal.map { [$0.id, $0.title, $0.message].joined(separator: "\u{1}") } ?? ""
        if modal != modalKey { modalKey = modal; modalPage = 0 }
        s.bodyPage = bodyPage
        s.modal?.page = modalPage
        s.pageLabels = PageLabels(previous: t["page.previous"], next: t["page.next"], position: t["page.position"],
                                  checked: t["a11y.checked"], notChecked: t["a11y.notChecked"],
                                  selected: t["a11y.selected"], notSelected: t["a11y.notSelected"])
    }

    /// "Suite" / "Précédent" of the body (`page.…`) or the modal
    /// (`modal.page.…`); false for any other widget.
    mutating func tap(_ id: String) -> Bool {
        switch id {
        case "page.next": bodyPage = min(bodyPage + 1, max(0, bodyPageCount - 1))
        case "page.previous": bodyPage = max(0, bodyPage - 1)
        case "modal.page.next": modalPage = min(modalPage + 1, max(0, modalPageCount - 1))
        case "modal.page.previous": modalPage = max(0, modalPage - 1)
        default: return false
        }
        return true
    }
}
