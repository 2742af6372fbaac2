import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Carte européenne d'assurance maladie", as the BMS pas-à-pas shows it
/// (seed 003, BMS section): an explanation with the countries on request,
/// then one row per beneficiary with its state and only the actions allowed
/// today; an action opens a modal to complete it; once confirmed, the modal
/// closes and the row shows the new state.
@MainActor
final class CEAMFlow: Flow {
    enum Step: Equatable {
        case intro
        case countries
        case loading
        case list
        /// The foyer could not be read: say so, offer to try again.
        case unavailable
    }

    /// The modal of one action for one beneficiary. One modal, one command
    /// id: Confirmer tapped twice, or again after an error, sends the same
    /// request, so the central store applies it at most once.
    struct Dialog: Equatable {
        var person: Int
        var action: CEAMAction
        /// "Votre départ est-il prévu dans les 15 jours ?" nil until answered.
        var departureSoon: Bool?
        var lossKind: LossKind?
        var lossDate: CivilDate
        var sworn = false
        /// The loss modal has two pages (what and when; then departure and the sworn statement).
        var page = 1
        let commandID = UUID()
        /// Fixed at the first Confirmer: what a retry sends again.
        var command: KioskCommand?
        var sending = false
        var error: String?
        /// "Voir / imprimer": the copy's print, once per opening of the modal.
        var printing = false
        var printNote: String?

        var ready: Bool {
            switch action {
            case .order, .earlyRenewal: departureSoon != nil
            case .declareLossOrTheft: lossKind != nil && departureSoon != nil && sworn
            case .viewPrint: false
            }
        }
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

    struct Notice: Equatable {
        var kind: Banner.Kind
        var text: String
    }

    let service = KioskService.ceam
    private(set) var step = Step.intro
    private(set) var foyer: FoyerResponse?
    private(set) var countries: [CEAMCountry] = []
    private(set) var dialog: Dialog?
    private(set) var notice: Notice?
    /// Requests kept in the kiosk's outbox (central store away), by person:
    /// one démarche at a time, so the rows offer nothing meanwhile. Read
    /// from the outbox with each foyer (`pendingRequests`), so a request
    /// confirmed in an earlier visit or session still counts.
    private(set) var queued: [Int: CEAMAction] = [:]
    /// Confirmations sent since the flow began: a reload that started before
    /// one may have read the outbox without it, and must not drop it.
    private var submits = 0
    /// Commands whose provisional certificate went to the printer.
    private(set) var printedCertificates: Set<UUID> = []
    /// What happened once the assuré's screen was gone (a certificate
    /// issued, a request refused) is looked for once per visit, when the
    /// list is first read.
    private var caughtUp = false
    private var fetching = false
    var firstRow = 0
    var firstCountry = 0

    var isWaiting: Bool { step == .loading || dialog?.sending == true || dialog?.printing == true }

    func start(_ c: KioskController) {}

    // MARK: taps

    func tap(_ id: String, _ c: KioskController) async -> Bool {
        if id == "footer.back" {
            switch step {
            case .intro: return false
            case .countries: step = .intro
            default: step = .intro; dialog = nil; notice = nil
            }
            return true
        }
        guard id.hasPrefix("ceam.") else { return false }
        if let d = dialog { dialogTap(id, d, c); return true }
        switch id {
        case "ceam.countries":
            if countries.isEmpty { countries = await c.services.ceamCountries() }
            guard c.isCurrent(self) else { return true }
            firstCountry = 0
            step = .countries
        case "ceam.countries.close": step = .intro
        case "ceam.countries.next": firstCountry = min(max(0, countries.count - 1), firstCountry + page(c, "ceam.countries"))
        case "ceam.countries.previous": firstCountry = max(0, firstCountry - page(c, "ceam.countries"))
        case "ceam.continue", "ceam.retry":
            step = .loading
            fetch(c)
        case "ceam.list.next": firstRow = min(max(0, (foyer?.persons.count ?? 1) - 1), firstRow + page(c, "ceam.list"))
        case "ceam.list.previous": firstRow = max(0, firstRow - page(c, "ceam.list"))
        default:
            // ceam.<person>.<action>: only an action the row offers today.
            let parts = id.split(separator: ".")
            guard parts.count == 3, let i = Int(parts[1]), let action = CEAMAction(rawValue: String(parts[2])),
                  step == .list, let p = foyer?.persons.first(where: { $0.index == i }),
                  allowed(p).contains(action) else { return true }
            notice = nil
            dialog = Dialog(person: i, action: action, lossDate: foyer?.today ?? c.clock.today)
        }
        return true
    }

