import Testing
@testable import KioskUI

/// The top bar keeps the caisse's name with large text: the whole brand
/// when it fits, else the short one, never shrunk below 90 % of its ×1 size
/// and never cut (issue 12, « at ×1.5 the brand shrinks »).
@Suite @MainActor struct BrandTests {
    func screen() -> ScreenModel {
        var s = ScreenModel(id: "s", title: "Titre", brand: "Assurance Maladie · Borne multiservices", body: .vstack([.flexible]))
        s.shortBrand = "Assurance Maladie"
        s.tools = ["Écouter", "Langue", "Contraste", "Texte A+", "Aide"].enumerated().map {
            Button(id: "tool.\($0.offset)", label: $0.element, style: .toggle(on: false), width: .natural)
        }
        return s
    }

    func brand(scale: Double) throws -> String {
        let size = Size(width: 1280, height: 800)
        let metrics = ScreenMetrics(size: size, physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size), fontScale: scale)
        let list = LayoutEngine(metrics: metrics, theme: .normal, measurer: try makeFonts()).layout(screen())
        return list.items.filter { $0.widgetID == "brand" }.compactMap(\.text).joined(separator: " ")
    }

    @Test func theWholeBrandAtTheUsualSizeTheShortOneWithLargeText() throws {
        #expect(try brand(scale: 1).normalizedSpaces == "Assurance Maladie · Borne multiservices")
        #expect(try brand(scale: 1.5).normalizedSpaces == "Assurance Maladie")
    }
}
