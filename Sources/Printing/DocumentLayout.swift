/// What a printed document says, in reading order, before any drawing:
/// documents build one, `PDFRenderer` lays it out on A4 pages. Plain text
/// only (no markup from callers): the renderer escapes and applies French
/// typography itself.
public struct DocumentLayout: Hashable, Sendable {
    public enum Block: Hashable, Sendable {
        /// The issuer's line at the top ("L'Assurance Maladie — CPAM de Paris").
        case issuer(String)
        case title(String)
        case subtitle(String)
        case heading(String)
        case paragraph(String)
        /// A label and its value side by side; `number` is a form's field
        /// number (the CEAM's 3 to 9).
        case field(number: String? = nil, label: String, value: String)
        /// Small print at the end (legal notes, references).
        case note(String)
        case space
    }

    public var blocks: [Block]
    /// The PDF's title metadata; also what the document is called in logs.
    public var title: String
    /// The label column's share of the text width for `field` blocks
    /// (forms with long labels, like the CEAM certificate, want more).
    public var labelColumn: Double

    public init(title: String, blocks: [Block], labelColumn: Double = 0.42) {
        self.title = title
        self.blocks = blocks
        self.labelColumn = min(0.8, max(0.2, labelColumn))
    }

    /// Every text of the document, in order: what `pdftotext` should find.
    public var plainText: [String] {
        blocks.flatMap { block -> [String] in
            switch block {
            case .issuer(let s), .title(let s), .subtitle(let s), .heading(let s), .paragraph(let s), .note(let s):
                return [FrenchTypography.apply(s)]
            case .field(let n, let label, let value):
                return [(n.map { "\($0). " } ?? "") + FrenchTypography.apply(label), FrenchTypography.apply(value)]
            case .space:
                return []
            }
        }
    }
}

/// A document the kiosk prints.
public protocol PrintableDocument: Sendable {
    /// The kind, part of the stable print-job id ("attestation-droits").
    var kind: String { get }
    var layout: DocumentLayout { get }
}