    /// Rows shown per page, as the last frame laid them out.
    private func page(_ c: KioskController, _ list: String) -> Int { max(1, c.listPageSizes[list] ?? 3) }

    private func dialogTap(_ id: String, _ d: Dialog, _ c: KioskController) {
        var d = d
        // Once sent, the answers stay as sent: a retry repeats the same request.
        let locked = d.sending || d.command != nil
        let today = foyer?.today ?? c.clock.today
        switch id {
        case "ceam.modal.cancel", "ceam.modal.close":
            guard !d.sending else { return }
            dialog = nil
            // After an error the request may have reached the central store: read the foyer again.
            if d.command != nil { fetch(c) }
            return
        case "ceam.modal.departure.yes" where !locked: d.departureSoon = true
        case "ceam.modal.departure.no" where !locked: d.departureSoon = false
        case "ceam.modal.loss.perte" where !locked: d.lossKind = .perte
        case "ceam.modal.loss.vol" where !locked: d.lossKind = .vol
        case "ceam.modal.sworn" where !locked: d.sworn.toggle()
        case "ceam.modal.next" where d.lossKind != nil: d.page = min(3, d.page + 1)
        case "ceam.modal.previous" where !locked: d.page = max(1, d.page - 1)
        case _ where id.hasPrefix("ceam.modal.date.") && !locked:
            d.lossDate = Self.move(d.lossDate, String(id.dropFirst("ceam.modal.date.".count)),
                                   within: CEAMRules(c.rules.ceam).lossDates(today: today))
        case "ceam.modal.confirm":
            dialog = d
            confirm(c)
            return
        case "ceam.modal.print" where d.action == .viewPrint && !d.printing:
            d.printing = true
            dialog = d
            printCopy(c)
            return
        default: return
        }
        dialog = d
    }

    /// The date picker, within the dates the rules allow (`CEAMRules.lossDates`).
    static func move(_ date: CivilDate, _ button: String, within window: ClosedRange<CivilDate>) -> CivilDate {
        let moved: CivilDate
        switch button {
        case "day.up": moved = date.adding(days: 1)
        case "day.down": moved = date.adding(days: -1)
        case "month.up": moved = date.adding(months: 1)
        case "month.down": moved = date.adding(months: -1)
        case "year.up": moved = date.adding(years: 1)
        case "year.down": moved = date.adding(years: -1)
        default: return date
        }
        if moved > window.upperBound { return date }
        return max(moved, window.lowerBound)
    }

