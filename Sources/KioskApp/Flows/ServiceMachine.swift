import CentralAPI
import Domain
import Foundation
import KioskUI

/// A service as a typed state machine (DESIGN.md, KioskApp): its state is
/// a value, every tap and every answer is an `Event`, `reduce` is pure and
/// says which `Effect`s to run, `screen` is pure. `MachineFlow` is the one
/// effect runner: it owns the services, the printer and the card writer,
/// and drops an answer that comes back after the assuré has left.
///
/// Taps reach a machine without any string parsing: `screen` names each
/// widget through `TapTable.id(_:)`, which derives the id from the event
/// (scenarios keep their readable ids) and remembers which event it is.
@MainActor
protocol ServiceMachine {
    associatedtype State: Equatable
    associatedtype Event: MachineEvent
    associatedtype Effect

    static var service: KioskService { get }
    /// Whether the menu offers the service on this terminal for this card:
    /// the menu never offers what the terminal cannot do (a printer, a card
    /// writer). Offered by default.
    static func isOffered(_ context: FlowContext) -> Bool
    /// The service's steps, as catalog keys, in order (a step indicator
    /// says « Étape 2 sur 3 » with them).
    static var steps: [String] { get }
    /// The step `state` is in (an index into `steps`).
    static func step(_ state: State) -> Int

