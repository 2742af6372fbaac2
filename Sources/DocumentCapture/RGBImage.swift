import Domain

/// A scanned image: 8-bit RGB rows, no padding, and the resolution it was
/// scanned at (what turns pixels into millimetres on the glass).
public struct RGBImage: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public let dotsPerInch: Int
    /// `width * height * 3` bytes, row after row.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, dotsPerInch: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGB pixels: width × height × 3 bytes")
        self.width = width
        self.height = height
        self.dotsPerInch = dotsPerInch
        self.pixels = pixels
    }

    /// One colour everywhere, and `rect` painted with another (hand-made test images).
    public static func filled(width: Int, height: Int, dotsPerInch: Int, _ rgb: (UInt8, UInt8, UInt8),
                              painting rect: PixelRect? = nil, with inner: (UInt8, UInt8, UInt8) = (0, 0, 0)) -> RGBImage {
        var p = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let c = rect.map { $0.contains(x: x, y: y) } == true ? inner : rgb
                let i = (y * width + x) * 3
                p[i] = c.0; p[i + 1] = c.1; p[i + 2] = c.2
            }
        }
        return RGBImage(width: width, height: height, dotsPerInch: dotsPerInch, pixels: p)
    }

    /// Rec. 601 luma, 0–255.
    @inline(__always) func luminance(at i: Int) -> Double {
        0.299 * Double(pixels[i]) + 0.587 * Double(pixels[i + 1]) + 0.114 * Double(pixels[i + 2])
    }

    /// What the Domain's rules need: size, resolution, mean and spread of the luminance.
    public var measures: ImageMeasures {
        var sum = 0.0, sumSquares = 0.0
        let n = width * height
        for k in 0..<n {
            let l = luminance(at: k * 3)
            sum += l
            sumSquares += l * l
        }
        let mean = n == 0 ? 0 : sum / Double(n)
        let variance = n == 0 ? 0 : max(0, sumSquares / Double(n) - mean * mean)
        return ImageMeasures(widthPixels: width, heightPixels: height, dotsPerInch: dotsPerInch,
                             meanLuminance: mean, luminanceStdDev: variance.squareRoot())
    }

    /// The bounding box of what is not the lid's white: every pixel at least
    /// `distance` darker than white. Nil when there is nothing on the glass.
    public func documentBounds(distanceFromWhite distance: Double) -> PixelRect? {
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            for x in 0..<width where 255 - luminance(at: (y * width + x) * 3) >= distance {
                if x < minX { minX = x }
                if x > maxX { maxX = x }
                if y < minY { minY = y }
                if y > maxY { maxY = y }
            }
        }
        guard maxX >= 0 else { return nil }
        return PixelRect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    public func cropped(to r: PixelRect) -> RGBImage {
        let r = r.clamped(width: width, height: height)
        var p = [UInt8]()
        p.reserveCapacity(r.width * r.height * 3)
        for y in r.y..<(r.y + r.height) {
            let start = (y * width + r.x) * 3
            p += pixels[start..<(start + r.width * 3)]
        }
        return RGBImage(width: r.width, height: r.height, dotsPerInch: dotsPerInch, pixels: p)
    }
}

public struct PixelRect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < x + width && py >= y && py < y + height }
    func clamped(width w: Int, height h: Int) -> PixelRect {
        let x0 = min(max(x, 0), w), y0 = min(max(y, 0), h)
        return PixelRect(x: x0, y: y0, width: max(0, min(x + width, w) - x0), height: max(0, min(y + height, h) - y0))
    }
    public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}
