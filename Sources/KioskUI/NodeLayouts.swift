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
        let kh = e.target, gap = e.gap, pad = e.pad
        let (columns, kw, rows) = keyRows(width: frame.width, e)
        let rowWidth = columns * kw + (columns - 1) * gap
        let x0 = frame.x + (frame.width - rowWidth) / 2
        // Row 0: the text, then erase and OK.
        let okW = 2 * kw + gap
        let field = Rect(x: x0, y: frame.y, width: rowWidth - okW - kw - 2 * gap, height: kh)
        list.append(DisplayItem(frame: field, kind: .rect(fill: e.theme.surface, border: e.theme.secondaryBorder, borderWidth: e.border, radius: e.radius),
                                widgetID: "\(id).field", role: .textField, speech: text.isEmpty ? placeholder : text))
        let shown = text.isEmpty ? placeholder : text + "|"
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
    struct Geometry {
        var rows: [(row: ListView.Row, height: Int, actionsBelow: Bool, textWidth: Int, title: WrappedText, detail: WrappedText?,
                    actionLines: [[Button]])]
        var height: Int
        var scrollBarWidth: Int
    }

    /// Rows from `firstVisible`, as many as `visibleRows` and as fit in
    /// `maxHeight` (at least one); the pager when rows are hidden.
    func geometry(width: Int, maxHeight: Int?, _ e: LayoutEngine) -> Geometry {
        let gap = e.gap, pad = e.pad
        let bar = rows.count > 1 ? e.mm(5) : 0
        let rowWidth = width - (bar > 0 ? bar + gap : 0)
        var laid: [(ListView.Row, Int, Bool, Int, WrappedText, WrappedText?, [[Button]])] = []
        var total = 0
        let visible = rows.dropFirst(firstVisible).prefix(visibleRows)
        let pagerHeight = e.target + gap
        for row in visible {
            let actionsWidth = row.actions.map { e.naturalWidth(button: $0, style: .button) }.reduce(0, +) + gap * max(0, row.actions.count - 1)
            var below = actionsWidth > rowWidth * 55 / 100
            var textWidth = below ? rowWidth - 2 * pad : rowWidth - 3 * pad - actionsWidth
            var t = e.wrap(row.title, style: .button, width: textWidth)
            var d = row.detail.map { e.wrap($0, style: .small, width: textWidth) }
            // A word (a long name) that would step down or break between
            // characters beside the actions: the text takes the row's
            // width, the actions go under it.
            func cramped(_ w: WrappedText, _ style: TextStyle) -> Bool { w.font.pixels < e.font(style).pixels || w.brokenBetweenCharacters }
            if !below, !row.actions.isEmpty, cramped(t, .button) || d.map({ cramped($0, .small) }) == true {
                below = true
                textWidth = rowWidth - 2 * pad
                t = e.wrap(row.title, style: .button, width: textWidth)
                d = row.detail.map { e.wrap($0, style: .small, width: textWidth) }
            }
            let textH = t.height + (d?.height ?? 0)
            // Below the text, actions wider than the row go on several lines (large text, portrait).
            let lines = below ? e.actionLines(row.actions, width: rowWidth - 2 * pad) : [row.actions]
            let actionsH = lines.count * e.target + max(0, lines.count - 1) * gap
            // A row to read only (no action, not to choose) needs no touch height.
            let readOnly = row.actions.isEmpty && !rowsSelectable
            let h = below ? textH + gap + actionsH + 2 * pad : readOnly ? textH + 2 * pad : max(e.target + 2 * pad, textH + 2 * pad)
            if let maxH = maxHeight, !laid.isEmpty, total + h + gap + pagerHeight > maxH { break }
            laid.append((row, h, below, textWidth, t, d, lines))
            total += h + gap
        }
        let paged = firstVisible > 0 || firstVisible + laid.count < rows.count
        return Geometry(rows: laid, height: total + (paged ? pagerHeight : 0), scrollBarWidth: paged ? bar : 0)
    }

    /// The minimum: a list gives up rows (and pages) rather than overflow.
    func measure(width: Int, _ e: LayoutEngine) -> Int { geometry(width: width, maxHeight: 0, e).height }
    func naturalHeight(width: Int, _ e: LayoutEngine) -> Int { geometry(width: width, maxHeight: nil, e).height }
    var containsList: Bool { true }

    func place(in frame: Rect, _ e: LayoutEngine, into list: inout DisplayList) {
        let gap = e.gap, pad = e.pad, target = e.target, theme = e.theme
        let g = geometry(width: frame.width, maxHeight: frame.height, e)
        e.log.pages[id] = g.rows.count
        let rowWidth = frame.width - (g.scrollBarWidth > 0 ? g.scrollBarWidth + gap : 0)
        var y = frame.y
        for r in g.rows {
            let rf = Rect(x: frame.x, y: y, width: rowWidth, height: r.height)
            list.append(DisplayItem(frame: rf, kind: .rect(fill: r.row.selected ? theme.selectedFill : theme.surface, border: theme.divider,
                                                           borderWidth: 1, radius: e.radius),
                                    widgetID: r.row.id, role: .listRow,
                                    speech: [r.row.title, r.row.detail].compactMap { $0 }.joined(separator: ". "),
                                    isTarget: rowsSelectable, isSelected: r.row.selected))
            let textColor = r.row.selected ? theme.onSelected : theme.text
            let textH = r.title.height + (r.detail?.height ?? 0)
            let ty = r.actionsBelow ? y + pad : y + (r.height - textH) / 2
            e.placeLines(r.title, in: Rect(x: rf.x + pad, y: ty, width: r.textWidth, height: r.title.height), color: textColor,
                         alignment: .leading, id: r.row.id, role: .text, into: &list)
            if let d = r.detail {
                e.placeLines(d, in: Rect(x: rf.x + pad, y: ty + r.title.height, width: r.textWidth, height: d.height),
                             color: r.row.selected ? theme.onSelected : theme.mutedText, alignment: .leading, id: r.row.id, role: .text, into: &list)
            }
            var ay = r.actionsBelow ? y + pad + textH + gap : y + (r.height - target) / 2
            for line in r.actionLines {
                var ax = rf.maxX - pad
                for a in line.reversed() {
                    let w = min(e.naturalWidth(button: a, style: .button), rowWidth - 2 * pad)
                    ax -= w
                    e.placeButton(a, frame: Rect(x: ax, y: ay, width: w, height: target), textStyle: .button, onBar: false, into: &list)
                    ax -= gap
                }
                ay += target + gap
            }
            y += r.height + gap
        }
        guard g.scrollBarWidth > 0 else { return }
        // Scroll affordance: a track with a thumb, and two large buttons.
        let trackH = y - gap - frame.y
        let track = Rect(x: frame.maxX - g.scrollBarWidth, y: frame.y, width: g.scrollBarWidth, height: trackH)
        list.append(DisplayItem(frame: track, kind: .rect(fill: theme.track, border: nil, borderWidth: 0, radius: g.scrollBarWidth / 2),
                                widgetID: "\(id).track", role: .scrollTrack))
        let n = max(1, rows.count)
        let shown = g.rows.count
        let thumbH = max(e.mm(8), trackH * shown / n)
        let maxFirst = max(1, rows.count - shown)
        let thumbY = track.y + (trackH - thumbH) * firstVisible / maxFirst
        list.append(DisplayItem(frame: Rect(x: track.x, y: thumbY, width: track.width, height: thumbH),
                                kind: .rect(fill: theme.trackFill, border: nil, borderWidth: 0, radius: g.scrollBarWidth / 2),
                                widgetID: "\(id).thumb", role: .scrollThumb))
        let bw = (frame.width - gap) / 2
        e.placeButton(Button(id: "\(id).previous", label: "▲ " + previousLabel, style: .secondary, enabled: firstVisible > 0),
                      frame: Rect(x: frame.x, y: y, width: bw, height: target), textStyle: .button, onBar: false, into: &list)
        e.placeButton(Button(id: "\(id).next", label: "▼ " + nextLabel, style: .secondary, enabled: firstVisible + shown < rows.count),
                      frame: Rect(x: frame.x + bw + gap, y: y, width: bw, height: target), textStyle: .button, onBar: false, into: &list)
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
                list.append(DisplayItem(frame: Rect(x: x0 + px(x) - w / 2, y: y0 + px(y) - h / 2, width: w, height: h),
                                        kind: .text(g, font: f, color: paint(p, e.theme)), widgetID: id, role: .image))
            case .modules(let matrix, let x, let y, let side):
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
