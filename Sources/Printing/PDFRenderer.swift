import CCairo
import Foundation

/// Lays a document out on A4 pages with pango (wrapping, accents, French
/// typography) and writes it as PDF with cairo.
public struct PDFRenderer: Sendable {
    public enum RenderError: Error, Equatable, CustomStringConvertible {
        /// cairo refused the surface or the output file.
        case cairo(status: String, path: String?)

        public var description: String {
            switch self {
            case .cairo(let status, let path): return "PDF rendering failed: cairo says \(status)\(path.map { " (writing \($0); check the directory exists and is writable)" } ?? "")"
            }
        }
    }

    /// A4 in PostScript points.
    public static let pageWidth = 595.28, pageHeight = 841.89
    public var margin = 56.0
    public var fontFamily = "DejaVu Sans"

    public init() {}

    /// Renders to a file.
    public func render(_ layout: DocumentLayout, to path: String) throws(RenderError) {
        guard let surface = cairo_pdf_surface_create(path, Self.pageWidth, Self.pageHeight) else {
            throw .cairo(status: "no surface", path: path)
        }
        defer { cairo_surface_destroy(surface) }
        try finish(layout, on: surface, path: path)
    }

    /// Renders to memory (what is sent to the printer): the personal data
    /// never touches the disk.
    public func render(_ layout: DocumentLayout) throws(RenderError) -> Data {
        final class Sink { var data = Data() }
        let sink = Sink()
        let closure: cairo_write_func_t = { context, bytes, length in
            guard let context, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().data.append(bytes, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }
        let surface: OpaquePointer? = withExtendedLifetime(sink) {
            cairo_pdf_surface_create_for_stream(closure, Unmanaged.passUnretained(sink).toOpaque(), Self.pageWidth, Self.pageHeight)
        }
        guard let surface else { throw .cairo(status: "no surface", path: nil) }
        defer { cairo_surface_destroy(surface) }
        try withExtendedLifetime(sink) { () throws(RenderError) in
            try finish(layout, on: surface, path: nil)
        }
        return sink.data
    }

    private func finish(_ layout: DocumentLayout, on surface: OpaquePointer, path: String?) throws(RenderError) {
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(status: String(cString: cairo_status_to_string(status)), path: path) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, layout.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "BMS kiosk")
        try draw(layout, on: surface)
        cairo_surface_finish(surface)
        let end = cairo_surface_status(surface)
        guard end == CAIRO_STATUS_SUCCESS else { throw .cairo(status: String(cString: cairo_status_to_string(end)), path: path) }
    }

    private struct Style {
        var size: Double
        var bold = false
        var italic = false
        var gray = 0.0
        var before = 0.0
        var after = 4.0
    }

    private func style(_ block: DocumentLayout.Block) -> Style {
        switch block {
        case .issuer: return Style(size: 10, bold: true, gray: 0.25, after: 18)
        case .title: return Style(size: 17, bold: true, after: 6)
        case .subtitle: return Style(size: 10, italic: true, gray: 0.3, after: 6)
        case .heading: return Style(size: 12, bold: true, before: 12, after: 6)
        case .paragraph: return Style(size: 10.5, after: 8)
        case .field: return Style(size: 10.5, after: 5)
        case .note: return Style(size: 8.5, italic: true, gray: 0.35, before: 6, after: 4)
        case .space: return Style(size: 10, after: 10)
        }
    }

    private func draw(_ document: DocumentLayout, on surface: OpaquePointer) throws(RenderError) {
        guard let cr = cairo_create(surface) else { throw .cairo(status: "no context", path: nil) }
        defer { cairo_destroy(cr) }
        let width = Self.pageWidth - 2 * margin
        let labelWidth = width * document.labelColumn
        let bottom = Self.pageHeight - margin
        var y = margin

        func makeLayout(_ text: String, _ st: Style, width w: Double) -> OpaquePointer {
            let layout = pango_cairo_create_layout(cr)!
            // Pango assumes 96 dpi; the PDF is in points (72 dpi).
            pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72)
            pango_layout_context_changed(layout)
            let font = pango_font_description_new()!
            pango_font_description_set_family(font, fontFamily)
            pango_font_description_set_absolute_size(font, st.size * Double(PANGO_SCALE))
            if st.bold { pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD) }
            if st.italic { pango_font_description_set_style(font, PANGO_STYLE_ITALIC) }
            pango_layout_set_font_description(layout, font)
            pango_font_description_free(font)
            pango_layout_set_width(layout, Int32(w * Double(PANGO_SCALE)))
            // Words break at spaces and after hyphens; a word wider than the
            // column (a long name with neither) between characters, never
            // clipped. Pango would add a hyphen at such a break: not in a
            // name, where it would read as a compound name that is not.
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            let attributes = pango_attr_list_new()!
            pango_attr_list_insert(attributes, pango_attr_insert_hyphens_new(0))
            pango_layout_set_attributes(layout, attributes)
            pango_attr_list_unref(attributes)
            pango_layout_set_text(layout, FrenchTypography.apply(text), -1)
            return layout
        }
        func height(_ layout: OpaquePointer) -> Double {
            var w: Int32 = 0, h: Int32 = 0
            pango_layout_get_size(layout, &w, &h)
            return Double(h) / Double(PANGO_SCALE)
        }
        func show(_ layout: OpaquePointer, x: Double, y: Double, gray: Double) {
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, layout)
        }
        func newPageIfNeeded(_ h: Double) {
            if y + h > bottom && y > margin {
                cairo_show_page(cr)
                y = margin
            }
        }

        for block in document.blocks {
            let st = style(block)
            y += st.before
            switch block {
            case .space:
                y += st.after
            case .issuer(let s), .title(let s), .subtitle(let s), .heading(let s), .paragraph(let s), .note(let s):
                let layout = makeLayout(s, st, width: width)
                defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
                let h = height(layout)
                newPageIfNeeded(h)
                show(layout, x: margin, y: y, gray: st.gray)
                y += h
                if case .title = block {
                    // A rule under the title, as on the caisse's letters.
                    cairo_set_source_rgb(cr, 0.1, 0.3, 0.6)
                    cairo_set_line_width(cr, 1.2)
                    cairo_move_to(cr, margin, y + 3)
                    cairo_line_to(cr, margin + width, y + 3)
                    cairo_stroke(cr)
                    y += 4
                }
                y += st.after
            case .field(let number, let label, let value):
                var labelStyle = st
                labelStyle.gray = 0.3
                let labelText = (number.map { "\($0). " } ?? "") + label
                let l = makeLayout(labelText, labelStyle, width: labelWidth - 8)
                defer { g_object_unref(UnsafeMutableRawPointer(l)) }
                var valueStyle = st
                valueStyle.bold = true
                let v = makeLayout(value, valueStyle, width: width - labelWidth)
                defer { g_object_unref(UnsafeMutableRawPointer(v)) }
                let h = max(height(l), height(v))
                newPageIfNeeded(h)
                show(l, x: margin, y: y, gray: labelStyle.gray)
                show(v, x: margin + labelWidth, y: y, gray: 0)
                y += h + st.after
            }
        }
        cairo_show_page(cr)
    }
}
