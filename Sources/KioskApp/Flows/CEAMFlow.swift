import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Carte européenne d'assurance maladie", as the BMS pas-à-pas shows it
/// (seed 003, BMS section): an explanation with the countries on request,
/// then one row per beneficiary with its state and only the actions allowed
/// today; an action opens a modal to complete it; once confirmed, the modal
/// closes and the row shows the new state. A `ServiceMachine`: every tap and
/// every answer is an `Event`, `reduce` and `screen` are pure.
enum CEAMMachine: ServiceMachine {
    /// The modal of one action for one beneficiary. One modal, one command
    /// id: Confirmer tapped twice, or again after an error, sends the same
    /// request, so the central store applies it at most once.
    struct Dialog: Equatable {
        var person: Int
        var action: CEAMAction
        /// What the rules ask for this action (`CEAMRules.form`); nil for « Voir / imprimer ».
        var form: CEAMForm?
        /// "Votre départ est-il prévu dans les 15 jours ?" nil until answered.
        var departureSoon: Bool?
        var lossKind: LossKind?
        var lossDate: CivilDate
        var sworn = false
        /// The loss modal has three pages (what; when; then departure and the sworn statement).
        var page = 1
        var commandID: UUID
        /// Fixed at the first Confirmer: what a retry sends again.
        var command: KioskCommand?
        var sending = false
        var error: String?
        /// "Voir / imprimer": the copy's print, once per opening of the modal.
        var printing = false
        var printNote: String?

        var answers: CEAMForm.Answers {
            CEAMForm.Answers(departureWithinUrgentDays: departureSoon, lossKind: lossKind, lossDate: lossDate, swornStatement: sworn)
        }
        /// The request the answers make, once the form has them all.
        var request: CEAMRequest? { form?.request(answers) }
        var ready: Bool { request != nil }
        /// Once sent, the answers stay as sent: a retry repeats the same request.
        var locked: Bool { sending || command != nil }
    }

    struct Notice: Equatable {
        var kind: Banner.Kind
        var text: String
        /// The beneficiary whose row just changed (highlighted in the list).
        var person: Int? = nil
    }

    struct State: Equatable {
        enum Step: Equatable {
            case intro
            case countries
            case loading
            case list
            /// The foyer could not be read: say so, offer to try again.
            case unavailable
        }
        var step = Step.intro
        var foyer: FoyerResponse?
        var countries: [CEAMCountry] = []
        var dialog: Dialog?
        var notice: Notice?
        /// Requests kept in the kiosk's outbox (central store away), by person:
        /// one démarche at a time, so the rows offer nothing meanwhile. Read
        /// from the outbox with each foyer (`pendingRequests`), so a request
        /// confirmed in an earlier visit or session still counts.
        var queued: [Int: CEAMAction] = [:]
        /// Confirmations sent since the flow began: a reload that started before
        /// one may have read the outbox without it, and must not drop it.
        var submits = 0
        /// Commands whose provisional certificate went to the printer.
        var printedCertificates: Set<UUID> = []
        /// What happened once the assuré's screen was gone (a certificate
        /// issued, a request refused) is looked for once per visit, when the
        /// list is first read; what it said so far.
        var caughtUp = false
        var caughtUpSaid: [String] = []
        var caughtUpTrouble = false
        var fetching = false
        var firstRow = 0
    }

    /// A step of the date picker.
    enum DateMove: String, CaseIterable {
        case dayUp = "day.up", dayDown = "day.down", monthUp = "month.up", monthDown = "month.down", yearUp = "year.up", yearDown = "year.down"
    }

    enum Event: MachineEvent {
        case back, countries, countriesClose, proceed, retry, listNext, listPrevious
        case action(person: Int, CEAMAction)
        case cancel, close, departure(Bool), lossKind(LossKind), sworn, next, previous, date(DateMove), confirm, printCopy
        /// Answers.
        case countriesLoaded([CEAMCountry])
        case reloaded(pending: [PendingRequest], foyer: FoyerResponse?, seenSubmits: Int, fetch: Bool)
        case submitted(KioskCommand, SubmitOutcome?)
        case certificatePrinted(KioskCommand, validUntil: CivilDate, PrintOutcome)
        case caughtUp(refused: [UnsuccessfulRequest], issued: [IssuedCertificate])
        case handedOver(IssuedCertificate, key: String?, trouble: Bool)
        case copyPrinted(commandID: UUID, PrintOutcome)

