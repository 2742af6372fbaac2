import CentralAPI
import Domain
import Foundation
import KioskUI

/// The period a list covers, chosen on the date picker: « Du » then « Au »,
/// each kept within the history the central store keeps and today. Whether
/// the period may be asked is Domain's (`PaymentRules.check`).
@MainActor
struct PeriodChoice: Equatable {
    var from: CivilDate
    var to: CivilDate
    /// 1: the first day; 2: the last day.
    var page = 1
    /// The first day that may be asked.
    var firstDay: CivilDate

    /// The modal's taps (each machine's ids, one handling).
    enum Event: Equatable {
        case date(CEAMMachine.DateMove), next, previous, cancel, confirm

        /// « <prefix>.date.day.up », « <prefix>.next »…
        func widgetID(_ prefix: String) -> String {
            switch self {
            case .date(let m): "\(prefix).date.\(m.rawValue)"
            case .next: "\(prefix).next"
            case .previous: "\(prefix).previous"
            case .cancel: "\(prefix).cancel"
            case .confirm: "\(prefix).confirm"
            }
        }

        static let all: [Event] = CEAMMachine.DateMove.allCases.map(Event.date) + [.next, .previous, .cancel, .confirm]
    }

    /// What a tap in the modal does: the modal as it becomes (nil: closed),
    /// and the period to load when « Valider » took one the rules accept.
    static func reduce(_ c: PeriodChoice?, _ event: Event, today: CivilDate, rules: PaymentRules,
                       dailyAllowance: Bool) -> (choice: PeriodChoice?, confirmed: ClosedRange<CivilDate>?) {
        guard var c else { return (nil, nil) }
        switch event {
        case .date(let m): c.move(m, today: today)
        case .next where c.page == 1: c.page = 2
        case .previous where c.page == 2: c.page = 1
        case .cancel: return (nil, nil)
        case .confirm where c.page == 2:
            guard let range = try? rules.check(from: c.from, to: c.to, today: today, dailyAllowance: dailyAllowance) else { break }
            return (nil, range)
        default: break
        }
        return (c, nil)
    }

    mutating func move(_ m: CEAMMachine.DateMove, today: CivilDate) {
        if page == 1 { from = CEAMMachine.move(from, m, within: firstDay...today) }
        else { to = CEAMMachine.move(to, m, within: firstDay...today) }
    }

    /// The modal: « Du » (page 1) then « Au » (page 2), « Valider » only for
    /// a period the rules accept (a reason under the picker otherwise).
    /// `button` makes the machine's button for one of the modal's events.
    func modal(id: String, title: String, _ context: FlowContext, dailyAllowance: Bool,
               button: (String, Button.Style, Event) -> Button) -> Modal {
        let t = context.catalog
        let cancel = button(t["modal.cancel"], .secondary, .cancel), next = button(t["period.next"], .primary, .next)
        let previous = button(t["period.previous"], .secondary, .previous)
        var confirm = button(t["period.confirm"], .primary, .confirm)
        var content = self.content(t, id: "\(id).date")
        if page == 1 { return Modal(id: id, title: title, message: t["period.from"], content: content, buttons: [cancel, next]) }
        let valid = (try? PaymentRules(context.rules.payments).check(from: from, to: to, today: context.today, dailyAllowance: dailyAllowance)) != nil
        if !valid { content = .vstack([content, .banner(Banner(kind: .error, text: t["period.endsBeforeStart"]))], spacing: .grid) }
        confirm.enabled = valid
        return Modal(id: id, title: title, message: t["period.to"], content: content, buttons: [previous, confirm])
    }

