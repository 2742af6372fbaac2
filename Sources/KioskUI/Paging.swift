/// A body or modal taller than the screen at the chosen text size is shown
/// a page at a time, with large "Précédent" / "Suite" buttons and the
/// position, instead of smaller type. Pages break between blocks (a
/// paragraph may continue on the next page, between its lines), never
/// inside a word.
extension LayoutEngine {
    /// One thing stacked in a paged area: a paragraph or banner (split
    /// between its lines when needed), a list row, anything else whole.
    struct PageBlock {
        var node: Node
        var x: Int
        var width: Int
        /// The least height (a list: one row and its pager).
        var height: Int
        /// A list's height with all its visible rows: it takes up to this.
        var natural: Int
        /// Space before it when it is not first on its page.
        var spacing: Int
        var wrapped: WrappedText?
        /// Padding around the lines (a banner's), on each page it spans.
        var chrome = 0
    }

    struct PagePiece {
        var block: PageBlock
        /// Text: the lines on this page.
        var lines: Range<Int>?
        var height: Int
        var spacing: Int
        /// A short text moved to this page with the block after it (kept
        /// together): that block's room, which the page before lacked too.
        var keptWith = 0
        /// The room this piece (and what it is kept with) needs at the end of the page before.
        var needs: Int { spacing + height + keptWith }
    }

    /// The blocks of `node`, top to bottom. Vertical stacks are opened (a
    /// nested one only when taller than a page: a question and its answers
    /// stay together); spacers are dropped (a page has no room to spare).
    func pageBlocks(_ node: Node, x: Int, width: Int, spacing: Int, pageHeight: Int, open: Bool) -> [PageBlock] {
        if case .stack(let s0) = node {
            let s = resolved(s0, width: width)
            // A group holding a list is opened too: its rows go to the body's pages (one way to page, not two).
            if s.axis == .vertical, open || containsList(node) || measure(node, width: width) > pageHeight {
                var out: [PageBlock] = []
                let sp = verticalSpacing(s)
                for child in s.children {
                    if case .spacer = child { continue }
                    let w = naturalWidth(child).map { min($0, width) } ?? width
                    let cx: Int
                    switch s.align {
                    case .center: cx = x + (width - w) / 2
                    case .end: cx = x + width - w
                    case .start, .fill: cx = x
                    }
                    out += pageBlocks(child, x: cx, width: w, spacing: out.isEmpty ? spacing : sp, pageHeight: pageHeight, open: false)
                }
                return out
            }
        }
        switch node {
        case .spacer: return []
        case .list(let l) where !l.rows.isEmpty:
            // Every row, each a block: the body's pages replace the list's own
            // (one way to page on a screen, not two); a row taller than a page is split below.
            return l.rows.enumerated().flatMap { i, row -> [PageBlock] in
                let (one, h) = singleRow(l, row, width: width)
                let sp = i == 0 ? spacing : gap
                guard h > pageHeight else {
                    return [PageBlock(node: one, x: x, width: width, height: h, natural: h, spacing: sp, wrapped: nil)]
                }
                // A row taller than a page: its text the whole width, its actions under it.
                var text = row
                text.actions = []
                let (alone, th) = singleRow(l, text, width: width)
                let lines = row.actions.isEmpty ? [] : actionLines(row.actions, width: width)
                let actions = Node.vstack(lines.map { line in .hstack(line.map { .button($0) }, spacing: .tight, align: .end) }, spacing: .tight)
                let ah = measure(actions, width: width)
                let actionBlock = lines.isEmpty ? [] : [PageBlock(node: actions, x: x, width: width, height: ah, natural: ah, spacing: gap, wrapped: nil)]
                if th <= pageHeight, !lines.isEmpty {
                    return [PageBlock(node: alone, x: x, width: width, height: th, natural: th, spacing: sp, wrapped: nil)] + actionBlock
                }
                // Still taller: its title and details as paragraphs, which may go on over two pages.
                let title = Node.text(Text(row.title, style: .button, id: row.id))
                let detail = row.detail.map { Node.text(Text($0, style: .small, muted: true, id: row.id)) }
                return pageBlocks(title, x: x, width: width, spacing: sp, pageHeight: pageHeight, open: false)
                    + (detail.map { pageBlocks($0, x: x, width: width, spacing: 0, pageHeight: pageHeight, open: false) } ?? [])
                    + actionBlock
            }
        case .text(let t):
            let w = wrap(t.string, style: t.style, width: width)
            return [PageBlock(node: node, x: x, width: width, height: w.height, natural: w.height, spacing: spacing, wrapped: w)]
        case .banner(let b):
            // A long banner continues on the next page too, each part on its colour.
            let w = wrap(b.text, style: .body, width: width - 2 * pad)
            return [PageBlock(node: node, x: x, width: width, height: w.height + 2 * pad, natural: w.height + 2 * pad, spacing: spacing,
                              wrapped: w, chrome: 2 * pad)]
        default:
            let h = measure(node, width: width)
            let natural = containsList(node) ? max(h, naturalHeight(node, width: width)) : h
            return [PageBlock(node: node, x: x, width: width, height: h, natural: natural, spacing: spacing, wrapped: nil)]
        }
    }

