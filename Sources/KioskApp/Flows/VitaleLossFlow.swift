import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Carte Vitale perdue, volée ou qui ne fonctionne plus" (seeds 000, 004):
/// the beneficiary (12 years and over, with a card in use), the reason, the
/// commitment to return a found card, confirm; the card is invalidated. Then
/// the order of a new card when the domain allows it, chained after the
/// declaration, or why not.
@MainActor
final class VitaleLossFlow: Flow {
    enum Step: Equatable {
        case loading
        case choosePerson
        /// Reason and commitment for the chosen person.
        case details(person: Int)
        case submitting
        /// The declaration is taken: applied (`transmitted`) or in the outbox.
        case declared(person: Int, transmitted: Bool)
        case ordered(person: Int, transmitted: Bool)
        /// Refused by the central store's rules (state changed meanwhile).
        case refused(reason: String?)
        /// Nothing was taken: try again (the same request, never two).
        case unavailable
    }

    let service = KioskService.carteVitaleLoss
    private(set) var step = Step.loading
    private(set) var foyer: FoyerResponse?
    private(set) var reason: VitaleDeclarationReason?
    private(set) var commits = false
    /// The modal before a request: "declare" or "order".
    private(set) var confirming: String?
    /// A person whose card can be ordered straight away (declared earlier, or none yet).
    private(set) var orderPerson: Int?
    /// The confirmed requests: the same ids on a double tap or a retry.
    private(set) var declaration: KioskCommand?
    private(set) var order: KioskCommand?
    private(set) var printMessage: String?
    /// Carte Vitale requests confirmed earlier (another visit, another
    /// session) that wait in the kiosk's outbox: the central store's foyer
    /// does not show them yet, so they are not offered again.
    private(set) var pending: [PendingRequest] = []
    /// A request recorded in an earlier visit that the central store refused
    /// (or that was parked) after the assuré left: said once, above the list.
    private(set) var laterNotice: String?
    private var retry: (() -> Void)?
    private var firstRow = 0

    var isWaiting: Bool { step == .loading || step == .submitting }

    func start(_ c: KioskController) { load(c, then: .choosePerson) }

    private func load(_ c: KioskController, then next: Step) {
        guard let card = c.session.identity else { step = .unavailable; return }
        c.background { [weak self] in
            // The outbox before the foyer: a request delivered between the two
            // reads is then in the foyer, not in neither.
            let pending = await c.services.pendingRequests(card: card).filter { $0.ceamAction == nil }
            let f = try? await c.services.foyer(card: card)
            guard let self, c.isCurrent(self) else { return }
            if let f { self.foyer = f; self.pending = pending }
            if f != nil, self.laterNotice == nil {
                let refused = await c.services.unsuccessfulRequests(card: card).filter { $0.action.hasPrefix("vitale.") }
                guard c.isCurrent(self) else { return }
                if !refused.isEmpty {
                    let t = c.catalog
                    self.laterNotice = refused.map { r in
                        t.text(r.parked ? "vitale.later.parked" : "vitale.later.refused",
                               ["name": self.person(r.personIndex)?.person.displayName ?? "",
                                "date": FlowText.date(CivilDay.inParis(r.confirmedAt), t)])
                    }.joined(separator: " ")
                    await c.services.markTold(refused.map(\.id))
                }
            }
            if self.step == .loading { self.step = f == nil ? .unavailable : next }
        }
    }

    func person(_ i: Int) -> PersonView? { foyer?.persons.first { $0.index == i } }

    func availability(_ action: VitaleAction, _ p: PersonView) -> VitaleExclusion?? {
        p.vitaleActions.first { $0.action == action }.map { $0.exclusion }
    }

    /// A declaration or an order for this person waiting in the outbox: its
    /// outcome is not known yet, so nothing more is offered for them (a
    /// second declaration, or an order before the card is invalidated).
    func waiting(_ p: PersonView) -> PendingRequest? { pending.last { $0.personIndex == p.index } }

    func canDeclare(_ p: PersonView) -> Bool { waiting(p) == nil && availability(.declare, p) == .some(nil) }
    func canOrder(_ p: PersonView) -> Bool { waiting(p) == nil && availability(.order, p) == .some(nil) }

