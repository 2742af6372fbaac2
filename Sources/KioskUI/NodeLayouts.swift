/// One type per node kind, each with how tall it is for a width and what it
/// draws in a frame, side by side: a new widget is one conformance here,
/// not a case added to three switches. The engine (`LayoutEngine`) gives
/// the units, the type sizes and the primitives (lines of text, buttons,
/// banners); it dispatches to these once, through `Node.layout`.
@MainActor
protocol NodeLayout {
    /// The least height in `width` (a list: one row and its pager).
    func measure(width: Int, _ e: LayoutEngine) -> Int
    /// The height when its lists show all their visible rows.
    func naturalHeight(width: Int, _ e: LayoutEngine) -> Int
    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList)
    /// True when it is, or holds, a list (which grows into free room).
    var containsList: Bool { get }
}

@MainActor extension NodeLayout {
    func naturalHeight(width: Int, _ e: LayoutEngine) -> Int { measure(width: width, e) }
    var containsList: Bool { false }
}

@MainActor extension Node {
    /// The layout of this node's kind.
    var layout: any NodeLayout {
        switch self {
        case .stack(let s): s
        case .text(let t): t
        case .button(let b): b
        case .spacer(let minMM): Spacer(minMM: minMM)
        case .codeField(let c): c
        case .keypad(let k): k
        case .keyboard(let k): k
        case .datePicker(let d): d
        case .list(let l): l
        case .progress(let p): p
        case .banner(let b): b
        case .image(let i): i
        case .drawing(let d): d
        }
    }
}

// MARK: - Stacks

@MainActor extension Stack: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int {
        let s = e.resolved(self, width: width)
        if s.axis == .vertical {
            let hs = s.children.map { e.measure($0, width: e.naturalWidth($0).map { min($0, width) } ?? width) }
            return hs.reduce(0, +) + e.verticalSpacing(s) * max(0, s.children.count - 1)
        }
        let widths = e.rowWidths(s, width: width)
        return zip(s.children, widths).map { e.measure($0, width: $1) }.max() ?? 0
    }

    func naturalHeight(width: Int, _ e: LayoutEngine) -> Int {
        guard containsList else { return measure(width: width, e) }
        let s = e.resolved(self, width: width)
        if s.axis == .vertical {
            return s.children.map { e.naturalHeight($0, width: e.naturalWidth($0).map { min($0, width) } ?? width) }.reduce(0, +)
                + e.verticalSpacing(s) * max(0, s.children.count - 1)
        }
        let widths = e.rowWidths(s, width: width)
        return zip(s.children, widths).map { e.naturalHeight($0, width: $1) }.max() ?? 0
    }

    var containsList: Bool { children.contains { $0.layout.containsList } }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let s = e.resolved(self, width: frame.width)
        var sp = e.mm(s.spacingMM)
        if s.axis == .vertical {
            sp = e.verticalSpacing(s)
            let widths = s.children.map { e.naturalWidth($0).map { min($0, frame.width) } ?? frame.width }
            var heights = zip(s.children, widths).map { e.measure($0, width: $1) }
            let spacerIdx = s.children.indices.filter { if case .spacer = s.children[$0] { return true }; return false }
            var used = heights.reduce(0, +) + sp * max(0, s.children.count - 1)
            // Lists grow first, up to all their visible rows, also inside a
            // nested stack: the room on screen goes to rows, not to blanks.
            for (i, child) in s.children.enumerated() where used < frame.height {
                let natural = e.naturalHeight(child, width: widths[i])
                let extra = min(frame.height - used, natural - heights[i])
                if extra > 0 { heights[i] += extra; used += extra }
            }
            if !spacerIdx.isEmpty, used < frame.height {
                let extra = (frame.height - used) / spacerIdx.count
                for i in spacerIdx { heights[i] += extra }
            }
            var y = frame.y
            for (i, child) in s.children.enumerated() {
                let w = widths[i]
                let x: Int
                switch s.align {
                case .start, .fill: x = frame.x
                case .center: x = frame.x + (frame.width - w) / 2
                case .end: x = frame.maxX - w
                }
                e.place(child, in: Rect(x: x, y: y, width: w, height: heights[i]), into: &list)
                y += heights[i] + sp
            }
        } else {
            let widths = e.rowWidths(s, width: frame.width)
            let total = widths.reduce(0, +) + sp * max(0, widths.count - 1)
            var x = frame.x
            if s.align == .center { x += max(0, (frame.width - total) / 2) }
            if s.align == .end { x += max(0, frame.width - total) }
            for (i, child) in s.children.enumerated() {
                let h = s.align == .fill ? frame.height : e.measure(child, width: widths[i])
                e.place(child, in: Rect(x: x, y: frame.y, width: widths[i], height: min(h, frame.height)), into: &list)
                x += widths[i] + sp
            }
        }
    }
}

/// Free room in a stack: at least `minMM`, then its share of what is left.
@MainActor struct Spacer: NodeLayout {
    var minMM: Double
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.mm(minMM) }
    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {}
}

// MARK: - Text and buttons

@MainActor extension Text: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.wrap(string, style: style, width: width).height }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let w = e.wrap(string, style: style, width: frame.width)
        e.placeLines(w, in: Rect(x: frame.x, y: frame.y, width: frame.width, height: w.height),
                     color: muted ? e.theme.mutedText : e.theme.text, alignment: alignment, id: id,
                     role: style == .title || style == .display ? .title : .text, into: &list)
    }
}