    /// The picker and what is chosen, for the modal's page.
    func content(_ t: Catalog, id: String) -> Node {
        let months = (1...12).map { t["ceam.month.\($0)"] }
        let d = page == 1 ? from : to
        return .vstack([
            .datePicker(DatePicker(id: id,
                day: .init(label: t["date.day"], value: String(d.day), upSpeech: t["date.day.up"], downSpeech: t["date.day.down"]),
                month: .init(label: t["date.month"], value: months[d.month - 1], upSpeech: t["date.month.up"], downSpeech: t["date.month.down"]),
                year: .init(label: t["date.year"], value: String(d.year), upSpeech: t["date.year.up"], downSpeech: t["date.year.down"]))),
            .text(Text(t.text("period.chosen", ["from": FlowText.date(from, t), "to": FlowText.date(to, t)]), id: "\(id).chosen")),
        ], spacing: .grid)
    }
}

/// « Mes remboursements » (seed 001 §7, « Mes paiements »): the
/// reimbursements the caisse paid, for the whole foyer or one beneficiary,
/// over the last months or a period chosen on the date picker, newest
/// first, with their total; a relevé printed on demand.
enum PaymentsMachine: ServiceMachine {
    struct State: Equatable {
        enum Step: Equatable { case loading, list, unavailable, printing }
        var step = Step.loading
        var answer: PaymentsResponse?
        /// The beneficiary shown (EF.BENEF order); nil: the whole foyer.
        var person: Int?
        /// The period asked; nil: the central store's default (the last months).
        var period: ClosedRange<CivilDate>?
        /// The « Choisir la période » modal, open.
        var choosing: PeriodChoice?
        /// The « Pour qui ? » modal, open.
        var choosingPerson = false
        /// The answer ticked in it (nil: the whole foyer), applied by « Valider ».
        var pickedPerson: Int?
        var firstRow = 0
        var printed: PrintOutcome?
        /// One print job per answer shown: a double tap never prints twice.
        var batch = UUID()
    }

    enum Event: MachineEvent {
        case changePerson, person(Int?), personConfirm, personCancel
        case changePeriod, period(PeriodChoice.Event)
        case print, retry, listNext, listPrevious, back
        /// Answers.
        case loaded(PaymentsResponse?)
        case printed(PrintOutcome)

        var widgetID: String? {
            switch self {
            case .changePerson: "payments.whom"
            case .person(let i): i.map { "payments.person.\($0)" } ?? "payments.person.all"
            case .personConfirm: "payments.whom.confirm"
            case .personCancel: "payments.whom.cancel"
            case .changePeriod: "payments.period"
            case .period(let e): e.widgetID("payments.modal")
            case .print: "payments.print"
            case .retry: "payments.retry"
            case .listNext: "payments.list.next"
            case .listPrevious: "payments.list.previous"
            case .back: "footer.back"
            case .loaded, .printed: nil
            }
        }
    }

    enum Effect: Equatable {
        case load(period: ClosedRange<CivilDate>?, person: Int?)
        case print(PaymentsResponse, persons: [Person], jobID: String)
    }

