import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Carte Vitale perdue, volée ou qui ne fonctionne plus" (seeds 000, 004):
/// the beneficiary (12 years and over, with a card in use), the reason, the
/// commitment to return a found card, confirm; the card is invalidated. Then
/// « Commander une nouvelle carte Vitale » when the domain allows it: the
/// order service (`VitaleOrderMachine`) takes over, chained after the
/// declaration; or why not.
enum VitaleLossMachine: ServiceMachine {
    /// A request of this service.
    enum Request: Equatable { case declaration }

    /// The modal before a request.
    enum Confirming: Equatable {
        case declare
    }

    struct State: Equatable {
        enum Step: Equatable {
            case loading
            case choosePerson
            /// Reason and commitment for the chosen person.
            case details(person: Int)
            case submitting
            /// The declaration is taken: applied (`transmitted`) or in the outbox.
            case declared(person: Int, transmitted: Bool)
            /// Refused by the central store's rules (state changed meanwhile).
            case refused(reason: String?)
            /// Nothing was taken: try again (the same request, never two).
            case unavailable
            /// The central store no longer accepts the card in the reader: it
            /// was declared (here, in an earlier visit, or elsewhere) and the
            /// declaration has reached it. No démarche can be made with it.
            case cardNoLongerValid
        }

        var step = Step.loading
        var foyer: FoyerResponse?
        var reason: VitaleDeclarationReason?
        var commits = false
        var confirming: Confirming?
        /// The confirmed requests: the same ids on a double tap or a retry.
        var declaration: KioskCommand?
        /// The request sent last: « Réessayer » after « indisponible » sends it
        /// again (the same command); none yet: the foyer is read again.
        var request: Request?
        /// What the printer said of the récépissé on screen.
        var printed: PrintOutcome?
        /// Carte Vitale requests confirmed earlier (another visit, another
        /// session) that wait in the kiosk's outbox: the central store's foyer
        /// does not show them yet, so they are not offered again.
        var pending: [PendingRequest] = []
        /// Requests recorded in an earlier visit that the central store refused
        /// (or that were parked) after the assuré left: said once, above the list.
        var later: [UnsuccessfulRequest] = []
        var firstRow = 0
        /// The ids the requests take when the assuré confirms them, drawn
        /// when the service starts (`reduce` draws nothing).
        var declarationID = UUID()

        func person(_ i: Int) -> PersonView? { foyer?.persons.first { $0.index == i } }

        /// A declaration or an order for this person waiting in the outbox (what the row says of it).
        func waiting(_ p: PersonView) -> PendingRequest? { pending.last { $0.personIndex == p.index } }

        /// What the central store allows today, less what a request waiting
        /// in the outbox holds back (`OneDemarcheAtATime`).
        func offered(_ action: VitaleAction, _ p: PersonView) -> Bool {
            OneDemarcheAtATime.vitaleOffered(to: p.index, waiting: Set(pending.map(\.personIndex)))
                && VitaleLossMachine.availability(action, p) == .some(nil)
        }
        func canDeclare(_ p: PersonView) -> Bool { offered(.declare, p) }
        func canOrder(_ p: PersonView) -> Bool { offered(.order, p) }

        /// A found card must be sent back, unless it is broken (`VitaleDeclarationReason.requiresReturnCommitment`).
        var needsCommitment: Bool { reason?.requiresReturnCommitment == true }
        var readyToDeclare: Bool { reason != nil && (commits || !needsCommitment) }

        /// The order is offered when the person as the central store now holds
        /// them allows it (a declaration still in the outbox: not yet, the
        /// documents go with an order the central store can take).
        func orderOffered(_ p: PersonView) -> Bool {
            if case .declared(_, let transmitted) = step, !transmitted { return false }
            return canOrder(p)
        }

        /// The command of `request`.
        var sent: KioskCommand? {
            switch request {
            case .declaration?: declaration
            case nil: nil
            }
        }
    }

    enum Event: MachineEvent {
        case previousPage, nextPage
        case choose(person: Int)
        case orderFor(person: Int)
        case reason(VitaleDeclarationReason)
        case commit, declare, order, retry, print
        case cancel, confirm
        case back, finish
        /// Answers.
        case loaded(pending: [PendingRequest], foyer: FoyerResponse?)
        /// The central store refused the card in the reader (declared lost, stolen or faulty).
        case cardRefused
        case unsuccessful([UnsuccessfulRequest])
        case submitted(KioskCommand, SubmitOutcome?)
        case refreshed(FoyerResponse?)
        case printed(command: UUID, PrintOutcome)