@MainActor extension Button: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.buttonHeight(self, width: width, style: .button) }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        e.placeButton(self, frame: frame, textStyle: .button, onBar: false, into: &list)
    }
}

@MainActor extension Banner: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.measureBanner(self, width: width) }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        e.placeBanner(self, frame: Rect(x: frame.x, y: frame.y, width: frame.width, height: e.measureBanner(self, width: frame.width)),
                      inset: 0, into: &list)
    }
}

// MARK: - Code field, keypad, keyboard, date picker

@MainActor extension CodeField: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.target }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let first = list.items.count
        defer { list.keepOrder(from: first) }
        let box = e.target, sp = e.mm(4)
        let total = length * box + (length - 1) * sp
        var x = frame.x + (frame.width - total) / 2
        list.append(DisplayItem(frame: Rect(x: x, y: frame.y, width: total, height: box),
                                kind: .rect(fill: Color(hex: 0, alpha: 0), border: nil, borderWidth: 0, radius: 0),
                                widgetID: id, role: .codeField, speech: speech))
        let dot = FontSpec(pixels: box * 6 / 10, bold: true)
        for i in 0..<length {
            let filled = i < entered
            let r = Rect(x: x, y: frame.y, width: box, height: box)
            list.append(DisplayItem(frame: r, kind: .rect(fill: e.theme.surface, border: filled ? e.theme.primary : e.theme.secondaryBorder,
                                                          borderWidth: filled ? e.border * 2 : e.border, radius: e.radius),
                                    widgetID: "\(id).\(i)", role: .codeField, isSelected: filled))
            if filled {
                let w = e.measurer.width(of: "●", font: dot), h = e.measurer.lineHeight(dot)
                list.append(DisplayItem(frame: Rect(x: r.x + (box - w) / 2, y: r.y + (box - h) / 2, width: w, height: h),
                                        kind: .text("●", font: dot, color: e.theme.text), widgetID: "\(id).\(i)", role: .codeField))
            }
            x += box + sp
        }
    }
}

@MainActor extension Keypad: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { 4 * e.keypadKeyHeight + 3 * e.gap }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        // 1 2 3 from the left in every language, as on a phone.
        let first = list.items.count
        defer { list.keepOrder(from: first) }
        let gap = e.gap
        let kw = min((frame.width - 2 * gap) / 3, e.mm(45)), kh = e.keypadKeyHeight
        let x0 = frame.x + (frame.width - (3 * kw + 2 * gap)) / 2
        let keys: [[String]] = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["erase", "0", "ok"]]
        for (r, row) in keys.enumerated() {
            for (c, key) in row.enumerated() {
                let f = Rect(x: x0 + c * (kw + gap), y: frame.y + r * (kh + gap), width: kw, height: kh)
                let b: Button
                switch key {
                case "erase": b = Button(id: "\(id).erase", label: eraseLabel, style: .secondary)
                case "ok": b = Button(id: "\(id).ok", label: okLabel, style: .primary, enabled: okEnabled)
                default:
                    b = Button(id: "\(id).\(key)", label: key, style: .secondary, speech: digitSpeech.isEmpty ? key : digitSpeech)
                }
                e.placeButton(b, frame: f, textStyle: key.count == 1 ? .key : .button, onBar: false, into: &list)
            }
        }
    }
}

@MainActor extension Keyboard: NodeLayout {
    /// Key rows for a width: AZERTY rows of 11 columns when 11 keys of 20 mm
    /// fit, otherwise the same keys in order, reflowed into fewer columns.
    func keyRows(width: Int, _ e: LayoutEngine) -> (columns: Int, keyWidth: Int, rows: [[(Button, Int)]]) {
        var logical: [[(Button, Int)]] = []
        for (r, row) in Keyboard.rows.enumerated() {
            var keys: [(Button, Int)] = []
            if r == 2 { keys.append((Button(id: "\(id).shift", label: shiftLabel, style: .toggle(on: uppercase)), 1)) }
            for ch in row {
                let s = uppercase ? String(ch).uppercased() : String(ch)
                keys.append((Button(id: "\(id).key.\(ch)", label: s, style: .secondary), 1))
            }
            if r == 2 { keys.append((Button(id: "\(id).space", label: spaceLabel, style: .secondary), 2)) }
            logical.append(keys)
        }
        let fitting = max(4, (width + e.gap) / (e.target + e.gap))
        let columns = min(11, fitting)
        let kw = (width - (columns - 1) * e.gap) / columns
        guard columns < 11 else { return (columns, kw, logical) }
        var rows: [[(Button, Int)]] = [[]]
        var used = 0
        for key in logical.flatMap({ $0 }) {
            if used + key.1 > columns { rows.append([]); used = 0 }
            rows[rows.count - 1].append(key)
            used += key.1
        }
        return (columns, kw, rows)
    }