    func tap(_ id: String, _ c: KioskController) async -> Bool {
        if let m = confirming {
            if id == "modal.cancel" { confirming = nil; return true }
            if id == "modal.confirm" {
                confirming = nil
                switch m {
                case "order": if case .declared(let i, _) = step, let d = declaration { submitOrder(c, person: i, after: d.id) }
                case "orderFor": if let i = orderPerson { submitOrder(c, person: i, after: nil) }
                default: submitDeclaration(c)
                }
                return true
            }
            return true
        }
        switch id {
        // A page is what the last frame showed (large text shows fewer rows).
        case "vitale.persons.previous": firstRow = max(0, firstRow - max(1, c.listPageSizes["vitale.persons"] ?? 1)); return true
        case "vitale.persons.next":
            firstRow = min(max(0, (foyer?.persons.count ?? 1) - 1), firstRow + max(1, c.listPageSizes["vitale.persons"] ?? 1))
            return true
        case _ where id.hasPrefix("vitale.person."):
            guard step == .choosePerson, let i = Int(id.dropFirst("vitale.person.".count)), let p = person(i), canDeclare(p) else { return true }
            reason = nil
            commits = false
            step = .details(person: i)
            return true
        case _ where id.hasPrefix("vitale.orderFor."):
            guard step == .choosePerson, let i = Int(id.dropFirst("vitale.orderFor.".count)), let p = person(i), canOrder(p) else { return true }
            orderPerson = i
            confirming = "orderFor"
            return true
        case _ where id.hasPrefix("vitale.reason."):
            guard case .details = step, let r = VitaleDeclarationReason(rawValue: String(id.dropFirst("vitale.reason.".count))) else { return true }
            reason = r
            return true
        case "vitale.commit":
            commits.toggle()
            return true
        case "vitale.declare":
            guard case .details = step, readyToDeclare else { return true }
            confirming = "declare"
            return true
        case "vitale.order":
            guard case .declared(let i, _) = step, let p = person(i), orderOffered(p) else { return true }
            confirming = "order"
            return true
        case "vitale.retry":
            guard step == .unavailable else { return true }
            if let retry { retry() } else { step = .loading; load(c, then: .choosePerson) }
            return true
        case "vitale.print":
            await printReceipt(c)
            return true
        case "footer.back":
            switch step {
            case .details: step = .choosePerson; return true
            default: return false
            }
        default:
            return false
        }
    }

    /// A found card must be sent back, unless it is broken (VitaleRules).
    var needsCommitment: Bool { reason != nil && reason != .dysfonctionnement }
    var readyToDeclare: Bool { reason != nil && (commits || !needsCommitment) }

    /// The order is offered when the refreshed foyer allows it, or when the
    /// declaration waits in the outbox (the order then follows it).
    func orderOffered(_ p: PersonView) -> Bool {
        if case .declared(_, let transmitted) = step, !transmitted { return order == nil }
        return order == nil && canOrder(p)
    }

    private func submitDeclaration(_ c: KioskController) {
        guard case .details(let i) = step, let reason, let card = c.session.identity else { return }
        let command = declaration ?? KioskCommand(serial: card.serial, personIndex: i,
                                                  action: .vitaleDeclaration(reason: reason, commitsToReturnFoundCard: commits || !needsCommitment),
                                                  confirmedAt: c.clock.now)
        declaration = command
        send(command, c) { [weak self] transmitted in
            self?.step = .declared(person: i, transmitted: transmitted)
        }
    }

    /// `after`: the declaration just made, which the central store applies first.
    private func submitOrder(_ c: KioskController, person i: Int, after: UUID?) {
        guard let card = c.session.identity else { return }
        let command = order ?? KioskCommand(serial: card.serial, personIndex: i, action: .vitaleOrder, confirmedAt: c.clock.now,
                                            after: after)
        order = command
        send(command, c) { [weak self] transmitted in
            self?.step = .ordered(person: i, transmitted: transmitted)
        }
    }

