import CQREncode
import Foundation

/// A QR code's modules through libqrencode: what a screen draws, as a
/// square of dark and light modules (without the quiet zone).
public struct QRCode: Hashable, Sendable {
    /// Modules on a side (21 for version 1, +4 a version).
    public let size: Int
    /// Row after row, true for a dark module.
    public let modules: [Bool]

    public enum Correction: Sendable {
        /// ~15 % of the code can be lost: enough on a clean screen.
        case medium
        /// ~30 %: for a screen seen at an angle or behind a scratched glass.
        case high
        var level: QRecLevel { self == .medium ? QR_ECLEVEL_M : QR_ECLEVEL_H }
    }

    public struct EncodingError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(encoding text: String, correction: Correction = .medium) throws {
        // Byte mode, case kept: a URL's token is case-sensitive.
        guard let code = QRcode_encodeString8bit(text, 0, correction.level) else {
            throw EncodingError(description: "libqrencode could not encode \(text.utf8.count) bytes (errno \(errno)): a shorter text fits")
        }
        defer { QRcode_free(code) }
        let n = Int(code.pointee.width)
        size = n
        // Bit 0 of each byte: dark (the other bits say what the module is for).
        modules = (0..<(n * n)).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }
}