    func measure(width: Int, _ e: LayoutEngine) -> Int {
        let n = keyRows(width: width, e).rows.count + 1
        return n * e.target + (n - 1) * e.gap
    }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        // AZERTY as printed on every keyboard, whatever the language.
        let first = list.items.count
        defer { list.keepOrder(from: first) }
        let kh = e.target, gap = e.gap, pad = e.pad
        let (columns, kw, rows) = keyRows(width: frame.width, e)
        let rowWidth = columns * kw + (columns - 1) * gap
        let x0 = frame.x + (frame.width - rowWidth) / 2
        // Row 0: the text, then erase and OK.
        let okW = 2 * kw + gap
        let field = Rect(x: x0, y: frame.y, width: rowWidth - okW - kw - 2 * gap, height: kh)
        list.append(DisplayItem(frame: field, kind: .rect(fill: e.theme.surface, border: e.theme.secondaryBorder, borderWidth: e.border, radius: e.radius),
                                widgetID: "\(id).field", role: .textField, speech: text.isEmpty ? placeholder : text))
        // The cursor after the typed (Latin) text, also in a right-to-left screen
        // (a left-to-right mark after it holds it to the text's end).
        let shown = text.isEmpty ? placeholder : text + "|" + (e.measurer.paragraphDirection == .rightToLeft ? "\u{200E}" : "")
        let fw = TextWrapper.fit(shown, font: e.font(.body), maxWidth: field.width - 2 * pad, maxHeight: kh, measurer: e.measurer)
        e.placeLines(fw, in: Rect(x: field.x + pad, y: field.y + (kh - fw.height) / 2, width: field.width - 2 * pad, height: fw.height),
                     color: text.isEmpty ? e.theme.mutedText : e.theme.text, alignment: .leading, id: "\(id).field", role: .textField, into: &list)
        e.placeButton(Button(id: "\(id).erase", label: eraseLabel, style: .secondary),
                      frame: Rect(x: field.maxX + gap, y: frame.y, width: kw, height: kh), textStyle: .key, onBar: false, into: &list)
        e.placeButton(Button(id: "\(id).ok", label: okLabel, style: .primary),
                      frame: Rect(x: field.maxX + kw + 2 * gap, y: frame.y, width: okW, height: kh), textStyle: .button, onBar: false, into: &list)
        var y = frame.y + kh + gap
        for keys in rows {
            let w = keys.reduce(0) { $0 + $1.1 * kw + ($1.1 - 1) * gap } + (keys.count - 1) * gap
            var x = frame.x + (frame.width - w) / 2
            for (b, span) in keys {
                let bw = span * kw + (span - 1) * gap
                e.placeButton(b, frame: Rect(x: x, y: y, width: bw, height: kh), textStyle: b.label.count <= 2 ? .key : .small,
                              onBar: false, into: &list)
                x += bw + gap
            }
            y += kh + gap
        }
    }
}

@MainActor extension DatePicker: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.font(.small).pixels * 3 / 2 + 3 * e.target + 2 * e.gap }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let target = e.target, gap = e.gap, pad = e.pad
        let cw = min((frame.width - 2 * e.mm(6)) / 3, e.mm(70))
        let x0 = frame.x + (frame.width - (3 * cw + 2 * e.mm(6))) / 2
        for (i, (key, part)) in [("day", day), ("month", month), ("year", year)].enumerated() {
            let x = x0 + i * (cw + e.mm(6))
            var y = frame.y
            let lw = e.wrap(part.label, style: .small, width: cw)
            e.placeLines(lw, in: Rect(x: x, y: y, width: cw, height: lw.height), color: e.theme.mutedText, alignment: .center,
                         id: "\(id).\(key).label", role: .text, into: &list)
            y += e.font(.small).pixels * 3 / 2
            e.placeButton(Button(id: "\(id).\(key).up", label: "▲", style: .secondary, speech: part.upSpeech),
                          frame: Rect(x: x, y: y, width: cw, height: target), textStyle: .key, onBar: false, into: &list)
            y += target + gap
            let vr = Rect(x: x, y: y, width: cw, height: target)
            list.append(DisplayItem(frame: vr, kind: .rect(fill: e.theme.surface, border: nil, borderWidth: 0, radius: e.radius),
                                    widgetID: "\(id).\(key)", role: .datePart, speech: "\(part.label) \(part.value)"))
            let vw = TextWrapper.fit(part.value, font: e.font(.title), maxWidth: cw - 2 * pad, maxHeight: target, measurer: e.measurer)
            e.placeLines(vw, in: Rect(x: x + pad, y: y + (target - vw.height) / 2, width: cw - 2 * pad, height: vw.height),
                         color: e.theme.text, alignment: .center, id: "\(id).\(key)", role: .datePart, into: &list)
            y += target + gap
            e.placeButton(Button(id: "\(id).\(key).down", label: "▼", style: .secondary, speech: part.downSpeech),
                          frame: Rect(x: x, y: y, width: cw, height: target), textStyle: .key, onBar: false, into: &list)
        }
    }
}

// MARK: - Lists

@MainActor extension ListView: NodeLayout {
    /// One row for a width: its name (with its badges), its detail, its
    /// actions, arranged the shortest way, and its height.
    struct RowLayout {
        enum Arrangement {
            /// The text's column, the actions beside it on the right.
            case beside
            /// The name beside the actions; the detail under both, the whole width.
            case detailUnder
            /// The name the whole width; the detail beside the actions under it.
            case nameAbove
            /// Name and detail the whole width, the actions under them (large text, long names).
            case actionsBelow
        }
        var row: ListView.Row
        var arrangement: Arrangement
        var height: Int
        var text: TextBlock
        /// The band of the actions (and what sits beside them).
        var band: Int
        var actionLines: [[Button]]
    }

    /// The name (bold), its badges and the detail. The badges go after the
    /// name's last line when they fit there (the state next to the name),
    /// else before the detail's first line, else on a line of their own.
    struct TextBlock {
        enum Badges { case none, afterName, beforeDetail, ownLine }
        var title: WrappedText
        var nameWidth: Int
        var badgeWidths: [Int]
        var badges: Badges
        /// The name with its badges when they go with it.
        var nameHeight: Int
        var detail: WrappedText?
        var detailWidth: Int
        /// The detail's offset right of badges before it, and down to be level with them.
        var detailInset: Int
        var detailDrop: Int
        /// The detail with the badges before it.
        var detailHeight: Int
        var between: Int
        var height: Int { nameHeight + between + detailHeight }
    }

