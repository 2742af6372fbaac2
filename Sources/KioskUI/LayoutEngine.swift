/// Turns a `ScreenModel` into a `DisplayList`: sizes in millimetres become
/// pixels for the configured screen, text wraps at word boundaries, and a
/// body or modal too long for the screen is paged ("Précédent" / "Suite"),
/// at the type size the assuré chose.
@MainActor
public struct LayoutEngine {
    public var metrics: ScreenMetrics
    public var theme: Theme
    public let measurer: TextMeasurer
    private var shrink: Double = 1
    private var spacingScale: Double = 1
    /// Short of room: 20 mm keys, less padding above and below button labels.
    private var compact = false
    let log = ProblemLog()

    public init(metrics: ScreenMetrics, theme: Theme, measurer: TextMeasurer) {
        self.metrics = metrics; self.theme = theme; self.measurer = measurer
    }

    // MARK: units

    func mm(_ v: Double) -> Int { metrics.px(mm: v) }
    var target: Int { metrics.minTarget }
    var gap: Int { mm(2.5) }
    var pad: Int { mm(3) }
    var border: Int { max(1, Int((theme.borderWidth * metrics.layoutScale).rounded())) }
    var radius: Int { mm(2) }
    func font(_ s: TextStyle) -> FontSpec { FontSpec(pixels: metrics.fontPixels(s, shrink: shrink), bold: s.bold) }

    // MARK: screen

    /// The type never gets smaller than this factor of the chosen size:
    /// 90 %, and never below the ×1 size (×1 never shrinks).
    public var shrinkFloor: Double { max(0.9, 1 / metrics.fontScale) }

    public func layout(_ screen: ScreenModel) -> DisplayList {
        var engine = self
        var result = engine.attempt(screen, paging: false)
        // Up to three lines (or a button) too long: tighter spacing, then
        // the type a step smaller (down to the floor), rather than a second
        // page holding a few words.
        if result.overflow > 0, result.overflow <= max(3 * measurer.lineHeight(font(.body)), target + gap) {
            // Tighter spacing, keys and buttons first, then the type.
            engine.spacingScale = 0.5
            engine.compact = true
            result = engine.attempt(screen, paging: false)
            while result.overflow > 0, engine.shrink - 0.05 >= shrinkFloor - 0.0001 {
                engine.shrink = (engine.shrink * 100 - 5).rounded() / 100
                result = engine.attempt(screen, paging: false)
            }
        }
        if result.overflow > 0 {
            engine.shrink = 1
            engine.spacingScale = 1
            engine.compact = true
            result = engine.attempt(screen, paging: true, bodyPaged: result.bodyOverflow > 0)
        }
        var list = result.list
        list.problems = engine.log.items + (result.overflow > 0 ? ["\(screen.id) does not fit the screen, even paged"] : [])
        list.brokenWords = engine.log.brokenWords.sorted()
        list.textShrink = engine.shrink
        list.paging.listPageSizes = engine.log.pages
        return list
    }

