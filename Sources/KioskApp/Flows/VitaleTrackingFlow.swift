import CentralAPI
import Domain
import Foundation
import KioskUI

/// « Suivre ma commande de carte Vitale » (seed 000, « Suivre mes
/// démarches »): each order of the foyer with its stage (transmise, en
/// fabrication, envoyée le …, rejetée) and the day the card should arrive,
/// as the central store answers them (the days are Domain's).
enum VitaleTrackingMachine: ServiceMachine {
    struct State: Equatable {
        enum Step: Equatable { case loading, list, unavailable }
        var step = Step.loading
        var orders: VitaleOrdersResponse?
        /// For the names (nil when the foyer cannot be read with this card: « Personne n° … »).
        var foyer: FoyerResponse?
        var firstRow = 0
    }

    enum Event: MachineEvent {
        case previousPage, nextPage, retry, order, back, finish
        case loaded(VitaleOrdersResponse?, FoyerResponse?)

        var widgetID: String? {
            switch self {
            case .previousPage: "tracking.orders.previous"
            case .nextPage: "tracking.orders.next"
            case .retry: "tracking.retry"
            case .order: "tracking.order"
            case .back: "footer.back"
            case .finish: "footer.finish"
            case .loaded: nil
            }
        }
    }

    enum Effect: Equatable { case load }

    static let service = KioskService.suiviCarteVitale
    static let steps = ["tracking.step.orders"]
    static func step(_ s: State) -> Int { 0 }
    static func isWaiting(_ s: State) -> Bool { s.step == .loading }

    static func start(_ context: FlowContext) -> Transition<State, Effect> {
        guard context.identity != nil else { return Transition(state: State(step: .unavailable)) }
        return Transition(state: State(), effects: [.load])
    }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        switch event {
        case .previousPage: s.firstRow = max(0, s.firstRow - context.pageSize("tracking.orders"))
        case .nextPage: s.firstRow = min(max(0, (s.orders?.orders.count ?? 1) - 1), s.firstRow + context.pageSize("tracking.orders"))
        case .retry:
            guard s.step == .unavailable else { break }
            s.step = .loading
            return Transition(state: s, effects: [.load])
        case .order:
            return Transition(state: s, move: .session(.back))
        case .back, .finish:
            return .unhandled(s)
        case .loaded(let orders, let foyer):
            guard s.step == .loading else { break }
            guard let orders else { s.step = .unavailable; break }
            s.orders = orders
            s.foyer = foyer
            s.step = .list
        }
        return Transition(state: s)
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        guard let card = environment.card else { return .loaded(nil, nil) }
        let orders = try? await environment.services.vitaleOrders(card: card)
        let foyer = orders == nil ? nil : try? await environment.services.foyer(card: card)
        return .loaded(orders, foyer)
    }

    /// One order's stage in words, with its days.
    static func stageText(_ o: VitaleOrderView, _ t: Catalog) -> String {
        let changed = FlowText.date(CivilDay.inParis(o.stageChangedAt), t)
        let expected = o.expectedBy.map { FlowText.date($0, t) } ?? ""
        let placed = FlowText.date(CivilDay.inParis(o.placedAt), t)
        return switch o.stage {
        case .transmitted: t.text("tracking.stage.transmitted", ["placed": placed, "expected": expected,
                                                                "followUp": FlowText.date(o.followUpFrom, t)])
        case .inProduction: t.text("tracking.stage.inProduction", ["since": changed, "expected": expected])
        case .sent: t.text("tracking.stage.sent", ["sent": changed, "expected": expected])
        case .rejected: t.text("tracking.stage.rejected", ["date": changed])
        }
    }

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let footer = [taps.button(FlowText.finish(t), .finish), taps.button(FlowText.back(t), .back)]
        let id = "flow.suiviCarteVitale"
        switch s.step {
        case .loading:
            return ScreenModel(id: id, title: t["tracking.title"], body: context.wait("tracking.wait", t["flow.loading"]), footer: footer)
        case .unavailable:
            return ScreenModel(id: id, title: t["tracking.title"], banner: Banner(kind: .error, text: t["flow.unavailable"]),
                               body: .vstack([.text(Text(t["tracking.unavailable.what"], id: "tracking.unavailable.what")),
                                              .button(Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary)), .flexible]),
                               footer: footer, focusID: Event.retry.widgetID)
        case .list:
            let orders = s.orders?.orders ?? []
            guard !orders.isEmpty else {
                return ScreenModel(id: id, title: t["tracking.title"],
                                   body: .vstack([.text(Text(t["tracking.none"], id: "tracking.none")), .flexible]), footer: footer)
            }
            let rows = orders.map { o -> ListView.Row in
                let name = s.foyer?.persons.first { $0.index == o.personIndex }?.person.displayName
                    ?? t.text("tracking.person", ["n": String(o.personIndex + 1)])
                return ListView.Row(id: "tracking.row.\(o.id.uuidString.prefix(8))", title: name,
                                    detail: VitaleOrderMachine.useCaseText(o.useCase, t) + ". " + stageText(o, t), actions: [])
            }
            _ = taps.id(.previousPage)
            _ = taps.id(.nextPage)
            return ScreenModel(id: id, title: t["tracking.title"], body: .vstack([
                .list(ListView(id: "tracking.orders", rows: rows, firstVisible: s.firstRow, visibleRows: 4,
                               previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                .text(Text(t["tracking.about"], style: .small, muted: true, id: "tracking.about")),
                .flexible,
            ]), footer: footer)
        }
    }
}