    static let service = KioskService.remboursements
    static let steps = ["payments.step.list", "payments.step.print"]
    static func step(_ s: State) -> Int { s.step == .printing || s.printed != nil ? 1 : 0 }
    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.step == .printing }

    static func start(_ context: FlowContext) -> Transition<State, Effect> {
        Transition(state: State(), effects: [.load(period: nil, person: nil)])
    }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        func reload() -> Transition<State, Effect> {
            s.step = .loading
            s.firstRow = 0
            s.printed = nil
            return Transition(state: s, effects: [.load(period: s.period, person: s.person)])
        }
        switch event {
        case .loaded(let answer):
            guard s.step == .loading else { break }
            s.answer = answer
            s.batch = UUID()
            s.step = answer == nil ? .unavailable : .list
        case .changePerson:
            guard s.step == .list, s.choosing == nil, (context.identity?.foyer.persons.count ?? 0) > 1 else { break }
            s.choosingPerson = true
            s.pickedPerson = s.person
        case .personCancel:
            s.choosingPerson = false
        case .person(let p):
            // A radio: ticks the answer; « Valider » applies it.
            guard s.step == .list, s.choosingPerson else { break }
            if let p, !(context.identity?.foyer.persons.indices.contains(p) ?? false) { break }
            s.pickedPerson = p
        case .personConfirm:
            guard s.step == .list, s.choosingPerson else { break }
            s.choosingPerson = false
            guard s.pickedPerson != s.person else { break }
            s.person = s.pickedPerson
            return reload()
        case .changePeriod:
            guard s.step == .list, !s.choosingPerson, let a = s.answer else { break }
            s.choosing = PeriodChoice(from: a.from, to: a.to, firstDay: a.firstDay)
        case .period(let e):
            let (choice, confirmed) = PeriodChoice.reduce(s.choosing, e, today: context.today, rules: PaymentRules(context.rules.payments),
                                                          dailyAllowance: false)
            s.choosing = choice
            if let confirmed {
                s.period = confirmed
                return reload()
            }
        case .print:
            guard s.step == .list, let a = s.answer, !a.payments.isEmpty, let persons = context.identity?.foyer.persons else { break }
            s.step = .printing
            return Transition(state: s, effects: [.print(a, persons: persons, jobID: "payments-\(s.batch.uuidString)")])
        case .printed(let outcome):
            guard s.step == .printing else { break }
            s.step = .list
            s.printed = outcome
        case .retry:
            guard s.step == .unavailable else { break }
            return reload()
        case .listNext:
            s.firstRow = min(max(0, (s.answer?.payments.count ?? 1) - 1), s.firstRow + context.pageSize("payments.list", unknown: 3))
        case .listPrevious:
            s.firstRow = max(0, s.firstRow - context.pageSize("payments.list", unknown: 3))
        case .back:
            if s.choosing != nil || s.choosingPerson { s.choosing = nil; s.choosingPerson = false; break }
            return .unhandled(s)
        }
        return Transition(state: s)
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        switch effect {
        case .load(let period, let person):
            guard let card = environment.card else { return .loaded(nil) }
            return .loaded(try? await environment.services.payments(card: card, from: period?.lowerBound, to: period?.upperBound, person: person))
        case .print(let answer, let persons, let jobID):
            return .printed(await environment.printer.print(.paymentsStatement(answer, persons: persons), jobID: jobID))
        }
    }

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["service.remboursements"]
        let footer = [FlowText.finish(t), taps.button(FlowText.back(t), .back)]
        let persons = context.identity?.foyer.persons ?? []
        switch s.step {
        case .loading:
            return ScreenModel(id: "flow.payments", title: title, body: context.wait("payments.wait", t["flow.loading"]), footer: footer)
        case .printing:
            return ScreenModel(id: "flow.payments", title: title, body: context.wait("payments.wait", t["payments.printing"]), footer: footer)
        case .unavailable:
            return FlowText.unavailable(id: "flow.payments", title: title, what: t["payments.unavailable.what"], whatID: "payments.unavailable.what",
                                        retry: Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary), footer: footer, t)
        case .list:
            guard let a = s.answer else { return ScreenModel(id: "flow.payments", title: title, body: .flexible, footer: footer) }
            let whom = a.person.flatMap { persons.indices.contains($0) ? persons[$0].displayName : nil } ?? t["payments.wholeFoyer.inSentence"]
            // What is shown (the period, for whom), each with the way to change it.
            var nodes: [Node] = [
                .adaptive([.text(Text(t.text("payments.period", ["from": FlowText.date(a.from, t), "to": FlowText.date(a.to, t)]), id: "payments.what")),
                           // Nothing to print: choosing another period is the main action.
                           .button(taps.button(Button(id: "", label: t["payments.changePeriod"], style: a.payments.isEmpty ? .primary : .secondary,
                                                      width: .natural), .changePeriod))],
                          minChildWidthMM: 110, spacing: .block),
            ]
            if persons.count > 1 {
                nodes.append(.adaptive([.text(Text(t.text("payments.whom", ["whom": whom]), id: "payments.whom.text")),
                                        .button(taps.button(Button(id: "", label: t["payments.changePerson"], style: .secondary, width: .natural),
                                                            .changePerson))],
                                       minChildWidthMM: 110, spacing: .block))
            }
            if a.payments.isEmpty {
                nodes.append(.text(Text(t["payments.none"], style: .title, id: "payments.none")))
            } else {
                nodes.append(.text(Text(t.text("payments.total", ["total": money(a.total, t)]), style: .title, id: "payments.total")))
                let rows = a.payments.map { p in
                    ListView.Row(id: "payments.row.\(p.id)", title: t.text("payments.row", ["paidOn": FlowText.date(p.paidOn, t), "amount": money(p.amountPaid, t)]),
                                 detail: detail(p, persons, t))
                }
                _ = taps.id(.listPrevious)
                _ = taps.id(.listNext)
                nodes.append(.list(ListView(id: "payments.list", rows: rows, firstVisible: s.firstRow, visibleRows: 4,
                                            previousLabel: t["list.previous"], nextLabel: t["list.next"])))
            }
            nodes.append(.flexible)
            let banner: Banner? = switch s.printed {
            case .printed?, .alreadyPrinted?: Banner(kind: .info, text: t["payments.printed"])
            case .printerUnavailable?, .failed?: Banner(kind: .error, text: t["payments.printFailed"])
            case nil: nil
            }
            // The relevé: the screen's one main action, where the footer keeps it.
            let canPrint = context.canPrint && !a.payments.isEmpty
            let actions = canPrint ? footer + [taps.button(Button(id: "", label: t["payments.print"], style: .primary, width: .natural), .print)] : footer
            var screen = ScreenModel(id: "flow.payments", title: title, banner: banner, body: .vstack(nodes), footer: actions,
                                     focusID: (canPrint ? Event.print : Event.changePeriod).widgetID)
            if let c = s.choosing { screen.modal = periodModal(c, context, taps) }
            if s.choosingPerson {
                // Whose payments: the foyer or one beneficiary, the one shown ticked.
                // Radios, then « Valider »: one primary action, in its place.
                let choices = [taps.button(Button(id: "", label: t["payments.wholeFoyer"], style: .radio(selected: s.pickedPerson == nil)), .person(nil))]
                    + persons.indices.map { i in
                        taps.button(Button(id: "", label: persons[i].displayName, style: .radio(selected: s.pickedPerson == i)), .person(i))
                    }
                screen.modal = Modal(id: "payments.whom.modal", title: t["payments.whom.title"], message: t["payments.whom.question"],
                                     content: .adaptive(choices.map { .button($0) }, minChildWidthMM: 70, spacing: .tight),
                                     buttons: [taps.button(Button(id: "", label: t["modal.cancel"], style: .secondary), .personCancel),
                                               taps.button(Button(id: "", label: t["modal.validate"], style: .primary), .personConfirm)])
            }
            return screen
        }
    }

    static func periodModal(_ c: PeriodChoice, _ context: FlowContext, _ taps: TapTable<Event>) -> Modal {
        let t = context.catalog
        for e in PeriodChoice.Event.all { _ = taps.id(.period(e)) }
        return c.modal(id: "payments.modal", title: t["payments.period.title"], context, dailyAllowance: false,
                       button: { label, style, e in taps.button(Button(id: "", label: label, style: style), .period(e)) })
    }

    /// « Consultation · Jean DUPONT · soins du 16 novembre 2026 · versé à vous ».
    static func detail(_ p: Payment, _ persons: [Person], _ t: Catalog) -> String {
        let who = persons.indices.contains(p.personIndex) ? persons[p.personIndex].displayName : "—"
        let payee = switch p.payee {
        case .assure: t["payments.payee.assure"]
        case .professional(let name): t.text("payments.payee.professional", ["name": name])
        }
        return [t["nature.\(p.nature.rawValue)"], who, t.text("payments.care", ["date": FlowText.date(p.careDate, t)]), payee]
            .joined(separator: " · ")
    }
}

