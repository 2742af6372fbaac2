import CentralAPI
import Domain
import Foundation
import KioskUI

/// « Changement d'adresse » (seed 001 §5: « je saisis ma nouvelle adresse »,
/// « je confirme l'adresse que j'ai saisie »; « pour vous et vos ayants
/// droit »): the address on file (masked) and its NPAI, then the new one a
/// field at a time — postal code and number on the keypad, commune, street
/// and complement on the AZERTY keyboard —, a summary, and the request sent
/// through the outbox like any other (queued when the central store is
/// away, applied once). The central store lifts the NPAI when it applies
/// it. Whether an address can be kept is Domain's (`PostalAddress`).
enum AddressMachine: ServiceMachine {
    enum Field: String, Equatable, CaseIterable {
        case postalCode, commune, number, street, complement
    }

    struct Draft: Equatable {
        var postalCode = ""
        var commune = ""
        var number = ""
        /// « bis », « ter », « quater » after the number.
        var indice: String?
        var street = ""
        var complement = ""

        func text(_ f: Field) -> String {
            switch f {
            case .postalCode: postalCode
            case .commune: commune
            case .number: number
            case .street: street
            case .complement: complement
            }
        }

        mutating func set(_ f: Field, _ value: String) {
            switch f {
            case .postalCode: postalCode = value
            case .commune: commune = value
            case .number: number = value
            case .street: street = value
            case .complement: complement = value
            }
        }

        var address: PostalAddress {
            let n = number.isEmpty ? nil : number + (indice.map { " " + $0 } ?? "")
            return PostalAddress(number: n, street: street, complement: complement, postalCode: postalCode, commune: commune).tidied
        }
    }

    struct State: Equatable {
        enum Step: Equatable {
            case loading, onFile, field(Field), summary, submitting
            case done(transmitted: Bool)
            case refused
            case unavailable
        }
        var step = Step.loading
        var foyer: FoyerResponse?
        /// A change confirmed earlier that waits in the kiosk's outbox.
        var waiting = false
        var draft = Draft()
        var uppercase = true
        /// What is wrong with the field on screen (said under it).
        var problem: PostalAddressProblem?
        /// Fixed at « Confirmer »: a retry sends the same request.
        var command: KioskCommand?
        var printed: PrintOutcome?
        /// A field opened from the summary (« Corriger »): its « Suivant » goes back there.
        var editing = false
    }

    enum Event: MachineEvent {
        case change, key(Character), shift, space, erase, ok, digit(Int), indice(String?), skip, edit(Field), confirm, retry, print, back
        /// Answers.
        case loaded(FoyerResponse?, waiting: Bool)
        case submitted(KioskCommand, SubmitOutcome?)
        case printed(PrintOutcome)

        var widgetID: String? {
            switch self {
            case .change: "address.change"
            // The keyboard and the keypad share one id: erase and OK are the same events.
            case .key(let c): "address.input.key.\(c)"
            case .shift: "address.input.shift"
            case .space: "address.input.space"
            case .erase: "address.input.erase"
            case .ok: "address.input.ok"
            case .digit(let d): "address.input.\(d)"
            case .indice(let i): "address.indice.\(i ?? "none")"
            case .skip: "address.skip"
            case .edit(let f): "address.edit.\(f.rawValue)"
            case .confirm: "address.confirm"
            case .retry: "address.retry"
            case .print: "address.print"
            case .back: "footer.back"
            case .loaded, .submitted, .printed: nil
            }
        }
    }

    enum Effect: Equatable {
        case load
        case submit(KioskCommand)
        case print(KioskDocument, jobID: String)
    }