    /// Where the service starts when the session enters it.
    static func start(_ context: FlowContext) -> Transition<State, Effect>
    static func reduce(_ state: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect>
    static func screen(_ state: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel
    /// Runs one effect; the answer comes back as an event (nil: none).
    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event?

    /// True while the screen shows a wait (the indicator moves).
    static func isWaiting(_ state: State) -> Bool
    /// A catalog key the attract screen shows when the card leaves in this state.
    static func noticeOnRemoval(_ state: State) -> String?
    /// True for an effect that runs even when the assuré leaves before it
    /// starts: a request they confirmed is sent (once); its answer is dropped.
    static func outlivesSession(_ effect: Effect) -> Bool
    /// Time passes (a second): what a waiting state does then (nil: nothing).
    static func tick(_ state: State, _ context: FlowContext) -> Transition<State, Effect>?
    /// The service is left (menu, card pulled, inactivity): effects that
    /// close what it opened outside; run once, their answers dropped.
    static func ended(_ state: State) -> [Effect]
    /// The assuré is busy elsewhere for this screen (on their phone, with
    /// the QR code's page): the inactivity countdown waits meanwhile.
    static func keepsSessionAwake(_ state: State) -> Bool
}

extension ServiceMachine {
    static func isOffered(_ context: FlowContext) -> Bool { true }
    static func noticeOnRemoval(_ state: State) -> String? { nil }
    static func outlivesSession(_ effect: Effect) -> Bool { false }
    static func tick(_ state: State, _ context: FlowContext) -> Transition<State, Effect>? { nil }
    static func ended(_ state: State) -> [Effect] { [] }
    static func keepsSessionAwake(_ state: State) -> Bool { false }
}

/// An event of a machine: a tap has the id of its widget; an answer (an
/// effect's result) has none, so no tap can fake it.
protocol MachineEvent: Equatable {
    var widgetID: String? { get }
}

/// What `reduce` decides: the next state, the effects to run, and the
/// kiosk's move if any (back to the menu, a confirmed request, sign-in).
struct Transition<State, Effect> {
    var state: State
    var effects: [Effect] = []
    var move: FlowMove? = nil
    /// False: the machine leaves this tap to the controller.
    var handled = true

    static func unhandled(_ state: State) -> Transition { Transition(state: state, handled: false) }
}

/// What a machine asks of the kiosk beyond its own screen.
enum FlowMove: Equatable {
    /// A move of the session (back, confirmed, finish…).
    case session(SessionEvent)
    /// On to another service, handing it what it needs (the order after a declaration).
    case handOver(ServiceHandOver, to: KioskService)
    /// A code was accepted for the card in the reader: the menu.
    case signIn
}

/// What the pure functions may read: words, rules, the card, the last
/// frame's list sizes, the moment of the event. Never a service, a printer
/// or a clock to read.
@MainActor
struct FlowContext {
    var catalog: Catalog
    var rules: RuleParameters
    var identity: CardIdentity?
    var isSignedIn: Bool
    /// The wait indicator's phase (fixed in smoke runs).
    var animationPhase: Double
    /// Rows each list showed in the last frame, by list id.
    var listPageSizes: [String: Int]
    /// The first row of each page of each list in the last frame.
    var listPageStarts: [String: [Int]] = [:]
    /// This kiosk has a card writer (the mise à jour).
    var canWriteRights: Bool
    /// This kiosk has a printer (it may still be out of paper: the print says so).
    var canPrint: Bool
    /// The kiosk's clock when the event came (read once, before `reduce`):
    /// a request confirmed now keeps it as its `confirmedAt`; the date
    /// picker's bounds come from `today`. So `reduce` stays pure.
    var now: Date
    var today: CivilDate
    /// A new request's id (UUIDs in production, fixed in tests).
    var newID: () -> UUID
    /// The words of the documents the kiosk prints: a récépissé is an
    /// Assurance Maladie document, in French whatever the screen's language.
    var documentCatalog: Catalog
    /// This kiosk has a document scanner (kiosk-config `scanner.device`).
    var canScan = false
    /// What the service before handed this one (read when it starts).
    var handOver: ServiceHandOver?
    /// Where the reader and the printer's tray stand: the pictograms point there.
    var hardware = TerminalHardware()

    init(catalog: Catalog, rules: RuleParameters = .standard, identity: CardIdentity? = nil, isSignedIn: Bool = false,
         animationPhase: Double = 0.35, listPageSizes: [String: Int] = [:], canWriteRights: Bool = true, canPrint: Bool = true,
         now: Date = Date(timeIntervalSince1970: 1_795_435_200), newID: @escaping () -> UUID = { UUID() },
         documentCatalog: Catalog? = nil) {
        self.catalog = catalog; self.rules = rules; self.identity = identity; self.isSignedIn = isSignedIn
        self.animationPhase = animationPhase; self.listPageSizes = listPageSizes; self.canWriteRights = canWriteRights
        self.canPrint = canPrint
        self.now = now; self.today = CivilDay.inParis(now); self.newID = newID; self.documentCatalog = documentCatalog ?? catalog
    }

    init(_ c: KioskController) {
        catalog = c.catalog; rules = c.rules; identity = c.session.identity; isSignedIn = c.session.isSignedIn
        animationPhase = c.animationPhase; listPageSizes = c.listPageSizes; listPageStarts = c.listPageStarts
        canWriteRights = c.rightsWriter != nil
        canPrint = !(c.printer is NoPrinter)
        hardware = c.hardware
        now = c.clock.now; today = c.clock.today; newID = { UUID() }; documentCatalog = c.catalogs["fr"] ?? c.catalog
        canScan = c.documentDesk.hasScanner; handOver = c.handOver
    }

    /// Rows `list` showed in the last frame (`unknown` before it was drawn).
    func pageSize(_ list: String, unknown: Int = 1) -> Int { max(1, listPageSizes[list] ?? unknown) }

    /// The first row of the page after the one holding `row` (pages are cut
    /// by the rows' real heights: they need not hold as many rows each).
    func nextPage(_ list: String, from row: Int, count: Int, unknown: Int = 1) -> Int {
        let last = max(0, count - 1)
        guard let starts = listPageStarts[list], !starts.isEmpty else { return min(last, row + pageSize(list, unknown: unknown)) }
        return min(last, starts.first { $0 > row } ?? row)
    }

    /// The first row of the page before the one holding `row`.
    func previousPage(_ list: String, from row: Int, unknown: Int = 1) -> Int {
        guard let starts = listPageStarts[list], !starts.isEmpty else { return max(0, row - pageSize(list, unknown: unknown)) }
        let current = starts.lastIndex { $0 <= row } ?? 0
        return starts[max(0, current - 1)]
    }

    /// A wait on screen: the indicator and the message.
    func wait(_ id: String, _ message: String) -> Node {
        .vstack([.flexible, .progress(Progress(id: id, message: message, phase: animationPhase)), .flexible])
    }
}

/// What effects may use: the real parts behind the kiosk's seams.
struct EffectEnvironment: Sendable {
    var services: any KioskServices
    var printer: any KioskPrinter
    var rightsWriter: (any CardRightsWriter)?
    /// The card of the session the effect was asked in.
    var card: CardIdentity?
    /// The order's documents: scanner, previews, QR codes.
    var documents: any DocumentDesk = NoDocumentDesk()
}

/// What the carte Vitale services read first: the outbox, then the foyer
/// (a request delivered between the two reads is then in the foyer, not
/// in neither); the central store refusing the card is said as such.
enum FoyerRead {
    case read(pending: [PendingRequest], foyer: FoyerResponse?)
    case cardRefused

    static func load(_ environment: EffectEnvironment) async -> FoyerRead {
        guard let card = environment.card else { return .read(pending: [], foyer: nil) }
        let pending = await environment.services.pendingRequests(card: card)
        do {
            return .read(pending: pending, foyer: try await environment.services.foyer(card: card))
        } catch let failure as ServiceFailure where failure.kind == .cardRefused {
            return .cardRefused
        } catch {
            return .read(pending: pending, foyer: nil)
        }
    }
}

/// The widgets of one screen and the events they stand for: filled by
/// `screen`, read by the runner when a tap comes.
@MainActor
final class TapTable<Event: MachineEvent> {
    private(set) var events: [String: Event] = [:]

    /// The widget id of `event` (its own `widgetID`), remembered for taps.
    func id(_ event: Event) -> String {
        guard let id = event.widgetID else { preconditionFailure("an answer is not a tap: \(event)") }
        events[id] = event
        return id
    }

    func event(for id: String) -> Event? { events[id] }

    /// A shared button (`FlowText.back`, `FlowText.finish`) as the widget of `event`.
    func button(_ b: Button, _ event: Event) -> Button {
        var b = b
        b.id = id(event)
        return b
    }
}

/// Runs a `ServiceMachine` behind the controller's `Flow` seam.
@MainActor
final class MachineFlow<M: ServiceMachine>: Flow {
    let service = M.service
    /// Settable in this module: tests draw every state.
    var state: M.State

    init(state: M.State) { self.state = state }

    var isWaiting: Bool { M.isWaiting(state) }
    var keepsSessionAwake: Bool { M.keepsSessionAwake(state) }
    var stepKeys: [String] { M.steps }
    var noticeOnRemoval: String? { M.noticeOnRemoval(state) }

    func start(_ c: KioskController) {
        perform(M.start(FlowContext(c)), c)
    }

    func tap(_ id: String, _ c: KioskController) async -> Bool {
        let context = FlowContext(c)
        let taps = TapTable<M.Event>()
        // The screen the assuré sees says which event this widget is.
        _ = M.screen(state, context, taps)
        guard let event = taps.event(for: id) else { return false }
        let t = M.reduce(state, event, context)
        guard t.handled else { return false }
        perform(t, c)
        return true
    }

    func screen(_ c: KioskController) -> ScreenModel {
        var s = M.screen(state, FlowContext(c), TapTable())
        // The chrome: « Étape 2 sur 4 » and the step's title, on every screen of a multi-step service.
        if M.steps.count > 1 {
            let t = c.catalog
            let i = min(max(0, M.step(state)), M.steps.count - 1)
            s.step = StepIndicator(number: i + 1, count: M.steps.count, title: t[M.steps[i]],
                                   position: t.text("step.position", ["n": String(i + 1), "total": String(M.steps.count)]), key: M.steps[i])
        }
        return s
    }

    func tick(_ c: KioskController) {
        guard let t = M.tick(state, FlowContext(c)) else { return }
        perform(t, c)
    }

    func end(_ c: KioskController) {
        let environment = EffectEnvironment(services: c.services, printer: c.printer, rightsWriter: c.rightsWriter, card: nil,
                                            documents: c.documentDesk)
        for effect in M.ended(state) {
            // The flow is gone: the effect runs, its answer goes nowhere.
            c.background { _ = await M.run(effect, environment) }
        }
    }

    /// Sends an event as if it came from the machine's own effect (tests).
    func send(_ event: M.Event, _ c: KioskController) {
        perform(M.reduce(state, event, FlowContext(c)), c)
    }

    private func perform(_ t: Transition<M.State, M.Effect>, _ c: KioskController) {
        state = t.state
        // The card of the session the effects are asked in.
        let card = c.session.identity
        for effect in t.effects {
            let confirmed = M.outlivesSession(effect)
            // The real parts, telling the session's history what they did (SessionRecap.swift).
            let environment = c.effectEnvironment(card: card)
            c.background { [weak self] in
                // Nothing starts for an assuré who has left (but a request they confirmed)…
                guard confirmed || self.map({ c.isCurrent($0) }) == true else { return }
                let answer = await M.run(effect, environment)
                // …and an answer that comes back after they left is dropped.
                guard let self, c.isCurrent(self), let answer else { return }
                self.send(answer, c)
            }
        }
        switch t.move {
        case .session(let e)?: c.send(e)
        case .handOver(let h, let service)?:
            c.handOver = h
            c.send(.choose(service))
            c.handOver = nil
        case .signIn?:
            guard let card = c.session.identity else { break }
            c.background { [weak self] in
                guard let self, c.isCurrent(self) else { return }
                await c.signIn(card: card)
            }
        case nil: break
        }
    }
}
