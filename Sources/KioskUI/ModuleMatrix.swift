/// A square of dark and light modules (a QR code's, made elsewhere):
/// KioskUI draws it, knowing nothing of what it encodes.
public struct ModuleMatrix: Hashable, Sendable {
    /// Modules on a side.
    public let size: Int
    /// Row after row, true for dark.
    public let dark: [Bool]

    public init(size: Int, dark: [Bool]) {
        precondition(dark.count == size * size, "a module matrix is size × size modules")
        self.size = size
        self.dark = dark
    }
}

extension Drawing {
    /// A scannable code `sideMM` wide, its quiet zone included: dark on
    /// white whatever the theme (a phone's reader wants it so).
    public static func modules(_ matrix: ModuleMatrix, id: String, sideMM: Double) -> Drawing {
        Drawing(id: id, widthMM: sideMM, heightMM: sideMM, shapes: [.modules(matrix, x: 0, y: 0, side: sideMM)])
    }
}

/// The quiet zone around a code: 4 modules, as the QR standard asks.
let quietZoneModules = 4

extension ModuleMatrix {
    /// The rectangles of a code placed in a square of `side` pixels at
    /// (x0, y0): a white square, then one rectangle per run of dark
    /// modules on a row. Modules are whole pixels (no blur, no gap); the
    /// code is centred in what rounding leaves.
    func rects(x0: Int, y0: Int, side: Int) -> (background: Rect, dark: [Rect]) {
        let total = size + 2 * quietZoneModules
        let m = max(1, side / total)
        let drawn = m * total
        let ox = x0 + (side - drawn) / 2 + quietZoneModules * m, oy = y0 + (side - drawn) / 2 + quietZoneModules * m
        var runs: [Rect] = []
        for row in 0..<size {
            var col = 0
            while col < size {
                guard dark[row * size + col] else { col += 1; continue }
                let start = col
                while col < size, dark[row * size + col] { col += 1 }
                runs.append(Rect(x: ox + start * m, y: oy + row * m, width: (col - start) * m, height: m))
            }
        }
        return (Rect(x: x0 + (side - drawn) / 2, y: y0 + (side - drawn) / 2, width: drawn, height: drawn), runs)
    }
}
