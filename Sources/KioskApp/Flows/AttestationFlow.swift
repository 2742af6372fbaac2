import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Attestation de droits": for one beneficiary or the whole foyer, printed
/// through the kiosk's printer; says printing, printed, or what to do.
enum AttestationMachine: ServiceMachine {
    struct State: Equatable {
        enum Step: Equatable {
            case loading
            case choose
            case printing
            /// Printed for the persons chosen; `unavailable` when the printer could not.
            case done(printed: Bool, unavailable: Bool)
            case unavailable
        }
        var step = Step.loading
        var attestation: AttestationResponse?
        /// One job id per person and session: a double tap never prints twice.
        var batch = UUID()
        var firstRow = 0
        /// The persons still to print, one job at a time: a card pulled stops the rest.
        var queue: [Int] = []

        var isDone: Bool { if case .done = step { return true } else { return false } }
    }

    enum Event: MachineEvent {
        case previousPage, nextPage, retry, printAll, printPerson(Int), back
        /// Answers.
        case loaded(AttestationResponse?)
        case printed(PrintOutcome)

        var widgetID: String? {
            switch self {
            case .previousPage: "attestation.persons.previous"
            case .nextPage: "attestation.persons.next"
            case .retry: "attestation.retry"
            case .printAll: "attestation.all"
            case .printPerson(let i): "attestation.person.\(i)"
            case .back: "footer.back"
            case .loaded, .printed: nil
            }
        }
    }

    enum Effect: Equatable {
        case load
        case print(AttestationResponse, personIndex: Int, jobID: String)
    }

    static let service = KioskService.attestation
    /// Its whole point is the paper: offered only where a printer is.
    static func isOffered(_ context: FlowContext) -> Bool { context.canPrint }
    static let steps = ["attestation.step.choose", "attestation.step.print"]
    static func step(_ s: State) -> Int {
        switch s.step {
        case .loading, .choose, .unavailable: 0
        case .printing, .done: 1
        }
    }

    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.step == .printing }

    static func start(_ context: FlowContext) -> Transition<State, Effect> {
        Transition(state: State(), effects: [.load])
    }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        let list = "attestation.persons"
        switch event {
        case .loaded(let a):
            s.attestation = a
            s.step = a == nil ? .unavailable : .choose
        case .previousPage:
            s.firstRow = context.previousPage(list, from: s.firstRow)
        case .nextPage:
            s.firstRow = context.nextPage(list, from: s.firstRow, count: s.attestation?.entries.count ?? 1)
        case .retry:
            guard s.step == .unavailable else { break }
            s.step = .loading
            return Transition(state: s, effects: [.load])
        case .printAll, .printPerson:
            guard let a = s.attestation, s.step == .choose || s.isDone else { break }
            let chosen: [Int]
            if case .printPerson(let i) = event { chosen = [i] } else { chosen = Array(a.entries.indices) }
            guard chosen.allSatisfy({ a.entries.indices.contains($0) }) else { break }
            s.queue = chosen
            s.step = .printing
            return next(s)
        case .printed(let outcome):
            guard s.step == .printing else { break }
            switch outcome {
            case .printed, .alreadyPrinted: return next(s)
            case .printerUnavailable: s.step = .done(printed: false, unavailable: true)
            case .failed: s.step = .done(printed: false, unavailable: false)
            }
            s.queue = []
        case .back:
            guard s.isDone else { return .unhandled(s) }
            s.step = .choose
        }
        return Transition(state: s)
    }

    /// The next person's print, or done when none is left.
    private static func next(_ s: State) -> Transition<State, Effect> {
        var s = s
        guard let a = s.attestation, !s.queue.isEmpty else {
            s.step = .done(printed: true, unavailable: false)
            return Transition(state: s)
        }
        let i = s.queue.removeFirst()
        return Transition(state: s, effects: [.print(a, personIndex: i, jobID: "attestation-\(s.batch.uuidString)-\(i)")])
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        switch effect {
        case .load:
            guard let card = environment.card else { return .loaded(nil) }
            return .loaded(try? await environment.services.attestation(card: card))
        case .print(let a, let i, let jobID):
            return .printed(await environment.printer.print(.attestation(a, personIndex: i), jobID: jobID))
        }
    }

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["service.attestation"]
        let footer = [FlowText.finish(t), taps.button(FlowText.back(t), .back)]
        switch s.step {
        case .loading:
            return ScreenModel(id: "flow.attestation", title: title, body: context.wait("attestation.wait", t["flow.loading"]), footer: footer)
        case .printing:
            return ScreenModel(id: "flow.attestation", title: title, body: context.wait("attestation.wait", t["attestation.printing"]), footer: footer)
        case .unavailable:
            return FlowText.unavailable(id: "flow.attestation", title: title, what: t["attestation.unavailable.what"],
                                        whatID: "attestation.unavailable.what",
                                        retry: Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary), footer: footer, t)
        case .done(let printed, let unavailable):
            let banner = printed ? Banner(kind: .info, text: t["attestation.printed"])
                : Banner(kind: .error, text: t[unavailable ? "attestation.printerUnavailable" : "attestation.printFailed"])
            return ScreenModel(id: "flow.attestation", title: title, banner: banner,
                               body: .vstack([.text(Text(t[printed ? "attestation.printed.what" : "attestation.notPrinted.what"], id: "attestation.done.what"))]
                                             // The paper out of the printer, pointed at.
                                             + (printed ? Pictograms.named("paper.take", toward: context.hardware.printerTray, id: "attestation.pictogram", decorative: true).map { [.drawing($0)] } ?? [] : [])
                                             + [.flexible], spacing: .block),
                               footer: footer)
        case .choose:
            let entries = s.attestation?.entries ?? []
            let rows = entries.enumerated().map { i, e in
                ListView.Row(id: "attestation.row.\(i)", title: e.person.displayName,
                             detail: t.text("gallery.born", ["date": FlowText.birthDate(e.person.birthDate, t)]),
                             actions: [Button(id: taps.id(.printPerson(i)), label: t["attestation.print"], style: .secondary, width: .natural,
                                              speech: t["attestation.print"] + ", " + e.person.displayName)])
            }
            var nodes: [Node] = [.text(Text(t["attestation.choose"], id: "attestation.choose"))]
            if entries.count > 1 {
                nodes.append(.button(Button(id: taps.id(.printAll), label: t["attestation.all"], style: .primary)))
            }
            // The list's own pager: its ids are the list's (`<id>.previous`, `<id>.next`).
            _ = taps.id(.previousPage)
            _ = taps.id(.nextPage)
            nodes.append(.list(ListView(id: "attestation.persons", rows: rows, firstVisible: s.firstRow,
                                        previousLabel: t["list.previous"], nextLabel: t["list.next"])))
            nodes.append(.flexible)
            return ScreenModel(id: "flow.attestation", title: title, body: .vstack(nodes, spacing: .block), footer: footer,
                               focusID: (entries.count > 1 ? Event.printAll : Event.printPerson(0)).widgetID)
        }
    }
}
