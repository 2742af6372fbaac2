import CentralAPI
import Domain
import Foundation
import KioskUI

/// « Mes informations » (the ameli account's tab of that name, seed 001):
/// the foyer as the central store knows it. The persons of the card with
/// the end of their rights; the postal address and the mobile on file,
/// masked as the central store sends them (`MaskedPostalAddress` says what
/// a public screen may show); the NPAI state with what it blocks, as each
/// person's actions say (the rules are the central store's). Printed on
/// demand where the kiosk has a printer; the consultation needs none.
enum MesInformationsMachine: ServiceMachine {
    struct State: Equatable {
        enum Step: Equatable {
            case loading
            /// The persons of the card and their rights.
            case persons
            /// The address and the mobile on file.
            case contact
            case printing
            case unavailable
        }
        var step = Step.loading
        var foyer: FoyerResponse?
        /// What the last print came to, said on the contact step.
        var printed: PrintResult?
        /// The print's job id: a second tap never prints twice; a new one
        /// after a print that came to nothing.
        var job: UUID?
        var firstRow = 0
    }

    enum PrintResult: Equatable { case printed, printerUnavailable, failed }

    enum Event: MachineEvent {
        case previousPage, nextPage, contact, print, retry, back
        /// Answers.
        case loaded(FoyerResponse?)
        case printed(PrintOutcome)

        var widgetID: String? {
            switch self {
            case .previousPage: "informations.persons.previous"
            case .nextPage: "informations.persons.next"
            case .contact: "informations.contact"
            case .print: "informations.print"
            case .retry: "informations.retry"
            case .back: "footer.back"
            case .loaded, .printed: nil
            }
        }
    }

    enum Effect: Equatable {
        case load
        case print(DocumentSheet, jobID: String)
    }

    static let service = KioskService.mesInformations
    static let steps = ["informations.step.persons", "informations.step.contact"]
    static func step(_ s: State) -> Int {
        switch s.step {
        case .loading, .persons, .unavailable: 0
        case .contact, .printing: 1
        }
    }

    static func isWaiting(_ s: State) -> Bool { s.step == .loading || s.step == .printing }