    /// One row of a list as a list of its own (no pager), and its height.
    func singleRow(_ l: ListView, _ r: ListView.Row, width: Int) -> (Node, Int) {
        let one = Node.list(ListView(id: l.id, rows: [r], visibleRows: 1, rowsSelectable: l.rowsSelectable,
                                     previousLabel: l.previousLabel, nextLabel: l.nextLabel))
        return (one, measure(one, width: width))
    }

    /// Blocks into pages `height` high, in order. A paragraph continues on
    /// the next page when at least two of its lines fit here and two go on
    /// (no line left alone); a short text right before a block that goes to
    /// the next page goes with it.
    func paginate(_ blocks: [PageBlock], height: Int) -> [[PagePiece]] {
        var pages: [[PagePiece]] = [[]]
        var y = 0
        func newPage() { if !pages[pages.count - 1].isEmpty { pages.append([]); y = 0 } }
        func add(_ p: PagePiece) { pages[pages.count - 1].append(p); y += p.spacing + p.height }
        for (i, b) in blocks.enumerated() {
            var first = 0
            let count = b.wrapped?.lines.count ?? 0
            var keptWith = 0
            while true {
                let sp = pages[pages.count - 1].isEmpty ? 0 : b.spacing
                let room = height - y - sp - b.chrome
                if let w = b.wrapped {
                    let left = count - first
                    let lh = max(1, w.lineHeight)
                    if left * lh <= room {
                        // Keep a short text with the block after it when that one starts the next page
                        // (a label with its value, a question with its answers).
                        if i + 1 < blocks.count, left <= 3, first == 0, y > 0, b.chrome == 0 {
                            let next = blocks[i + 1]
                            let after = room - left * lh - next.spacing
                            let nextWhole = next.wrapped.map { $0.lines.count <= 3 } ?? true
                            if nextWhole, next.height > after, left * lh + next.spacing + next.height <= height {
                                keptWith = next.spacing + next.height
                                newPage()
                                continue
                            }
                        }
                        add(PagePiece(block: b, lines: first..<count, height: left * lh + b.chrome, spacing: sp, keptWith: keptWith))
                        break
                    }
                    let fit = room / lh
                    // Two lines at least on each side of a break; on an empty page, whatever fits.
                    if (fit >= 2 && left - fit >= 2) || (fit >= 1 && y == 0) {
                        add(PagePiece(block: b, lines: first..<(first + fit), height: fit * lh + b.chrome, spacing: sp))
                        first += fit
                        newPage()
                        continue
                    }
                    if y == 0 { // not one line fits an empty page: shown, and reported
                        add(PagePiece(block: b, lines: first..<count, height: left * lh + b.chrome, spacing: sp))
                        break
                    }
                    newPage()
                    continue
                }
                if b.height <= room {
                    add(PagePiece(block: b, lines: nil, height: min(b.natural, room), spacing: sp))
                    break
                }
                if y > 0 { newPage(); continue }
                // Taller than a page on its own: a list shrinks to the page; anything else is reported.
                add(PagePiece(block: b, lines: nil, height: b.height, spacing: 0))
                break
            }
        }
        return pages
    }

    /// A piece, named in a problem.
    enum PieceName {
        static func describe(_ n: Node) -> String {
            switch n {
            case .text(let t): return t.id ?? "text"
            case .button(let b): return b.id
            case .list(let l): return l.rows.first.map { "\(l.id) row \($0.id)" } ?? l.id
            case .banner(let b): return b.id
            case .stack(let s): return "stack of \(s.children.count)"
            default: return "\(n)".prefix(20).description
            }
        }
    }