    /// The screen at the current type size; with `paging`, a body or modal
    /// too tall is paged. `overflow`: pixels still past the room (0: fits).
    private mutating func attempt(_ screen0: ScreenModel, paging: Bool, bodyPaged: Bool = false)
        -> (list: DisplayList, overflow: Int, bodyOverflow: Int) {
        log.items = []
        log.brokenWords = []
        var screen = screen0
        if paging, bodyPaged, let b = screen.banner {
            // The banner is read with the body, paged, rather than take the
            // room: a long one (what was just done, what happens next) on
            // top of the body; beside a keypad, on top of the first column,
            // so the keypad gets the whole height.
            let width = metrics.size.width - 2 * mm(8)
            if case .stack(let s0) = screen.body, case let s = resolved(s0, width: width), s.axis == .horizontal, !s.children.isEmpty {
                var children = s.children
                children[0] = .vstack([.banner(b), children[0]], spacing: .related)
                screen.banner = nil
                screen.body = .stack(Stack(axis: .horizontal, children: children, spacing: s.spacing, align: s.align))
            } else if measureBanner(b, width: metrics.size.width, inset: mm(8)) > metrics.size.height / 5 {
                screen.banner = nil
                screen.body = .vstack([.banner(b), screen.body], spacing: .related)
            }
        }
        let size = metrics.size
        var list = DisplayList(size: size, background: theme.background, screenID: screen.id, title: screen.title)
        list.append(DisplayItem(frame: Rect(x: 0, y: 0, width: size.width, height: size.height),
                                kind: .rect(fill: theme.background, border: nil, borderWidth: 0, radius: 0), role: .background))
        let margin = mm(8)
        var y = 0

        // Top bar: brand left, tools right.
        let barHeight = target + 2 * mm(2)
        list.append(DisplayItem(frame: Rect(x: 0, y: 0, width: size.width, height: barHeight),
                                kind: .rect(fill: theme.topBar, border: nil, borderWidth: 0, radius: 0), role: .topBar))
        var toolX = size.width - mm(3)
        var toolWidths = screen.tools.map { naturalWidth(button: $0, style: .small) }
        let toolsRoom = size.width - mm(6) - gap * max(0, screen.tools.count - 1)
        if toolWidths.reduce(0, +) > toolsRoom, !toolWidths.isEmpty {
            // Narrow screen: equal shares; labels wrap or shrink inside.
            toolWidths = toolWidths.map { _ in max(target, toolsRoom / toolWidths.count) }
        }
        for (i, tool) in screen.tools.enumerated().reversed() {
            let w = toolWidths[i]
            toolX -= w
            placeButton(tool, frame: Rect(x: toolX, y: mm(2), width: w, height: target), textStyle: .small, onBar: true, into: &list)
            toolX -= gap
        }
        let brandWidth = toolX - mm(6)
        if !screen.brand.isEmpty, brandWidth > mm(25) {
            let wrapped = TextWrapper.fit(screen.brand, font: font(.button), maxWidth: brandWidth, maxHeight: target, measurer: measurer)
            if wrapped.wordsFit, wrapped.height <= barHeight {
                placeLines(wrapped, in: Rect(x: mm(6), y: (barHeight - wrapped.height) / 2, width: brandWidth, height: wrapped.height),
                           color: theme.onTopBar, alignment: .leading, id: "brand", role: .text, into: &list)
            }
        }
        y = barHeight

        if let banner = screen.banner {
            let h = measureBanner(banner, width: size.width, inset: margin)
            placeBanner(banner, frame: Rect(x: 0, y: y, width: size.width, height: h), inset: margin, into: &list)
            y += h
        }

        // Footer.
        let footerHeight = screen.footer.isEmpty ? 0 : target + 2 * mm(3)
        let footerY = size.height - footerHeight
        if !screen.footer.isEmpty {
            list.append(DisplayItem(frame: Rect(x: 0, y: footerY, width: size.width, height: 1 + border / 2),
                                    kind: .rect(fill: theme.divider, border: nil, borderWidth: 0, radius: 0), role: .divider))
            var x = margin
            var widths = screen.footer.map { naturalWidth(button: $0, style: .button) }
            let avail = size.width - 2 * margin - gap * (screen.footer.count - 1)
            if widths.reduce(0, +) > avail { widths = widths.map { _ in avail / screen.footer.count } }
            for (i, b) in screen.footer.enumerated() {
                // The first footer action sits left (end session), the others right.
                if i == 1 { x = size.width - margin - widths[1...].reduce(0, +) - gap * (widths.count - 2) }
                placeButton(b, frame: Rect(x: x, y: footerY + mm(3), width: widths[i], height: target), textStyle: .button,
                            onBar: false, into: &list)
                x += widths[i] + gap
            }
        }

        // Title.
        y += mm(6)
        let contentWidth = size.width - 2 * margin
        if !screen.titleHidden {
            let title = wrap(screen.title, style: .title, width: contentWidth)
            placeLines(title, in: Rect(x: margin, y: y, width: contentWidth, height: title.height), color: theme.text,
                       alignment: .leading, id: "title", role: .title, into: &list)
            y += title.height + mm(5)
        }

        // Body.
        let bodyFrame = Rect(x: margin, y: y, width: contentWidth, height: footerY - mm(4) - y)
        let needed = measure(screen.body, width: bodyFrame.width)
        var overflow = max(0, needed - bodyFrame.height)
        let bodyOverflow = overflow
        if overflow > 0, paging {
            overflow = placePagedBody(screen, in: bodyFrame, into: &list)
        } else {
            place(screen.body, in: Rect(x: bodyFrame.x, y: bodyFrame.y, width: bodyFrame.width, height: max(bodyFrame.height, 0)), into: &list)
        }

        if let modal = screen.modal { overflow = max(overflow, placeModal(modal, labels: screen.pageLabels, paging: paging, into: &list)) }

        // Focus ring around the focused target; when it is on another
        // page, around "Suite": the way to it.
        var focus = screen.focusID
        if list.paging.modalPageCount > 1 || (list.paging.bodyPageCount > 1 && screen.modal == nil) {
            let next = list.paging.modalPageCount > 1 ? "modal.page.next" : "page.next"
            let shown = focus.map { f in
                list.reachableTargets.contains { $0.widgetID == f } || (screen.modal == nil && list.items.contains { $0.widgetID == f && $0.text != nil })
            } ?? false
            if !shown,
               list.target(id: next)?.isEnabled == true { focus = next }
        }
        if let fid = focus, let t = list.reachableTargets.last(where: { $0.widgetID == fid }) {
            let ring = border * 2
            list.append(DisplayItem(frame: t.frame.inset(by: -ring - 2),
                                    kind: .rect(fill: Color(hex: 0, alpha: 0), border: theme.focusRing, borderWidth: ring, radius: radius + ring),
                                    widgetID: fid, role: .focusRing))
        }
        list.focusID = focus
        return (list, overflow, bodyOverflow)
    }