    static func start(_ context: FlowContext) -> Transition<State, Effect> {
        Transition(state: State(), effects: [.load])
    }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        switch event {
        case .loaded(let foyer):
            guard s.step == .loading else { break }
            s.foyer = foyer
            s.step = foyer == nil ? .unavailable : .persons
        case .retry:
            guard s.step == .unavailable else { break }
            s.step = .loading
            return Transition(state: s, effects: [.load])
        case .previousPage:
            s.firstRow = max(0, s.firstRow - context.pageSize(personsList))
        case .nextPage:
            s.firstRow = min(max(0, (s.foyer?.persons.count ?? 1) - 1), s.firstRow + context.pageSize(personsList))
        case .contact:
            guard s.step == .persons else { break }
            s.step = .contact
        case .print:
            guard s.step == .contact, context.canPrint, s.printed != .printed, let foyer = s.foyer else { break }
            let job = s.job ?? context.newID()
            s.job = job
            s.printed = nil
            s.step = .printing
            return Transition(state: s, effects: [.print(sheet(foyer, context), jobID: "informations-\(job.uuidString)")])
        case .printed(let outcome):
            guard s.step == .printing else { break }
            s.step = .contact
            switch outcome {
            case .printed, .alreadyPrinted: s.printed = .printed
            case .printerUnavailable: s.printed = .printerUnavailable
            case .failed: s.printed = .failed
            }
            // Nothing came out: the next try is a new job.
            if s.printed != .printed { s.job = nil }
        case .back:
            guard s.step == .contact else { return .unhandled(s) }
            s.step = .persons
        }
        return Transition(state: s)
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        switch effect {
        case .load:
            guard let card = environment.card else { return .loaded(nil) }
            return .loaded(try? await environment.services.foyer(card: card))
        case .print(let sheet, let jobID):
            return .printed(await environment.printer.print(.sheet(sheet), jobID: jobID))
        }
    }

    // MARK: what the foyer says

    static let personsList = "informations.persons"

    /// « Droits ouverts jusqu'au 31 décembre 2027. », or when they start,
    /// ended, or are not known here.
    static func rights(_ p: PersonView, today: CivilDate, _ t: Catalog) -> String {
        guard let r = p.rights else { return t["informations.rights.unknown"] }
        let dates = ["start": FlowText.date(r.amoStart, t), "end": FlowText.date(r.amoEnd, t)]
        if r.amoOpen(on: today) { return t.text("informations.rights.open", dates) }
        return t.text(today < r.amoStart ? "informations.rights.future" : "informations.rights.closed", dates)
    }

    /// What the NPAI blocks today, as the central store's answer says it
    /// (the actions excluded `npai`), in the catalog's words.
    static func blockedByNPAI(_ foyer: FoyerResponse) -> [String] {
        let ceam = Set(foyer.persons.flatMap { p in p.ceamActions.filter { $0.exclusion == .npai }.map(\.action) })
        let vitale = Set(foyer.persons.flatMap { p in p.vitaleActions.filter { $0.exclusion == .npai }.map(\.action) })
        var keys: [String] = []
        if vitale.contains(.order) { keys.append("informations.npai.block.vitaleOrder") }
        if ceam.contains(.order) || ceam.contains(.earlyRenewal) { keys.append("informations.npai.block.ceamOrder") }
        if ceam.contains(.declareLossOrTheft) { keys.append("informations.npai.block.ceamLoss") }
        return keys
    }

    /// The NPAI said as everywhere (`why.npai`), then what it blocks and where to change the address.
    static func npaiTexts(_ foyer: FoyerResponse, _ t: Catalog) -> (banner: String, what: String) {
        let blocked = blockedByNPAI(foyer).map { t[$0] }
        var what = t["informations.npai.returned"]
        if !blocked.isEmpty { what += " " + t.text("informations.npai.blocks", ["list": blocked.joined(separator: t["informations.npai.separator"])]) }
        return (t["why.npai"], what + " " + t["informations.npai.what"])
    }

    static func addressText(_ foyer: FoyerResponse, _ t: Catalog, separator: String = "\n") -> String {
        foyer.address.map { $0.lines.joined(separator: separator) } ?? t["informations.address.none"]
    }

    /// The printed page: what the screens show, in French (an Assurance
    /// Maladie document), masked the same way.
    static func sheet(_ foyer: FoyerResponse, _ context: FlowContext) -> DocumentSheet {
        let t = context.documentCatalog
        var blocks: [DocumentSheet.Block] = [
            .title(t["informations.sheet.title"]),
            .subtitle(t.text("informations.sheet.issued", ["date": FlowText.date(context.today, t)])),
            .space,
            .heading(t["informations.sheet.persons"]),
        ]
        for p in foyer.persons {
            blocks.append(.field(label: p.person.displayName,
                                 value: CEAMMachine.who(p.person, today: foyer.today, t) + ". " + rights(p, today: foyer.today, t)))
        }
        blocks += [
            .heading(t["informations.sheet.contact"]),
            .field(label: t["informations.address"], value: addressText(foyer, t, separator: ", ")),
            .field(label: t["informations.mobile"], value: foyer.maskedMobile ?? t["informations.mobile.none"]),
        ]
        if foyer.npai == true {
            let npai = npaiTexts(foyer, t)
            blocks.append(.paragraph(npai.banner + " " + npai.what))
        }
        blocks += [.space, .paragraph(t["informations.sheet.masked"]), .note(t["informations.sheet.note"])]
        return DocumentSheet(kind: "mes-informations", title: t["informations.sheet.title"], blocks: blocks)
    }

    // MARK: screens

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["service.mesInformations"]
        let footer = [FlowText.finish(t), taps.button(FlowText.back(t), .back)]
        switch s.step {
        case .loading:
            return ScreenModel(id: "flow.mesInformations", title: title, body: context.wait("informations.wait", t["flow.loading"]), footer: footer)
        case .printing:
            return ScreenModel(id: "flow.mesInformations.contact", title: t["informations.contact.title"],
                               body: context.wait("informations.wait", t["informations.printing"]), footer: footer)
        case .unavailable:
            return FlowText.unavailable(id: "flow.mesInformations.unavailable", title: title, what: t["informations.unavailable.what"],
                                        whatID: "informations.unavailable.what",
                                        retry: Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary), footer: footer, t)
        case .persons:
            let foyer = s.foyer
            let today = foyer?.today ?? context.today
            let rows = (foyer?.persons ?? []).map { p in
                ListView.Row(id: "informations.person.\(p.index)", title: p.person.displayName + " · " + CEAMMachine.who(p.person, today: today, t),
                             detail: rights(p, today: today, t))
            }
            // The list's own pager (`<list id>.previous`, `.next`).
            _ = taps.id(.previousPage)
            _ = taps.id(.nextPage)
            return ScreenModel(id: "flow.mesInformations.persons", title: title,
                               banner: foyer?.npai == true ? Banner(kind: .error, text: t["why.npai"]) : nil,
                               body: .vstack([
                                   .text(Text(t["informations.persons.about"], id: "informations.persons.about")),
                                   .list(ListView(id: personsList, rows: rows, firstVisible: s.firstRow, visibleRows: 4,
                                                  previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                                   .flexible,
                                   .button(Button(id: taps.id(.contact), label: t["informations.toContact"], style: .primary)),
                               ], spacing: .related),
                               footer: footer, focusID: Event.contact.widgetID)
        case .contact:
            guard let foyer = s.foyer else { return screen(State(), context, taps) }
            /// A label in bold over what is on file; one under the other (side
            /// by side, they could not be paged at text ×1.5 on a dense screen).
            func item(_ id: String, _ label: String, _ value: String) -> Node {
                .vstack([.text(Text(label, style: .button, id: "\(id).label")), .text(Text(value, id: id))], spacing: .label)
            }
            var nodes: [Node] = [
                item("informations.address", t["informations.address"], addressText(foyer, t)),
                item("informations.mobile", t["informations.mobile"], foyer.maskedMobile ?? t["informations.mobile.none"]),
            ]
            if foyer.npai == true {
                let npai = npaiTexts(foyer, t)
                nodes.append(.banner(Banner(id: "informations.npai", kind: .error, text: npai.banner)))
                nodes.append(.text(Text(npai.what, id: "informations.npai.what")))
            }
            // Under an NPAI, where to change the address is said above.
            let masked = foyer.npai == true ? t["informations.masked"] : t["informations.masked"] + " " + t["informations.change"]
            nodes.append(.text(Text(masked, style: .small, muted: true, id: "informations.masked")))
            nodes.append(.flexible)
            let canPrint = context.canPrint && s.printed != .printed
            if canPrint { nodes.append(.button(Button(id: taps.id(.print), label: t["informations.print"], style: .primary))) }
            let banner: Banner? = switch s.printed {
            case .printed?: Banner(kind: .info, text: t["informations.printed"])
            case .printerUnavailable?: Banner(kind: .error, text: t["informations.printerUnavailable"])
            case .failed?: Banner(kind: .error, text: t["informations.printFailed"])
            case nil: nil
            }
            return ScreenModel(id: "flow.mesInformations.contact", title: t["informations.contact.title"], banner: banner,
                               body: .vstack(nodes, spacing: .related), footer: footer,
                               focusID: canPrint ? Event.print.widgetID : Event.back.widgetID)
        }
    }
}
