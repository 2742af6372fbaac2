import CJPEG
import Domain
import Foundation

public struct JPEGError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// JPEG through libjpeg. A JPEG made here holds the JFIF header and the
/// image, nothing else: no EXIF, no device, no date.
public enum JPEG {
    public static func encode(_ image: RGBImage, quality: Int) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let rc = image.pixels.withUnsafeBufferPointer { p in
            bms_jpeg_encode_rgb(p.baseAddress, Int32(image.width), Int32(image.height), Int32(quality),
                                Int32(min(image.dotsPerInch, 65535)), &out, &size)
        }
        guard rc == 0, let out else { throw JPEGError(description: "libjpeg could not encode a \(image.width)×\(image.height) image") }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    /// Pixels back (the resolution is not read: `dotsPerInch` is given).
    public static func decode(_ bytes: [UInt8], dotsPerInch: Int = 0) throws -> RGBImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var w: Int32 = 0, h: Int32 = 0
        let rc = bytes.withUnsafeBufferPointer { p in bms_jpeg_decode_rgb(p.baseAddress, UInt(p.count), &pixels, &w, &h) }
        guard rc == 0, let pixels else { throw JPEGError(description: "not a JPEG libjpeg can read") }
        defer { free(pixels) }
        return RGBImage(width: Int(w), height: Int(h), dotsPerInch: dotsPerInch,
                        pixels: Array(UnsafeBufferPointer(start: pixels, count: Int(w) * Int(h) * 3)))
    }
}

/// A scan made ready for the order: cropped to the document, checked by
/// the Domain's rules, a JPEG within the web service's bounds.
public struct PreparedDocument: Hashable, Sendable {
    public let kind: DocumentKind
    /// Where the document was found on the glass (pixels of the scan).
    public let crop: PixelRect
    public let image: RGBImage
    public let jpeg: [UInt8]
    public let quality: Int
}

public enum DocumentPreparation {
    /// The document as the order takes it, or the first problem to tell the assuré.
    public static func prepare(_ scan: RGBImage, kind: DocumentKind,
                               rules: DocumentRules = DocumentRules()) -> Result<PreparedDocument, DocumentProblem> {
        let p = rules.parameters
        // Nothing darker than the lid: an empty glass (judged on the whole scan).
        guard let bounds = scan.documentBounds(distanceFromWhite: p.cropDistanceFromBackground) else {
            return .failure(rules.problems(kind, scan.measures).first ?? .blank)
        }
        let image = scan.cropped(to: bounds)
        if let problem = rules.problems(kind, image.measures).first { return .failure(problem) }
        // Best quality first, stepped down until the file fits.
        for quality in p.jpegQualities {
            guard let jpeg = try? JPEG.encode(image, quality: quality) else { return .failure(.unreadable) }
            if jpeg.count > p.maxBytes { continue }
            // Already under the floor at the best quality: too few pixels to read.
            if jpeg.count < p.minBytes { return .failure(quality == p.jpegQualities.first ? .fileTooSmall : .fileTooLarge) }
            return .success(PreparedDocument(kind: kind, crop: bounds, image: image, jpeg: jpeg, quality: quality))
        }
        return .failure(.fileTooLarge)
    }
}
