/// What an assuré at arm's length needs of every screen, checked on the
/// display list (not on a picture one looks at): one way on, the step of a
/// multi-step service, pages that are full before the next, no focus ring
/// that nobody asked for, readable text, big and separate targets.
/// `ScreenAuditTests` runs it over every screenshot the shipped scenarios make.
public enum ScreenAudit {
    public enum Rule: String, Sendable, CaseIterable {
        /// Exactly one primary (or destructive) action where the screen asks
        /// for one decision; never two.
        case onePrimary
        /// A screen of a multi-step service shows « Étape n sur N ».
        case stepShown
        /// No page more than a third empty while content continues on the
        /// next, unless the block kept whole that starts the next page would
        /// not have fit in that room.
        case pageFill
        /// No focus ring unless a key or the speech controls moved the focus.
        case focusRing
        /// Text contrast: 4.5:1 in the normal theme, 7:1 in high contrast.
        case contrast
        /// Targets at least 20 mm, with at least 3 mm between two of them.
        case targetSize, targetSpacing
    }

    public struct Finding: Sendable, CustomStringConvertible, Equatable {
        public var rule: Rule
        public var screen: String
        public var detail: String
        public var description: String { "\(screen): \(rule.rawValue): \(detail)" }
    }

    /// What the screen was, as the run that drew it knows it.
    public struct Context: Sendable {
        public var metrics: ScreenMetrics
        public var contrast: Theme.Contrast
        /// A key or the speech controls moved the focus in this session.
        public var focusMoved: Bool
        /// The service's steps (its machine's `steps.count`): > 1 needs an indicator.
        public var serviceSteps: Int
        public init(metrics: ScreenMetrics, contrast: Theme.Contrast, focusMoved: Bool = false, serviceSteps: Int = 0) {
            self.metrics = metrics; self.contrast = contrast; self.focusMoved = focusMoved; self.serviceSteps = serviceSteps
        }
    }

    public static let minTargetMM = ScreenMetrics.minTargetMM
    public static let minSpacingMM = 3.0

    public static func audit(_ list: DisplayList, _ context: Context) -> [Finding] {
        var out: [Finding] = []
        func add(_ rule: Rule, _ detail: String) { out.append(Finding(rule: rule, screen: list.screenID, detail: detail)) }
        let reach = list.reachableTargets
        let modal = list.items.last { $0.role == .modal }
        let scrim = list.items.lastIndex { $0.role == .scrim }

        // One way on. The decision asked is the modal's when one is open.
        let ways = reach.filter { $0.emphasis?.isMain == true }
        if ways.count > 1 {
            add(.onePrimary, "\(ways.count) primary actions: \(ways.compactMap(\.widgetID).joined(separator: ", "))")
        } else if ways.isEmpty, asksForADecision(list, modal: modal != nil) {
            add(.onePrimary, "no primary action among \(reach.compactMap(\.widgetID).joined(separator: ", "))")
        }

        // The step.
        if context.serviceSteps > 1, !list.items.contains(where: { $0.role == .stepIndicator && $0.step != nil }) {
            add(.stepShown, "a screen of a \(context.serviceSteps)-step service without « Étape n sur N »")
        }

        // Pages full before the next.
        for a in list.paging.areas where a.continues && a.used * 3 < a.height * 2 && (a.nextBlock ?? 0) <= a.height - a.used {
            add(.pageFill, "\(a.id): \(a.height - a.used) px of \(a.height) empty while more follows")
        }

        // Focus ring.
        if !context.focusMoved, let ring = list.items.first(where: { $0.role == .focusRing }) {
            add(.focusRing, "a focus ring on \(ring.widgetID ?? "?") with no key event")
        }

        // Contrast of every text run the assuré can read (not under a modal's scrim).
        let minimum = context.contrast == .high ? 7.0 : 4.5
        for (i, item) in list.items.enumerated() {
            guard case .text(let s, _, let fg) = item.kind, item.role != .image else { continue }
            if let scrim, i < scrim { continue }
            guard let bg = background(of: item, at: i, in: list) else { continue }
            let ratio = fg.contrastRatio(with: bg)
            if ratio < minimum {
                add(.contrast, String(format: "« %@ » (%@) %@ on %@: %.2f:1", String(s.prefix(40)), item.widgetID ?? "text", fg.description,
                                      bg.description, ratio))
            }
        }

        // Targets: 20 mm, 3 mm apart.
        let ppmm = context.metrics.pixelsPerMM
        for t in reach {
            let side = Double(min(t.frame.width, t.frame.height)) / ppmm
            if side < minTargetMM - 0.05 { add(.targetSize, String(format: "%@ is %.1f mm", t.widgetID ?? "?", side)) }
        }
        for (i, a) in reach.enumerated() {
            for b in reach[(i + 1)...] {
                // A button inside a row one may choose is part of it.
                if a.frame.contains(b.frame) || b.frame.contains(a.frame) { continue }
                let dx = max(0, max(b.frame.minX - a.frame.maxX, a.frame.minX - b.frame.maxX))
                let dy = max(0, max(b.frame.minY - a.frame.maxY, a.frame.minY - b.frame.maxY))
                let apart = Double(max(dx, dy)) / ppmm
                if apart < minSpacingMM - 0.05 {
                    add(.targetSpacing, String(format: "%@ and %@ are %.1f mm apart", a.widgetID ?? "?", b.widgetID ?? "?", apart))
                }
            }
        }
        return out
    }

    /// A screen asks for one decision when it offers something to do in its
    /// body or modal beyond the chrome (tools, ways out, pagers) and beyond
    /// choosing among equals (a menu's tiles, a list whose rows carry the
    /// actions, tabs): not a wait, not a screen whose only action is
    /// physical (insert, take the card), not an outcome to read.
    static func asksForADecision(_ list: DisplayList, modal: Bool) -> Bool {
        if list.items.contains(where: { $0.role == .progress }) { return false }
        // A modal paged for its length shows its confirmation on its last page only (read first): « Suite » leads there.
        if modal, list.paging.modalPage < list.paging.modalPageCount - 1 { return false }
        let chrome = ["tool.", "footer.", "page.", "modal.page.", "help."]
        return list.reachableTargets.contains { t in
            guard let id = t.widgetID else { return false }
            if chrome.contains(where: { id.hasPrefix($0) }) { return false }
            if t.role == .listAction || t.role == .listRow || t.role == .toggle { return false }
            if t.emphasis == .tile { return false }
            // A list's own pager.
            if id.hasSuffix(".previous") || id.hasSuffix(".next") { return false }
            return true
        }
    }

    /// The colour behind a text run: the last opaque rectangle drawn before
    /// it that holds its centre, with the translucent ones drawn over it.
    static func background(of item: DisplayItem, at index: Int, in list: DisplayList) -> Color? {
        let p = item.frame.center
        var layers: [Color] = [] // top first
        for j in stride(from: index - 1, through: 0, by: -1) {
            let r = list.items[j]
            guard case .rect(let fill, _, _, _) = r.kind, r.frame.contains(p), fill.a > 0 else { continue }
            layers.append(fill)
            if fill.a == 255 { break }
        }
        var c = list.background
        if let last = layers.last, last.a == 255 { c = last; layers.removeLast() }
        for layer in layers.reversed() {
            let a = Double(layer.a) / 255
            func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * a + Double(y) * (1 - a)).rounded()) }
            c = Color(r: mix(layer.r, c.r), g: mix(layer.g, c.g), b: mix(layer.b, c.b))
        }
        return c
    }
}
