import Testing
@testable import KioskUI

@Suite struct ThemeTests {
    @Test func highContrastTextIsAtLeastSevenToOne() {
        for p in Theme.high.textPairs {
            #expect(p.fg.contrastRatio(with: p.bg) >= 7, "\(p.name): \(p.fg) on \(p.bg)")
        }
    }

    @Test func normalThemeIsCalmButReadable() {
        for p in Theme.normal.textPairs {
            #expect(p.fg.contrastRatio(with: p.bg) >= 7, "\(p.name): \(p.fg) on \(p.bg) is \(p.fg.contrastRatio(with: p.bg))")
        }
        #expect(Theme.normal.primary == Color(hex: 0x0C419A))
    }

    @Test func contrastRatioMatchesWCAG() {
        let black = Color(hex: 0), white = Color(hex: 0xFFFFFF)
        #expect(abs(black.contrastRatio(with: white) - 21) < 0.01)
        #expect(abs(white.contrastRatio(with: white) - 1) < 0.01)
    }

    @Test func targetsAreTwentyMillimetres() {
        let m = ScreenMetrics.development
        #expect(Double(m.minTarget) / m.pixelsPerMM >= 20)
        #expect(m.fontPixels(.body) >= 28)
        let big = ScreenMetrics(size: Size(width: 1920, height: 1080),
                                physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: Size(width: 1920, height: 1080)))
        #expect(Double(big.minTarget) / big.pixelsPerMM >= 20)
        #expect(abs(ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: Size(width: 1280, height: 800)) - 336) < 1)
    }
}
