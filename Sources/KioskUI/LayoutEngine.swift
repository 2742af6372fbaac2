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
    /// The words of pagers and of checked/unchecked states (the screen's).
    var labels = PageLabels.english
    /// Beside a keypad, the banner heads the first column (no key moves when
    /// it appears); off when the column would then not fit.
    private var bannerInColumn = true
    let log = ProblemLog()

    public init(metrics: ScreenMetrics, theme: Theme, measurer: TextMeasurer) {
        self.metrics = metrics; self.theme = theme; self.measurer = measurer
    }

    // MARK: units

    func mm(_ v: Double) -> Int { metrics.px(mm: v) }
    var target: Int { metrics.minTarget }
    /// Between two targets: 3 mm at least.
    var gap: Int { mm(Spacing.tight.mm) }
    var pad: Int { mm(3) }
    var border: Int { max(1, Int((theme.borderWidth * metrics.layoutScale).rounded())) }
    var radius: Int { mm(2) }
    func font(_ s: TextStyle) -> FontSpec { FontSpec(pixels: metrics.fontPixels(s, shrink: shrink), bold: s.bold) }

    // MARK: screen

    /// The type never gets smaller than this factor of the chosen size:
    /// 90 %, and never below the ×1 size (×1 never shrinks).
    public var shrinkFloor: Double { max(0.9, 1 / metrics.fontScale) }

    public func layout(_ screen0: ScreenModel) -> DisplayList {
        var engine = self
        // Mixed lines are measured run by run in the screen's direction (as drawn).
        measurer.paragraphDirection = screen0.direction
        var screen = Self.hoistingPrimary(screen0)
        engine.labels = screen.pageLabels
        var result = engine.attempt(screen, paging: false)
        // Short of room: pictograms that repeat the words go first.
        if result.overflow > 0, let lean = Self.withoutDecorations(screen) {
            screen = lean
            result = engine.attempt(screen, paging: false)
        }
        // A banner that would make the keypad's neighbour column too long goes back across the top.
        if result.overflow > 0, screen.banner != nil {
            var across = engine
            across.bannerInColumn = false
            let r = across.attempt(screen, paging: false)
            if r.overflow < result.overflow { engine = across; result = r }
        }
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
        list.paging.listPageStarts = engine.log.pageStarts
        list.paging.areas += engine.log.areas
        // Placed left to right; a right-to-left language sees it mirrored.
        return screen.direction == .rightToLeft ? list.mirroredForRightToLeft() : list
    }

    /// The screen without its decorative drawings, nil when it has none.
    static func withoutDecorations(_ screen: ScreenModel) -> ScreenModel? {
        var dropped = false
        var s = screen
        s.body = s.body.pruned { node in
            guard case .drawing(let d) = node, d.decorative else { return false }
            dropped = true
            return true
        }
        return dropped ? s : nil
    }

    /// The screen's one way on goes to the footer's bottom-right slot, the
    /// same place on every screen: a primary (or destructive) button of the
    /// body, outside lists, keypads and modals, is taken out of the body
    /// (the first one; a second stays, and the screen audit reports it).
    public static func hoistingPrimary(_ screen: ScreenModel) -> ScreenModel {
        var s = screen
        guard s.primary == nil, !s.footer.contains(where: { $0.style.isMain }) else { return s }
        var found: Button?
        let body = s.body.pruned { node in
            guard case .button(let b) = node, b.style.isMain, found == nil else { return false }
            found = b
            return true
        }
        if let b = found {
            s.body = body
            var p = b
            p.width = .natural
            s.primary = p
        }
        return s
    }

    /// The screen at the current type size; with `paging`, a body or modal
    /// too tall is paged. `overflow`: pixels still past the room (0: fits).
    private mutating func attempt(_ screen0: ScreenModel, paging: Bool, bodyPaged: Bool = false)
        -> (list: DisplayList, overflow: Int, bodyOverflow: Int) {
        log.items = []
        log.brokenWords = []
        log.areas = []
        var screen = screen0
        // Side by side (the code's field and its keypad): the banner always
        // heads the first column, so the keypad never moves when an error
        // appears (a finger at arm's length would hit the wrong key).
        if bannerInColumn, let b = screen.banner, case .stack(let s0) = screen.body, case let s = resolved(s0, width: metrics.size.width - 2 * mm(8)),
           s.axis == .horizontal, !s.children.isEmpty {
            var children = s.children
            // Into the column itself, so that its free room (a spacer) still takes the rest of the height.
            if case .stack(var column) = children[0], column.axis == .vertical {
                column.children.insert(.banner(b), at: 0)
                children[0] = .stack(column)
            } else {
                children[0] = .vstack([.banner(b), children[0]], spacing: .related)
            }
            screen.banner = nil
            screen.body = .stack(Stack(axis: .horizontal, children: children, spacing: s.spacing, align: s.align))
        }
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
        let barHeight = target + 2 * mm(1.5)
        list.append(DisplayItem(frame: Rect(x: 0, y: 0, width: size.width, height: barHeight),
                                kind: .rect(fill: theme.topBar, border: nil, borderWidth: 0, radius: 0), role: .topBar))
        var toolX = size.width - mm(3)
        var toolWidths = screen.tools.map { naturalWidth(button: $0, style: .small) }
        let toolsRoom = size.width - mm(6) - gap * max(0, screen.tools.count - 1)
        let natural = toolWidths.reduce(0, +)
        if natural > toolsRoom, !toolWidths.isEmpty {
            // Narrow screen: shares in proportion to their labels (no less than a target); labels wrap or shrink inside.
            toolWidths = toolWidths.map { max(target, $0 * toolsRoom / natural) }
        }
        for (i, tool) in screen.tools.enumerated().reversed() {
            let w = toolWidths[i]
            toolX -= w
            placeButton(tool, frame: Rect(x: toolX, y: mm(1.5), width: w, height: target), textStyle: .small, onBar: true, into: &list)
            toolX -= gap
        }
        let brandWidth = toolX - mm(6)
        // In a service, the bar's left says where one is (« Étape 2 sur 4 », the step's title) when it fits there.
        var stepOnBar = false
        if let step = screen.step, step.count > 1, brandWidth > mm(30) {
            stepOnBar = placeStepOnBar(step, in: Rect(x: mm(6), y: 0, width: brandWidth, height: barHeight), into: &list)
            // Short of room (large text): « Étape 2 sur 4 » and its segments alone on the bar rather than a line of the body's.
            if !stepOnBar, compact {
                stepOnBar = placeStepOnBar(step, in: Rect(x: mm(6), y: 0, width: brandWidth, height: barHeight), short: true, into: &list)
            }
        }
        if !stepOnBar, brandWidth > mm(25) {
            // The whole brand, else the short one, else none: never cut,
            // never smaller than 90 % of its ×1 size.
            let least = Int(Double(metrics.fontPixels(.button, shrink: 1)) * 0.9 / metrics.fontScale)
            for brand in [screen.brand, screen.shortBrand] where !brand.isEmpty {
                let wrapped = TextWrapper.fit(brand, font: font(.button), maxWidth: brandWidth, maxHeight: target, measurer: measurer)
                guard wrapped.wordsFit, wrapped.height <= barHeight, wrapped.font.pixels >= least else { continue }
                placeLines(wrapped, in: Rect(x: mm(6), y: (barHeight - wrapped.height) / 2, width: brandWidth, height: wrapped.height),
                           color: theme.onTopBar, alignment: .leading, id: "brand", role: .text, into: &list)
                break
            }
        }
        y = barHeight

        if let banner = screen.banner {
            let h = measureBanner(banner, width: size.width, inset: margin)
            placeBanner(banner, frame: Rect(x: 0, y: y, width: size.width, height: h), inset: margin, into: &list)
            y += h
        }

        // Footer: the ways out on the left (Terminer, Retour), the screen's
        // one way on in the bottom-right slot, on every screen.
        let footerY = placeFooter(screen, margin: margin, into: &list)

        // Step and title.
        let contentWidth = size.width - 2 * margin
        y += mm(4)
        // Short of room (large text), the step shortens to « Étape 2 sur 4 » and its segments on the title's line.
        var stepBesideTitle: Int?
        if let step = screen.step, step.count > 1, !stepOnBar, compact, !screen.titleHidden {
            let title = wrap(screen.title, style: .title, width: contentWidth)
            let w = measurer.width(of: step.position, font: font(.small)) + mm(3) + step.count * mm(6) + (step.count - 1) * mm(1.2)
            let last = title.lines.last.map { measurer.width(of: $0, font: title.font) } ?? title.width
            if last + mm(6) + w <= contentWidth { stepBesideTitle = w }
        }
        if let step = screen.step, step.count > 1, !stepOnBar, stepBesideTitle == nil {
            y += placeStep(step, in: Rect(x: margin, y: y, width: contentWidth, height: 0), id: "step", into: &list) + mm(1.5)
        } else {
            y += mm(1)
        }
        if !screen.titleHidden {
            let title = wrap(screen.title, style: .title, width: contentWidth)
            if let step = screen.step, let w = stepBesideTitle {
                // On the title's last line, right.
                placeShortStep(step, in: Rect(x: margin + contentWidth - w, y: y + (title.lines.count - 1) * title.lineHeight, width: w,
                                              height: title.lineHeight), id: "step", into: &list)
            }
            placeLines(title, in: Rect(x: margin, y: y, width: contentWidth, height: title.height), color: theme.text,
                       alignment: .leading, id: "title", role: .title, into: &list)
            y += title.height + mm(3.5)
        }

        // Body.
        // 2 mm above the footer's divider, 2 mm under it: 4 mm between the body's targets and the footer's.
        let bodyFrame = Rect(x: margin, y: y, width: contentWidth, height: footerY - mm(2) - y)
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
            // The way on waits in the footer while pages remain: read on first (« Suite »).
            let wayOn = screen.modal == nil && focus != nil && focus == (screen.primary?.id ?? "")
            if !shown || wayOn,
               list.target(id: next)?.isEnabled == true { focus = next }
        }
        // Drawn only once a key or the speech controls moved the focus, and
        // never around a disabled widget.
        if screen.showsFocus, let fid = focus, let t = list.reachableTargets.last(where: { $0.widgetID == fid }), t.isEnabled {
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
        // One under the other: the last (a keypad) at the bottom of the room, where a banner appearing above does not move it.
        if columns == 1 { return Stack(axis: .vertical, children: s.children.dropLast() + [.flexible] + s.children.suffix(1), spacing: s.spacing) }
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
        if b.style.isChoice {
            // A checkbox's or radio's label never shrinks: its longest word whole beside the box.
            let longest = b.label.split(separator: " ").map { measurer.width(of: String($0), font: font(.body)) }.max() ?? 0
            return max(target, longest + choiceBox + 3 * mm(3) + 2)
        }
        var f = font(.button)
        f.pixels = f.pixels * 3 / 4
        let longest = b.label.split(separator: " ").map { measurer.width(of: String($0), font: f) }.max() ?? 0
        return max(target, longest + 2 * mm(3) + 2)
    }

    /// Space between the children of a vertical stack (tightened, before
    /// paging, when a screen is a line or two too long).
    /// Never below 3 mm (the least between two targets), unless asked for less.
    func verticalSpacing(_ s: Stack) -> Int { max(min(mm(s.spacingMM), gap), mm(s.spacingMM * spacingScale)) }

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
        if b.style.isChoice {
            let w = wrap(b.label, style: .body, width: choiceLabelWidth(width))
            return max(target, w.height + 2 * mm(compact ? 1.5 : 2.5))
        }
        if let p = b.pictogram {
            if pictogramAbove(b, width: width, style: style) {
                let w = wrap(b.label, style: style, width: width - 2 * mm(3))
                return max(target, mm(p.heightMM) + mm(1.5) + w.height + 2 * mm(compact ? 1.5 : 2.5))
            }
            // The pictogram left of the label (a tile): the label keeps the rest of the width.
            let w = wrap(b.label, style: style, width: width - mm(p.widthMM) - 3 * mm(3))
            return max(target, mm(p.heightMM) + 2 * mm(2), w.height + 2 * mm(compact ? 1.5 : 3))
        }
        let w = wrap(b.label, style: style, width: width - 2 * mm(3))
        return max(target, w.height + 2 * mm(compact ? 1.5 : 3))
    }

    /// A tile too narrow for its pictogram beside the label's longest word
    /// (portrait, large text): the pictogram goes above, the word stays whole.
    func pictogramAbove(_ b: Button, width: Int, style: TextStyle) -> Bool {
        guard let p = b.pictogram else { return false }
        let longest = b.label.split(separator: " ").map { measurer.width(of: String($0), font: font(style)) }.max() ?? 0
        return longest > width - mm(p.widthMM) - 3 * mm(3)
    }

    /// A checkbox's or radio's box: 9 mm, left of its label.
    var choiceBox: Int { max(mm(9), font(.body).pixels * 9 / 10) }
    func choiceLabelWidth(_ width: Int) -> Int { width - choiceBox - 3 * mm(3) }

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
        case .destructive: return (theme.danger, theme.contrast == .high ? theme.danger : nil, theme.onDanger)
        case .neutral: return (theme.neutralFill, theme.neutralBorder, theme.onNeutral)
        case .tile: return (theme.surface, theme.secondaryBorder, theme.onSecondary)
        case .checkbox(let on), .radio(let on):
            return on ? (theme.choiceSelectedFill, theme.choiceSelectedBorder, theme.text) : (theme.choiceFill, theme.choiceBorder, theme.text)
        case .toggle(let on):
            // On: the chosen look (a tint and an outline), never the primary's solid fill.
            return on ? (theme.choiceSelectedFill, theme.choiceSelectedBorder, theme.text) : (theme.secondaryFill, theme.secondaryBorder, theme.onSecondary)
        }
    }

    func placeButton(_ b: Button, frame: Rect, textStyle: TextStyle, onBar: Bool, role roleOverride: Role? = nil,
                     into list: inout DisplayList) {
        if b.style.isChoice { placeChoice(b, frame: frame, into: &list); return }
        let c = colors(for: b.style, enabled: b.enabled, onBar: onBar)
        let role: Role = roleOverride ?? { if case .toggle = b.style { return .toggle }; return .button }()
        var selected = false
        if case .toggle(let on) = b.style { selected = on }
        let thick = !onBar && selected
        var item = DisplayItem(frame: frame, kind: .rect(fill: c.fill, border: c.border, borderWidth: c.border == nil ? 0 : thick ? 2 * border : border,
                                                         radius: radius),
                               widgetID: b.id, role: role, speech: b.speech ?? b.label, isTarget: true, isEnabled: b.enabled,
                               isSelected: selected)
        item.emphasis = b.style
        list.append(item)
        if let p = b.pictogram {
            // A tile: its pictogram on the left, the label beside it.
            let pw = mm(p.widthMM), ph = mm(p.heightMM)
            var drawing = p
            drawing.id = b.id
            if pictogramAbove(b, width: frame.width, style: textStyle) {
                // Above the label, both centred.
                let lw = frame.width - 2 * mm(3)
                let w = TextWrapper.fit(b.label, font: font(textStyle), maxWidth: lw, maxHeight: max(1, frame.height - ph - mm(3)), measurer: measurer)
                let top = frame.y + (frame.height - ph - mm(1.5) - w.height) / 2
                drawing.place(in: Rect(x: frame.x + (frame.width - pw) / 2, y: top, width: pw, height: ph), self, into: &list)
                placeLines(w, in: Rect(x: frame.x + mm(3), y: top + ph + mm(1.5), width: lw, height: w.height),
                           color: c.text, alignment: .center, id: b.id, role: .text, into: &list)
                return
            }
            drawing.place(in: Rect(x: frame.x + mm(3), y: frame.y + (frame.height - ph) / 2, width: pw, height: ph), self, into: &list)
            let lx = frame.x + pw + 2 * mm(3), lw = frame.width - pw - 3 * mm(3)
            let w = TextWrapper.fit(b.label, font: font(textStyle), maxWidth: lw, maxHeight: frame.height - 2 * mm(1), measurer: measurer)
            placeLines(w, in: Rect(x: lx, y: frame.y + (frame.height - w.height) / 2, width: lw, height: w.height),
                       color: c.text, alignment: .leading, id: b.id, role: .text, into: &list)
            return
        }
        let w = TextWrapper.fit(b.label, font: font(textStyle), maxWidth: frame.width - 2 * mm(3),
                                maxHeight: frame.height - 2 * mm(1), measurer: measurer)
        placeLines(w, in: Rect(x: frame.x + mm(3), y: frame.y + (frame.height - w.height) / 2, width: frame.width - 2 * mm(3), height: w.height),
                   color: c.text, alignment: .center, id: b.id, role: .text, into: &list)
    }

    /// A checkbox or a radio button: the whole row is the target; the box
    /// (ticked) or the circle (with its dot) on the left, the label beside
    /// it in the text's colour. Chosen: a light tint and a thick outline,
    /// never the primary button's solid fill.
    func placeChoice(_ b: Button, frame: Rect, into list: inout DisplayList) {
        let on: Bool
        let isRadio: Bool
        switch b.style {
        case .radio(let s): on = s; isRadio = true
        case .checkbox(let s): on = s; isRadio = false
        default: return
        }
        let c = colors(for: b.style, enabled: true, onBar: false)
        let words = isRadio ? (on ? labels.selected : labels.notSelected) : (on ? labels.checked : labels.notChecked)
        var item = DisplayItem(frame: frame, kind: .rect(fill: b.enabled ? c.fill : theme.disabledFill, border: b.enabled ? c.border : theme.disabledText,
                                                         borderWidth: on ? 2 * border : border, radius: radius),
                               widgetID: b.id, role: isRadio ? .radio : .checkbox, speech: (b.speech ?? b.label) + ", " + words,
                               isTarget: true, isEnabled: b.enabled, isSelected: on)
        item.emphasis = b.style
        list.append(item)
        let box = choiceBox
        let bx = frame.x + mm(3), by = frame.y + (frame.height - box) / 2
        let boxFrame = Rect(x: bx, y: by, width: box, height: box)
        let markColor = b.enabled ? theme.choiceMark : theme.disabledText
        if isRadio {
            list.append(DisplayItem(frame: boxFrame, kind: .rect(fill: theme.background, border: on ? markColor : (b.enabled ? theme.choiceBorder : theme.disabledText),
                                                                 borderWidth: border, radius: box / 2),
                                    widgetID: b.id, role: .radio))
            if on {
                let dot = box / 2
                list.append(DisplayItem(frame: Rect(x: bx + (box - dot) / 2, y: by + (box - dot) / 2, width: dot, height: dot),
                                        kind: .rect(fill: markColor, border: nil, borderWidth: 0, radius: dot / 2), widgetID: b.id, role: .radio))
            }
        } else {
            list.append(DisplayItem(frame: boxFrame, kind: .rect(fill: on ? markColor : theme.background,
                                                                 border: on ? markColor : (b.enabled ? theme.choiceBorder : theme.disabledText),
                                                                 borderWidth: border, radius: mm(1)),
                                    widgetID: b.id, role: .checkbox))
            if on {
                let f = FontSpec(pixels: box * 8 / 10, bold: true)
                let w = measurer.width(of: "✓", font: f), h = measurer.lineHeight(f)
                list.append(DisplayItem(frame: Rect(x: bx + (box - w) / 2, y: by + (box - h) / 2, width: w, height: h),
                                        kind: .text("✓", font: f, color: theme.onChoiceMark), widgetID: b.id, role: .image))
            }
        }
        let lx = bx + box + mm(3)
        let lw = choiceLabelWidth(frame.width)
        let w = wrap(b.label, style: .body, width: lw)
        placeLines(w, in: Rect(x: lx, y: frame.y + (frame.height - w.height) / 2, width: lw, height: w.height),
                   color: b.enabled ? theme.text : theme.disabledText, alignment: .leading, id: b.id, role: .text, into: &list)
    }

    /// The footer: the ways out on the left in their order (« Terminer »,
    /// « Retour »), the screen's one way on (`primary`) in the bottom-right
    /// slot. When they do not fit one row, the way on takes a row of its
    /// own above them, still on the right. Returns the footer's top.
    func placeFooter(_ screen: ScreenModel, margin: Int, into list: inout DisplayList) -> Int {
        let size = metrics.size
        var main = screen.primary
        var left = screen.footer
        if main == nil, let i = left.firstIndex(where: { $0.style.isMain }) { main = left.remove(at: i) }
        guard main != nil || !left.isEmpty else { return size.height }
        let pad = mm(2)
        let avail = size.width - 2 * margin
        var widths = left.map { naturalWidth(button: $0, style: .button) }
        var mainWidth = main.map { min(avail, naturalWidth(button: $0, style: .button)) } ?? 0
        let leftTotal = widths.reduce(0, +) + gap * max(0, widths.count - 1)
        var oneRow = main == nil || left.isEmpty || leftTotal + mm(8) + mainWidth <= avail
        // A long way on (large text) first wraps on two lines beside the ways out, rather than take a row of its own.
        if !oneRow, let main {
            let room = avail - leftTotal - mm(8)
            let w = wrap(main.label, style: .button, width: room - 2 * mm(3))
            if room >= max(target, avail * 35 / 100), w.lines.count <= 2, w.wordsFit, w.font.pixels >= font(.button).pixels {
                mainWidth = room
                oneRow = true
            }
        }
        let rows = oneRow ? 1 : 2
        let mainHeight = main.map { b in max(target, buttonHeight(b, width: mainWidth, style: .button)) } ?? target
        let height = (rows == 2 ? mainHeight + gap + target : max(target, main == nil ? target : mainHeight)) + 2 * pad
        let footerY = size.height - height
        list.append(DisplayItem(frame: Rect(x: 0, y: footerY, width: size.width, height: 1 + border / 2),
                                kind: .rect(fill: theme.divider, border: nil, borderWidth: 0, radius: 0), role: .divider))
        if let main {
            placeButton(main, frame: Rect(x: size.width - margin - mainWidth, y: rows == 2 ? footerY + pad : size.height - pad - mainHeight,
                                          width: mainWidth, height: mainHeight),
                        textStyle: .button, onBar: false, into: &list)
        }
        if leftTotal > avail - (oneRow && main != nil ? mainWidth + mm(8) : 0), !widths.isEmpty {
            let room = avail - (oneRow && main != nil ? mainWidth + mm(8) : 0) - gap * (widths.count - 1)
            widths = widths.map { _ in max(target, room / widths.count) }
        }
        var x = margin
        let y = size.height - pad - target
        for (i, b) in left.enumerated() {
            placeButton(b, frame: Rect(x: x, y: y, width: widths[i], height: target), textStyle: .button, onBar: false, into: &list)
            x += widths[i] + gap
        }
        return footerY
    }

    /// « Étape 2 sur 4 · Motif » and one segment a step; returns its height.
    /// The step on the top bar: « Étape 2 sur 4 » and its segments, the
    /// step's title under them; false when they do not fit there.
    func placeStepOnBar(_ step: StepIndicator, in frame: Rect, short: Bool = false, into list: inout DisplayList) -> Bool {
        let f = font(.small), fb = FontSpec(pixels: font(.small).pixels, bold: true)
        let segment = mm(6), segGap = mm(1.2), segH = mm(2)
        let barWidth = step.count * segment + (step.count - 1) * segGap
        let posW = measurer.width(of: step.position, font: fb), titleW = measurer.width(of: step.title, font: f)
        let lh = measurer.lineHeight(f)
        let lines = short ? 1 : 2
        guard posW + mm(3) + barWidth <= frame.width, short || titleW <= frame.width, lines * lh <= frame.height - mm(2) else { return false }
        let top = frame.y + (frame.height - lines * lh) / 2
        var item = DisplayItem(frame: Rect(x: frame.x, y: top, width: frame.width, height: lines * lh),
                               kind: .rect(fill: Color(hex: 0, alpha: 0), border: nil, borderWidth: 0, radius: 0),
                               widgetID: "step", role: .stepIndicator, speech: step.position + " · " + step.title)
        item.step = step
        list.append(item)
        list.append(DisplayItem(frame: Rect(x: frame.x, y: top, width: posW, height: lh), kind: .text(step.position, font: fb, color: theme.onTopBar),
                                widgetID: "step", role: .stepIndicator))
        var x = frame.x + posW + mm(3)
        for i in 1...step.count {
            list.append(DisplayItem(frame: Rect(x: x, y: top + (lh - segH) / 2, width: segment, height: segH),
                                    kind: .rect(fill: i <= step.number ? theme.onTopBar : theme.onTopBar.withAlpha(90), border: nil, borderWidth: 0,
                                                radius: segH / 2), widgetID: "step", role: .image))
            x += segment + segGap
        }
        if !short {
            list.append(DisplayItem(frame: Rect(x: frame.x, y: top + lh, width: titleW, height: lh), kind: .text(step.title, font: f, color: theme.onTopBar),
                                    widgetID: "step", role: .stepIndicator))
        }
        return true
    }

    /// « Étape 2 sur 3 » and the segments in `frame`, centred on its height
    /// (beside a modal's short title, which is the step's own).
    func placeShortStep(_ step: StepIndicator, in frame: Rect, id: String, into list: inout DisplayList) {
        let f = font(.small), lh = measurer.lineHeight(f), segH = mm(2)
        let top = frame.y + (frame.height - lh) / 2
        var item = DisplayItem(frame: Rect(x: frame.x, y: top, width: frame.width, height: lh),
                               kind: .rect(fill: Color(hex: 0, alpha: 0), border: nil, borderWidth: 0, radius: 0),
                               widgetID: id, role: .stepIndicator, speech: step.position + " · " + step.title)
        item.step = step
        list.append(item)
        let pw = measurer.width(of: step.position, font: f)
        list.append(DisplayItem(frame: Rect(x: frame.x, y: top, width: pw, height: lh), kind: .text(step.position, font: f, color: theme.mutedText),
                                widgetID: id, role: .stepIndicator))
        var x = frame.x + pw + mm(3)
        for i in 1...step.count {
            list.append(DisplayItem(frame: Rect(x: x, y: top + (lh - segH) / 2, width: mm(6), height: segH),
                                    kind: .rect(fill: i <= step.number ? theme.trackFill : theme.track, border: nil, borderWidth: 0, radius: segH / 2),
                                    widgetID: id, role: .image))
            x += mm(6) + mm(1.2)
        }
    }

    /// The step's words beside its segments, in `width`.
    func stepLayout(_ step: StepIndicator, width: Int) -> (text: WrappedText, barWidth: Int, height: Int) {
        let barWidth = step.count * mm(7) + (step.count - 1) * mm(1.5)
        let w = wrap(step.position + " · " + step.title, style: .small, width: width - barWidth - mm(4))
        return (w, barWidth, max(w.height, mm(2.2)))
    }

    func placeStep(_ step: StepIndicator, in frame: Rect, id: String, into list: inout DisplayList) -> Int {
        let segment = mm(7), segGap = mm(1.5), segH = mm(2.2)
        let (w, barWidth, h) = stepLayout(step, width: frame.width)
        let text = step.position + " · " + step.title
        let textWidth = frame.width - barWidth - mm(4)
        var item = DisplayItem(frame: Rect(x: frame.x, y: frame.y, width: frame.width, height: h),
                               kind: .rect(fill: Color(hex: 0, alpha: 0), border: nil, borderWidth: 0, radius: 0),
                               widgetID: id, role: .stepIndicator, speech: text)
        item.step = step
        list.append(item)
        placeLines(w, in: Rect(x: frame.x, y: frame.y, width: textWidth, height: w.height), color: theme.mutedText, alignment: .leading,
                   id: id, role: .stepIndicator, into: &list)
        var x = frame.maxX - barWidth
        let y = frame.y + (min(h, w.lineHeight) - segH) / 2
        for i in 1...step.count {
            list.append(DisplayItem(frame: Rect(x: x, y: y, width: segment, height: segH),
                                    kind: .rect(fill: i <= step.number ? theme.trackFill : theme.track, border: nil, borderWidth: 0, radius: segH / 2),
                                    widgetID: id, role: .image))
            x += segment + segGap
        }
        return h
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
        // A short title: « Étape 2 sur 3 » and the segments on its line, right; else a line of their own above it.
        let stepShort = m.step.flatMap { step -> Int? in
            guard step.count > 1, title.lines.count == 1 else { return nil }
            let w = measurer.width(of: step.position, font: font(.small)) + mm(3) + step.count * mm(6) + (step.count - 1) * mm(1.2)
            return title.width + mm(6) + w <= inner ? w : nil
        }
        let stepH = stepShort != nil ? 0 : m.step.map { $0.count > 1 ? stepLayout($0, width: inner).height + mm(2) : 0 } ?? 0
        // Short of room (large text): tighter margins above, below and between.
        let edge = compact ? mm(5) : mm(8), afterTitle = compact ? mm(2.5) : mm(4), beforeButtons = compact ? mm(4) : mm(6)
        let height = edge + stepH + title.height + afterTitle + message.height + (contentH > 0 ? mm(4) + contentH : 0) + beforeButtons + bh + edge
        let maxHeight = size.height - 2 * mm(4)
        let overflow = max(0, height - maxHeight)
        let paged = overflow > 0 && paging
        let frameHeight = paged ? maxHeight : height
        let frame = Rect(x: (size.width - width) / 2, y: max(mm(4), (size.height - frameHeight) / 2), width: width, height: frameHeight)
        let modalItem = list.items.count
        list.append(DisplayItem(frame: frame, kind: .rect(fill: theme.background, border: theme.contrast == .high ? theme.text : theme.primary,
                                                          borderWidth: border, radius: radius * 2),
                                widgetID: m.id, role: .modal, speech: [m.title, m.message].joined(separator: ". ")))
        var y = frame.y + edge
        let x = frame.x + mm(8)
        if let step = m.step, step.count > 1 {
            if let w = stepShort {
                placeShortStep(step, in: Rect(x: x + inner - w, y: y, width: w, height: title.lineHeight), id: "\(m.id).step", into: &list)
            } else {
                y += placeStep(step, in: Rect(x: x, y: y, width: inner, height: 0), id: "\(m.id).step", into: &list) + mm(2)
            }
        }
        // A title that would take more than a quarter of the modal (one
        // naming a person by the longest names a card carries) is read
        // with the message, paged, rather than leave no room for a page.
        let titlePaged = paged && title.height > maxHeight / 4
        if !titlePaged {
            placeLines(title, in: Rect(x: x, y: y, width: inner, height: title.height), color: theme.text, alignment: .leading,
                       id: "\(m.id).title", role: .title, into: &list)
            y += title.height + afterTitle
        }
        var stillOver = 0
        if paged {
            // Message and content as one column of blocks, paged.
            let pager = pagerLayout(labels, width: inner)
            let allButtons = buttonRow(m.buttons).height
            let pageHeight = max(1, frame.maxY - edge - allButtons - beforeButtons - pager.height - gap - y)
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
            for (i, page) in pages.enumerated() where pages.count > 1 {
                let next = i + 1 < pages.count ? pages[i + 1].first.map { $0.block.spacing + $0.height + $0.keptWith } : nil
                log.areas.append(PageArea(id: "\(m.id) page \(i + 1)", height: pageHeight, used: used(page), continues: i < pages.count - 1,
                                          nextBlock: next))
            }
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
                buttons = m.buttons.filter { b in !b.style.isMain }
                (bw, bh) = buttonRow(buttons)
            }
            y = frame.maxY - edge - bh
        } else {
            placeLines(message, in: Rect(x: x, y: y, width: inner, height: message.height), color: theme.text, alignment: .leading,
                       id: "\(m.id).message", role: .text, into: &list)
            y += message.height
            if let c = m.content {
                y += mm(4)
                place(c, in: Rect(x: x, y: y, width: inner, height: contentH), into: &list)
                y += contentH
            }
            y += beforeButtons
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
    /// The first row of each page of each list.
    var pageStarts: [String: [Int]] = [:]
    /// Paged areas and how full each page is (the screen audit).
    var areas: [PageArea] = []
}

extension Node {
    /// The tree without the nodes `drop` picks, looked at in reading order
    /// (a stack's children one after the other, each whole before the next);
    /// stacks are kept, a dropped root leaves an empty stack.
    func pruned(_ drop: (Node) -> Bool) -> Node {
        func keep(_ node: Node) -> Node? {
            if drop(node) { return nil }
            guard case .stack(var st) = node else { return node }
            st.children = st.children.compactMap(keep)
            return .stack(st)
        }
        return keep(self) ?? .vstack([])
    }
}
