/// The configured screen: its size in pixels and its physical width, so
/// that touch targets are sized in millimetres, not pixels.
public struct ScreenMetrics: Hashable, Sendable {
    public var size: Size
    public var physicalWidthMM: Double
    /// The user's text size: 1.0 … 1.5.
    public var fontScale: Double

    /// Smallest touch target side, in millimetres (arm's length, standing).
    public static let minTargetMM = 20.0
    public static let fontScales: [Double] = [1.0, 1.25, 1.5]

    public init(size: Size, physicalWidthMM: Double, fontScale: Double = 1) {
        self.size = size
        self.physicalWidthMM = physicalWidthMM
        self.fontScale = min(1.5, max(1.0, fontScale))
    }

    /// 15.6" 16:10 for development: 336 mm wide.
    public static let development = ScreenMetrics(size: Size(width: 1280, height: 800), physicalWidthMM: 336)

    /// The width of a screen of `diagonalInches` with the size's aspect ratio.
    public static func physicalWidth(diagonalInches: Double, size: Size) -> Double {
        let w = Double(size.width), h = Double(size.height)
        return diagonalInches * 25.4 * w / (w * w + h * h).squareRoot()
    }

    public var pixelsPerMM: Double { Double(size.width) / physicalWidthMM }
    public func px(mm: Double) -> Int { Int((mm * pixelsPerMM).rounded(.up)) }
    public var minTarget: Int { px(mm: Self.minTargetMM) }

    /// Type sizes are given in px for the reference screen (1280 px over
    /// 336 mm); other screens get the same physical size, like the targets.
    public static let referencePixelsPerMM = 1280.0 / 336.0
    public var layoutScale: Double { pixelsPerMM / Self.referencePixelsPerMM }

    public func fontPixels(_ style: TextStyle, shrink: Double = 1) -> Int {
        Int((style.basePixels * layoutScale * fontScale * shrink).rounded())
    }
}
