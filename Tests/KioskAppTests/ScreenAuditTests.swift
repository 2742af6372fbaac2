import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// The screen audit (`ScreenAudit`) over every screenshot the shipped
/// scenarios make, as their display lists: one primary action, the step
/// of a multi-step service, full pages, no focus ring nobody asked for,
/// contrast, targets of 20 mm 3 mm apart. The scenarios' own shots cover
/// French and English, both themes, ×1 and ×1.5 at 1280×800; the variants
/// run them all again in high contrast, at ×1.5, in portrait and at 1080p.
@Suite @MainActor struct ScreenAuditTests {
    nonisolated static let variants: [(name: String, contrast: Theme.Contrast, scale: Double, size: Size)] = [
        ("default", .normal, 1, Size(width: 1280, height: 800)),
        ("high", .high, 1, Size(width: 1280, height: 800)),
        ("x150", .normal, 1.5, Size(width: 1280, height: 800)),
        ("portrait", .normal, 1, Size(width: 800, height: 1280)),
        ("1080p", .normal, 1, Size(width: 1920, height: 1080)),
    ]

    /// Scenarios written for the default run that a variant cannot replay
    /// as written, and why: reference images are 1280×800 at ×1 in the
    /// normal theme; at ×1.5 a carte Vitale list shows fewer rows a page,
    /// and two scenarios expect a row that is then on the list's next page.
    nonisolated static func skipped(_ variant: String) -> Set<String> {
        var out: Set<String> = variant == "default" ? [] : ["reference-images.scenario"]
        if variant == "x150" { out.formUnion(["vitale-loss-then-order.scenario", "vitale-order-later.scenario"]) }
        return out
    }

    @Test(arguments: variants.map(\.name))
    func everyScreenshotPassesTheAudit(_ variant: String) async throws {
        let v = try #require(Self.variants.first { $0.name == variant })
        let runner = try makeRunner("audit-\(variant)") { o in
            o.contrast = v.contrast; o.fontScale = v.scale; o.size = v.size
            o.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: v.size)
        }
        runner.keepShots = true
        for file in shippedScenarios where !Self.skipped(variant).contains(file) {
            let s = try Scenario.load(repoRoot.appendingPathComponent("Tests/Scenarios/\(file)").path)
            // Colours expected of the normal theme are not those of high contrast.
            let steps = s.steps.filter { _, step in
                if case .expectColor = step { return v.contrast == .normal }
                return true
            }
            await runner.run(Scenario(name: s.name, path: s.path, steps: steps))
        }
        #expect(runner.failures.map(\.description) == [])
        #expect(runner.shots.count > 100)
        let found = runner.auditFindings()
        if let dir = ProcessInfo.processInfo.environment["SCREEN_AUDIT"] {
            try? found.joined(separator: "\n").write(toFile: "\(dir)/audit-\(variant).txt", atomically: true, encoding: .utf8)
        }
        let summary = "\(found.count) findings:\n" + found.prefix(60).joined(separator: "\n")
        #expect(found == [], "\(summary)")
    }

    /// The audit fails on what it looks for: each rule on a screen built to break it.
    @Test func eachRuleCatchesItsFault() throws {
        try SDLRuntime.start(headless: true)
        let fonts = try FontLibrary(fontsDirectory: assets.appendingPathComponent("fonts"))
        let m = ScreenMetrics.development
        func audit(_ s: ScreenModel, _ theme: Theme = .normal, focusMoved: Bool = false, steps: Int = 0) -> Set<ScreenAudit.Rule> {
            let l = LayoutEngine(metrics: m, theme: theme, measurer: fonts).layout(s)
            return Set(ScreenAudit.audit(l, .init(metrics: m, contrast: theme.contrast, focusMoved: focusMoved, serviceSteps: steps)).map(\.rule))
        }
        let question = Node.button(Button(id: "q.yes", label: "Oui", style: .radio(selected: false)))
        let good = ScreenModel(id: "flow.x", title: "Titre", body: .vstack([question, .button(Button(id: "go", label: "Continuer"))]),
                               footer: [Button(id: "footer.finish", label: "Terminer", style: .neutral, width: .natural)])
        #expect(audit(good) == [])
        // Two ways on.
        var two = good
        two.primary = Button(id: "other", label: "Autre", style: .destructive)
        #expect(audit(two).contains(.onePrimary))
        // A question and no way on.
        var none = good
        none.body = question
        #expect(audit(none) == [.onePrimary])
        // A focus ring nobody asked for; the same after a key.
        var ring = good
        ring.focusID = "q.yes"
        ring.showsFocus = true
        #expect(audit(ring) == [.focusRing])
        #expect(audit(ring, focusMoved: true) == [])
        // A multi-step service's screen without its step; with it.
        #expect(audit(good, steps: 3) == [.stepShown])
        var stepped = good
        stepped.step = StepIndicator(number: 1, count: 3, title: "Motif", position: "Étape 1 sur 3", key: "x.step")
        #expect(audit(stepped, steps: 3) == [])
        // Grey on grey.
        var pale = Theme.normal
        pale.mutedText = Color(hex: 0xB0B0B0)
        var muted = good
        muted.body = .vstack([.text(Text("Pâle", muted: true)), question, .button(Button(id: "go", label: "Continuer"))])
        #expect(audit(muted, pale) == [.contrast])
        // Targets too small and too close.
        var close = good
        close.body = .vstack([.button(Button(id: "a", label: "A", style: .secondary)), .button(Button(id: "b", label: "B", style: .secondary))],
                             spacing: .block)
        #expect(!audit(close).contains(.targetSpacing))
        var touching = ScreenModel(id: "flow.x", title: "T", body: .vstack([]))
        touching.primary = Button(id: "go", label: "Continuer")
        touching.footer = [Button(id: "footer.finish", label: "Terminer", style: .neutral, width: .natural)]
        var l = LayoutEngine(metrics: m, theme: .normal, measurer: fonts).layout(touching)
        // Two targets 1 mm apart.
        let go = try #require(l.target(id: "go"))
        var near = go
        near.widgetID = "near"
        near.emphasis = .secondary
        near.frame = go.frame.offsetBy(dx: 0, dy: -go.frame.height - m.px(mm: 1))
        l.append(near)
        #expect(ScreenAudit.audit(l, .init(metrics: m, contrast: .normal)).map(\.rule).contains(.targetSpacing))
        // A target of 12 mm (the layout never draws one: the list is built by hand).
        var tiny = near
        tiny.widgetID = "tiny"
        tiny.frame = Rect(x: 0, y: 300, width: m.px(mm: 12), height: m.px(mm: 25))
        l.append(tiny)
        #expect(ScreenAudit.audit(l, .init(metrics: m, contrast: .normal)).map(\.rule).contains(.targetSize))
    }

    /// A page half empty while the next one holds more is reported.
    @Test func aHalfEmptyPageIsReported() throws {
        var l = DisplayList(size: Size(width: 1280, height: 800), background: .init(hex: 0xFFFFFF), screenID: "x", title: "x")
        l.paging.areas = [PageArea(id: "body page 1", height: 400, used: 200, continues: true),
                          PageArea(id: "body page 2", height: 400, used: 100, continues: false)]
        let found = ScreenAudit.audit(l, .init(metrics: .development, contrast: .normal))
        #expect(found.map(\.rule) == [.pageFill])
        #expect(found.first?.detail.contains("page 1") == true)
    }
}