        var widgetID: String? {
            switch self {
            case .back: "footer.back"
            case .countries: "ceam.countries"
            case .countriesClose: "ceam.countries.close"
            case .proceed: "ceam.continue"
            case .retry: "ceam.retry"
            case .listNext: "ceam.list.next"
            case .listPrevious: "ceam.list.previous"
            case .action(let i, let a): "ceam.\(i).\(a.rawValue)"
            case .cancel: "ceam.modal.cancel"
            case .close: "ceam.modal.close"
            case .departure(let yes): yes ? "ceam.modal.departure.yes" : "ceam.modal.departure.no"
            case .lossKind(let k): "ceam.modal.loss.\(k.rawValue)"
            case .sworn: "ceam.modal.sworn"
            case .next: "ceam.modal.next"
            case .previous: "ceam.modal.previous"
            case .date(let m): "ceam.modal.date.\(m.rawValue)"
            case .confirm: "ceam.modal.confirm"
            case .printCopy: "ceam.modal.print"
            case .countriesLoaded, .reloaded, .submitted, .certificatePrinted, .caughtUp, .handedOver, .copyPrinted: nil
            }
        }
    }

    enum Effect: Equatable {
        case loadCountries
        case reload(seenSubmits: Int, fetch: Bool)
        case submit(KioskCommand)
        case printCertificate(ProvisionalCertificate, person: Person, KioskCommand)
        case markTold([UUID])
        case catchUp
        case handOver(IssuedCertificate, person: Person)
        case printCopy(person: Person, validUntil: CivilDate, printedOn: CivilDate, commandID: UUID)
    }