    // MARK: measuring

    /// A run of text in `width`: a word wider than the box breaks after
    /// its hyphens and apostrophes; one with neither makes the run step
    /// down, to the type floor at most, then breaks between characters
    /// (a name from the card is shown whole, never cut).
    func wrap(_ s: String, style: TextStyle, width: Int) -> WrappedText {
        TextWrapper.fit(s, font: font(style), maxWidth: max(1, width), minPixels: floorPixels(style), measurer: measurer)
    }

    /// The smallest a run of text may get: the type floor (90 % of the
    /// chosen size, and never below the ×1 size).
    func floorPixels(_ s: TextStyle) -> Int { metrics.fontPixels(s, shrink: shrinkFloor) }

    func naturalWidth(button b: Button, style: TextStyle) -> Int {
        switch b.width {
        case .mm(let v): return max(target, mm(v))
        case .fill, .natural:
            let w = measurer.width(of: b.label, font: font(style)) + 2 * mm(5)
            return max(target, w)
        }
    }

    func naturalWidth(_ node: Node) -> Int? {
        if case .button(let b) = node, b.width != .fill { return naturalWidth(button: b, style: .button) }
        return nil
    }

    /// An adaptive stack, decided for a width: a grid of equal cells, as
    /// many a row as fit at `minChildWidthMM` and with every child's
    /// longest word; one row when all fit, one column at worst.
    func resolved(_ s: Stack, width: Int) -> Stack {
        guard case .adaptive(let minMM) = s.axis else { return s }
        let sp = mm(s.spacingMM)
        let cell = max(mm(minMM), s.children.map(minimalWidth).max() ?? 0)
        let columns = max(1, min(s.children.count, (width + sp) / (cell + sp)))
        if columns == s.children.count { return Stack(axis: .horizontal, children: s.children, spacing: s.spacing) }
        if columns == 1 { return Stack(axis: .vertical, children: s.children, spacing: s.spacing) }
        var rows: [Node] = []
        var i = 0
        while i < s.children.count {
            var row = Array(s.children[i..<min(i + columns, s.children.count)])
            // Short last row: same cell width as the others.
            while row.count < columns { row.append(.vstack([])) }
            rows.append(.stack(Stack(axis: .horizontal, children: row, spacing: s.spacing)))
            i += columns
        }
        return Stack(axis: .vertical, children: rows, spacing: s.spacing)
    }

    /// The narrowest a child can be without cutting a word (buttons: the
    /// longest word of the label at 75 % of its size, plus padding).
    func minimalWidth(_ node: Node) -> Int {
        guard case .button(let b) = node else { return 0 }
        var f = font(.button)
        f.pixels = f.pixels * 3 / 4
        let longest = b.label.split(separator: " ").map { measurer.width(of: String($0), font: f) }.max() ?? 0
        return max(target, longest + 2 * mm(3) + 2)
    }

    /// Space between the children of a vertical stack (tightened, before
    /// paging, when a screen is a line or two too long).
    func verticalSpacing(_ s: Stack) -> Int { mm(s.spacingMM * spacingScale) }

