import CentralAPI
import DocumentCapture
import Domain
import Foundation
import KioskApp
import KioskUI
import QRCode

/// The kiosk's document desk: the scanner through SANE (when kiosk-config
/// names one), the scan prepared as Domain's rules ask (DocumentCapture),
/// previews as small rasters drawn in the display list (never a file),
/// QR codes through libqrencode.
public final class KioskDocumentDesk: DocumentDesk, @unchecked Sendable {
    public let scanner: (any DocumentScanner)?
    private let lock = NSLock()
    private var _options: [String: String]

    /// `options`: SANE options set on every scan (the `test` backend's
    /// `test-picture` in tests and the demo).
    public init(scanner: (any DocumentScanner)?, options: [String: String] = [:]) {
        self.scanner = scanner
        _options = options
    }

    /// The options of the next scans (a scenario's « Solid black » page).
    public var options: [String: String] {
        get { lock.withLock { _options } }
        set { lock.withLock { _options = newValue } }
    }

    public var hasScanner: Bool { scanner != nil }

    /// What is scanned: the glass's top-left corner, big enough for the
    /// document (a photo d'identité stands up; a card or a passport page lies).
    static func request(_ kind: DocumentKind, options: [String: String]) -> ScanRequest {
        switch kind {
        case .photo: ScanRequest(dotsPerInch: 300, areaMM: (50, 70), options: options)
        case .identityDocument: ScanRequest(dotsPerInch: 300, areaMM: (90, 60), options: options)
        }
    }

    public func scan(_ kind: DocumentKind) async -> ScanOutcome {
        guard let scanner else { return .failed("no scanner on this kiosk") }
        let image: RGBImage
        do { image = try await scanner.scan(Self.request(kind, options: options)) } catch {
            return .failed("\(error)")
        }
        switch DocumentPreparation.prepare(image, kind: kind) {
        case .failure(let problem): return .problem(problem)
        case .success(let prepared): return .scanned(jpeg: Data(prepared.jpeg), preview: Self.raster(prepared.image))
        }
    }

    public func preview(of document: ReceivedDocument, orientation: Int?) async -> Raster? {
        guard document.format == .jpeg, let image = try? JPEG.decode(Array(document.bytes)) else { return nil }
        return Self.raster(Self.upright(image, orientation: orientation))
    }

    public func qrCode(_ text: String) -> ModuleMatrix? {
        guard let code = try? QRCode(encoding: text) else { return nil }
        return ModuleMatrix(size: code.size, dark: code.modules)
    }

    /// At most `cells` cells on the long side, each the mean of its pixels,
    /// its channels on 16 levels (runs of equal cells draw as one rectangle).
    static func raster(_ image: RGBImage, cells: Int = 72) -> Raster {
        let scale = max(1, (max(image.width, image.height) + cells - 1) / cells)
        let w = max(1, image.width / scale), h = max(1, image.height / scale)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                var sum = (0, 0, 0)
                for dy in 0..<scale {
                    for dx in 0..<scale {
                        let i = ((y * scale + dy) * image.width + x * scale + dx) * 3
                        sum.0 += Int(image.pixels[i]); sum.1 += Int(image.pixels[i + 1]); sum.2 += Int(image.pixels[i + 2])
                    }
                }
                let n = scale * scale, o = (y * w + x) * 3
                func level(_ v: Int) -> UInt8 { UInt8(min(255, (v / n) / 16 * 17)) }
                out[o] = level(sum.0); out[o + 1] = level(sum.1); out[o + 2] = level(sum.2)
            }
        }
        return Raster(width: w, height: h, rgb: out)
    }

    /// A phone's picture turned upright by its EXIF orientation (1–8).
    static func upright(_ image: RGBImage, orientation: Int?) -> RGBImage {
        guard let o = orientation, o != 1, (2...8).contains(o) else { return image }
        let w = image.width, h = image.height
        let swap = o >= 5
        let nw = swap ? h : w, nh = swap ? w : h
        var out = [UInt8](repeating: 0, count: nw * nh * 3)
        for y in 0..<nh {
            for x in 0..<nw {
                // Where the pixel of the upright picture comes from.
                let (sx, sy): (Int, Int) = switch o {
                case 2: (w - 1 - x, y)
                case 3: (w - 1 - x, h - 1 - y)
                case 4: (x, h - 1 - y)
                case 5: (y, x)
                case 6: (y, h - 1 - x)
                case 7: (w - 1 - y, h - 1 - x)
                default: (w - 1 - y, x)
                }
                let s = (sy * w + sx) * 3, d = (y * nw + x) * 3
                out[d] = image.pixels[s]; out[d + 1] = image.pixels[s + 1]; out[d + 2] = image.pixels[s + 2]
            }
        }
        return RGBImage(width: nw, height: nh, dotsPerInch: image.dotsPerInch, pixels: out)
    }
}