    static let service = KioskService.ceam
    static let steps = ["ceam.step.about", "ceam.step.beneficiaries", "ceam.step.request"]
    static func step(_ s: State) -> Int {
        switch s.step {
        case .intro, .countries: 0
        case .loading, .unavailable: 1
        case .list: s.dialog == nil ? 1 : 2
        }
    }

    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.dialog?.sending == true || s.dialog?.printing == true }

    /// A request the assuré confirmed is sent even if the card leaves
    /// before it starts (durable in the outbox); its answer is dropped.
    static func outlivesSession(_ effect: Effect) -> Bool {
        if case .submit = effect { return true }
        return false
    }

    /// The print job of a request's provisional certificate: the same for
    /// every screen that prints it, so that it comes out once.
    static func certificateJobID(_ commandID: UUID) -> String { "ceam-certificate-\(commandID.uuidString.lowercased())" }

    /// Hands over a certificate issued after the assuré left (the menu at
    /// sign-in, or this flow): printed once, by its job id. The catalog key
    /// that says it, nil when it had been printed already.
    static func handOver(_ i: IssuedCertificate, to person: Person, on printer: any KioskPrinter) async -> (key: String, trouble: Bool)? {
        switch await printer.print(.ceamProvisionalCertificate(i.certificate, person: person), jobID: certificateJobID(i.commandID)) {
        case .alreadyPrinted: return nil
        case .printed: return ("ceam.print.later", false)
        case .printerUnavailable, .failed: return ("ceam.print.later.unavailable", true)
        }
    }

    static func start(_ context: FlowContext) -> Transition<State, Effect> { Transition(state: State()) }

    // MARK: reduce

    static func reduce(_ s0: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s0
        let today = s.foyer?.today ?? context.today
        func fetch() -> Transition<State, Effect> {
            guard !s.fetching else { return Transition(state: s) }
            s.fetching = true
            return Transition(state: s, effects: [.reload(seenSubmits: s.submits, fetch: true)])
        }
        func person(_ i: Int) -> PersonView? { s.foyer?.persons.first { $0.index == i } }

        // The modal's taps, while it is open (« Retour » closes it with the list, below).
        if var d = s.dialog, event != .back {
            switch event {
            case .cancel, .close:
                guard !d.sending else { return Transition(state: s) }
                s.dialog = nil
                // After an error the request may have reached the central store: read the foyer again.
                return d.command != nil ? fetch() : Transition(state: s)
            case .departure(let yes) where !d.locked: d.departureSoon = yes
            case .lossKind(let k) where !d.locked: d.lossKind = k
            case .sworn where !d.locked: d.sworn.toggle()
            case .next where d.lossKind != nil: d.page = min(3, d.page + 1)
            case .previous where !d.locked: d.page = max(1, d.page - 1)
            case .date(let move) where !d.locked:
                guard let dates = d.form?.loss?.dates else { return Transition(state: s) }
                d.lossDate = Self.move(d.lossDate, move, within: dates)
            case .confirm:
                guard !d.sending, let request = d.request, let card = context.identity else { return Transition(state: s) }
                let command = d.command ?? KioskCommand(id: d.commandID, serial: card.serial, personIndex: d.person,
                                                        action: .ceam(request), confirmedAt: context.now)
                d.command = command
                d.sending = true
                d.error = nil
                s.dialog = d
                s.submits += 1
                return Transition(state: s, effects: [.submit(command)])
            case .printCopy where d.action == .viewPrint && !d.printing:
                guard let p = person(d.person), case .valid(let until) = p.ceam else { return Transition(state: s) }
                d.printing = true
                s.dialog = d
                return Transition(state: s, effects: [.printCopy(person: p.person, validUntil: until, printedOn: today, commandID: d.commandID)])
            case .submitted, .copyPrinted, .certificatePrinted, .reloaded, .caughtUp, .handedOver, .countriesLoaded:
                return answer(s, event, context)
            default:
                return Transition(state: s)
            }
            s.dialog = d
            return Transition(state: s)
        }

        switch event {
        case .back:
            switch s.step {
            case .intro: return .unhandled(s)
            case .countries: s.step = .intro
            default: s.step = .intro; s.dialog = nil; s.notice = nil
            }
        case .countries:
            guard s.countries.isEmpty else { s.step = .countries; break }
            return Transition(state: s, effects: [.loadCountries])
        case .countriesClose: s.step = .intro
        case .proceed, .retry:
            s.step = .loading
            return fetch()
        case .listNext: s.firstRow = context.nextPage("ceam.list", from: s.firstRow, count: s.foyer?.persons.count ?? 1, unknown: 3)
        case .listPrevious: s.firstRow = context.previousPage("ceam.list", from: s.firstRow, unknown: 3)
        case .action(let i, let action):
            // Only an action the row offers today.
            guard s.step == .list, let p = person(i), allowed(p, s).contains(action) else { break }
            s.notice = nil
            let form = CEAMRules(context.rules.ceam).form(for: action, today: today)
            s.dialog = Dialog(person: i, action: action, form: form, lossDate: form?.loss?.proposedDate ?? today, commandID: context.newID())
        default:
            return answer(s, event, context)
        }
        return Transition(state: s)
    }

    /// What the services and the printer answered.
    private static func answer(_ s0: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s0
        let t = context.catalog
        let today = s.foyer?.today ?? context.today
        func name(_ i: Int) -> String { Self.name(i, s) }
        func rowFirst(_ i: Int) -> Int { s.foyer?.persons.firstIndex { $0.index == i } ?? s.firstRow }
        let reload = Effect.reload(seenSubmits: s.submits, fetch: false)
        switch event {
        case .countriesLoaded(let list):
            s.countries = list
            s.step = .countries
        case .submitted(let command, let outcome):
            guard s.dialog?.commandID == command.id, case .ceam(let request) = command.action else { break }
            let person = command.personIndex
            switch outcome {
            case nil:
                s.dialog?.sending = false
                s.dialog?.error = t["ceam.dialog.error"]
            case .queued?:
                s.dialog = nil
                s.queued[person] = request.action
                var text = t.text("ceam.done.queued", ["name": name(person)])
                // The certificate comes with the central store's answer: not now. Say when and where instead.
                if request.departureWithinUrgentDays { text += " " + t["ceam.done.queued.certificate"] }
                s.notice = Notice(kind: .info, text: text, person: person)
                s.firstRow = rowFirst(person)
                return Transition(state: s, effects: [reload])
            case .acknowledged(let r)? where r.status == .refused:
                s.dialog = nil
                s.notice = Notice(kind: .error, text: t["ceam.done.refused"], person: person)
                // Said now: not again at the next visit.
                return Transition(state: s, effects: [.markTold([command.id]), reload])
            case .acknowledged(let r)?:
                s.dialog = nil
                var text = done(request.action, name(person), t)
                if let cert = r.provisionalCertificate, let p = s.foyer?.persons.first(where: { $0.index == person })?.person {
                    // Printed once per command (its job id): the answer comes back as `.certificatePrinted`.
                    guard s.printedCertificates.contains(command.id) else {
                        return Transition(state: s, effects: [.printCertificate(cert, person: p, command)])
                    }
                    text += " " + t.text("ceam.print.done", ["date": FlowText.date(cert.validUntil, t)])
                }
                s.notice = Notice(kind: .info, text: text, person: person)
                // The row with the new state first on screen.
                s.firstRow = rowFirst(person)
                return Transition(state: s, effects: [reload])
            }
        case .certificatePrinted(let command, let until, let outcome):
            guard case .ceam(let request) = command.action else { break }
            let date = FlowText.date(until, t)
            var text = done(request.action, name(command.personIndex), t) + " "
            switch outcome {
            case .printed, .alreadyPrinted:
                s.printedCertificates.insert(command.id)
                text += t.text("ceam.print.done", ["date": date])
            case .printerUnavailable, .failed:
                text += t.text("ceam.print.unavailable", ["date": date])
            }
            s.notice = Notice(kind: .info, text: text, person: command.personIndex)
            s.firstRow = rowFirst(command.personIndex)
            return Transition(state: s, effects: [reload])
        case .reloaded(let pending, let foyer, let seen, let fetch):
            if fetch { s.fetching = false }
            guard let f = foyer else {
                if s.foyer == nil { s.step = .unavailable; break }
                // Keep what was just said (the request went through), and add that the list may be behind.
                let stale = t["ceam.list.stale"]
                s.notice = Notice(kind: .error, text: s.notice.map { $0.text + " " + stale } ?? stale, person: s.notice?.person)
                break
            }
            s.foyer = f
            var waiting: [Int: CEAMAction] = [:]
            for r in pending { if let a = r.ceamAction { waiting[r.personIndex] = a } }
            // Once delivered, a request leaves the outbox and the foyer says its outcome.
            if seen == s.submits { s.queued = waiting } else { s.queued.merge(waiting) { _, new in new } }
            if s.step == .loading || s.step == .unavailable { s.step = .list }
            if !s.caughtUp {
                s.caughtUp = true
                return Transition(state: s, effects: [.catchUp])
            }
        case .caughtUp(let refused, let issued):
            var effects: [Effect] = []
            if !refused.isEmpty {
                for r in refused {
                    let args = ["name": name(r.personIndex), "date": FlowText.date(CivilDay.inParis(r.confirmedAt), t)]
                    s.caughtUpSaid.append(t.text(r.parked ? "ceam.later.parked" : "ceam.later.refused", args))
                }
                s.caughtUpTrouble = true
                s.notice = Notice(kind: .error, text: s.caughtUpSaid.joined(separator: " "))
                effects.append(.markTold(refused.map(\.id)))
            }
            for i in issued where i.certificate.isValid(on: today) && !s.printedCertificates.contains(i.commandID) {
                guard let p = s.foyer?.persons.first(where: { $0.index == i.personIndex }) else { continue }
                effects.append(.handOver(i, person: p.person))
            }
            return Transition(state: s, effects: effects)
        case .handedOver(let i, let key, let trouble):
            if !trouble { s.printedCertificates.insert(i.commandID) }
            guard let key, let p = s.foyer?.persons.first(where: { $0.index == i.personIndex }) else { break }
            s.caughtUpTrouble = s.caughtUpTrouble || trouble
            s.caughtUpSaid.append(t.text(key, ["name": p.person.displayName, "date": FlowText.date(i.certificate.validUntil, t)]))
            s.notice = Notice(kind: s.caughtUpTrouble ? .error : .info, text: s.caughtUpSaid.joined(separator: " "))
        case .copyPrinted(let id, let outcome):
            guard s.dialog?.commandID == id else { break }
            s.dialog?.printing = false
            switch outcome {
            case .printed, .alreadyPrinted: s.dialog?.printNote = t["ceam.view.printed"]
            case .printerUnavailable, .failed: s.dialog?.printNote = t["ceam.view.printerAway"]
            }
        default: break
        }
        return Transition(state: s)
    }

    private static func done(_ action: CEAMAction, _ name: String, _ t: Catalog) -> String {
        t.text(action == .declareLossOrTheft ? "ceam.done.loss" : "ceam.done.order", ["name": name])
    }

    /// The date picker, within the dates the rules allow (`CEAMRules.lossDates`).
    static func move(_ date: CivilDate, _ move: DateMove, within window: ClosedRange<CivilDate>) -> CivilDate {
        let moved: CivilDate
        switch move {
        case .dayUp: moved = date.adding(days: 1)
        case .dayDown: moved = date.adding(days: -1)
        case .monthUp: moved = date.adding(months: 1)
        case .monthDown: moved = date.adding(months: -1)
        case .yearUp: moved = date.adding(years: 1)
        case .yearDown: moved = date.adding(years: -1)
        }
        if moved > window.upperBound { return date }
        return max(moved, window.lowerBound)
    }

    // MARK: effects

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        let services = environment.services
        switch effect {
        case .loadCountries:
            return .countriesLoaded(await services.ceamCountries())
        case .reload(let seen, let fetch):
            guard let card = environment.card else { return nil }
            // The outbox before the foyer: a request the relay delivers between
            // the two reads is then in the foyer; read the other way round, it
            // would be in neither, and offered again.
            let pending = await services.pendingRequests(card: card)
            let foyer = try? await services.foyer(card: card)
            return .reloaded(pending: pending, foyer: foyer, seenSubmits: seen, fetch: fetch)
        case .submit(let command):
            return .submitted(command, try? await services.submit(command))
        case .printCertificate(let cert, let person, let command):
            let outcome = await environment.printer.print(.ceamProvisionalCertificate(cert, person: person), jobID: certificateJobID(command.id))
            return .certificatePrinted(command, validUntil: cert.validUntil, outcome)
        case .markTold(let ids):
            await services.markTold(ids)
            return nil
        case .catchUp:
            guard let card = environment.card else { return nil }
            let refused = await services.unsuccessfulRequests(card: card).filter { $0.action.hasPrefix("ceam.") }
            let issued = await services.issuedCertificates(card: card)
            return .caughtUp(refused: refused, issued: issued)
        case .handOver(let i, let person):
            let told = await handOver(i, to: person, on: environment.printer)
            return .handedOver(i, key: told?.key, trouble: told?.trouble ?? false)
        case .printCopy(let person, let until, let today, let id):
            let outcome = await environment.printer.print(.ceamCardCopy(person: person, validUntil: until, printedOn: today),
                                                          jobID: "ceam-copy-\(id.uuidString.lowercased())")
            return .copyPrinted(commandID: id, outcome)
        }
    }

    // MARK: what a row offers

    /// Actions offered to the person: those the central store allows today,
    /// less what requests waiting in the outbox hold back (one démarche at a
    /// time, `OneDemarcheAtATime`).
    static func allowed(_ p: PersonView, _ s: State) -> [CEAMAction] {
        let today = CEAMAction.allCases.filter { a in p.ceamActions.contains { $0.action == a && $0.exclusion == nil } }
        return OneDemarcheAtATime.ceamActions(today, for: p.index, waiting: Set(s.queued.keys))
    }

    static func name(_ index: Int, _ s: State) -> String {
        s.foyer?.persons.first { $0.index == index }?.person.displayName ?? ""
    }

    // MARK: screens

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["service.ceam"]
        let footer = [FlowText.finish(t), taps.button(FlowText.back(t), .back)]
        switch s.step {
        case .intro:
            return ScreenModel(id: "flow.ceam", title: title, body: .vstack([
                .text(Text(t["ceam.intro.what"], id: "ceam.intro.what")),
                .text(Text(t["ceam.intro.where"], id: "ceam.intro.where")),
                .text(Text(t["ceam.intro.delay"], id: "ceam.intro.delay")),
                .flexible,
                .adaptive([
                    .button(Button(id: taps.id(.countries), label: t["ceam.intro.countries"], style: .secondary)),
                    .button(Button(id: taps.id(.proceed), label: t["ceam.intro.continue"], style: .primary)),
                ], minChildWidthMM: 80, spacing: .group),
            ], spacing: .block), footer: footer, focusID: Event.proceed.widgetID)
        case .countries:
            // Information, not choices: a grid of names (no targets) in the
            // language's alphabetical order, as many a row as fit; with large
            // text its rows page with the body (« Page 1 sur 2 »).
            let names = s.countries.map { (code: $0.code, name: countryName($0, t)) }
                .sorted { $0.name.compare($1.name, locale: Locale(identifier: t.language)) == .orderedAscending }
                .map { Node.text(Text($0.name, id: "ceam.country.\($0.code)")) }
            return ScreenModel(id: "flow.ceam.countries", title: t["ceam.countries.title"], body: .vstack([
                .text(Text(t["ceam.countries.about"], id: "ceam.countries.about")),
                .adaptive(names, minChildWidthMM: 62, spacing: .related),
                .flexible,
                .button(Button(id: taps.id(.countriesClose), label: t["ceam.countries.close"], style: .primary)),
            ], spacing: .block), footer: footer, focusID: Event.countriesClose.widgetID)
        case .loading:
            return ScreenModel(id: "flow.ceam.loading", title: title, body: context.wait("ceam.wait", t["ceam.loading"]), footer: footer)
        case .unavailable:
            return ScreenModel(id: "flow.ceam.unavailable", title: title, banner: Banner(kind: .error, text: t["ceam.unavailable"]),
                               body: .vstack([
                                   .text(Text(t["ceam.unavailable.what"], id: "ceam.unavailable.what")),
                                   .flexible,
                                   .button(Button(id: taps.id(.retry), label: t["ceam.retry"], style: .primary)),
                               ], spacing: .group), footer: footer, focusID: Event.retry.widgetID)
        case .list:
            let persons = s.foyer?.persons ?? []
            let today = s.foyer?.today ?? context.today
            // While a modal is open, only its own taps reach the machine.
            let rowTaps = s.dialog == nil ? taps : TapTable<Event>()
            let rows = persons.map { p in
                ListView.Row(id: "ceam.person.\(p.index)", title: p.person.displayName + " · " + who(p.person, today: today, t),
                             detail: detail(p, s, t),
                             // A row's actions are choices among equals: none is the screen's primary.
                             actions: allowed(p, s).map { a in
                                 Button(id: rowTaps.id(.action(person: p.index, a)), label: t["ceam.do.\(a.rawValue)"],
                                        style: .secondary, width: .natural,
                                        speech: t["ceam.do.\(a.rawValue)"] + ", " + p.person.displayName)
                             },
                             badges: StateBadges.ceam(p.ceam, waiting: s.queued[p.index] != nil, blocked: blocked(p, s, t), t),
                             highlighted: s.notice?.person == p.index)
            }
            _ = rowTaps.id(.listPrevious)
            _ = rowTaps.id(.listNext)
            let banner = s.notice.map { Banner(kind: $0.kind, text: $0.text) }
            return ScreenModel(id: "flow.ceam.list", title: t["ceam.list.title"], banner: banner, body: .vstack([
                .list(ListView(id: "ceam.list", rows: rows, firstVisible: s.firstRow,
                               previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                .flexible,
            ], spacing: .grid), footer: footer, modal: s.dialog.map { modal($0, s, t, taps) }, focusID: s.dialog.map(focus))
        }
    }

    /// The modal's button to speak after its title: the step's way on.
    static func focus(_ d: Dialog) -> String {
        switch d.action {
        case .viewPrint: d.printNote == nil ? "ceam.modal.print" : "ceam.modal.close"
        case .declareLossOrTheft where d.page < 3: d.lossKind == nil ? "ceam.modal.loss.perte" : "ceam.modal.next"
        default: d.departureSoon == nil ? "ceam.modal.departure.yes" : "ceam.modal.confirm"
        }
    }

    private static func countryName(_ country: CEAMCountry, _ t: Catalog) -> String {
        let key = "country.\(country.code)"
        let s = t[key]
        return s == key ? country.name : s
    }

    /// Qualité and age, the state in words, then why an action is not
    /// offered and what to do.
    static func who(_ p: Person, today: CivilDate, _ t: Catalog) -> String {
        let age = p.age(on: today)
        // "Assurée", "Conjointe": the only qualités written otherwise for a woman.
        let female = p.sex == .female && (p.qualite == .assure || p.qualite == .conjoint)
        return t["ceam.qualite.\(p.qualite.rawValue)" + (female ? ".f" : "")] + t.comma
            + (age == 0 ? t["ceam.age.baby"] : t.text(age == 1 ? "ceam.age.one" : "ceam.age", ["n": String(age)]))
    }

    /// Nothing can be done here for this person, for a reason the row says.
    static func blocked(_ p: PersonView, _ s: State, _ t: Catalog) -> Bool {
        guard allowed(p, s).isEmpty, s.queued[p.index] == nil else { return false }
        return !s.queued.isEmpty || p.ceamActions.contains { $0.exclusion.flatMap { reason($0, t) } != nil }
    }

    static func detail(_ p: PersonView, _ s: State, _ t: Catalog) -> String {
        var lines = [stateText(p.ceam, t)]
        switch OneDemarcheAtATime.ceamHold(for: p.index, waiting: Set(s.queued.keys)) {
        case .ownRequestWaits?:
            lines.append(t["ceam.why.queued"])
        case .anotherRequestWaits?:
            lines.append(t["ceam.why.oneAtATime"])
        case nil:
            var seen: [String] = []
            for v in p.ceamActions {
                guard let why = v.exclusion, let r = reason(why, t), !seen.contains(r) else { continue }
                seen.append(r)
            }
            lines += seen
        }
        return lines.joined(separator: "\n")
    }

    static func stateText(_ s: CEAMState, _ t: Catalog) -> String {
        let d = { (x: CivilDate) in FlowText.date(x, t) }
        var text: String
        switch s {
        case .none: text = t["ceam.state.none"]
        case .valid(let until): text = t.text("ceam.state.valid", ["date": d(until)])
        case .ordered(let o):
            text = t.text(o.kind == .earlyRenewal ? "ceam.state.renewed" : "ceam.state.ordered", ["date": d(o.placedOn), "expected": d(o.expectedBy)])
        case .declaredLost(let on, let kind, let o):
            text = t.text(kind == .vol ? "ceam.state.stolen" : "ceam.state.lost", ["date": d(on)]) + " "
                + t.text("ceam.state.replacement", ["expected": d(o.expectedBy)])
        }
        if let cert = s.order?.provisionalCertificate {
            text += "\n" + t.text("ceam.state.certificate", ["date": d(cert.validUntil)])
        }
        return text
    }

    static func reason(_ e: CEAMExclusion, _ t: Catalog) -> String? {
        switch e {
        case .npai: t["why.npai"]
        case .tooManyLossDeclarations(let n, _): t.text("ceam.why.tooMany", ["n": String(n)])
        case .cancelledWithOrderInProgress: t["ceam.why.cancelled"]
        case .insufficientRights: t["ceam.why.rights"]
        case .demarcheEnCours: t["ceam.why.demarche"]
        case .renewalTooEarly(let opens): t.text("ceam.why.tooEarly", ["date": FlowText.date(opens, t)])
        // Said by the state itself ("Aucune carte", "Carte commandée le…", "Valable jusqu'au…").
        case .orderInProgress, .noValidCard, .cardStillValid: nil
        }
    }

    private static func modal(_ d: Dialog, _ s: State, _ t: Catalog, _ taps: TapTable<Event>) -> Modal {
        let name = name(d.person, s)
        let locked = d.locked
        let cancel = Button(id: taps.id(.cancel), label: t["modal.cancel"], style: .secondary, enabled: !d.sending)
        let confirmLabel = d.error == nil ? t["modal.confirm"] : t["ceam.dialog.retry"]
        let confirm = Button(id: taps.id(.confirm), label: d.sending ? t["ceam.dialog.sending"] : confirmLabel, style: .primary,
                             enabled: d.ready && !d.sending)
        func toggle(_ event: Event, _ key: String, _ on: Bool) -> Node {
            .button(Button(id: taps.id(event), label: t[key], style: .radio(selected: on), enabled: !locked))
        }
        // Once sent, the answer is said, not offered again (a retry repeats it).
        let departure: Node = locked
            ? .text(Text(t[d.departureSoon == true ? "ceam.dialog.departure.yes" : "ceam.dialog.departure.no"], id: "ceam.modal.departure"))
            : .vstack([
            .text(Text(t["ceam.dialog.departure"], id: "ceam.modal.departure")),
            .hstack([toggle(.departure(true), "ceam.dialog.yes", d.departureSoon == true),
                     toggle(.departure(false), "ceam.dialog.no", d.departureSoon == false)], spacing: .block),
        ], spacing: .grid)
        var extra: [Node] = []
        if let e = d.error { extra.append(.banner(Banner(id: "ceam.modal.error", kind: .error, text: e))) }
        switch d.action {
        case .order, .earlyRenewal:
            let key = d.action == .order ? "order" : "renew"
            // What will happen, for whom, and what follows, before « Confirmer ».
            let summary = FlowText.summaryLines(what: t["summary.what.ceam.\(d.action.rawValue)"], who: name,
                                                consequence: t["summary.consequence.ceam.\(d.action.rawValue)"], t)
            return Modal(id: "ceam.modal", title: t["ceam.dialog.\(key).title"],
                         message: t["summary.check"],
                         // After an error, the error takes the note's place: the modal stays on screen at large text.
                         content: .vstack(summary + [departure] + (extra.isEmpty
                                              ? [.text(Text(t["ceam.dialog.certificate"], style: .small, muted: true, id: "ceam.modal.certificate"))]
                                              : extra), spacing: .related),
                         buttons: [cancel, confirm])
        case .declareLossOrTheft:
            let next = Button(id: taps.id(.next), label: t["ceam.dialog.next"], style: .primary, enabled: d.lossKind != nil)
            let previous = Button(id: taps.id(.previous), label: t["ceam.dialog.previous"], style: .secondary)
            // A wizard of three pages, each its title and its step.
            let kind = (d.lossKind ?? .perte).rawValue
            let stepKeys = ["ceam.loss.step.what", "ceam.loss.step.date", "ceam.loss.step.confirm"]
            let step = StepIndicator(number: d.page, count: 3, title: t[stepKeys[d.page - 1]],
                                     position: t.text("step.position", ["n": String(d.page), "total": "3"]), key: stepKeys[d.page - 1])
            if d.page == 1 {
                // The answers the rules offer (`CEAMLossForm.kinds`).
                let kinds = d.form?.loss?.kinds ?? []
                return Modal(id: "ceam.modal", title: t["ceam.dialog.loss.title"], message: t.text("ceam.dialog.loss.message", ["name": name]),
                             content: .hstack(kinds.map { toggle(.lossKind($0), "ceam.dialog.\($0.rawValue)", d.lossKind == $0) }, spacing: .block),
                             buttons: [cancel, next], step: step)
            }
            if d.page == 2 {
                // Short month names: the picker's three columns fit a portrait modal at large text.
                let months = (1...12).map { t["ceam.month.\($0)"] }
                // The picker's arrows are the machine's events.
                for m in DateMove.allCases { _ = taps.id(.date(m)) }
                // The title and the question say which date: of the loss, or of the theft.
                return Modal(id: "ceam.modal", title: t["ceam.dialog.date.title.\(kind)"], message: t["ceam.dialog.date.\(kind)"],
                             content: .vstack([
                                 .datePicker(DatePicker(id: "ceam.modal.date",
                                     day: .init(label: t["date.day"], value: String(d.lossDate.day), upSpeech: t["date.day.up"], downSpeech: t["date.day.down"]),
                                     month: .init(label: t["date.month"], value: months[d.lossDate.month - 1], upSpeech: t["date.month.up"], downSpeech: t["date.month.down"]),
                                     year: .init(label: t["date.year"], value: String(d.lossDate.year), upSpeech: t["date.year.up"], downSpeech: t["date.year.down"]))),
                                 .text(Text(t.text("ceam.dialog.chosen", ["date": FlowText.date(d.lossDate, t)]), id: "ceam.modal.date.chosen")),
                             ], spacing: .grid),
                             buttons: [previous, next], step: step)
            }
            let what = t.text(d.lossKind == .vol ? "summary.what.ceam.vol" : "summary.what.ceam.perte", ["date": FlowText.date(d.lossDate, t)])
            // Irreversible: the card is cancelled. The button says so, in its own colour.
            var cancelCard = confirm
            cancelCard.style = .destructive
            if d.error == nil, !d.sending { cancelCard.label = t["ceam.dialog.loss.confirm"] }
            // The title asks to check; the message is what will happen (a
            // page of its own at large text otherwise), then whom, the consequence.
            let summary = FlowText.summaryLines(what: what, who: name, consequence: t["summary.consequence.ceam.loss"], t)
            return Modal(id: "ceam.modal", title: t["ceam.dialog.confirm.title"], message: t.text("summary.what", ["value": what]),
                         content: .vstack(Array(summary.dropFirst()) + [
                             departure,
                             locked
                                 ? .text(Text("☑ " + t["ceam.dialog.sworn"], id: "ceam.modal.sworn"))
                                 : .button(Button(id: taps.id(.sworn), label: t["ceam.dialog.sworn"], style: .checkbox(checked: d.sworn))),
                         ] + extra, spacing: .related),
                         buttons: [locked ? cancel : previous, cancelCard], step: step)
        case .viewPrint:
            let printed = d.printNote != nil
            return Modal(id: "ceam.modal", title: t.text("ceam.dialog.view.title", ["name": name]), message: viewText(d.person, s, t),
                         content: d.printNote.map { .text(Text($0, style: .small, id: "ceam.modal.printNote")) },
                         buttons: [Button(id: taps.id(.close), label: t["ceam.dialog.close"], style: printed ? .primary : .secondary),
                                   Button(id: taps.id(.printCopy), label: d.printing ? t["ceam.view.printing"] : t["ceam.view.print"],
                                          style: printed ? .secondary : .primary, enabled: !d.printing && !printed)])
        }
    }

    private static func viewText(_ index: Int, _ s: State, _ t: Catalog) -> String {
        guard let p = s.foyer?.persons.first(where: { $0.index == index }) else { return "" }
        var lines = [t.text("ceam.view.name", ["name": p.person.displayName]),
                     t.text("ceam.view.born", ["date": FlowText.birthDate(p.person.birthDate, t)])]
        if case .valid(let until) = p.ceam { lines.append(t.text("ceam.state.valid", ["date": FlowText.date(until, t)])) }
        lines.append(t["ceam.view.copy"])
        return lines.joined(separator: "\n")
    }
}