    // MARK: nodes (one type per kind: NodeLayouts.swift)

    func measure(_ node: Node, width: Int) -> Int { node.layout.measure(width: width, self) }

    /// The height a node takes when its lists show all their visible rows
    /// (`measure` gives the least: one row and the pager).
    func naturalHeight(_ node: Node, width: Int) -> Int { node.layout.naturalHeight(width: width, self) }

    func containsList(_ node: Node) -> Bool { node.layout.containsList }

    func place(_ node: Node, in frame: Rect, into list: inout DisplayList) { node.layout.place(in: frame, self, into: &list) }

    /// Keys a little taller than the least target, unless the screen is short of room.
    var keypadKeyHeight: Int { compact ? target : target + mm(2) }

    func buttonHeight(_ b: Button, width: Int, style: TextStyle) -> Int {
        let w = wrap(b.label, style: style, width: width - 2 * mm(3))
        return max(target, w.height + 2 * mm(compact ? 1.5 : 3))
    }

    /// Widths in a row: children with a natural width keep it, the others
    /// share what is left; spacers take their minimum, or share the room
    /// when nothing else does.
    func rowWidths(_ s: Stack, width: Int) -> [Int] {
        let avail = width - mm(s.spacingMM) * max(0, s.children.count - 1)
        let spacerMin: [Int?] = s.children.map { if case .spacer(let m) = $0 { return mm(m) } else { return nil } }
        let natural = s.children.map { naturalWidth($0) }
        let fills = s.children.indices.filter { spacerMin[$0] == nil && natural[$0] == nil }.count
        let spacers = spacerMin.compactMap { $0 }
        let fixed = natural.compactMap { $0 }.reduce(0, +) + (fills > 0 ? spacers.reduce(0, +) : 0)
        let sharers = fills > 0 ? fills : spacers.count
        let share = sharers > 0 ? max(0, (avail - fixed) / sharers) : 0
        return s.children.indices.map { i in
            if let w = natural[i] { return w }
            if let m = spacerMin[i] { return fills > 0 ? m : max(share, m) }
            return share
        }
    }

    /// Height of a banner `width` wide whose text is inset by `inset` (at least the padding).
    func measureBanner(_ b: Banner, width: Int, inset: Int = 0) -> Int {
        wrap(b.text, style: .body, width: width - 2 * max(inset, pad)).height + 2 * pad
    }

    // MARK: placing

    func placeLines(_ w: WrappedText, in frame: Rect, color: Color, alignment: Text.Alignment, id: String?, role: Role,
                    into list: inout DisplayList) {
        var y = frame.y
        if w.brokenBetweenCharacters { log.brokenWords.insert(id ?? "text") }
        for (i, line) in w.lines.enumerated() {
            let lw = measurer.width(of: line, font: w.font)
            let x = alignment == .center ? frame.x + (frame.width - lw) / 2 : frame.x
            if lw > frame.width + 1 { log.items.append("« \(line) » is \(lw) px wide in a \(frame.width) px box (\(id ?? "text"))") }
            if x < 0 || y < 0 || x + lw > metrics.size.width || y + w.lineHeight > metrics.size.height {
                log.items.append("« \(line) » leaves the screen (\(id ?? "text"))")
            }
            var item = DisplayItem(frame: Rect(x: x, y: y, width: lw, height: w.lineHeight),
                                   kind: .text(line, font: w.font, color: color), widgetID: id, role: role)
            item.continuesWord = w.continues(i)
            list.append(item)
            y += w.lineHeight
        }
    }


    func colors(for style: Button.Style, enabled: Bool, onBar: Bool) -> (fill: Color, border: Color?, text: Color) {
        if !enabled { return (theme.disabledFill, theme.disabledText, theme.disabledText) }
        if onBar {
            if case .toggle(true) = style { return (theme.onTopBar, theme.onTopBar, theme.topBar) }
            return (theme.topBar, theme.onTopBar, theme.onTopBar)
        }
        switch style {
        case .primary: return (theme.primary, theme.contrast == .high ? theme.primary : nil, theme.onPrimary)
        case .secondary, .plain: return (theme.secondaryFill, theme.secondaryBorder, theme.onSecondary)
        case .danger: return (theme.danger, nil, theme.onDanger)
        case .toggle(let on):
            return on ? (theme.selectedFill, theme.selectedFill, theme.onSelected) : (theme.secondaryFill, theme.secondaryBorder, theme.onSecondary)
        }
    }