    private func confirm(_ c: KioskController) {
        guard var d = dialog, !d.sending, d.ready, let card = c.session.identity else { return }
        let command = d.command ?? KioskCommand(
            id: d.commandID, serial: card.serial, personIndex: d.person,
            action: .ceam(CEAMRequest(action: d.action, departureWithinUrgentDays: d.departureSoon ?? false,
                                      loss: d.action == .declareLossOrTheft
                                          ? .init(kind: d.lossKind ?? .perte, date: d.lossDate, swornStatement: d.sworn) : nil)),
            confirmedAt: c.clock.now)
        d.command = command
        d.sending = true
        d.error = nil
        dialog = d
        submits += 1
        let person = d.person, action = d.action
        c.background { [weak self] in
            let outcome: Result<SubmitOutcome, Error>
            do { outcome = .success(try await c.services.submit(command)) } catch { outcome = .failure(error) }
            guard let self, c.isCurrent(self), self.dialog?.commandID == command.id else { return }
            let t = c.catalog
            let name = self.name(person)
            switch outcome {
            case .failure:
                self.dialog?.sending = false
                self.dialog?.error = t["ceam.dialog.error"]
                return
            case .success(.queued):
                self.dialog = nil
                self.queued[person] = action
                var text = t.text("ceam.done.queued", ["name": name])
                // The certificate comes with the central store's answer: not now. Say when and where instead.
                if case .ceam(let r) = command.action, r.departureWithinUrgentDays { text += " " + t["ceam.done.queued.certificate"] }
                self.notice = Notice(kind: .info, text: text)
                self.firstRow = self.foyer?.persons.firstIndex { $0.index == person } ?? self.firstRow
            case .success(.acknowledged(let r)) where r.status == .refused:
                self.dialog = nil
                self.notice = Notice(kind: .error, text: t["ceam.done.refused"])
                // Said now: not again at the next visit.
                await c.services.markTold([command.id])
            case .success(.acknowledged(let r)):
                self.dialog = nil
                var text = t.text(action == .declareLossOrTheft ? "ceam.done.loss" : "ceam.done.order", ["name": name])
                if let cert = r.provisionalCertificate, let p = self.foyer?.persons.first(where: { $0.index == person })?.person {
                    text += " " + (await self.print(cert, person: p, commandID: command.id, c))
                }
                guard c.isCurrent(self) else { return }
                self.notice = Notice(kind: .info, text: text)
                // The row with the new state first on screen.
                self.firstRow = self.foyer?.persons.firstIndex { $0.index == person } ?? self.firstRow
            }
            await self.reload(c)
        }
    }

    /// The provisional certificate, printed once per command (the job id
    /// is the command's: the printer refuses a second job with it).
    private func print(_ cert: ProvisionalCertificate, person: Person, commandID: UUID, _ c: KioskController) async -> String {
        let t = c.catalog
        let until = FlowText.date(cert.validUntil, t)
        if printedCertificates.contains(commandID) { return t.text("ceam.print.done", ["date": until]) }
        let outcome = await c.printer.print(.ceamProvisionalCertificate(cert, person: person), jobID: Self.certificateJobID(commandID))
        switch outcome {
        case .printed, .alreadyPrinted:
            printedCertificates.insert(commandID)
            return t.text("ceam.print.done", ["date": until])
        case .printerUnavailable, .failed:
            return t.text("ceam.print.unavailable", ["date": until])
        }
    }

    /// What happened after the assuré's screen was gone (card pulled while a
    /// request was sent, or the relay sent it after they left), at their
    /// next visit: a request they were told was recorded and that the
    /// central store refused (or that was parked) is said, once, with the
    /// list as it is now; a provisional certificate issued for them is
    /// printed, once (the command's job id: a certificate already printed is
    /// not printed again; seed 003: handed over once, valid 3 months).
    private func catchUp(_ c: KioskController, card: CardIdentity) {
        guard !caughtUp else { return }
        caughtUp = true
        c.background { [weak self] in
            let refused = await c.services.unsuccessfulRequests(card: card).filter { $0.action.hasPrefix("ceam.") }
            let issued = await c.services.issuedCertificates(card: card)
            var said: [String] = [], trouble = false
            if let self, c.isCurrent(self), !refused.isEmpty {
                let t = c.catalog
                for r in refused {
                    let args = ["name": self.name(r.personIndex), "date": FlowText.date(CivilDay.inParis(r.confirmedAt), t)]
                    said.append(t.text(r.parked ? "ceam.later.parked" : "ceam.later.refused", args))
                }
                trouble = true
                self.notice = Notice(kind: .error, text: said.joined(separator: " "))
                await c.services.markTold(refused.map(\.id))
            }
            for i in issued {
                guard let self, c.isCurrent(self) else { return }
                let today = self.foyer?.today ?? c.clock.today
                guard i.certificate.validUntil >= today, !self.printedCertificates.contains(i.commandID),
                      let p = self.foyer?.persons.first(where: { $0.index == i.personIndex }) else { continue }
                let told = await Self.handOver(i, to: p.person, on: c.printer)
                guard c.isCurrent(self) else { return }
                if told?.trouble != true { self.printedCertificates.insert(i.commandID) }
                guard let told else { continue }
                let t = c.catalog
                trouble = trouble || told.trouble
                said.append(t.text(told.key, ["name": p.person.displayName, "date": FlowText.date(i.certificate.validUntil, t)]))
                self.notice = Notice(kind: trouble ? .error : .info, text: said.joined(separator: " "))
            }
        }
    }