        var widgetID: String? {
            switch self {
            case .previousPage: "vitale.persons.previous"
            case .nextPage: "vitale.persons.next"
            case .choose(let i): "vitale.person.\(i)"
            case .orderFor(let i): "vitale.orderFor.\(i)"
            case .reason(let r): "vitale.reason.\(r.rawValue)"
            case .commit: "vitale.commit"
            case .declare: "vitale.declare"
            case .order: "vitale.order"
            case .retry: "vitale.retry"
            case .print: "vitale.print"
            case .cancel: "modal.cancel"
            case .confirm: "modal.confirm"
            case .back: "footer.back"
            case .finish: "footer.finish"
            case .loaded, .cardRefused, .unsuccessful, .submitted, .refreshed, .printed: nil
            }
        }
    }

    enum Effect: Equatable {
        /// The outbox, then the foyer.
        case load
        /// This service's requests that did not go through after the assuré left.
        case fetchUnsuccessful
        /// Said on screen: not said again.
        case markTold([UUID])
        case submit(KioskCommand)
        /// The foyer as it is after a request applied: what may follow (the order).
        case refreshFoyer
        case print(KioskDocument, jobID: String)
    }

    static let service = KioskService.carteVitaleLoss
    static let steps = ["vitale.step.person", "vitale.step.reason", "vitale.step.declare"]
    static func step(_ s: State) -> Int {
        switch s.step {
        case .loading, .choosePerson, .cardNoLongerValid: 0
        case .details: 1
        case .declared: 2
        // Sending, refused or unavailable: the step of the request sent, if any.
        case .submitting, .refused, .unavailable:
            switch s.request {
            case .declaration?: 2
            case nil: 0
            }
        }
    }

    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.step == .submitting }

    /// A request the assuré confirmed is sent even if the card leaves before
    /// it goes: durable in the outbox, applied once (its id).
    static func outlivesSession(_ effect: Effect) -> Bool {
        if case .submit = effect { return true }
        return false
    }

    static func start(_ context: FlowContext) -> Transition<State, Effect> { load(State(), context) }

    /// The names of this service's commands (`KioskCommand.Action.name`),
    /// to pick its requests among those that did not go through.
    static let actionNames: Set<String> = Set(
        VitaleDeclarationReason.allCases.map { KioskCommand.Action.vitaleDeclaration(reason: $0, commitsToReturnFoundCard: true).name }
            + [KioskCommand.Action.vitaleOrder(order: nil).name])

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        // A modal is open: only its buttons answer, what lies under it does
        // nothing (answers still come in).
        if let confirming = s.confirming, event.widgetID != nil {
            switch event {
            case .cancel:
                s.confirming = nil
                return Transition(state: s)
            case .confirm:
                s.confirming = nil
                return confirmed(confirming, s, context)
            default:
                return Transition(state: s)
            }
        }
        switch event {
        // A page is what the last frame showed (large text shows fewer rows).
        case .previousPage:
            s.firstRow = context.previousPage("vitale.persons", from: s.firstRow)
        case .nextPage:
            s.firstRow = context.nextPage("vitale.persons", from: s.firstRow, count: s.foyer?.persons.count ?? 1)
        case .choose(let i):
            guard s.step == .choosePerson, let p = s.person(i), s.canDeclare(p) else { break }
            s.reason = nil
            s.commits = false
            s.step = .details(person: i)
        case .orderFor(let i):
            // The order service takes over (documents, sworn statement): this person, no declaration to follow.
            guard s.step == .choosePerson, let p = s.person(i), s.canOrder(p) else { break }
            return Transition(state: s, move: .handOver(.vitaleOrder(foyer: s.foyer, person: p, after: nil), to: .commandeCarteVitale))
        case .reason(let r):
            guard case .details = s.step else { break }
            s.reason = r
        case .commit:
            guard case .details = s.step else { break }
            s.commits.toggle()
        case .declare:
            guard case .details = s.step, s.readyToDeclare else { break }
            s.confirming = .declare
        case .order:
            // After the declaration just made, which the central store applies first.
            guard case .declared(let i, _) = s.step, let p = s.person(i), s.orderOffered(p) else { break }
            return Transition(state: s, move: .handOver(.vitaleOrder(foyer: s.foyer, person: p, after: s.declaration?.id),
                                                        to: .commandeCarteVitale))
        case .retry:
            guard s.step == .unavailable else { break }
            if let command = s.sent { return send(command, s) }
            return load(s, context)
        case .print:
            return printReceipt(s, context)
        case .back:
            guard case .details = s.step else { return .unhandled(s) }
            s.step = .choosePerson
        case .finish:
            return .unhandled(s)
        case .cancel, .confirm:
            break // no modal: nothing to confirm
        case .loaded(let pending, let foyer):
            guard s.step == .loading else { break }
            guard let foyer else { s.step = .unavailable; break }
            s.foyer = foyer
            s.pending = pending.filter { $0.ceamAction == nil }
            // What did not go through after an earlier visit: asked before the list shows.
            if s.later.isEmpty { return Transition(state: s, effects: [.fetchUnsuccessful]) }
            s.step = .choosePerson
        case .cardRefused:
            guard s.step == .loading else { break }
            s.step = .cardNoLongerValid
        case .unsuccessful(let requests):
            guard s.step == .loading else { break }
            s.step = .choosePerson
            let mine = requests.filter { actionNames.contains($0.action) }
            guard !mine.isEmpty else { break }
            s.later = mine
            // Said now: not again at the next visit.
            return Transition(state: s, effects: [.markTold(mine.map(\.id))])
        case .submitted(let command, let outcome):
            // One request at a time: the answer to the one on its way.
            guard s.step == .submitting, s.sent?.id == command.id else { break }
            switch outcome {
            case .acknowledged(let r)? where r.status == .refused:
                s.declaration = nil
                s.step = .refused(reason: r.reason)
                // Said now: not again at the next visit.
                return Transition(state: s, effects: [.markTold([command.id])])
            case .acknowledged(let receipt)?:
                // The person as the central store now holds them: after the
                // card in the reader is declared lost, the foyer can no longer
                // be read with it, and the receipt alone says whether the
                // order of a new card may follow.
                if let p = receipt.person, var f = s.foyer, let k = f.persons.firstIndex(where: { $0.index == p.index }) {
                    f.persons[k] = p
                    s.foyer = f
                }
                s.step = taken(command, transmitted: true)
                return Transition(state: s, effects: [.refreshFoyer])
            case .queued?:
                s.step = taken(command, transmitted: false)
            case nil:
                s.step = .unavailable
            }
        case .refreshed(let foyer):
            if let foyer { s.foyer = foyer }
        case .printed(let id, let outcome):
            // Said under the récépissé it was for.
            guard receipt(s)?.command.id == id else { break }
            s.printed = outcome
        }
        return Transition(state: s)
    }

    private static func load(_ s: State, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        guard context.identity != nil else {
            s.step = .unavailable
            return Transition(state: s)
        }
        s.step = .loading
        return Transition(state: s, effects: [.load])
    }

    /// « Confirmer » in the modal: the request, fixed (id, moment) once.
    private static func confirmed(_ confirming: Confirming, _ s: State, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        guard let card = context.identity else { return Transition(state: s) }
        switch confirming {
        case .declare:
            guard case .details(let i) = s.step, let reason = s.reason else { return Transition(state: s) }
            let command = s.declaration ?? KioskCommand(id: s.declarationID, serial: card.serial, personIndex: i,
                                                        action: .vitaleDeclaration(reason: reason, commitsToReturnFoundCard: s.commits || !s.needsCommitment),
                                                        confirmedAt: context.now)
            s.declaration = command
            s.request = .declaration
            return send(command, s)
        }
    }

    /// Submits once; on "unavailable" the retry sends the same command.
    private static func send(_ command: KioskCommand, _ s: State) -> Transition<State, Effect> {
        var s = s
        s.step = .submitting
        s.printed = nil
        return Transition(state: s, effects: [.submit(command)])
    }

    /// The step once `command` is taken: applied (`transmitted`) or in the outbox.
    private static func taken(_ command: KioskCommand, transmitted: Bool) -> State.Step {
        .declared(person: command.personIndex, transmitted: transmitted)
    }

    /// The request the screen's récépissé is for, and whether it was transmitted.
    private static func receipt(_ s: State) -> (command: KioskCommand, transmitted: Bool)? {
        switch s.step {
        case .declared(_, let transmitted): s.declaration.map { (command: $0, transmitted: transmitted) }
        default: nil
        }
    }

    private static func printReceipt(_ s: State, _ context: FlowContext) -> Transition<State, Effect> {
        guard let r = receipt(s), let p = s.person(r.command.personIndex) else { return Transition(state: s) }
        let (command, transmitted) = r
        // The récépissé is an Assurance Maladie document: in French, whatever the screen's language.
        let paper = context.documentCatalog
        let what = paper["vitale.receipt.declared.\(reasonKey(command))"]
        // What is true on paper too: queued on the kiosk.
        let next = [transmitted ? nil : paper["vitale.receipt.queued"]].compactMap { $0 }
        let document = KioskDocument.receipt(command: command, person: p.person, what: what, transmitted: transmitted,
                                             nextStep: next.isEmpty ? nil : next.joined(separator: " "))
        return Transition(state: s, effects: [.print(document, jobID: "receipt-\(command.id.uuidString)")])
    }

    private static func reasonKey(_ c: KioskCommand) -> String {
        if case .vitaleDeclaration(let r, _) = c.action { return r.rawValue }
        return "perte"
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        let services = environment.services
        switch effect {
        case .load:
            switch await FoyerRead.load(environment) {
            case .read(let pending, let foyer): return .loaded(pending: pending, foyer: foyer)
            case .cardRefused: return .cardRefused
            }
        case .fetchUnsuccessful:
            guard let card = environment.card else { return .unsuccessful([]) }
            return .unsuccessful(await services.unsuccessfulRequests(card: card))
        case .markTold(let ids):
            await services.markTold(ids)
            return nil
        case .submit(let command):
            return .submitted(command, try? await services.submit(command))
        case .refreshFoyer:
            guard let card = environment.card else { return nil }
            return .refreshed(try? await services.foyer(card: card))
        case .print(let document, let jobID):
            guard case .receipt(let command, _, _, _, _) = document else { return nil }
            return .printed(command: command.id, await environment.printer.print(document, jobID: jobID))
        }
    }

    // MARK: screen

    nonisolated static func availability(_ action: VitaleAction, _ p: PersonView) -> VitaleExclusion?? {
        p.vitaleActions.first { $0.action == action }.map { $0.exclusion }
    }

    static func exclusionKey(_ e: VitaleExclusion) -> String {
        switch e {
        case .tooYoung: "tooYoung"
        case .npai: "npai"
        case .notAuthorised: "notAuthorised"
        case .regimeChanging: "regimeChanging"
        case .declarationRequired: "declarationRequired"
        case .orderPausedUntil: "orderPaused"
        case .orderInProgress: "orderInProgress"
        case .noActiveCard: "noActiveCard"
        case .demarcheEnCours: "demarcheEnCours"
        case .noOwnNIR: "noOwnNIR"
        case .noVisualChangeOnFile: "noVisualChangeOnFile"
        }
    }

    static func exclusionText(_ e: VitaleExclusion, _ t: Catalog) -> String {
        switch e {
        case .tooYoung(let age): t.text("vitale.why.tooYoung", ["age": String(age)])
        case .orderPausedUntil(let d): t.text("vitale.why.orderPaused", ["when": FlowText.dateTime(d, t)])
        // One wording for NPAI in every service.
        case .npai: t["why.npai"]
        case .noOwnNIR: t["order.why.noOwnNIR"]
        default: t["vitale.why.\(exclusionKey(e))"]
        }
    }

    /// The confirmation before a request; an irreversible one (the card
    /// deactivated) in its own colour, its button naming the consequence.
    private static func confirmModal(_ title: String, _ message: String, _ t: Catalog, _ taps: TapTable<Event>,
                                     summary: [Node], destructive: String? = nil) -> Modal {
        Modal(id: "modal", title: title, message: message, content: .vstack(summary, spacing: .related),
              buttons: [Button(id: taps.id(.cancel), label: t["modal.cancel"], style: .secondary),
                        Button(id: taps.id(.confirm), label: destructive ?? t["modal.confirm"], style: destructive == nil ? .primary : .destructive)])
    }

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["vitale.title"]
        let finish = taps.button(FlowText.finish(t), .finish)
        let footer = [finish, taps.button(FlowText.back(t), .back)]
        // After a request: « Retour » goes back to the menu, and says so.
        let menuFooter = [finish, Button(id: taps.id(.back), label: t["flow.menu"], style: .secondary, width: .natural)]
        var screen: ScreenModel
        switch s.step {
        case .loading:
            screen = ScreenModel(id: "flow.carteVitaleLoss", title: title, body: context.wait("vitale.wait", t["flow.loading"]), footer: footer)
        case .submitting:
            screen = ScreenModel(id: "flow.carteVitaleLoss", title: title, body: context.wait("vitale.wait", t["flow.sending"]), footer: footer)
        case .choosePerson:
            let persons = s.foyer?.persons ?? []
            let rows = persons.map { p in
                let declarable = s.canDeclare(p), orderable = !declarable && s.canOrder(p)
                // Why not: the order's reason when it says more (paused until…, already ordered), else the declaration's.
                let orderWhy = availability(.order, p).flatMap { $0 }.flatMap { e -> VitaleExclusion? in
                    switch e { case .tooYoung, .declarationRequired: nil; default: e }
                }
                let why = s.waiting(p).map { w -> String in
                    if case .vitaleOrder = w.action { return t["vitale.why.queued.order"] }
                    return t["vitale.why.queued.declare"]
                }
                    ?? (orderWhy ?? availability(.declare, p).flatMap { $0 }).map { exclusionText($0, t) }
                // A row's action is a choice among equals: none is the screen's primary.
                let action: Button? = declarable
                    ? Button(id: taps.id(.choose(person: p.index)), label: t["vitale.person.choose"], style: .secondary, width: .natural,
                             speech: t["vitale.person.choose"] + ", " + p.person.displayName)
                    : orderable ? Button(id: taps.id(.orderFor(person: p.index)), label: t["vitale.person.order"], style: .secondary, width: .natural,
                                         speech: t["vitale.person.order"] + ", " + p.person.displayName) : nil
                let blocked = action == nil && s.waiting(p) == nil && why != nil && orderWhy != nil
                return ListView.Row(id: "vitale.row.\(p.index)", title: p.person.displayName,
                                    detail: declarable ? t["vitale.person.hasCard"] : orderable ? t["vitale.person.canOrder"] : why,
                                    actions: action.map { [$0] } ?? [],
                                    badges: StateBadges.vitale(p.vitale, waiting: s.waiting(p) != nil, blocked: blocked, t))
            }
            // A request of an earlier visit that did not go through: said once, above the list.
            let later = s.later.map { r in
                t.text(r.parked ? "vitale.later.parked" : "vitale.later.refused",
                       ["name": s.person(r.personIndex)?.person.displayName ?? "", "date": FlowText.date(CivilDay.inParis(r.confirmedAt), t)])
            }
            // The list's own pager: its ids are the list's (`<id>.previous`, `<id>.next`).
            _ = taps.id(.previousPage)
            _ = taps.id(.nextPage)
            screen = ScreenModel(id: "flow.carteVitaleLoss", title: title,
                                 banner: later.isEmpty ? nil : Banner(kind: .error, text: later.joined(separator: " ")), body: .vstack([
                                     .text(Text(t["vitale.choose"], id: "vitale.choose")),
                                     .list(ListView(id: "vitale.persons", rows: rows, firstVisible: s.firstRow,
                                                    previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                                     .flexible,
                                 ], spacing: .block), footer: footer, focusID: rows.first { !$0.actions.isEmpty }?.actions.first?.id)
        case .details(let i):
            let name = s.person(i)?.person.displayName ?? ""
            let reasons = VitaleDeclarationReason.allCases.map { r in
                Node.button(Button(id: taps.id(.reason(r)), label: t["vitale.reason.\(r.rawValue)"], style: .radio(selected: s.reason == r)))
            }
            var nodes: [Node] = [
                .text(Text(t.text("vitale.reason.prompt", ["name": name]), id: "vitale.reason.prompt")),
                .adaptive(reasons, minChildWidthMM: 55, spacing: .block),
            ]
            if s.needsCommitment {
                nodes.append(.button(Button(id: taps.id(.commit), label: t["vitale.commit"], style: .checkbox(checked: s.commits))))
            }
            nodes.append(.text(Text(t["vitale.invalidated.warning"], style: .small, muted: true, id: "vitale.warning")))
            // Why "Déclarer" is not yet possible, in words.
            if !s.readyToDeclare {
                nodes.append(.text(Text(t[s.reason == nil ? "vitale.reason.needed" : "vitale.commit.needed"], style: .small, id: "vitale.needed")))
            }
            nodes.append(.flexible)
            nodes.append(.button(Button(id: taps.id(.declare), label: t["vitale.declare"], style: .primary, enabled: s.readyToDeclare)))
            screen = ScreenModel(id: "flow.carteVitaleLoss", title: title, body: .vstack(nodes, spacing: .block), footer: footer,
                                 focusID: s.readyToDeclare ? Event.declare.widgetID : nil)
            if s.confirming == .declare, let reason = s.reason {
                screen.modal = confirmModal(t["vitale.modal.declare.title"], t["vitale.modal.declare"], t, taps,
                                            summary: FlowText.summaryLines(what: t["summary.what.vitale.\(reason.rawValue)"], who: name,
                                                                      consequence: t["summary.consequence.vitale.declare"], t),
                                            destructive: t["vitale.modal.declare.confirm"])
                screen.focusID = Event.confirm.widgetID
            }
        case .declared(let i, let transmitted):
            let p = s.person(i)
            let name = p?.person.displayName ?? ""
            var nodes: [Node] = [
                // Queued: not deactivated yet, and the screen must not say it is.
                .text(Text(t[!transmitted ? "vitale.declared.queuedCard" : i == 0 ? "vitale.declared.thisCard" : "vitale.declared.card"],
                           id: "vitale.declared.card")),
            ]
            // Queued: "vitale.declared.queuedCard" already says it will be sent; no second line (room at text ×1.5).
            var focus = Event.print.widgetID
            if let p, s.orderOffered(p) {
                nodes.append(.text(Text(t.text("vitale.order.offer", ["name": name]), id: "vitale.order.offer")))
                nodes.append(.button(Button(id: taps.id(.order), label: t["vitale.order"], style: .primary)))
                focus = Event.order.widgetID
            } else if !transmitted {
                // The order's documents go with an order the central store can take: once the declaration reached it.
                nodes.append(.text(Text(t["vitale.why.queued.declare"], id: "vitale.order.why")))
            } else if let p {
                let why = availability(.order, p).flatMap { $0 }.map { exclusionText($0, t) }
                nodes.append(.text(Text([why, t["vitale.order.elsewhere"]].compactMap { $0 }.joined(separator: " "), id: "vitale.order.why")))
            }
            nodes += [.flexible, printRow(s, t, taps, main: focus == Event.print.widgetID)]
            screen = ScreenModel(id: "flow.carteVitaleLoss", title: title,
                                 banner: Banner(kind: .info, text: t.text("vitale.declared", ["name": name])),
                                 body: .vstack(nodes, spacing: .block), footer: menuFooter, focusID: focus)
        case .refused:
            // The central store's reason (kept in the step) is for logs, not for the screen.
            screen = ScreenModel(id: "flow.carteVitaleLoss", title: title, banner: Banner(kind: .error, text: t["vitale.refused"]),
                                 body: .vstack([.text(Text(t["vitale.refused.what"], id: "vitale.refused.what")), .flexible], spacing: .block),
                                 footer: footer)
        case .cardNoLongerValid:
            screen = ScreenModel(id: "flow.carteVitaleLoss", title: title, banner: Banner(kind: .error, text: t["vitale.cardNoLongerValid"]),
                                 body: .vstack([.text(Text(t["vitale.cardNoLongerValid.what"], id: "vitale.cardNoLongerValid.what")), .flexible],
                                               spacing: .block),
                                 footer: footer)
        case .unavailable:
            screen = FlowText.unavailable(id: "flow.carteVitaleLoss", title: title, what: t["flow.unavailable.what"], whatID: "vitale.unavailable.what",
                                          retry: Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary), footer: footer, t)
        }
        return screen
    }

    /// The récépissé's button: the screen's way on when no order is offered.
    private static func printRow(_ s: State, _ t: Catalog, _ taps: TapTable<Event>, main: Bool) -> Node {
        var row: [Node] = [.button(Button(id: taps.id(.print), label: t["vitale.print"], style: main ? .primary : .secondary))]
        if let outcome = s.printed {
            let message = switch outcome {
            case .printed: t["print.done"]
            case .alreadyPrinted: t["print.already"]
            case .printerUnavailable: t["print.unavailable"]
            case .failed: t["print.failed"]
            }
            row.insert(.text(Text(message, style: .small, id: "vitale.print.message")), at: 0)
        }
        return .vstack(row, spacing: .grid)
    }
}
