import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// The longest names a card may carry (`Assets/demo/cards/noms-longs.json`,
/// 80 bytes for the nom, the nom d'usage and the prénoms) through every
/// list and modal that names a person (`names-long.scenario`): French and
/// English, both themes, ×1 and ×1.5, at 1280×800, 800×1280 and
/// 1920×1080. Every screenshot fails on a layout problem (a line wider
/// than its box, cut or off screen, on any page).
@Suite @MainActor struct LongNamesScreensTests {
    nonisolated static let variants: [(lang: String, contrast: Theme.Contrast, scale: Double)] = [
        ("fr", .normal, 1.5), ("fr", .high, 1), ("en", .normal, 1), ("en", .high, 1.5),
        // Latin names inside Arabic screens, right to left.
        ("ar", .normal, 1), ("ar", .high, 1.5),
    ]

    @Test(arguments: [Size(width: 800, height: 1280), Size(width: 1280, height: 800), Size(width: 1920, height: 1080)])
    func everyListAndModalShowsTheWholeNames(_ size: Size) async throws {
        let s = try Scenario.load(repoRoot.appendingPathComponent("Tests/Scenarios/names-long.scenario").path)
        for v in Self.variants {
            let runner = try makeRunner("names-\(v.lang)") { o in
                o.language = v.lang; o.contrast = v.contrast; o.fontScale = v.scale; o.size = size
                o.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size)
            }
            // The scenario's texts are French (the names are the card's, in
            // every language); its « set scale 1.5 » gives way to the variant's.
            let steps = s.steps.filter { _, step in
                switch step {
                case .expectText, .expectNoText, .expectSpeech: return v.lang == "fr"
                case .set(let key, _): return key != "scale"
                default: return true
                }
            }
            await runner.run(Scenario(name: s.name, path: s.path, steps: steps))
            #expect(runner.failures.map(\.description) == [], "\(size) \(v.lang) \(v.contrast) ×\(v.scale)")
        }
    }

    /// A name broken after its hyphens shows in parts (at 1920×1080 ×1.5,
    /// the holder's row goes on over the next page, cut after « BORGO- »):
    /// a failure message names none of them.
    @Test func failureMessagesCarryNoPartOfALongName() async throws {
        let runner = try makeRunner("redact-long") { o in
            o.size = Size(width: 1920, height: 1080)
            o.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: o.size)
        }
        let s = try Scenario.parse("""
            set scale 1.5
            card insert \(assets.appendingPathComponent("demo/cards/noms-longs.json").path)
            type 1234
            tap #keypad.ok
            tap #service.ceam
            tap #ceam.continue
            expect text "Au revoir"
            """, name: "r")
        #expect(await runner.run(s) == false)
        let message = try #require(runner.failures.first?.message)
        #expect(message.contains("it shows"))
        for part in ["FRANCESCHINI", "SANTUCCI", "BONAPARTE", "CASABIANCA", "POZZO", "BORGO", "PERALDI", "Jean-Baptiste", "Napoléon"] {
            #expect(!message.contains(part), "\(part) in \(message)")
        }
    }
}
