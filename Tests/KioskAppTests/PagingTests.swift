import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// Text ×1.5 on a 15.6" 1280×800 screen: screens longer than the screen
/// are paged, at the chosen size.
@Suite @MainActor struct BodyPagingTests {
    /// The host, and its runner: the central store lives as long as the runner.
    func host() async throws -> (KioskHost, SmokeRunner) {
        let runner = try makeRunner("paging") { o in o.fontScale = 1.5 }
        let (h, _, _) = try await runner.makeHost(speechDirectory: nil)
        defer { withExtendedLifetime(runner) {} }
        h.renderIfNeeded(force: true)
        return (h, runner)
    }

    func tap(_ h: KioskHost, _ id: String) async throws {
        h.renderIfNeeded()
        let t = try #require(h.list?.findTarget(id), "no \(id) on \(h.list?.screenID ?? "?")")
        #expect(await h.tap(at: t.frame.center) == id)
        await h.controller.settle()
        h.renderIfNeeded()
    }

    func signIn(_ h: KioskHost) async throws {
        try await insertCard(h, demoCard)
        await h.controller.settle()
        for d in "1234" { try await tap(h, "keypad.\(d)") }
        try await tap(h, "keypad.ok")
    }

    /// The CEAM explanation: three paragraphs and two buttons, three pages at ×1.5 on 1280×800.
    @Test func pagesTurnSpeakAndStartAgainOnANewStepAndWhenTheCardLeaves() async throws {
        let (h, runner) = try await host()
        defer { withExtendedLifetime(runner) {} }
        h.controller.settings.autoSpeech = true
        try await signIn(h)
        try await tap(h, "service.ceam")
        var l = try #require(h.list)
        #expect(l.paging.bodyPageCount > 1)
        #expect(l.textShrink == 1 && l.problems == [])
        let body = try #require(l.texts.first { $0.widgetID == "ceam.intro.what" })
        guard case .text(_, let font, _) = body.kind else { Issue.record("not text"); return }
        #expect(font.pixels == h.metrics.fontPixels(.body))
        // « Continuer » waits in the footer's bottom-right slot; speech goes to « Suite » first.
        #expect(l.target(id: "ceam.continue") != nil && l.focusID == "page.next")
        #expect(h.speech.lastUtterance?.contains("Page 1 sur \(l.paging.bodyPageCount)") == true)
        try await tap(h, "page.next")
        l = try #require(h.list)
        #expect(l.paging.bodyPage == 1)
        #expect(h.speech.lastUtterance?.contains("Page 2 sur \(l.paging.bodyPageCount)") == true)
        try await tap(h, "page.previous")
        #expect(h.list?.paging.bodyPage == 0)
        // On to the last page: the body's button is there.
        for _ in 1..<l.paging.bodyPageCount { try await tap(h, "page.next") }
        #expect(h.list?.target(id: "ceam.countries") != nil && h.list?.focusID == "ceam.continue")
        // Another screen starts at its first page, and so does the explanation again.
        try await tap(h, "ceam.countries")
        #expect(h.list?.screenID == "flow.ceam.countries" && h.list?.paging.bodyPage == 0)
        while h.list?.target(id: "ceam.countries.close") == nil, h.list?.target(id: "page.next")?.isEnabled == true { try await tap(h, "page.next") }
        try await tap(h, "ceam.countries.close")
        #expect(h.list?.screenID == "flow.ceam" && h.list?.paging.bodyPage == 0)
        try await tap(h, "page.next")
        // The card leaves: nothing of the page stays for the next person.
        h.controller.handle(card: .removed)
        h.renderIfNeeded()
        #expect(h.controller.paging.bodyPage == 0 && h.list?.paging.bodyPage == 0)
        #expect(h.list?.screenID == "attract")
    }

    /// The CEAM list after an order at ×1.5: the long notice and the four
    /// beneficiaries, paged at the chosen size; every row is on a page.
    @Test func theCEAMListAfterAnOrderIsPagedAtItsSize() async throws {
        let (h, runner) = try await host()
        defer { withExtendedLifetime(runner) {} }
        try await insertCard(h, demoCard)
        await h.controller.settle()
        for d in "1234" { try await tap(h, "keypad.\(d)") }
        try await tap(h, "keypad.ok")
        try await tap(h, "service.ceam")
        // The explanation is paged too; « Continuer » is in the footer on every page.
        try await tap(h, "ceam.continue")
        await h.controller.tap("ceam.2.order")
        await h.controller.tap("ceam.modal.departure.yes")
        await h.controller.tap("ceam.modal.confirm")
        await h.controller.settle()
        h.renderIfNeeded()
        let first = try #require(h.list)
        #expect(first.screenID == "flow.ceam.list")
        #expect(first.paging.bodyPageCount > 1 && first.textShrink == 1)
        // The notice first, at the body size.
        let notice = try #require(first.texts.first { $0.role == .banner })
        guard case .text(_, let font, _) = notice.kind else { Issue.record("not text"); return }
        #expect(font.pixels == h.metrics.fontPixels(.body))
        var rows: [String] = []
        for page in 0..<first.paging.bodyPageCount {
            if page > 0 { try await tap(h, "page.next") }
            let l = try #require(h.list)
            #expect(l.paging.bodyPage == page && l.problems == [], "page \(page + 1): \(l.problems)")
            rows += l.items.filter { $0.role == .listRow }.compactMap(\.widgetID)
            // Nothing under the pager.
            let pager = try #require(l.target(id: "page.previous")).frame
            for t in l.texts where t.role != .title && t.widgetID?.hasPrefix("page.") == false && t.widgetID?.hasPrefix("tool.") == false
                && t.widgetID?.hasPrefix("footer.") == false && t.widgetID != "brand" {
                #expect(t.frame.maxY <= pager.minY, "« \(t.text!) » under the pager")
            }
        }
        #expect(Set(rows) == ["ceam.person.0", "ceam.person.1", "ceam.person.2", "ceam.person.3"])
    }

    @Test func aScenarioTapFindsItsWidgetOnAnotherPage() async throws {
        let runner = try makeRunner("paging-scenario") { o in o.fontScale = 1.5 }
        let ok = await runner.run(try Scenario.parse("""
            card insert \(demoCard)
            type 1234
            tap #keypad.ok
            tap #service.ceam
            expect text "Page 1 sur"
            tap Suite
            expect text "Page 2 sur"
            tap Précédent
            expect text "Page 1 sur"
            expect text "valable 2 ans"
            tap Continuer
            expect screen flow.ceam.list
            """, name: "paging"))
        #expect(ok, "\(runner.failures.map(\.description))")
    }
}