/// An amount as the language writes it: « 23,50 € », "€23.50".
/// An amount as the screen's language writes it: its catalog's
/// `money.grouping`, `money.decimal` and `money.pattern` (a language
/// added later needs no code); French when a catalog lacks them.
func money(_ m: Money, _ t: Catalog) -> String {
    guard t.has("money.pattern") else { return m.french }
    return m.formatted(grouping: t.has("money.grouping") ? t["money.grouping"] : "\u{202F}",
                       decimal: t.has("money.decimal") ? t["money.decimal"] : ",", pattern: t["money.pattern"])
}

/// « Attestation de paiement des indemnités journalières » (seed 001 §4): the
/// IJ paid to the assuré over the last year or a period chosen within the 8
/// years kept, then printed; an assuré who received none is told so plainly.
enum DailyAllowancesMachine: ServiceMachine {
    struct State: Equatable {
        enum Step: Equatable { case loading, shown, unavailable, printing }
        var step = Step.loading
        var answer: DailyAllowancesResponse?
        var period: ClosedRange<CivilDate>?
        var choosing: PeriodChoice?
        var printed: PrintOutcome?
        var batch = UUID()
    }

    enum Event: MachineEvent {
        case changePeriod, period(PeriodChoice.Event), print, retry, back
        case loaded(DailyAllowancesResponse?)
        case printed(PrintOutcome)

