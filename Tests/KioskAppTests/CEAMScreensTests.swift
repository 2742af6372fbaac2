import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// Every screen and modal of the CEAM flow, written as PNGs to look at:
/// French and English, normal and high contrast, text ×1.5. Set
/// `CEAM_SCREENS=/some/dir` to keep them; otherwise a temporary folder.
@Suite @MainActor struct CEAMScreensTests {
    nonisolated static let scenarios = shippedScenarios.filter { $0.hasPrefix("ceam-") }

    nonisolated static let variants: [(name: String, lang: String, contrast: Theme.Contrast, scale: Double, portrait: Bool)] = [
        ("fr", "fr", .normal, 1, false), ("en", "en", .normal, 1, false), ("fr-high", "fr", .high, 1, false),
        ("en-high", "en", .high, 1, false), ("fr-150", "fr", .normal, 1.5, false), ("en-150", "en", .normal, 1.5, false),
        ("fr-portrait-150", "fr", .normal, 1.5, true),
        // Right to left (issue 12): mirrored, shaped, the same screens.
        ("ar", "ar", .normal, 1, false), ("ar-high-150", "ar", .high, 1.5, false), ("ar-portrait", "ar", .normal, 1, true),
    ]

    @Test func theCEAMScenariosAreShipped() {
        #expect(Self.scenarios.count >= 5)
    }

    /// The French scenarios, run again in each variant with the texts left
    /// out (they are French): every screenshot must lay out without problems.
    @Test(arguments: variants.map(\.name))
    func everyScreenLaysOutIn(_ variant: String) async throws {
        let v = try #require(Self.variants.first { $0.name == variant })
        let keep = ProcessInfo.processInfo.environment["CEAM_SCREENS"].map { URL(fileURLWithPath: $0).appendingPathComponent(variant) }
        let runner = try makeRunner("ceam-\(variant)") { o in
            o.language = v.lang
            o.contrast = v.contrast
            o.fontScale = v.scale
            if v.portrait {
                o.size = Size(width: 800, height: 1280)
                o.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: o.size)
            }
            if let keep { o.outputDirectory = keep }
        }
        for file in Self.scenarios {
            let s = try Scenario.load(repoRoot.appendingPathComponent("Tests/Scenarios/\(file)").path)
            // The expected texts are French; the taps are by id. Every
            // screenshot also checks that no catalog key shows raw (a missing string).
            let steps = s.steps.filter { _, step in
                switch step {
                case .expectText, .expectNoText, .expectSpeech: return v.lang == "fr"
                default: return true
                }
            }.flatMap { line, step -> [(line: Int, step: ScenarioStep)] in
                // Paging until a name shows: people's names read the same in
                // every language (the countries are a grid without a pager).
                if case .screenshot = step { return [(line, step), (line, .expectNoText("⟦"))] }
                return [(line, step)]
            }
            await runner.run(Scenario(name: s.name, path: s.path, steps: steps))
        }
        #expect(runner.failures.map(\.description) == [])
    }
}