    struct Geometry {
        /// The rows of the page shown.
        var rows: [RowLayout]
        var height: Int
        /// The rows' width: the list's, less the pager beside them or the scroll bar.
        var rowWidth: Int
        /// Paged with its pager beside the rows (a wide list): its width.
        var side: Int?
        var scrollBarWidth: Int
        /// The first row of each page; the page shown.
        var pageStarts: [Int]
        var page: Int
        var pagerHeight: Int
        /// Each page's rows' height, and the room a page has.
        var pageUsed: [Int]
        var room: Int
        /// Every row's height.
        var heights: [Int]
    }

    func badgeFont(_ e: LayoutEngine) -> FontSpec { FontSpec(pixels: e.font(.small).pixels, bold: true) }
    func badgeHeight(_ e: LayoutEngine) -> Int { e.measurer.lineHeight(badgeFont(e)) + 2 * e.mm(0.8) }
    func badgeText(_ b: Badge) -> String { b.tone.symbol + "\u{00A0}" + b.word }
    /// The same, its arrow (« on its way ») pointing the way the screen reads.
    func badgeText(_ b: Badge, _ e: LayoutEngine) -> String {
        e.measurer.paragraphDirection == .rightToLeft && b.tone == .pending ? "⬅\u{00A0}" + b.word : badgeText(b)
    }

    /// The height of badges of `widths` flowing in lines `width` wide.
    func badgesBlock(_ widths: [Int], width: Int, _ e: LayoutEngine) -> Int {
        guard !widths.isEmpty else { return 0 }
        var lines = 1, used = 0
        for w in widths {
            if used > 0, used + e.gap + w > width { lines += 1; used = w } else { used += (used > 0 ? e.gap : 0) + w }
        }
        return lines * badgeHeight(e) + (lines - 1) * e.mm(1)
    }

    /// Between two rows: 2 mm (their actions sit 1 mm at least inside
    /// them: 4 mm apart); 3 mm between rows one taps.
    func rowGap(_ e: LayoutEngine) -> Int { rowsSelectable ? e.gap : e.mm(2) }

    func textBlock(_ row: ListView.Row, nameWidth: Int, detailWidth: Int, _ e: LayoutEngine) -> TextBlock {
        let t = e.wrap(row.title, style: .button, width: nameWidth)
        // No badge wider than a column (its word shrinks inside).
        let widths = row.badges.map { min(e.measurer.width(of: badgeText($0, e), font: badgeFont(e)) + 2 * e.mm(2.5), max(1, min(nameWidth, detailWidth))) }
        let bw = widths.reduce(0, +) + e.gap * max(0, widths.count - 1)
        let bh = badgeHeight(e)
        let last = t.lines.last.map { e.measurer.width(of: $0, font: t.font) } ?? 0
        let mode: TextBlock.Badges = widths.isEmpty ? .none
            : last + 2 * e.gap + bw <= nameWidth ? .afterName
            : row.detail != nil && detailWidth - bw - e.gap >= detailWidth * 45 / 100 ? .beforeDetail : .ownLine
        let nameHeight = t.height + (mode == .afterName ? max(0, bh - t.lineHeight) : mode == .ownLine ? e.mm(1) + badgesBlock(widths, width: nameWidth, e) : 0)
        let inset = mode == .beforeDetail ? bw + e.gap : 0
        let d = row.detail.map { e.wrap($0, style: .small, width: detailWidth - inset) }
        let drop = mode == .beforeDetail ? max(0, (bh - (d?.lineHeight ?? 0)) / 2) : 0
        let dh = mode == .beforeDetail ? max(bh, drop + (d?.height ?? 0)) : d?.height ?? 0
        return TextBlock(title: t, nameWidth: nameWidth, badgeWidths: widths, badges: mode, nameHeight: nameHeight, detail: d, detailWidth: detailWidth,
                         detailInset: inset, detailDrop: drop, detailHeight: dh, between: d == nil ? 0 : e.mm(mode == .beforeDetail ? 1 : 0.5))
    }