    /// Submits once; on "unavailable" the retry sends the same command.
    private func send(_ command: KioskCommand, _ c: KioskController, done: @escaping @MainActor (Bool) -> Void) {
        step = .submitting
        printMessage = nil
        retry = { [weak self] in self?.send(command, c, done: done) }
        c.background { [weak self] in
            let outcome: SubmitOutcome?
            do { outcome = try await c.services.submit(command) } catch { outcome = nil }
            guard let self, c.isCurrent(self) else { return }
            switch outcome {
            case .acknowledged(let r) where r.status == .refused:
                self.retry = nil
                if command.action == .vitaleOrder { self.order = nil } else { self.declaration = nil }
                self.step = .refused(reason: r.reason)
                // Said now: not again at the next visit.
                await c.services.markTold([command.id])
            case .acknowledged(let receipt):
                self.retry = nil
                // The person as the central store now holds them: after the
                // card in the reader is declared lost, the foyer can no longer
                // be read with it, and the receipt alone says whether the
                // order of a new card may follow.
                if let p = receipt.person, var f = self.foyer, let k = f.persons.firstIndex(where: { $0.index == p.index }) {
                    f.persons[k] = p
                    self.foyer = f
                }
                done(true)
                // The foyer as it is now: what may follow (the order).
                if let card = c.session.identity, let f = try? await c.services.foyer(card: card), c.isCurrent(self) { self.foyer = f }
            case .queued:
                self.retry = nil
                done(false)
            case nil:
                self.step = .unavailable
            }
        }
    }

    private func printReceipt(_ c: KioskController) async {
        let t = c.catalog
        // The récépissé is an Assurance Maladie document: in French, whatever the screen's language.
        let paper = c.catalogs["fr"] ?? t
        let (command, transmitted, what): (KioskCommand?, Bool, String) = switch step {
        case .declared(_, let tr): (declaration, tr, paper["vitale.receipt.declared.\(declaration.map(reasonKey) ?? "perte")"])
        case .ordered(_, let tr): (order, tr, paper["vitale.receipt.ordered"])
        default: (nil, false, "")
        }
        guard let command, let p = person(command.personIndex) else { return }
        // What is true on paper too: queued on the kiosk, and an order still needs the photo and the identity document.
        let isOrder = command.action == .vitaleOrder
        let next = [transmitted ? nil : paper["vitale.receipt.queued"], isOrder ? paper["vitale.ordered.next"] : nil].compactMap { $0 }
        let outcome = await c.printer.print(.receipt(command: command, person: p.person, what: what, transmitted: transmitted,
                                                     nextStep: next.isEmpty ? nil : next.joined(separator: " ")),
                                            jobID: "receipt-\(command.id.uuidString)")
        guard c.isCurrent(self) else { return }
        printMessage = switch outcome {
        case .printed: t["print.done"]
        case .alreadyPrinted: t["print.already"]
        case .printerUnavailable: t["print.unavailable"]
        case .failed: t["print.failed"]
        }
    }

    private func reasonKey(_ c: KioskCommand) -> String {
        if case .vitaleDeclaration(let r, _) = c.action { return r.rawValue }
        return "perte"
    }

    // MARK: screen

