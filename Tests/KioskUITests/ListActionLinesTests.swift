import Testing
@testable import KioskUI

/// A row's actions that do not fit its width go on several lines (portrait
/// screens, large text) instead of leaving the screen.
@Suite @MainActor struct ListActionLinesTests {
    func screen(_ labels: [String] = ["Renouveler la carte", "Déclarer la perte ou le vol", "Voir la carte européenne"]) -> ScreenModel {
        let actions = labels.enumerated().map { i, l in
            Button(id: "row.a\(i)", label: l, style: .secondary, width: .natural)
        }
        return ScreenModel(id: "s", title: "Liste", body: .vstack([
            .list(ListView(id: "l", rows: [ListView.Row(id: "row", title: "Camille LEROY", detail: "Carte valable", actions: actions)],
                           previousLabel: "Précédent", nextLabel: "Suivant")),
            .flexible,
        ]))
    }

    @Test func actionsWrapOnANarrowScreenAndStayOnIt() throws {
        let metrics = ScreenMetrics(size: Size(width: 800, height: 1280),
                                    physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: Size(width: 800, height: 1280)),
                                    fontScale: 1.5)
        let list = LayoutEngine(metrics: metrics, theme: .normal, measurer: try makeFonts()).layout(screen())
        #expect(list.problems == [])
        let frames = (0..<3).compactMap { list.target(id: "row.a\($0)")?.frame }
        #expect(frames.count == 3)
        #expect(frames.allSatisfy { $0.x >= 0 && $0.maxX <= 800 })
        #expect(Set(frames.map(\.y)).count > 1)
        // In order: a later action is never on an earlier line.
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.y <= $1.y })
    }

    @Test func actionsThatFitStayOnOneLine() throws {
        let list = LayoutEngine(metrics: .development, theme: .normal, measurer: try makeFonts()).layout(screen(["Renouveler", "Perte ou vol", "Voir"]))
        let frames = (0..<3).compactMap { list.target(id: "row.a\($0)")?.frame }
        #expect(frames.count == 3)
        #expect(Set(frames.map(\.y)).count == 1)
    }
}