    /// A paper copy of the valid card, printed once per opening of the modal.
    private func printCopy(_ c: KioskController) {
        guard let d = dialog, let p = foyer?.persons.first(where: { $0.index == d.person }),
              case .valid(let until) = p.ceam else { dialog?.printing = false; return }
        let today = foyer?.today ?? c.clock.today
        c.background { [weak self] in
            let outcome = await c.printer.print(.ceamCardCopy(person: p.person, validUntil: until, printedOn: today),
                                                jobID: "ceam-copy-\(d.commandID.uuidString.lowercased())")
            guard let self, c.isCurrent(self), self.dialog?.commandID == d.commandID else { return }
            let t = c.catalog
            self.dialog?.printing = false
            switch outcome {
            case .printed, .alreadyPrinted: self.dialog?.printNote = t["ceam.view.printed"]
            case .printerUnavailable, .failed: self.dialog?.printNote = t["ceam.view.printerAway"]
            }
        }
    }

    private func fetch(_ c: KioskController) {
        guard !fetching else { return }
        fetching = true
        c.background { [weak self] in
            guard let self else { return }
            await self.reload(c)
            self.fetching = false
        }
    }

    private func reload(_ c: KioskController) async {
        guard let card = c.session.identity else { return }
        let seen = submits
        // The outbox before the foyer: a request the relay delivers between
        // the two reads is then in the foyer; read the other way round, it
        // would be in neither, and offered again.
        let pending = await c.services.pendingRequests(card: card)
        do {
            let f = try await c.services.foyer(card: card)
            guard c.isCurrent(self) else { return }
            foyer = f
            var waiting: [Int: CEAMAction] = [:]
            for r in pending { if let a = r.ceamAction { waiting[r.personIndex] = a } }
            // Once delivered, a request leaves the outbox and the foyer says its outcome.
            if seen == submits { queued = waiting } else { queued.merge(waiting) { _, new in new } }
            if step == .loading || step == .unavailable { step = .list }
            catchUp(c, card: card)
        } catch {
            guard c.isCurrent(self) else { return }
            if foyer == nil { step = .unavailable; return }
            // Keep what was just said (the request went through), and add that the list may be behind.
            let stale = c.catalog["ceam.list.stale"]
            notice = Notice(kind: .error, text: notice.map { $0.text + " " + stale } ?? stale)
        }
    }

    // MARK: what a row offers

    /// Actions allowed today for the person. While a request waits in the
    /// outbox, no other request for the foyer (one démarche at a time);
    /// viewing a valid card stays possible, except for the person whose
    /// request waits (it may be that card's loss).
    func allowed(_ p: PersonView) -> [CEAMAction] {
        let today = CEAMAction.allCases.filter { a in p.ceamActions.contains { $0.action == a && $0.exclusion == nil } }
        guard !queued.isEmpty else { return today }
        return queued[p.index] == nil ? today.filter { $0 == .viewPrint } : []
    }

    private func name(_ index: Int) -> String {
        foyer?.persons.first { $0.index == index }?.person.displayName ?? ""
    }