    func rowLayout(_ row: ListView.Row, rowWidth: Int, _ e: LayoutEngine) -> RowLayout {
        let gap = e.gap, pad = e.pad, vpad = e.mm(1.5), full = rowWidth - 2 * pad
        let actionsWidth = row.actions.map { e.naturalWidth(button: $0, style: .button) }.reduce(0, +) + gap * max(0, row.actions.count - 1)
        let column = rowWidth - 3 * pad - actionsWidth
        // A row to read only (no action, not to choose) needs no touch height.
        let readOnly = row.actions.isEmpty && !rowsSelectable
        // A word (a long name) that would step down or break between characters: not this way.
        func cramped(_ b: TextBlock) -> Bool {
            [b.title, b.detail].compactMap { $0 }.contains { $0.font.pixels < e.font($0 == b.title ? .button : .small).pixels || $0.brokenBetweenCharacters }
        }
        if row.actions.isEmpty || readOnly {
            let tb = textBlock(row, nameWidth: full, detailWidth: full, e)
            return RowLayout(row: row, arrangement: .beside, height: readOnly ? tb.height + 2 * vpad : max(e.target + 2 * e.mm(1), tb.height + 2 * vpad),
                             text: tb, band: tb.height, actionLines: [row.actions])
        }
        var options: [RowLayout] = []
        if actionsWidth <= rowWidth * 55 / 100 {
            // Beside: the text's column, the actions on the right.
            let beside = textBlock(row, nameWidth: column, detailWidth: column, e)
            if !cramped(beside) {
                options.append(RowLayout(row: row, arrangement: .beside, height: max(e.target + 2 * e.mm(1), beside.height + 2 * vpad), text: beside,
                                         band: beside.height, actionLines: [row.actions]))
            }
            // The name beside the actions, the detail under both, the whole width.
            let under = textBlock(row, nameWidth: column, detailWidth: full, e)
            if row.detail != nil, !cramped(under) {
                let band = max(e.target, under.nameHeight)
                options.append(RowLayout(row: row, arrangement: .detailUnder, height: band + e.mm(1) + under.detailHeight + 2 * vpad, text: under,
                                         band: band, actionLines: [row.actions]))
            }
            // The name the whole width, the detail beside the actions under it.
            let above = textBlock(row, nameWidth: full, detailWidth: column, e)
            if !cramped(above) {
                let band = max(e.target, above.detailHeight)
                options.append(RowLayout(row: row, arrangement: .nameAbove, height: above.nameHeight + e.mm(1) + band + 2 * vpad, text: above,
                                         band: band, actionLines: [row.actions]))
            }
        }
        if let best = options.min(by: { $0.height < $1.height }) { return best }
        // Below the text, actions wider than the row go on several lines (large text, portrait).
        let tb = textBlock(row, nameWidth: full, detailWidth: full, e)
        let lines = e.actionLines(row.actions, width: full)
        let actionsH = lines.count * e.target + max(0, lines.count - 1) * gap
        return RowLayout(row: row, arrangement: .actionsBelow, height: tb.height + gap + actionsH + 2 * vpad, text: tb, band: actionsH, actionLines: lines)
    }

    /// A wide list pages with its pager beside the rows (« ▲ » above,
    /// « Page 2 sur 4 », « ▼ » below): the rows keep the whole height. Its
    /// width, or nil when the rows would keep less than 200 mm.
    func sidePager(width: Int, _ e: LayoutEngine) -> Int? {
        guard rows.count > 1 else { return nil }
        let words = e.labels.position(88, of: 88).split(separator: " ").map { e.measurer.width(of: String($0), font: e.font(.small)) }
        let pairs = stride(from: 0, to: words.count, by: 2).map { i in words[i] + (i + 1 < words.count ? e.measurer.width(of: " ", font: e.font(.small)) + words[i + 1] : 0) }
        let w = max(e.target + e.mm(4), (pairs.max() ?? 0) + 2 * e.mm(2))
        return width - w - e.gap >= e.mm(200) ? w : nil
    }

    /// The side pager's least height: its two arrows and the position between.
    func sidePagerHeight(_ w: Int, _ e: LayoutEngine) -> Int {
        2 * e.target + 2 * e.gap + e.wrap(e.labels.position(88, of: 88), style: .small, width: w - 2 * e.mm(1)).height
    }

    /// The rows cut into pages by their real heights from the first row
    /// (at most `visibleRows` a page), in `maxHeight` (nil: all on one
    /// page); the page that holds `firstVisible` is the one shown.
    func geometry(width: Int, maxHeight: Int?, _ e: LayoutEngine) -> Geometry {
        let gap = rowGap(e)
        let cap = visibleRows ?? Int.max
        // All on one page, the whole width, when they fit.
        let whole = rows.map { rowLayout($0, rowWidth: width, e) }
        let natural = whole.reduce(0) { $0 + $1.height + gap } - (whole.isEmpty ? 0 : gap)
        if rows.count <= 1 || (maxHeight.map { natural <= $0 } ?? true) && cap >= rows.count {
            return Geometry(rows: whole, height: max(0, natural), rowWidth: width, side: nil, scrollBarWidth: 0, pageStarts: [0], page: 0,
                            pagerHeight: 0, pageUsed: [natural], room: maxHeight ?? natural, heights: whole.map(\.height))
        }
        let side = sidePager(width: width, e)
        let bar = e.mm(5)
        let rowWidth = side.map { width - $0 - e.gap } ?? width - bar - e.gap
        let all = rows.map { rowLayout($0, rowWidth: rowWidth, e) }
        let pager = e.pagerLayout(pageLabels(e), width: width)
        let allNatural = all.reduce(0) { $0 + $1.height + gap }
        let room = side != nil ? (maxHeight ?? allNatural) : max(0, (maxHeight ?? allNatural) - pager.height - e.gap)
        var starts = [0]
        var used: [Int] = []
        var y = 0, count = 0
        for (i, r) in all.enumerated() {
            if count > 0, y + r.height > room || count >= cap {
                starts.append(i)
                used.append(y - gap)
                y = 0; count = 0
            }
            y += r.height + gap
            count += 1
        }
        used.append(y - gap)
        let page = max(0, (starts.lastIndex { $0 <= firstVisible } ?? 0))
        let from = starts[page], to = page + 1 < starts.count ? starts[page + 1] : all.count
        let shown = Array(all[from..<to])
        let rowsHeight = shown.reduce(0) { $0 + $1.height + gap } - gap
        let height = side.map { max(rowsHeight, sidePagerHeight($0, e)) } ?? rowsHeight + e.gap + pager.height
        return Geometry(rows: shown, height: height, rowWidth: rowWidth, side: side, scrollBarWidth: side == nil ? bar : 0, pageStarts: starts,
                        page: page, pagerHeight: side == nil ? pager.height : 0, pageUsed: used, room: room, heights: all.map(\.height))
    }

