/// A small picture as colour cells (a document's preview, made elsewhere
/// from the scan or the phone's file): KioskUI draws it as one rectangle
/// per run of equal cells on a row, knowing nothing of what it shows. It
/// lives in the display list only: no file, no texture kept.
public struct Raster: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// Row after row, 3 bytes (r, g, b) a cell.
    public let rgb: [UInt8]

    public init(width: Int, height: Int, rgb: [UInt8]) {
        precondition(rgb.count == width * height * 3, "a raster is width × height × 3 bytes")
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    /// The rectangles of the picture drawn `w` × `h` pixels at (x0, y0),
    /// cells as whole pixels, centred in what rounding leaves.
    func rects(x0: Int, y0: Int, w: Int, h: Int) -> [(Rect, Color)] {
        guard width > 0, height > 0 else { return [] }
        let m = max(1, min(w / width, h / height))
        let ox = x0 + (w - m * width) / 2, oy = y0 + (h - m * height) / 2
        var out: [(Rect, Color)] = []
        out.reserveCapacity(height * 8)
        for row in 0..<height {
            var col = 0
            while col < width {
                let i = (row * width + col) * 3
                let c = (rgb[i], rgb[i + 1], rgb[i + 2])
                let start = col
                while col < width, rgb[(row * width + col) * 3] == c.0, rgb[(row * width + col) * 3 + 1] == c.1,
                      rgb[(row * width + col) * 3 + 2] == c.2 { col += 1 }
                out.append((Rect(x: ox + start * m, y: oy + row * m, width: (col - start) * m, height: m), Color(r: c.0, g: c.1, b: c.2)))
            }
        }
        return out
    }
}

extension Drawing {
    /// A picture `widthMM` × `heightMM` (its cells keep their proportions).
    public static func raster(_ raster: Raster, id: String, widthMM: Double, heightMM: Double) -> Drawing {
        Drawing(id: id, widthMM: widthMM, heightMM: heightMM, shapes: [.raster(raster, x: 0, y: 0, width: widthMM, height: heightMM)])
    }
}