    func exclusionKey(_ e: VitaleExclusion) -> String {
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
        }
    }

    func exclusionText(_ e: VitaleExclusion, _ t: Catalog) -> String {
        switch e {
        case .tooYoung(let age): t.text("vitale.why.tooYoung", ["age": String(age)])
        case .orderPausedUntil(let d): t.text("vitale.why.orderPaused", ["when": FlowText.dateTime(d, t)])
        // One wording for NPAI in every service.
        case .npai: t["why.npai"]
        default: t["vitale.why.\(exclusionKey(e))"]
        }
    }

    func screen(_ c: KioskController) -> ScreenModel {
        let t = c.catalog
        let title = t["vitale.title"]
        let footer = [FlowText.finish(t), FlowText.back(t)]
        var s: ScreenModel
        switch step {
        case .loading:
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title, body: FlowText.wait("vitale.wait", t["flow.loading"], c), footer: footer)
        case .submitting:
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title, body: FlowText.wait("vitale.wait", t["flow.sending"], c), footer: footer)
        case .choosePerson:
            let persons = foyer?.persons ?? []
            let rows = persons.map { p in
                let declarable = canDeclare(p), orderable = !declarable && canOrder(p)
                // Why not: the order's reason when it says more (paused until…, already ordered), else the declaration's.
                let orderWhy = availability(.order, p).flatMap { $0 }.flatMap { e -> VitaleExclusion? in
                    switch e { case .tooYoung, .declarationRequired: nil; default: e }
                }
                let why = waiting(p).map { t[$0.action == .vitaleOrder ? "vitale.why.queued.order" : "vitale.why.queued.declare"] }
                    ?? (orderWhy ?? availability(.declare, p).flatMap { $0 }).map { exclusionText($0, t) }
                let action: Button? = declarable
                    ? Button(id: "vitale.person.\(p.index)", label: t["vitale.person.choose"], style: .primary, width: .natural,
                             speech: t["vitale.person.choose"] + ", " + p.person.displayName)
                    : orderable ? Button(id: "vitale.orderFor.\(p.index)", label: t["vitale.person.order"], style: .primary, width: .natural,
                                         speech: t["vitale.person.order"] + ", " + p.person.displayName) : nil
                return ListView.Row(id: "vitale.row.\(p.index)", title: p.person.displayName,
                                    detail: declarable ? t["vitale.person.hasCard"] : orderable ? t["vitale.person.canOrder"] : why,
                                    actions: action.map { [$0] } ?? [])
            }
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title, banner: laterNotice.map { Banner(kind: .error, text: $0) }, body: .vstack([
                .text(Text(t["vitale.choose"], id: "vitale.choose")),
                .list(ListView(id: "vitale.persons", rows: rows, firstVisible: firstRow, visibleRows: 4,
                               previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                .flexible,
            ], spacingMM: 5), footer: footer, focusID: rows.first { !$0.actions.isEmpty }?.actions.first?.id)
            if confirming == "orderFor", let i = orderPerson {
                s.modal = Modal(id: "modal", title: t["vitale.modal.order.title"],
                                message: t.text("vitale.modal.order", ["name": person(i)?.person.displayName ?? ""]),
                                buttons: [Button(id: "modal.cancel", label: t["modal.cancel"], style: .secondary),
                                          Button(id: "modal.confirm", label: t["modal.confirm"], style: .primary)])
                s.focusID = "modal.confirm"
            }
        case .details(let i):
            let name = person(i)?.person.displayName ?? ""
            let reasons = VitaleDeclarationReason.allCases.map { r in
                Node.button(Button(id: "vitale.reason.\(r.rawValue)", label: t["vitale.reason.\(r.rawValue)"], style: .toggle(on: reason == r)))
            }
            var nodes: [Node] = [
                .text(Text(t.text("vitale.reason.prompt", ["name": name]), id: "vitale.reason.prompt")),
                .adaptive(reasons, minChildWidthMM: 55, spacingMM: 5),
            ]
            if needsCommitment {
                nodes.append(.button(Button(id: "vitale.commit", label: (commits ? "☑ " : "☐ ") + t["vitale.commit"], style: .toggle(on: commits))))
            }
            nodes.append(.text(Text(t["vitale.invalidated.warning"], style: .small, muted: true, id: "vitale.warning")))
            // Why "Déclarer" is not yet possible, in words.
            if !readyToDeclare { nodes.append(.text(Text(t[reason == nil ? "vitale.reason.needed" : "vitale.commit.needed"], style: .small, id: "vitale.needed"))) }
            nodes.append(.flexible)
            nodes.append(.button(Button(id: "vitale.declare", label: t["vitale.declare"], style: .primary, enabled: readyToDeclare)))
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title, body: .vstack(nodes, spacingMM: 5), footer: footer,
                            focusID: readyToDeclare ? "vitale.declare" : nil)
            if confirming == "declare", let reason {
                s.modal = Modal(id: "modal", title: t["vitale.modal.declare.title"],
                                message: t.text("vitale.modal.declare.\(reason.rawValue)", ["name": name]),
                                buttons: [Button(id: "modal.cancel", label: t["modal.cancel"], style: .secondary),
                                          Button(id: "modal.confirm", label: t["modal.confirm"], style: .primary)])
                s.focusID = "modal.confirm"
            }
        case .declared(let i, let transmitted):
            let p = person(i)
            let name = p?.person.displayName ?? ""
            var nodes: [Node] = [
                // Queued: not deactivated yet, and the screen must not say it is.
                .text(Text(t[!transmitted ? "vitale.declared.queuedCard" : i == 0 ? "vitale.declared.thisCard" : "vitale.declared.card"],
                           id: "vitale.declared.card")),
            ]
            // Queued: "vitale.declared.queuedCard" already says it will be sent; no second line (room at text ×1.5).
            var focus = "vitale.print"
            if let p, orderOffered(p) {
                nodes.append(.text(Text(t.text("vitale.order.offer", ["name": name]), id: "vitale.order.offer")))
                nodes.append(.button(Button(id: "vitale.order", label: t["vitale.order"], style: .primary)))
                focus = "vitale.order"
            } else if let p, order == nil {
                let why = availability(.order, p).flatMap { $0 }.map { exclusionText($0, t) }
                nodes.append(.text(Text([why, t["vitale.order.elsewhere"]].compactMap { $0 }.joined(separator: " "), id: "vitale.order.why")))
            }
            nodes += [.flexible, printRow(t)]
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title,
                            banner: Banner(kind: .info, text: t.text("vitale.declared", ["name": name])),
                            body: .vstack(nodes, spacingMM: 5), footer: [FlowText.finish(t), Button(id: "footer.back", label: t["flow.menu"], style: .secondary, width: .natural)],
                            focusID: focus)
            if confirming == "order" {
                s.modal = Modal(id: "modal", title: t["vitale.modal.order.title"], message: t.text("vitale.modal.order", ["name": name]),
                                buttons: [Button(id: "modal.cancel", label: t["modal.cancel"], style: .secondary),
                                          Button(id: "modal.confirm", label: t["modal.confirm"], style: .primary)])
                s.focusID = "modal.confirm"
            }
        case .ordered(let i, let transmitted):
            let name = person(i)?.person.displayName ?? ""
            var nodes: [Node] = [.text(Text(t["vitale.ordered.next"], id: "vitale.ordered.next"))]
            if !transmitted { nodes.append(.text(Text(t["vitale.queued"], style: .small, muted: true, id: "vitale.queued"))) }
            nodes += [.flexible, printRow(t)]
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title,
                            banner: Banner(kind: .info, text: t.text(transmitted ? "vitale.ordered" : "vitale.ordered.queued", ["name": name])),
                            body: .vstack(nodes, spacingMM: 5), footer: [FlowText.finish(t), Button(id: "footer.back", label: t["flow.menu"], style: .secondary, width: .natural)],
                            focusID: "vitale.print")
        case .refused:
            // The central store's reason (kept in the step) is for logs, not for the screen.
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title, banner: Banner(kind: .error, text: t["vitale.refused"]),
                            body: .vstack([.text(Text(t["vitale.refused.what"], id: "vitale.refused.what")), .flexible], spacingMM: 5),
                            footer: footer)
        case .unavailable:
            s = ScreenModel(id: "flow.carteVitaleLoss", title: title, banner: Banner(kind: .error, text: t["flow.unavailable"]),
                            body: .vstack([.text(Text(t["flow.unavailable.what"], id: "vitale.unavailable.what")),
                                           .button(Button(id: "vitale.retry", label: t["flow.retry"], style: .primary)), .flexible], spacingMM: 5),
                            footer: footer, focusID: "vitale.retry")
        }
        return s
    }

    private func printRow(_ t: Catalog) -> Node {
        var row: [Node] = [.button(Button(id: "vitale.print", label: t["vitale.print"], style: .secondary))]
        if let printMessage { row.insert(.text(Text(printMessage, style: .small, id: "vitale.print.message")), at: 0) }
        return .vstack(row, spacingMM: 3)
    }
}