    func placeButton(_ b: Button, frame: Rect, textStyle: TextStyle, onBar: Bool, into list: inout DisplayList) {
        let c = colors(for: b.style, enabled: b.enabled, onBar: onBar)
        let role: Role = { if case .toggle = b.style { return .toggle }; return .button }()
        var selected = false
        if case .toggle(let on) = b.style { selected = on }
        list.append(DisplayItem(frame: frame, kind: .rect(fill: c.fill, border: c.border, borderWidth: c.border == nil ? 0 : border, radius: radius),
                                widgetID: b.id, role: role, speech: b.speech ?? b.label, isTarget: true, isEnabled: b.enabled,
                                isSelected: selected))
        let w = TextWrapper.fit(b.label, font: font(textStyle), maxWidth: frame.width - 2 * mm(3),
                                maxHeight: frame.height - 2 * mm(1), measurer: measurer)
        placeLines(w, in: Rect(x: frame.x + mm(3), y: frame.y + (frame.height - w.height) / 2, width: frame.width - 2 * mm(3), height: w.height),
                   color: c.text, alignment: .center, id: b.id, role: .text, into: &list)
    }

    /// Row actions in lines no wider than `width`, in order (at least one per line).
    func actionLines(_ actions: [Button], width: Int) -> [[Button]] {
        var lines: [[Button]] = []
        var line: [Button] = []
        var used = 0
        for a in actions {
            let w = naturalWidth(button: a, style: .button)
            if !line.isEmpty, used + gap + w > width {
                lines.append(line)
                line = []
                used = 0
            }
            used += (line.isEmpty ? 0 : gap) + w
            line.append(a)
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    func placeBanner(_ b: Banner, frame: Rect, inset: Int, into list: inout DisplayList) {
        let (bg, fg) = b.kind == .error ? (theme.bannerError, theme.onBannerError) : (theme.bannerInfo, theme.onBannerInfo)
        list.append(DisplayItem(frame: frame, kind: .rect(fill: bg, border: theme.contrast == .high ? fg : nil,
                                                          borderWidth: theme.contrast == .high ? border : 0, radius: inset > 0 ? 0 : radius),
                                widgetID: b.id, role: .banner, speech: b.text))
        let inner = frame.inset(dx: max(inset, pad), dy: pad)
        let w = wrap(b.text, style: .body, width: inner.width)
        placeLines(w, in: Rect(x: inner.x, y: inner.y, width: inner.width, height: w.height), color: fg, alignment: .leading,
                   id: b.id, role: .banner, into: &list)
    }

    /// The modal, centred; when its message and content do not fit the
    /// screen (and `paging`), they are paged above the pager and the
    /// buttons, and the buttons that go on (primary, danger) show only on
    /// the last page: what one confirms is read first. Returns how far it
    /// overflows the screen (0: fits).
    func placeModal(_ m: Modal, labels: PageLabels = .english, paging: Bool = false, into list: inout DisplayList) -> Int {
        let size = metrics.size
        list.append(DisplayItem(frame: Rect(x: 0, y: 0, width: size.width, height: size.height),
                                kind: .rect(fill: theme.scrim, border: nil, borderWidth: 0, radius: 0), role: .scrim))
        let width = min(size.width - 2 * mm(10), max(mm(200), size.width * 7 / 10))
        let inner = width - 2 * mm(8)
        let title = wrap(m.title, style: .title, width: inner)
        let message = wrap(m.message, style: .body, width: inner)
        let contentH = m.content.map { measure($0, width: inner) } ?? 0
        func buttonRow(_ buttons: [Button]) -> (width: Int, height: Int) {
            let bw = buttons.isEmpty ? 0 : (inner - gap * (buttons.count - 1)) / buttons.count
            return (bw, buttons.map { buttonHeight($0, width: bw, style: .button) }.max() ?? 0)
        }
        var buttons = m.buttons
        var (bw, bh) = buttonRow(buttons)
        let height = mm(8) + title.height + mm(4) + message.height + (contentH > 0 ? mm(4) + contentH : 0) + mm(6) + bh + mm(8)
        let maxHeight = size.height - 2 * mm(4)
        let overflow = max(0, height - maxHeight)
        let paged = overflow > 0 && paging
        let frameHeight = paged ? maxHeight : height
        let frame = Rect(x: (size.width - width) / 2, y: max(mm(4), (size.height - frameHeight) / 2), width: width, height: frameHeight)
        let modalItem = list.items.count
        list.append(DisplayItem(frame: frame, kind: .rect(fill: theme.background, border: theme.contrast == .high ? theme.text : theme.primary,
                                                          borderWidth: border, radius: radius * 2),
                                widgetID: m.id, role: .modal, speech: [m.title, m.message].joined(separator: ". ")))
        var y = frame.y + mm(8)
        let x = frame.x + mm(8)
        // A title that would take more than a quarter of the modal (one
        // naming a person by the longest names a card carries) is read
        // with the message, paged, rather than leave no room for a page.
        let titlePaged = paged && title.height > maxHeight / 4
        if !titlePaged {
            placeLines(title, in: Rect(x: x, y: y, width: inner, height: title.height), color: theme.text, alignment: .leading,
                       id: "\(m.id).title", role: .title, into: &list)
            y += title.height + mm(4)
        }
        var stillOver = 0
        if paged {
            // Message and content as one column of blocks, paged.
            let pager = pagerLayout(labels, width: inner)
            let allButtons = buttonRow(m.buttons).height
            let pageHeight = max(1, frame.maxY - mm(8) - allButtons - mm(6) - pager.height - gap - y)
            var blocks = titlePaged
                ? pageBlocks(.text(Text(m.title, style: .title, id: "\(m.id).title")), x: x, width: inner, spacing: 0, pageHeight: pageHeight, open: false)
                : []
            blocks += pageBlocks(.text(Text(m.message, id: "\(m.id).message")), x: x, width: inner, spacing: titlePaged ? mm(4) : 0,
                                 pageHeight: pageHeight, open: false)
            if let c = m.content { blocks += pageBlocks(c, x: x, width: inner, spacing: mm(4), pageHeight: pageHeight, open: true) }
            let pages = paginate(blocks, height: pageHeight)
            let n = min(max(0, m.page), pages.count - 1)
            list.paging.modalPage = n
            list.paging.modalPageCount = pages.count
            if pages.count > 1 { list.paging.pagedText = pagedText(pages, frame: Rect(x: x, y: y, width: inner, height: pageHeight)) }
            let start = list.items.count
            stillOver = max(pages.map { used($0) - pageHeight }.max() ?? 0, placePage(pages[n], top: y, height: pageHeight, into: &list))
            // The title is said first already (also when it is on the page).
            let shown = list.items[start...].filter { $0.text != nil && $0.role != .image && $0.widgetID != "\(m.id).title" }.readText
            list.items[modalItem].speech = [m.title, labels.position(n + 1, of: pages.count), shown.normalizedSpaces].joined(separator: ". ")
            placePager(labels, page: n, count: pages.count, prefix: "modal.page",
                       in: Rect(x: x, y: y + pageHeight + gap, width: inner, height: pager.height), into: &list)
            // Before the last page, only the ways back (Annuler, Précédent): "Suite" leads on.
            if n < pages.count - 1 {
                buttons = m.buttons.filter { b in b.style != .primary && b.style != .danger }
                (bw, bh) = buttonRow(buttons)
            }
            y = frame.maxY - mm(8) - bh
        } else {
            placeLines(message, in: Rect(x: x, y: y, width: inner, height: message.height), color: theme.text, alignment: .leading,
                       id: "\(m.id).message", role: .text, into: &list)
            y += message.height
            if let c = m.content {
                y += mm(4)
                place(c, in: Rect(x: x, y: y, width: inner, height: contentH), into: &list)
                y += contentH
            }
            y += mm(6)
        }
        for (i, b) in buttons.enumerated() {
            placeButton(b, frame: Rect(x: x + i * (bw + gap), y: y, width: bw, height: bh), textStyle: .button, onBar: false, into: &list)
        }
        return paged ? stillOver : overflow
    }
}

/// Layout problems found while placing (a word wider than its box, text
/// off screen). Tests and smoke runs fail on any.
final class ProblemLog {
    var items: [String] = []
    /// Widgets with a word broken between characters (not a problem).
    var brokenWords: Set<String> = []
    /// Rows each list could show, so that paging moves by what was seen.
    var pages: [String: Int] = [:]
}