        var widgetID: String? {
            switch self {
            case .changePeriod: "ij.period"
            case .period(let e): e.widgetID("ij.modal")
            case .print: "ij.print"
            case .retry: "ij.retry"
            case .back: "footer.back"
            case .loaded, .printed: nil
            }
        }
    }

    enum Effect: Equatable {
        case load(period: ClosedRange<CivilDate>?)
        case print(DailyAllowancesResponse, jobID: String)
    }

    static let service = KioskService.attestationIJ
    static let steps = ["ij.step.period", "ij.step.print"]
    static func step(_ s: State) -> Int { s.step == .printing || s.printed != nil ? 1 : 0 }
    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.step == .printing }

    static func start(_ context: FlowContext) -> Transition<State, Effect> { Transition(state: State(), effects: [.load(period: nil)]) }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        switch event {
        case .loaded(let answer):
            guard s.step == .loading else { break }
            s.answer = answer
            s.batch = UUID()
            s.step = answer == nil ? .unavailable : .shown
        case .changePeriod:
            guard s.step == .shown, let a = s.answer else { break }
            s.choosing = PeriodChoice(from: a.from, to: a.to, firstDay: a.firstDay)
        case .period(let e):
            let (choice, confirmed) = PeriodChoice.reduce(s.choosing, e, today: context.today, rules: PaymentRules(context.rules.payments),
                                                          dailyAllowance: true)
            s.choosing = choice
            if let range = confirmed {
                s.period = range
                s.step = .loading
                s.printed = nil
                return Transition(state: s, effects: [.load(period: range)])
            }
        case .print:
            guard s.step == .shown, let a = s.answer, !a.allowances.isEmpty else { break }
            s.step = .printing
            return Transition(state: s, effects: [.print(a, jobID: "ij-\(s.batch.uuidString)")])
        case .printed(let outcome):
            guard s.step == .printing else { break }
            s.step = .shown
            s.printed = outcome
        case .retry:
            guard s.step == .unavailable else { break }
            s.step = .loading
            return Transition(state: s, effects: [.load(period: s.period)])
        case .back:
            if s.choosing != nil { s.choosing = nil; break }
            return .unhandled(s)
        }
        return Transition(state: s)
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        switch effect {
        case .load(let period):
            guard let card = environment.card else { return .loaded(nil) }
            return .loaded(try? await environment.services.dailyAllowances(card: card, from: period?.lowerBound, to: period?.upperBound))
        case .print(let answer, let jobID):
            return .printed(await environment.printer.print(.dailyAllowancesAttestation(answer), jobID: jobID))
        }
    }

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["service.attestationIJ"]
        let footer = [FlowText.finish(t), taps.button(FlowText.back(t), .back)]
        switch s.step {
        case .loading:
            return ScreenModel(id: "flow.ij", title: title, body: context.wait("ij.wait", t["flow.loading"]), footer: footer)
        case .printing:
            return ScreenModel(id: "flow.ij", title: title, body: context.wait("ij.wait", t["ij.printing"]), footer: footer)
        case .unavailable:
            return FlowText.unavailable(id: "flow.ij", title: title, what: t["ij.unavailable.what"], whatID: "ij.unavailable.what",
                                        retry: Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary), footer: footer, t)
        case .shown:
            guard let a = s.answer else { return ScreenModel(id: "flow.ij", title: title, body: .flexible, footer: footer) }
            let period = ["from": FlowText.date(a.from, t), "to": FlowText.date(a.to, t)]
            let change = Node.button(taps.button(Button(id: "", label: t["ij.changePeriod"], style: a.allowances.isEmpty ? .primary : .secondary,
                                                        width: .natural), .changePeriod))
            var nodes: [Node] = []
            if a.allowances.isEmpty {
                nodes.append(.text(Text(t.text("ij.none", period), style: .title, id: "ij.none")))
                nodes.append(.text(Text(t["ij.none.what"], id: "ij.none.what")))
                nodes.append(change)
            } else {
                // The period, the way to change it under it (two nodes: with large
                // text a page may end between them rather than not fit); the list last.
                nodes.append(.text(Text(t.text("ij.period", period), id: "ij.what")))
                nodes.append(change)
                nodes.append(.text(Text(t.text("payments.total", ["total": money(a.total, t)]), style: .title, id: "ij.total")))
                let rows = a.allowances.map { x in
                    ListView.Row(id: "ij.row.\(x.id)",
                                 title: t.text("ij.row", ["from": FlowText.date(x.from, t), "to": FlowText.date(x.to, t), "amount": money(x.amountPaid, t)]),
                                 detail: t.text("ij.row.detail", ["days": String(x.days), "daily": money(x.dailyAmount, t), "paidOn": FlowText.date(x.paidOn, t)]))
                }
                nodes.append(.list(ListView(id: "ij.list", rows: rows, visibleRows: 4, previousLabel: t["list.previous"], nextLabel: t["list.next"])))
            }
            nodes.append(.flexible)
            // The attestation: the screen's one main action, where the footer keeps it.
            let canPrint = context.canPrint && !a.allowances.isEmpty
            let actions = canPrint ? footer + [taps.button(Button(id: "", label: t["ij.print"], style: .primary, width: .natural), .print)] : footer
            let banner: Banner? = switch s.printed {
            case .printed?, .alreadyPrinted?: Banner(kind: .info, text: t["ij.printed"])
            case .printerUnavailable?, .failed?: Banner(kind: .error, text: t["ij.printFailed"])
            case nil: nil
            }
            var screen = ScreenModel(id: "flow.ij", title: title, banner: banner, body: .vstack(nodes), footer: actions,
                                     focusID: (canPrint ? Event.print : Event.changePeriod).widgetID)
            if let c = s.choosing {
                for e in PeriodChoice.Event.all { _ = taps.id(.period(e)) }
                screen.modal = c.modal(id: "ij.modal", title: t["ij.period.title"], context, dailyAllowance: true,
                                       button: { label, style, e in taps.button(Button(id: "", label: label, style: style), .period(e)) })
            }
            return screen
        }
    }
}