    /// The list's pager words: its own « Précédent » / « Suivant », the screen's « Page n sur N ».
    func pageLabels(_ e: LayoutEngine) -> PageLabels {
        var l = e.labels
        l.previous = previousLabel
        l.next = nextLabel
        return l
    }

    /// The least: its tallest row and the pager (a list gives up rows, and
    /// pages, rather than overflow).
    func measure(width: Int, _ e: LayoutEngine) -> Int {
        guard !rows.isEmpty else { return 0 }
        guard rows.count > 1 else { return rowLayout(rows[0], rowWidth: width, e).height }
        if let side = sidePager(width: width, e) {
            let tallest = rows.map { rowLayout($0, rowWidth: width - side - e.gap, e).height }.max() ?? 0
            return max(tallest, sidePagerHeight(side, e))
        }
        let tallest = rows.map { rowLayout($0, rowWidth: width - e.mm(5) - e.gap, e).height }.max() ?? 0
        return tallest + e.gap + e.pagerLayout(pageLabels(e), width: width).height
    }
    func naturalHeight(width: Int, _ e: LayoutEngine) -> Int { geometry(width: width, maxHeight: nil, e).height }
    var containsList: Bool { true }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let gap = e.gap, pad = e.pad, target = e.target, theme = e.theme, vpad = e.mm(1.5), rowGap = rowGap(e)
        let g = geometry(width: frame.width, maxHeight: frame.height, e)
        e.log.pages[id] = g.rows.count
        e.log.pageStarts[id] = g.pageStarts
        if g.pageStarts.count > 1 {
            for (i, u) in g.pageUsed.enumerated() {
                let next = i + 1 < g.pageStarts.count ? g.heights[g.pageStarts[i + 1]] + rowGap : nil
                e.log.areas.append(PageArea(id: "\(id) page \(i + 1)", height: g.room, used: u, continues: i < g.pageUsed.count - 1, nextBlock: next))
            }
        }
        let rowWidth = g.rowWidth
        var y = frame.y
        for r in g.rows {
            let rf = Rect(x: frame.x, y: y, width: rowWidth, height: r.height)
            let fill = r.row.selected ? theme.selectedFill : r.row.highlighted ? theme.highlightFill : theme.surface
            let borderColor = r.row.highlighted ? theme.highlightBorder : theme.divider
            let speech = [r.row.title] + r.row.badges.map(\.word) + [r.row.detail].compactMap { $0 }
            list.append(DisplayItem(frame: rf, kind: .rect(fill: fill, border: borderColor, borderWidth: r.row.highlighted ? 2 * e.border : 1,
                                                           radius: e.radius),
                                    widgetID: r.row.id, role: .listRow, speech: speech.joined(separator: ". "),
                                    isTarget: rowsSelectable, isSelected: r.row.selected))
            let textColor = r.row.selected ? theme.onSelected : theme.text
            let x = rf.x + pad
            let top = y + vpad
            // Where the name, the detail and the actions go, by the row's arrangement.
            let nameY: Int, detailY: Int, actionsY: Int
            let tb = r.text
            switch r.arrangement {
            case .beside:
                nameY = y + (r.height - tb.height) / 2
                detailY = nameY + tb.nameHeight + tb.between
                actionsY = y + (r.height - target) / 2
            case .detailUnder:
                nameY = top + (r.band - tb.nameHeight) / 2
                detailY = top + r.band + e.mm(1)
                actionsY = top + (r.band - target) / 2
            case .nameAbove:
                nameY = top
                detailY = top + tb.nameHeight + e.mm(1) + (r.band - tb.detailHeight) / 2
                actionsY = top + tb.nameHeight + e.mm(1) + (r.band - target) / 2
            case .actionsBelow:
                nameY = top
                detailY = top + tb.nameHeight + tb.between
                actionsY = top + tb.height + gap
            }
            placeText(tb, row: r.row, x: x, nameY: nameY, detailY: detailY, color: textColor, e, into: &list)
            var ay = actionsY
            for line in r.actionLines {
                var ax = rf.maxX - pad
                for a in line.reversed() {
                    let w = min(e.naturalWidth(button: a, style: .button), rowWidth - 2 * pad)
                    ax -= w
                    e.placeButton(a, frame: Rect(x: ax, y: ay, width: w, height: target), textStyle: .button, onBar: false, role: .listAction,
                                  into: &list)
                    ax -= gap
                }
                ay += target + gap
            }
            y += r.height + rowGap
        }
        if let side = g.side {
            placeSidePager(g, width: side, in: frame, e, into: &list)
            return
        }
        guard g.scrollBarWidth > 0 else { return }
        // Scroll affordance: a track with a thumb, and the pager: « ▲ Précédent », « Page 2 sur 4 », « Suivant ▼ »,
        // at the bottom of the list's room, the same place on every page (« Suivant » again and again).
        let pagerY = max(y - rowGap + gap, frame.maxY - g.pagerHeight)
        let trackH = pagerY - gap - frame.y
        let track = Rect(x: frame.maxX - g.scrollBarWidth, y: frame.y, width: g.scrollBarWidth, height: trackH)
        list.append(DisplayItem(frame: track, kind: .rect(fill: theme.track, border: nil, borderWidth: 0, radius: g.scrollBarWidth / 2),
                                widgetID: "\(id).track", role: .scrollTrack))
        let n = max(1, rows.count)
        let first = g.pageStarts[g.page]
        let shown = g.rows.count
        let thumbH = max(e.mm(8), trackH * shown / n)
        let maxFirst = max(1, rows.count - shown)
        let thumbY = track.y + (trackH - thumbH) * min(first, maxFirst) / maxFirst
        list.append(DisplayItem(frame: Rect(x: track.x, y: thumbY, width: track.width, height: thumbH),
                                kind: .rect(fill: theme.trackFill, border: nil, borderWidth: 0, radius: g.scrollBarWidth / 2),
                                widgetID: "\(id).thumb", role: .scrollThumb))
        // At the bottom of the list's room, the same place on every page: « Suivant » again and again.
        e.placePager(pageLabels(e), page: g.page, count: g.pageStarts.count, prefix: id,
                     in: Rect(x: frame.x, y: pagerY, width: frame.width, height: g.pagerHeight), into: &list)
    }

    /// « ▲ » at the top of the column beside the rows, « ▼ » at its
    /// bottom (the same places on every page), the position between, and
    /// a scroll track when there is room.
    func placeSidePager(_ g: Geometry, width w: Int, in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let x = frame.maxX - w, target = e.target, gap = e.gap, theme = e.theme
        let count = g.pageStarts.count
        e.placeButton(Button(id: "\(id).previous", label: "▲", style: .secondary, enabled: g.page > 0, speech: previousLabel),
                      frame: Rect(x: x, y: frame.y, width: w, height: target), textStyle: .key, onBar: false, into: &list)
        let bottom = frame.y + max(g.height, frame.height)
        e.placeButton(Button(id: "\(id).next", label: "▼", style: .secondary, enabled: g.page < count - 1, speech: nextLabel),
                      frame: Rect(x: x, y: bottom - target, width: w, height: target), textStyle: .key, onBar: false, into: &list)
        let text = e.wrap(e.labels.position(g.page + 1, of: count), style: .small, width: w - 2 * e.mm(1))
        let top = frame.y + target + gap
        e.placeLines(text, in: Rect(x: x + e.mm(1), y: top, width: w - 2 * e.mm(1), height: text.height), color: theme.text,
                     alignment: .center, id: "\(id).position", role: .text, into: &list)
        // The track: where this page is among the rows.
        let trackTop = top + text.height + gap, trackBottom = bottom - target - gap
        guard trackBottom - trackTop >= e.mm(6) else { return }
        let tw = e.mm(3)
        let track = Rect(x: x + (w - tw) / 2, y: trackTop, width: tw, height: trackBottom - trackTop)
        list.append(DisplayItem(frame: track, kind: .rect(fill: theme.track, border: nil, borderWidth: 0, radius: tw / 2),
                                widgetID: "\(id).track", role: .scrollTrack))
        let first = g.pageStarts[g.page], shown = g.rows.count, n = max(1, rows.count)
        let thumbH = min(track.height, max(e.mm(4), track.height * shown / n))
        let maxFirst = max(1, rows.count - shown)
        let thumbY = track.y + (track.height - thumbH) * min(first, maxFirst) / maxFirst
        list.append(DisplayItem(frame: Rect(x: track.x, y: thumbY, width: tw, height: thumbH),
                                kind: .rect(fill: theme.trackFill, border: nil, borderWidth: 0, radius: tw / 2),
                                widgetID: "\(id).thumb", role: .scrollThumb))
    }

    /// The name, its badges and the detail, from `x`.
    func placeText(_ tb: TextBlock, row: ListView.Row, x: Int, nameY: Int, detailY: Int, color: Color, _ e: LayoutEngine,
                   into list: inout DisplayList) {
        let lh = tb.title.lineHeight, bh = badgeHeight(e)
        // Badges taller than the name's line: the name centred on them.
        let lift = tb.badges == .afterName ? max(0, bh - lh) : 0
        e.placeLines(tb.title, in: Rect(x: x, y: nameY + lift / 2, width: tb.nameWidth, height: tb.title.height), color: color,
                     alignment: .leading, id: row.id, role: .text, into: &list)
        var bx = x, by = nameY + tb.title.height + e.mm(1), lineWidth = tb.nameWidth
        switch tb.badges {
        case .none: break
        case .afterName:
            bx += e.measurer.width(of: tb.title.lines.last ?? "", font: tb.title.font) + 2 * e.gap
            by = nameY + lift / 2 + (tb.title.lines.count - 1) * lh + (lh - bh) / 2
        case .beforeDetail:
            by = detailY
            lineWidth = tb.detailWidth
        case .ownLine: break
        }
        for (b, w) in zip(row.badges, tb.badgeWidths) {
            // Too many for the line: the next line.
            if tb.badges == .ownLine, bx > x, bx + w > x + lineWidth {
                bx = x
                by += bh + e.mm(1)
            }
            placeBadge(b, frame: Rect(x: bx, y: by, width: w, height: bh), rowID: row.id, e, into: &list)
            bx += w + e.gap
        }
        if let d = tb.detail {
            e.placeLines(d, in: Rect(x: x + tb.detailInset, y: detailY + tb.detailDrop, width: tb.detailWidth - tb.detailInset, height: d.height),
                         color: row.selected ? e.theme.onSelected : e.theme.mutedText, alignment: .leading, id: row.id, role: .text, into: &list)
        }
    }

    /// A state badge: pictogram, word, colour, all three.
    func placeBadge(_ b: Badge, frame: Rect, rowID: String, _ e: LayoutEngine, into list: inout DisplayList) {
        let c = e.theme.badge(b.tone)
        list.append(DisplayItem(frame: frame, kind: .rect(fill: c.fill, border: c.border, borderWidth: max(1, e.border * 2 / 3), radius: frame.height / 2),
                                widgetID: "\(rowID).badge", role: .badge, speech: b.word))
        let f = badgeFont(e)
        let w = TextWrapper.fit(badgeText(b, e), font: f, maxWidth: frame.width - 2 * e.mm(2), maxHeight: frame.height, measurer: e.measurer)
        e.placeLines(w, in: Rect(x: frame.x + e.mm(2), y: frame.y + (frame.height - w.height) / 2, width: frame.width - 2 * e.mm(2), height: w.height),
                     color: c.text, alignment: .center, id: "\(rowID).badge", role: .badge, into: &list)
    }
}