    static let service = KioskService.changementAdresse
    static let steps = ["address.step.onFile", "address.step.postalCode", "address.step.commune", "address.step.number",
                        "address.step.street", "address.step.complement", "address.step.summary"]
    static func step(_ s: State) -> Int {
        switch s.step {
        case .loading, .onFile, .unavailable: 0
        case .field(let f): 1 + Field.allCases.firstIndex(of: f)!
        case .summary, .submitting, .done, .refused: 6
        }
    }
    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.step == .submitting }
    static func outlivesSession(_ effect: Effect) -> Bool { if case .submit = effect { return true } else { return false } }

    static func start(_ context: FlowContext) -> Transition<State, Effect> { Transition(state: State(), effects: [.load]) }

    /// Longest text each field takes (La Poste's line, less what shares it).
    static func limit(_ f: Field) -> Int {
        switch f {
        case .postalCode: 5
        case .number: 4
        case .commune: PostalAddress.maximumLineLength - 6
        case .street, .complement: PostalAddress.maximumLineLength
        }
    }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        switch event {
        case .loaded(let foyer, let waiting):
            guard s.step == .loading else { break }
            s.foyer = foyer
            s.waiting = waiting
            s.step = foyer == nil ? .unavailable : .onFile
        case .change:
            guard s.step == .onFile, let f = s.foyer,
                  AddressRules.mayChange(situation: AssureSituation(npai: f.npai ?? false), waitingInOutbox: s.waiting) else { break }
            s.step = .field(.postalCode)
        case .key(let c):
            guard case .field(let f) = s.step, f != .postalCode, f != .number else { break }
            let text = s.draft.text(f)
            guard text.count < limit(f) else { break }
            s.draft.set(f, text + (s.uppercase ? String(c).uppercased() : String(c)))
            s.problem = nil
        case .shift:
            s.uppercase.toggle()
        case .space:
            guard case .field(let f) = s.step, f != .postalCode, f != .number, s.draft.text(f).count < limit(f) else { break }
            s.draft.set(f, s.draft.text(f) + " ")
        case .digit(let d):
            guard case .field(let f) = s.step, (0...9).contains(d) else { break }
            let text = s.draft.text(f)
            guard text.count < limit(f) else { break }
            s.draft.set(f, text + String(d))
            s.problem = nil
        case .erase:
            guard case .field(let f) = s.step else { break }
            s.draft.set(f, String(s.draft.text(f).dropLast()))
            s.problem = nil
        case .indice(let i):
            guard s.step == .field(.number) else { break }
            s.draft.indice = i
        case .skip:
            // Optional fields only: no number (a lieu-dit), no complement.
            guard case .field(let f) = s.step, f == .number || f == .complement else { break }
            s.draft.set(f, "")
            if f == .number { s.draft.indice = nil }
            return advance(s, from: f)
        case .ok:
            guard case .field(let f) = s.step else { break }
            if let p = problem(of: f, in: s.draft) {
                s.problem = p
                break
            }
            return advance(s, from: f)
        case .edit(let f):
            guard s.step == .summary else { break }
            s.editing = true
            s.step = .field(f)
        case .confirm:
            guard s.step == .summary || s.step == .unavailable, let card = context.identity else { break }
            // The whole address, as the rules will check it again.
            if let first = s.draft.address.problems.first {
                s.problem = first
                s.step = .field(field(of: first))
                break
            }
            let command = s.command ?? KioskCommand(id: context.newID(), serial: card.serial, personIndex: 0,
                                                    action: .addressChange(s.draft.address), confirmedAt: context.now)
            s.command = command
            s.step = .submitting
            return Transition(state: s, effects: [.submit(command)])
        case .retry:
            guard s.step == .unavailable else { break }
            if s.command != nil { return reduce(s, .confirm, context) }
            s.step = .loading
            return Transition(state: s, effects: [.load])
        case .submitted(let command, let outcome):
            guard s.step == .submitting, s.command?.id == command.id else { break }
            switch outcome {
            case .acknowledged(let r)? where r.status == .refused: s.step = .refused
            case .acknowledged?: s.step = .done(transmitted: true)
            case .queued?: s.step = .done(transmitted: false)
            case nil: s.step = .unavailable
            }
        case .print:
            guard case .done(let transmitted) = s.step, let command = s.command, let person = context.identity?.foyer.persons.first else { break }
            let t = context.documentCatalog
            let document = KioskDocument.receipt(command: command, person: person, what: t["address.receipt.what"], transmitted: transmitted,
                                                 nextStep: t["address.receipt.next"])
            return Transition(state: s, effects: [.print(document, jobID: "address-\(command.id.uuidString.lowercased())")])
        case .printed(let outcome):
            s.printed = outcome
        case .back:
            switch s.step {
            case .field(let f):
                s.problem = nil
                let i = Field.allCases.firstIndex(of: f)!
                s.step = i == 0 ? .onFile : .field(Field.allCases[i - 1])
            case .summary: s.step = .field(.complement)
            default: return .unhandled(s)
            }
        }
        return Transition(state: s)
    }

    /// The next field, or the summary after the last one.
    private static func advance(_ s: State, from f: Field) -> Transition<State, Effect> {
        var s = s
        s.problem = nil
        if s.editing, problem(of: .street, in: s.draft) == nil, s.draft.address.problems.isEmpty {
            s.editing = false
            s.step = .summary
            return Transition(state: s)
        }
        let i = Field.allCases.firstIndex(of: f)!
        s.step = i + 1 < Field.allCases.count ? .field(Field.allCases[i + 1]) : .summary
        return Transition(state: s)
    }

    /// What Domain says of this field as typed so far (its own problems only).
    static func problem(of f: Field, in d: Draft) -> PostalAddressProblem? {
        d.address.problems.first { field(of: $0) == f }
            // The number needs a street, which comes next: not a problem yet.
            .flatMap { $0 == .numberWithoutStreet ? nil : $0 }
    }

    static func field(of p: PostalAddressProblem) -> Field {
        switch p {
        case .numberNotValid: .number
        case .numberWithoutStreet: .street
        case .tooLong(let f, _): Field(rawValue: f.rawValue) ?? .street
        case .communeMissing: .commune
        default: .postalCode
        }
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        let services = environment.services
        switch effect {
        case .load:
            guard let card = environment.card else { return .loaded(nil, waiting: false) }
            let pending = await services.pendingRequests(card: card)
            let waiting = pending.contains { if case .addressChange = $0.action { return true } else { return false } }
            return .loaded(try? await services.foyer(card: card), waiting: waiting)
        case .submit(let command):
            return .submitted(command, try? await services.submit(command))
        case .print(let document, let jobID):
            return .printed(await environment.printer.print(document, jobID: jobID))
        }
    }

    // MARK: screens

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["service.changementAdresse"]
        let defaultFooter = [FlowText.finish(t), taps.button(FlowText.back(t), .back)]
        func model(_ body: Node, banner: Banner? = nil, footer: [Button]? = nil, focus: Event? = nil) -> ScreenModel {
            ScreenModel(id: "flow.address", title: title, banner: banner, body: body, footer: footer ?? defaultFooter, focusID: focus?.widgetID)
        }
        switch s.step {
        case .loading:
            return model(context.wait("address.wait", t["flow.loading"]))
        case .submitting:
            return model(context.wait("address.wait", t["address.sending"]))
        case .unavailable:
            return FlowText.unavailable(id: "flow.address", title: title, what: t[s.command == nil ? "address.unavailable.what" : "flow.unavailable.what"],
                                        whatID: "address.unavailable.what",
                                        retry: Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary), footer: defaultFooter, t)
        case .onFile:
            guard let f = s.foyer else { return model(.flexible) }
            let lines = f.address?.lines ?? [t["address.none"]]
            var nodes: [Node] = [
                .text(Text(t["address.onFile"], style: .button, id: "address.onFile.label")),
                .text(Text(lines.joined(separator: "\n"), id: "address.onFile")),
            ]
            var banner: Banner?
            if f.npai == true {
                banner = Banner(kind: .error, text: t["address.npai"])
                nodes.append(.text(Text(t["address.npai.what"], id: "address.npai.what")))
            }
            let may = AddressRules.mayChange(situation: AssureSituation(npai: f.npai ?? false), waitingInOutbox: s.waiting)
            if s.waiting {
                nodes.append(.text(Text(t["address.waiting"], id: "address.waiting")))
            }
            nodes.append(.text(Text(t["address.forWhom"], style: .small, id: "address.forWhom")))
            nodes.append(.flexible)
            let actions = may ? defaultFooter + [taps.button(Button(id: "", label: t["address.change"], style: .primary, width: .natural), .change)] : defaultFooter
            return model(.vstack(nodes), banner: banner, footer: actions, focus: may ? .change : nil)
        case .field(let f):
            return fieldScreen(f, s, context, taps)
        case .summary:
            let a = s.draft.address
            let rows: [(Field, String)] = [
                (.number, (a.number ?? t["address.noNumber"])), (.street, a.street ?? "—"), (.complement, a.complement ?? t["address.noComplement"]),
                (.postalCode, a.postalCode), (.commune, a.commune),
            ]
            let items: [Node] = rows.map { f, value in
                .adaptive([.vstack([.text(Text(t["address.field.\(f.rawValue)"], style: .small, id: "address.summary.\(f.rawValue).label")),
                                    .text(Text(value, style: .button, id: "address.summary.\(f.rawValue)"))], spacing: .label),
                           .button(taps.button(Button(id: "", label: t["address.edit"], style: .secondary, width: .natural,
                                                      speech: t["address.edit"] + ", " + t["address.field.\(f.rawValue)"]), .edit(f)))],
                          minChildWidthMM: 90, spacing: .tight)
            }
            // Irreversible once sent: what, for whom, what follows, before « Confirmer ».
            let summary = FlowText.summary(what: t["summary.what.address"], who: t["summary.who.address"],
                                           consequence: t["summary.consequence.address"], t)
            let nodes: [Node] = [.text(Text(t["address.summary.question"], id: "address.summary.question"))] + items + [summary, .flexible]
            return model(.vstack(nodes, spacing: .related),
                         footer: defaultFooter + [taps.button(Button(id: "", label: t["address.confirm"], style: .primary, width: .natural), .confirm)],
                         focus: .confirm)
        case .done(let transmitted):
            let banner = Banner(kind: .info, text: t[transmitted ? "address.done" : "address.done.queued"])
            var nodes: [Node] = [.text(Text(t[transmitted ? "address.done.what" : "address.done.queued.what"], id: "address.done.what"))]
            if let outcome = s.printed {
                let key = switch outcome {
                case .printed, .alreadyPrinted: "address.printed"
                case .printerUnavailable, .failed: "address.printFailed"
                }
                nodes.append(.text(Text(t[key], id: "address.printed")))
            }
            nodes.append(.flexible)
            let actions = context.canPrint && s.printed == nil
                ? [FlowText.finish(t), taps.button(Button(id: "", label: t["address.print"], style: .primary, width: .natural), .print)]
                : [FlowText.finish(t)]
            return model(.vstack(nodes), banner: banner, footer: actions, focus: context.canPrint ? .print : nil)
        case .refused:
            return model(.vstack([.text(Text(t["address.refused.what"], id: "address.refused.what")), .flexible]),
                         banner: Banner(kind: .error, text: t["address.refused"]), footer: [FlowText.finish(t)])
        }
    }

    private static func fieldScreen(_ f: Field, _ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let text = s.draft.text(f)
        var nodes: [Node] = [.text(Text(t["address.ask.\(f.rawValue)"], style: .button, id: "address.ask"))]
        if let p = s.problem {
            nodes.append(.banner(Banner(kind: .error, text: t["address.problem.\(problemKey(p))"])))
        }
        switch f {
        case .postalCode, .number:
            // Digits on the keypad; what is typed shown above it.
            for d in 0...9 { _ = taps.id(.digit(d)) }
            _ = taps.id(.erase)
            _ = taps.id(.ok)
            let shown = text + (f == .number ? (s.draft.indice.map { " " + $0 } ?? "") : "")
            nodes.append(.text(Text(shown.isEmpty ? "—" : shown, style: .title, id: "address.typed")))
            var extra: [Node] = []
            if f == .number {
                let indices: [String?] = [nil, "bis", "ter", "quater"]
                extra.append(.adaptive(indices.map { i in
                    .button(taps.button(Button(id: "", label: i ?? t["address.indice.none"], style: .toggle(on: s.draft.indice == i), width: .fill),
                                        .indice(i)))
                }, minChildWidthMM: 30, spacing: .tight))
                extra.append(.button(taps.button(Button(id: "", label: t["address.skip.number"], style: .secondary, width: .natural), .skip)))
            }
            let pad = Node.keypad(Keypad(id: "address.input", eraseLabel: t["keypad.erase"], okLabel: t["address.next"],
                                         okEnabled: f == .number || text.count == 5, digitSpeech: t["keypad.digit"]))
            nodes.append(.adaptive([.vstack(extra + [.flexible]), pad], minChildWidthMM: 90, spacing: .halves))
        case .commune, .street, .complement:
            for row in Keyboard.rows { for c in row { _ = taps.id(.key(c)) } }
            _ = taps.id(.shift)
            _ = taps.id(.space)
            _ = taps.id(.erase)
            _ = taps.id(.ok)
            if f == .complement {
                nodes.append(.button(taps.button(Button(id: "", label: t["address.skip.complement"], style: .secondary, width: .natural), .skip)))
            }
            nodes.append(.keyboard(Keyboard(id: "address.input", text: text, placeholder: t["address.placeholder.\(f.rawValue)"],
                                            uppercase: s.uppercase, spaceLabel: t["keyboard.space"], okLabel: t["address.next"],
                                            eraseLabel: "⌫", shiftLabel: "⇧")))
        }
        nodes.append(.flexible)
        var screen = ScreenModel(id: "flow.address", title: t["service.changementAdresse"], body: .vstack(nodes, spacing: .related),
                                 footer: [FlowText.finish(t), taps.button(FlowText.back(t), .back)])
        // The question is the first row: the keyboard needs the title's room
        // (the title is still spoken).
        if f == .commune || f == .street || f == .complement { screen.titleHidden = true }
        return screen
    }

    static func problemKey(_ p: PostalAddressProblem) -> String {
        switch p {
        case .numberNotValid: "number"
        case .numberWithoutStreet: "street"
        case .tooLong: "tooLong"
        case .communeMissing: "commune"
        default: "postalCode"
        }
    }
}