    /// The height a page's pieces take.
    func used(_ pieces: [PagePiece]) -> Int { pieces.reduce(0) { $0 + $1.spacing + $1.height } }

    /// Places one page's pieces from `top`; returns how far they go past `height` (0: they fit).
    func placePage(_ pieces: [PagePiece], top: Int, height: Int, into list: inout DisplayList) -> Int {
        var y = top
        for p in pieces {
            y += p.spacing
            if let w = p.block.wrapped, let r = p.lines, case .text(let t) = p.block.node {
                let part = w.lines(r)
                placeLines(part, in: Rect(x: p.block.x, y: y, width: p.block.width, height: part.height),
                           color: t.muted ? theme.mutedText : theme.text, alignment: t.alignment, id: t.id,
                           role: t.style == .title || t.style == .display ? .title : .text, into: &list)
            } else if let w = p.block.wrapped, let r = p.lines, case .banner(let b) = p.block.node {
                let part = w.lines(r)
                let (bg, fg) = b.kind == .error ? (theme.bannerError, theme.onBannerError) : (theme.bannerInfo, theme.onBannerInfo)
                list.append(DisplayItem(frame: Rect(x: p.block.x, y: y, width: p.block.width, height: p.height),
                                        kind: .rect(fill: bg, border: theme.contrast == .high ? fg : nil, borderWidth: theme.contrast == .high ? border : 0,
                                                    radius: radius),
                                        widgetID: b.id, role: .banner, speech: b.text))
                placeLines(part, in: Rect(x: p.block.x + pad, y: y + pad, width: p.block.width - 2 * pad, height: part.height), color: fg,
                           alignment: .leading, id: b.id, role: .banner, into: &list)
            } else {
                place(p.block.node, in: Rect(x: p.block.x, y: y, width: p.block.width, height: p.height), into: &list)
            }
            y += p.height
        }
        return max(0, y - top - height)
    }

    /// The pager's room: one row when "Précédent", the position and
    /// "Suite" fit side by side, else the position above the two buttons.
    func pagerLayout(_ labels: PageLabels, width: Int) -> (height: Int, inline: Bool, buttonWidth: Int) {
        let prev = naturalWidth(button: Button(id: "", label: "▲ " + labels.previous, width: .natural), style: .button)
        let next = naturalWidth(button: Button(id: "", label: labels.next + " ▼", width: .natural), style: .button)
        let bw = max(prev, next, mm(45))
        let position = measurer.width(of: labels.position(88, of: 88), font: font(.body)) + 2 * gap
        if 2 * bw + position <= width { return (target, true, bw) }
        return (measurer.lineHeight(font(.body)) + gap + target, false, min(bw, (width - gap) / 2))
    }

    /// "▲ Précédent   Page 1 sur 2   Suite ▼" in `frame`; ids `<prefix>.previous`, `<prefix>.next`, `<prefix>.position`.
    func placePager(_ labels: PageLabels, page: Int, count: Int, prefix: String, in frame: Rect, into list: inout DisplayList) {
        let l = pagerLayout(labels, width: frame.width)
        let buttonsY = frame.maxY - target
        let more = page < count - 1
        placeButton(Button(id: "\(prefix).previous", label: "▲ " + labels.previous, style: .secondary, enabled: page > 0, speech: labels.previous),
                    frame: Rect(x: frame.x, y: buttonsY, width: l.buttonWidth, height: target), textStyle: .button, onBar: false, into: &list)
        // Never styled as the screen's way on: it only turns the page.
        placeButton(Button(id: "\(prefix).next", label: labels.next + " ▼", style: .secondary, enabled: more, speech: labels.next),
                    frame: Rect(x: frame.maxX - l.buttonWidth, y: buttonsY, width: l.buttonWidth, height: target), textStyle: .button,
                    onBar: false, into: &list)
        let text = wrap(labels.position(page + 1, of: count), style: .body, width: l.inline ? frame.width - 2 * l.buttonWidth : frame.width)
        let ty = l.inline ? buttonsY + (target - text.height) / 2 : frame.y
        placeLines(text, in: Rect(x: l.inline ? frame.x + l.buttonWidth : frame.x, y: ty, width: l.inline ? frame.width - 2 * l.buttonWidth : frame.width,
                                  height: text.height),
                   color: theme.text, alignment: .center, id: "\(prefix).position", role: .text, into: &list)
    }

