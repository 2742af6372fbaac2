import CentralAPI
import Domain
import Foundation
import Testing
import KioskAppTesting
import KioskUI
@testable import KioskApp

/// A kiosk controller over the real central store in process
/// (`ScenarioServices`) on a test clock (Monday 23 November 2026, noon in
/// Paris), driven by widget ids; each tap waits for the flow's work, as the
/// smoke runner does. The central store stops when the kiosk goes.
@MainActor
final class FlowKiosk {
    let clock = SmokeRunner.scenarioClock()
    let services: ScenarioServices
    let c: KioskController

    init(language: String = "fr", offered: [KioskService] = KioskService.allCases, rules: RuleParameters = .standard) async throws {
        services = try await ScenarioServices.start(clock: clock, offered: offered, parameters: rules, assets: assets)
        c = KioskController(clock: clock, services: services, catalogs: try AssetLocator.catalogs(assets),
                            settings: .init(language: language), rules: rules)
        // A terminal with a printer and a card writer (the attestation and the
        // mise à jour are offered only then).
        c.printer = FakeKioskPrinter()
        c.rightsWriter = FakeCardRightsWriter()
    }

    // The test is over: the central store stops, its files and sockets go
    // (the controller may outlive the test; its services must not hold them).
    deinit {
        let services = self.services
        Task.detached { await services.shutdown() }
    }

    /// Inserted and read (its `"central"` section loaded into the central
    /// store first); the code's tries asked of the central store.
    func insert(_ path: String = demoCard) async throws {
        try await services.insert(cardFile: path, into: c)
    }

    func signIn(_ path: String = demoCard) async throws {
        try await insert(path)
        try await type("1234")
        await tap("keypad.ok")
    }

    func type(_ digits: String) async throws {
        for d in digits { await tap("keypad.\(d)") }
    }

    func tap(_ id: String) async {
        await c.tap(id)
        await c.settle()
    }

    func removeCard() { c.handle(card: .removed) }

    var screen: ScreenModel { c.screen() }
    var screenID: String { screen.id }
    /// Every string of the screen model: title, banner, texts, labels, rows, modal.
    /// Non-breaking spaces read as spaces, as the smoke runner's matching does.
    var text: String {
        ScreenText.strings(screen).joined(separator: "\n").replacingOccurrences(of: "\u{00A0}", with: " ")
            .replacingOccurrences(of: "\u{202F}", with: " ")
    }
    /// Ids of every button, list row action and keypad of the screen model.
    var ids: Set<String> { ScreenText.ids(screen) }
}

enum ScreenText {
    static func strings(_ s: ScreenModel) -> [String] {
        var out = [s.title] + (s.banner.map { [$0.text] } ?? []) + strings(s.body) + s.footer.map(\.label)
        if let m = s.modal { out += [m.title, m.message] + (m.content.map(strings) ?? []) + m.buttons.map(\.label) }
        return out
    }

    static func strings(_ n: Node) -> [String] {
        switch n {
        case .stack(let st): return st.children.flatMap(strings)
        case .text(let t): return [t.string]
        case .button(let b): return [b.label]
        case .list(let l): return l.rows.flatMap { [$0.title] + ($0.detail.map { [$0] } ?? []) + $0.actions.map(\.label) }
        case .progress(let p): return [p.message]
        case .banner(let b): return [b.text]
        case .keyboard(let k): return [k.text]
        default: return []
        }
    }

    /// The texts of a node, with their ids.
    static func texts(_ n: Node) -> [Text] {
        switch n {
        case .stack(let st): return st.children.flatMap(texts)
        case .text(let t): return [t]
        default: return []
        }
    }

    /// The buttons of a node (not a list's rows).
    static func buttons(_ n: Node) -> [Button] {
        switch n {
        case .stack(let st): return st.children.flatMap(buttons)
        case .button(let b): return [b]
        default: return []
        }
    }

    static func ids(_ s: ScreenModel) -> Set<String> {
        var out = Set(s.footer.map(\.id))
        func walk(_ n: Node) {
            switch n {
            case .stack(let st): st.children.forEach(walk)
            case .button(let b): out.insert(b.id)
            case .list(let l): for r in l.rows { out.insert(r.id); r.actions.forEach { out.insert($0.id) } }
            case .keypad(let k): out.insert(k.id)
            default: break
            }
        }
        walk(s.body)
        s.modal?.buttons.forEach { out.insert($0.id) }
        return out
    }
}

/// The real central store in process for one test, stopped after `body`.
func withScenarioServices<T>(clock: TestClock = SmokeRunner.scenarioClock(), offered: [KioskService] = KioskService.allCases,
                             _ body: (ScenarioServices) async throws -> T) async throws -> T {
    let s = try await ScenarioServices.start(clock: clock, offered: offered, assets: assets)
    do {
        let r = try await body(s)
        await s.shutdown()
        return r
    } catch {
        await s.shutdown()
        throw error
    }
}

/// A card file into a host made by `SmokeRunner.makeHost` (its central
/// store loads the file's `"central"` section first), as a reader would.
@MainActor
func insertCard(_ h: KioskHost, _ path: String) async throws {
    let services = try #require(h.controller.services as? ScenarioServices, "a host from SmokeRunner.makeHost")
    try await services.insert(cardFile: path, into: h.controller)
}