// MARK: - Progress, pictures

@MainActor extension Progress: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.wrap(message, style: .body, width: width).height + e.mm(4) + e.mm(6) }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let theme = e.theme
        let w = e.wrap(message, style: .body, width: frame.width)
        e.placeLines(w, in: Rect(x: frame.x, y: frame.y, width: frame.width, height: w.height), color: theme.text,
                     alignment: .center, id: id, role: .progress, into: &list)
        let barW = min(frame.width, e.mm(140))
        let bar = Rect(x: frame.x + (frame.width - barW) / 2, y: frame.y + w.height + e.mm(4), width: barW, height: e.mm(6))
        list.append(DisplayItem(frame: bar, kind: .rect(fill: theme.track, border: nil, borderWidth: 0, radius: bar.height / 2),
                                widgetID: id, role: .progress, speech: message))
        let fill: Rect
        if let f = fraction {
            fill = Rect(x: bar.x, y: bar.y, width: Int(Double(bar.width) * min(1, max(0, f))), height: bar.height)
        } else {
            let bw = bar.width * 3 / 10
            fill = Rect(x: bar.x + Int(Double(bar.width - bw) * min(1, max(0, phase))), y: bar.y, width: bw, height: bar.height)
        }
        list.append(DisplayItem(frame: fill, kind: .rect(fill: theme.trackFill, border: nil, borderWidth: 0, radius: bar.height / 2),
                                widgetID: "\(id).fill", role: .progress))
    }
}