    /// The text of every page, in order, laid out aside (for tests and
    /// smoke runs: the screen holds it).
    func pagedText(_ pages: [[PagePiece]], frame: Rect) -> String {
        var aside = DisplayList(size: metrics.size, background: theme.background, screenID: "", title: "")
        for page in pages { _ = placePage(page, top: frame.y, height: frame.height, into: &aside) }
        return aside.visibleText
    }

    /// A body taller than `frame`: the page `screen.bodyPage` above the
    /// pager. Returns how far a piece still overflows its page (0: none).
    func placePagedBody(_ screen: ScreenModel, in frame: Rect, into list: inout DisplayList) -> Int {
        let labels = screen.pageLabels
        // Side-by-side columns (a text beside a keypad) page together, each
        // its own blocks; a column that fits keeps the whole height, the
        // pager goes under the columns that page, and a shorter one stays
        // on its last page.
        var columnNodes: [(node: Node, x: Int, width: Int)] = []
        if case .stack(let s0) = screen.body, case let s = resolved(s0, width: frame.width), s.axis == .horizontal {
            var cx = frame.x
            for (child, w) in zip(s.children, rowWidths(s, width: frame.width)) {
                if case .spacer = child {} else { columnNodes.append((child, cx, w)) }
                cx += w + mm(s.spacingMM)
            }
        } else {
            columnNodes = [(screen.body, frame.x, frame.width)]
        }
        var columns: [(pages: [[PagePiece]], height: Int, x: Int, width: Int)] = columnNodes.map { c in
            (paginate(pageBlocks(c.node, x: c.x, width: c.width, spacing: 0, pageHeight: frame.height, open: true), height: frame.height),
             frame.height, c.x, c.width)
        }
        let paged = columns.indices.filter { columns[$0].pages.count > 1 }
        let pagerX = paged.map { columns[$0].x }.min() ?? frame.x
        let pagerWidth = (paged.map { columns[$0].x + columns[$0].width }.max() ?? frame.maxX) - pagerX
        let pager = pagerLayout(labels, width: pagerWidth)
        let pageHeight = max(1, frame.height - pager.height - gap)
        for i in paged {
            let c = columnNodes[i]
            columns[i].pages = paginate(pageBlocks(c.node, x: c.x, width: c.width, spacing: 0, pageHeight: pageHeight, open: true), height: pageHeight)
            columns[i].height = pageHeight
        }
        let count = max(1, columns.map(\.pages.count).max() ?? 1)
        let n = min(max(0, screen.bodyPage), count - 1)
        list.paging.bodyPage = n
        list.paging.bodyPageCount = count
        if count > 1 { list.paging.pagedText = columns.map { pagedText($0.pages, frame: frame) }.filter { !$0.isEmpty }.joined(separator: " ") }
        let start = list.items.count
        // Every page is checked, not only the one shown.
        var overflow = 0
        for (k, c) in columns.enumerated() where c.pages.count > 1 {
            for (i, page) in c.pages.enumerated() {
                let next = i + 1 < c.pages.count ? c.pages[i + 1].first.map { $0.block.spacing + $0.height + $0.keptWith } : nil
                log.areas.append(PageArea(id: "body\(columns.count > 1 ? " column \(k + 1)" : "") page \(i + 1)", height: c.height,
                                          used: used(page), continues: i < c.pages.count - 1, nextBlock: next))
            }
        }
        for c in columns {
            for (i, page) in c.pages.enumerated() where used(page) > c.height {
                overflow = max(overflow, used(page) - c.height)
                log.items.append("page \(i + 1) of \(screen.id) is \(used(page) - c.height) px too tall (\(page.map { PieceName.describe($0.block.node) }.joined(separator: ", ")))")
            }
        }
        for c in columns where !c.pages.isEmpty {
            overflow = max(overflow, placePage(c.pages[min(n, c.pages.count - 1)], top: frame.y, height: c.height, into: &list))
        }
        let shown = list.items[start...].filter { $0.text != nil && $0.role != .image && $0.role != .banner }.readText
        if count > 1 {
            placePager(labels, page: n, count: count, prefix: "page",
                       in: Rect(x: pagerX, y: frame.maxY - pager.height, width: pagerWidth, height: pager.height), into: &list)
            list.paging.bodyPageSpeech = labels.position(n + 1, of: count) + ". " + shown.normalizedSpaces
        }
        return overflow
    }
}
