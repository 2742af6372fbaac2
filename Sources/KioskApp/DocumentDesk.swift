import CentralAPI
import Domain
import Foundation
import KioskUI

/// What the kiosk does with a carte Vitale order's documents, behind a
/// seam (KioskApp links no scanner, no image code): the runtime's desk
/// scans through SANE, prepares the JPEG (DocumentCapture), draws the
/// previews and the QR code; a kiosk without a scanner still shows the
/// phone's QR code and previews.
public protocol DocumentDesk: Sendable {
    /// The kiosk has a document scanner (kiosk-config `scanner.device`):
    /// only then is the scanner's way offered.
    var hasScanner: Bool { get }
    /// Scans the glass for `kind`: the JPEG the order takes and its
    /// preview, or what to tell the assuré.
    func scan(_ kind: DocumentKind) async -> ScanOutcome
    /// A preview of a file the phone sent (nil: a format it cannot draw, a PDF).
    func preview(of document: ReceivedDocument, orientation: Int?) async -> Raster?
    /// The QR code of a one-time address (nil: it could not be made).
    func qrCode(_ text: String) -> ModuleMatrix?
}

public enum ScanOutcome: Sendable, Hashable {
    /// Cropped, checked, a JPEG within the bounds, and what to show.
    case scanned(jpeg: Data, preview: Raster)
    /// The image cannot be used as it is: the assuré puts the document again.
    case problem(DocumentProblem)
    /// The scanner did not answer (jammed, unplugged): for logs, never shown.
    case failed(String)
}

/// A kiosk with no document desk configured: no scanner, no QR code.
public struct NoDocumentDesk: DocumentDesk {
    public init() {}
    public var hasScanner: Bool { false }
    public func scan(_ kind: DocumentKind) async -> ScanOutcome { .failed("no scanner on this kiosk") }
    public func preview(of document: ReceivedDocument, orientation: Int?) async -> Raster? { nil }
    public func qrCode(_ text: String) -> ModuleMatrix? { nil }
}