@MainActor extension Image: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.mm(heightMM) }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let h = e.mm(heightMM), w = Int(Double(h) * aspect)
        list.append(DisplayItem(frame: Rect(x: frame.x + (frame.width - w) / 2, y: frame.y, width: w, height: h),
                                kind: .image(path: path), widgetID: id, role: .image))
    }
}

@MainActor extension Drawing: NodeLayout {
    func measure(width: Int, _ e: LayoutEngine) -> Int { e.mm(heightMM) }

    func paint(_ p: Paint, _ theme: Theme) -> Color {
        switch p {
        case .primary: theme.primary
        case .surface: theme.surface
        case .text: theme.text
        case .muted: theme.mutedText
        case .accent: theme.focusRing
        case .background: theme.background
        case .track: theme.track
        case .danger: theme.danger
        }
    }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let x0 = frame.x + (frame.width - e.mm(widthMM)) / 2, y0 = frame.y
        func px(_ v: Double) -> Int { Int((v * e.metrics.pixelsPerMM).rounded()) }
        for shape in shapes {
            switch shape {
            case .rect(let x, let y, let w, let h, let r, let fill, let b):
                list.append(DisplayItem(frame: Rect(x: x0 + px(x), y: y0 + px(y), width: px(w), height: px(h)),
                                        kind: .rect(fill: paint(fill, e.theme), border: b.map { paint($0, e.theme) },
                                                    borderWidth: b == nil ? 0 : e.border, radius: px(r)),
                                        widgetID: id, role: .image))
            case .glyph(let g, let x, let y, let size, let p):
                let f = FontSpec(pixels: px(size), bold: true)
                let w = e.measurer.width(of: g, font: f), h = e.measurer.lineHeight(f)
                var glyph = DisplayItem(frame: Rect(x: x0 + px(x) - w / 2, y: y0 + px(y) - h / 2, width: w, height: h),
                                        kind: .text(g, font: f, color: paint(p, e.theme)), widgetID: id, role: .image)
                // Mirrored with the drawing in a right-to-left screen, an arrow points the other way.
                glyph.flipsHorizontally = e.measurer.paragraphDirection == .rightToLeft && Drawing.directionalGlyphs.contains(g)
                list.append(glyph)
            case .modules(let matrix, let x, let y, let side):
                // A QR code is never mirrored.
                let first = list.items.count
                defer { list.keepOrder(from: first) }
                let (background, dark) = matrix.rects(x0: x0 + px(x), y0: y0 + px(y), side: px(side))
                list.append(DisplayItem(frame: background, kind: .rect(fill: Color(hex: 0xFFFFFF), border: nil, borderWidth: 0, radius: 0),
                                        widgetID: id, role: .image))
                for r in dark {
                    list.append(DisplayItem(frame: r, kind: .rect(fill: Color(hex: 0x000000), border: nil, borderWidth: 0, radius: 0),
                                            widgetID: id, role: .image))
                }
            case .raster(let raster, let x, let y, let w, let h):
                for (r, c) in raster.rects(x0: x0 + px(x), y0: y0 + px(y), w: px(w), h: px(h)) {
                    list.append(DisplayItem(frame: r, kind: .rect(fill: c, border: nil, borderWidth: 0, radius: 0), widgetID: id, role: .image))
                }
            }
        }
    }
}