    // MARK: screens

    func screen(_ c: KioskController) -> ScreenModel {
        let t = c.catalog
        let title = t["service.ceam"]
        let footer = [FlowText.finish(t), FlowText.back(t)]
        switch step {
        case .intro:
            return ScreenModel(id: "flow.ceam", title: title, body: .vstack([
                .text(Text(t["ceam.intro.what"], id: "ceam.intro.what")),
                .text(Text(t["ceam.intro.where"], id: "ceam.intro.where")),
                .text(Text(t["ceam.intro.delay"], id: "ceam.intro.delay")),
                .flexible,
                .adaptive([
                    .button(Button(id: "ceam.countries", label: t["ceam.intro.countries"], style: .secondary)),
                    .button(Button(id: "ceam.continue", label: t["ceam.intro.continue"], style: .primary)),
                ], minChildWidthMM: 80, spacingMM: 6),
            ], spacingMM: 5), footer: footer, focusID: "ceam.continue")
        case .countries:
            let rows = countries.map { (code: $0.code, name: countryName($0, t)) }
                .sorted { $0.name.compare($1.name, locale: Locale(identifier: t.language)) == .orderedAscending }
                .map { ListView.Row(id: "ceam.country.\($0.code)", title: $0.name) }
            return ScreenModel(id: "flow.ceam.countries", title: t["ceam.countries.title"], body: .vstack([
                .text(Text(t["ceam.countries.about"], id: "ceam.countries.about")),
                .list(ListView(id: "ceam.countries", rows: rows, firstVisible: firstCountry, visibleRows: 8,
                               previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                .flexible,
                .button(Button(id: "ceam.countries.close", label: t["ceam.countries.close"], style: .primary)),
            ], spacingMM: 4), footer: footer, focusID: "ceam.countries.close")
        case .loading:
            return ScreenModel(id: "flow.ceam.loading", title: title, body: FlowText.wait("ceam.wait", t["ceam.loading"], c), footer: footer)
        case .unavailable:
            return ScreenModel(id: "flow.ceam.unavailable", title: title, banner: Banner(kind: .error, text: t["ceam.unavailable"]),
                               body: .vstack([
                                   .text(Text(t["ceam.unavailable.what"], id: "ceam.unavailable.what")),
                                   .flexible,
                                   .button(Button(id: "ceam.retry", label: t["ceam.retry"], style: .primary)),
                               ], spacingMM: 6), footer: footer, focusID: "ceam.retry")
        case .list:
            let persons = foyer?.persons ?? []
            let today = foyer?.today ?? c.clock.today
            let rows = persons.map { p in
                ListView.Row(id: "ceam.person.\(p.index)", title: p.person.displayName + " · " + who(p.person, today: today, t),
                             detail: detail(p, today: today, t),
                             actions: allowed(p).map { a in
                                 Button(id: "ceam.\(p.index).\(a.rawValue)", label: t["ceam.do.\(a.rawValue)"],
                                        style: a == .order || a == .earlyRenewal ? .primary : .secondary, width: .natural,
                                        speech: t["ceam.do.\(a.rawValue)"] + ", " + p.person.displayName)
                             })
            }
            let banner = notice.map { Banner(kind: $0.kind, text: $0.text) }
            return ScreenModel(id: "flow.ceam.list", title: t["ceam.list.title"], banner: banner, body: .vstack([
                .list(ListView(id: "ceam.list", rows: rows, firstVisible: firstRow, visibleRows: 4,
                               previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                .flexible,
            ], spacingMM: 3), footer: footer, modal: dialog.map { modal($0, c) }, focusID: dialog.map(Self.focus))
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

    private func countryName(_ country: CEAMCountry, _ t: Catalog) -> String {
        let key = "country.\(country.code)"
        let s = t[key]
        return s == key ? country.name : s
    }

    /// Qualité and age, the state in words, then why an action is not
    /// offered and what to do.
    func who(_ p: Person, today: CivilDate, _ t: Catalog) -> String {
        let age = p.age(on: today)
        // "Assurée", "Conjointe": the NIR's first digit says 2 for a woman.
        let nir = p.ownNIR ?? (p.qualite == .assure ? p.ouvrantDroitNIR : nil)
        let female = nir?.text.hasPrefix("2") == true && (p.qualite == .assure || p.qualite == .conjoint)
        return t["ceam.qualite.\(p.qualite.rawValue)" + (female ? ".f" : "")] + ", "
            + (age == 0 ? t["ceam.age.baby"] : t.text(age == 1 ? "ceam.age.one" : "ceam.age", ["n": String(age)]))
    }

    func detail(_ p: PersonView, today: CivilDate, _ t: Catalog) -> String {
        var lines = [stateText(p.ceam, t)]
        if queued[p.index] != nil {
            lines.append(t["ceam.why.queued"])
        } else if !queued.isEmpty {
            lines.append(t["ceam.why.oneAtATime"])
        } else {
            var seen: [String] = []
            for v in p.ceamActions {
                guard let why = v.exclusion, let s = reason(why, t), !seen.contains(s) else { continue }
                seen.append(s)
            }
            lines += seen
        }
        return lines.joined(separator: "\n")
    }

    func stateText(_ s: CEAMState, _ t: Catalog) -> String {
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

    func reason(_ e: CEAMExclusion, _ t: Catalog) -> String? {
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

    private func modal(_ d: Dialog, _ c: KioskController) -> Modal {
        let t = c.catalog
        let name = name(d.person)
        let locked = d.sending || d.command != nil
        let cancel = Button(id: "ceam.modal.cancel", label: t["modal.cancel"], style: .secondary, enabled: !d.sending)
        let confirmLabel = d.error == nil ? t["modal.confirm"] : t["ceam.dialog.retry"]
        let confirm = Button(id: "ceam.modal.confirm", label: d.sending ? t["ceam.dialog.sending"] : confirmLabel, style: .primary,
                             enabled: d.ready && !d.sending)
        func toggle(_ id: String, _ key: String, _ on: Bool) -> Node {
            .button(Button(id: id, label: t[key], style: .toggle(on: on), enabled: !locked))
        }
        // Once sent, the answer is said, not offered again (a retry repeats it).
        let departure: Node = locked
            ? .text(Text(t[d.departureSoon == true ? "ceam.dialog.departure.yes" : "ceam.dialog.departure.no"], id: "ceam.modal.departure"))
            : .vstack([
            .text(Text(t["ceam.dialog.departure"], id: "ceam.modal.departure")),
            .hstack([toggle("ceam.modal.departure.yes", "ceam.dialog.yes", d.departureSoon == true),
                     toggle("ceam.modal.departure.no", "ceam.dialog.no", d.departureSoon == false)], spacingMM: 5),
        ], spacingMM: 3)
        var extra: [Node] = []
        if let e = d.error { extra.append(.banner(Banner(id: "ceam.modal.error", kind: .error, text: e))) }
        switch d.action {
        case .order, .earlyRenewal:
            let key = d.action == .order ? "order" : "renew"
            return Modal(id: "ceam.modal", title: t["ceam.dialog.\(key).title"],
                         message: t.text("ceam.dialog.\(key).message", ["name": name]),
                         // After an error, the error takes the note's place: the modal stays on screen at large text.
                         content: .vstack([departure] + (extra.isEmpty
                                              ? [.text(Text(t["ceam.dialog.certificate"], style: .small, muted: true, id: "ceam.modal.certificate"))]
                                              : extra), spacingMM: 4),
                         buttons: [cancel, confirm])
        case .declareLossOrTheft:
            let title = t["ceam.dialog.loss.title"]
            let next = Button(id: "ceam.modal.next", label: t["ceam.dialog.next"], style: .primary, enabled: d.lossKind != nil)
            let previous = Button(id: "ceam.modal.previous", label: t["ceam.dialog.previous"], style: .secondary)
            if d.page == 1 {
                return Modal(id: "ceam.modal", title: title, message: t.text("ceam.dialog.loss.message", ["name": name]),
                             content: .hstack([toggle("ceam.modal.loss.perte", "ceam.dialog.perte", d.lossKind == .perte),
                                               toggle("ceam.modal.loss.vol", "ceam.dialog.vol", d.lossKind == .vol)], spacingMM: 5),
                             buttons: [cancel, next])
            }
            if d.page == 2 {
                // Short month names: the picker's three columns fit a portrait modal at large text.
                let months = (1...12).map { t["ceam.month.\($0)"] }
                // The question says which date: of the loss, or of the theft.
                return Modal(id: "ceam.modal", title: title, message: t["ceam.dialog.date.\((d.lossKind ?? .perte).rawValue)"],
                             content: .vstack([
                                 .datePicker(DatePicker(id: "ceam.modal.date",
                                     day: .init(label: t["date.day"], value: String(d.lossDate.day), upSpeech: t["date.day.up"], downSpeech: t["date.day.down"]),
                                     month: .init(label: t["date.month"], value: months[d.lossDate.month - 1], upSpeech: t["date.month.up"], downSpeech: t["date.month.down"]),
                                     year: .init(label: t["date.year"], value: String(d.lossDate.year), upSpeech: t["date.year.up"], downSpeech: t["date.year.down"]))),
                                 .text(Text(t.text("ceam.dialog.chosen", ["date": FlowText.date(d.lossDate, t)]), id: "ceam.modal.date.chosen")),
                             ], spacingMM: 3),
                             buttons: [previous, next])
            }
            let what = t.text(d.lossKind == .vol ? "ceam.dialog.summary.vol" : "ceam.dialog.summary.perte", ["date": FlowText.date(d.lossDate, t), "name": name])
            return Modal(id: "ceam.modal", title: title, message: what,
                         content: .vstack([
                             departure,
                             locked
                                 ? .text(Text("☑ " + t["ceam.dialog.sworn"], id: "ceam.modal.sworn"))
                                 : .button(Button(id: "ceam.modal.sworn", label: (d.sworn ? "☑ " : "☐ ") + t["ceam.dialog.sworn"],
                                                  style: .toggle(on: d.sworn))),
                         ] + extra, spacingMM: 4),
                         buttons: [locked ? cancel : previous, confirm])
        case .viewPrint:
            let printed = d.printNote != nil
            return Modal(id: "ceam.modal", title: t.text("ceam.dialog.view.title", ["name": name]), message: viewText(d.person, t),
                         content: d.printNote.map { .text(Text($0, style: .small, id: "ceam.modal.printNote")) },
                         buttons: [Button(id: "ceam.modal.close", label: t["ceam.dialog.close"], style: printed ? .primary : .secondary),
                                   Button(id: "ceam.modal.print", label: d.printing ? t["ceam.view.printing"] : t["ceam.view.print"],
                                          style: .primary, enabled: !d.printing && !printed)])
        }
    }

    /// "14 mai 1980", "mai 1980" or "1980" when the card does not say more.
    static func birth(_ b: BirthDate, _ t: Catalog) -> String { FlowText.birthDate(b, t) }

    private func viewText(_ index: Int, _ t: Catalog) -> String {
        guard let p = foyer?.persons.first(where: { $0.index == index }) else { return "" }
        var lines = [t.text("ceam.view.name", ["name": p.person.displayName]),
                     t.text("ceam.view.born", ["date": Self.birth(p.person.birthDate, t)])]
        if case .valid(let until) = p.ceam { lines.append(t.text("ceam.state.valid", ["date": FlowText.date(until, t)])) }
        lines.append(t["ceam.view.copy"])
        return lines.joined(separator: "\n")
    }
}
