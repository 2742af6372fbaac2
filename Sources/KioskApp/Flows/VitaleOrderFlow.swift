import CentralAPI
import Domain
import Foundation
import KioskUI

/// « Commander une carte Vitale » (seed 000, the téléservice at the BMS):
/// the beneficiary (those the rules let order; the others with why), the
/// use case, the address the card goes to, the photo d'identité and the
/// pièce d'identité (the kiosk's scanner, or the assuré's phone through a
/// QR code), the attestation sur l'honneur with the fraud warning, the
/// summary, then « Votre commande de carte Vitale a bien été transmise » with
/// the delay and a récapitulatif printed. Every rule is Domain's (through
/// the central store's answers: `vitaleOrderOptions`); the documents are
/// uploads of the central store that the order names. Card pulled: nothing
/// sent, the addresses closed, the images go with the flow.
enum VitaleOrderMachine: ServiceMachine {
    enum Source: String, Equatable, Sendable { case scanner, phone }

    /// A document the central store holds for this order.
    struct Captured: Equatable {
        var upload: UUID
        var source: Source
        var format: DocumentFormat
        var preview: Raster?
    }

    /// Where the current document's capture stands.
    enum Capture: Equatable {
        /// The criteria, and the ways in (scanner if the kiosk has one, phone).
        case instructions
        case scanning
        /// Scanned and prepared: « Reprendre » or « Utiliser cette image ».
        case scanned(jpeg: Data, preview: Raster)
        /// The scan cannot be used: what to do, « Reprendre ».
        case problem(DocumentProblem)
        /// The scan goes to the central store, or the phone's address is opened.
        case storing
        /// The QR code of the one-time address; the kiosk looks for the file.
        case phone(slot: UploadSlotResponse, qr: ModuleMatrix?)
        /// Ten minutes and nothing: a new code.
        case phoneExpired
        /// The phone's file arrived: shown, « Reprendre » or « Utiliser cette image ».
        case received(Captured)
        /// The central store did not answer: nothing kept, try again.
        case failed
        /// The kiosk's scanner did not answer (jammed, unplugged): the phone, or again.
        case scannerFailed
    }

    enum Step: Equatable {
        case loading
        case choosePerson
        case useCase
        case address
        case document(DocumentKind)
        case sworn
        case summary
        case submitting
        /// Taken: transmitted to the central store, or in the kiosk's outbox.
        case transmitted(queued: Bool)
        /// Refused by the central store's rules (the reason's code).
        case refused(reason: String?)
        case unavailable
        /// The card in the reader was declared; its foyer can no longer be read.
        case cardNoLongerValid
    }

    struct State: Equatable {
        var step = Step.loading
        var foyer: FoyerResponse?
        var pending: [PendingRequest] = []
        var person: Int?
        var useCase: VitaleOrderUseCase?
        var photo: Captured?
        var identity: Captured?
        var capture = Capture.instructions
        var sworn = false
        /// The declaration this order follows (handed over by the loss service).
        var after: UUID?
        /// The person as the declaration's receipt left them, when the foyer cannot be read again.
        var handedOver: PersonView?
        var command: KioskCommand?
        var printed: PrintOutcome?
        /// Addresses opened in this visit: closed when the assuré leaves without an order that holds them.
        var opened: [UUID] = []
        var polling = false
        var lastPoll: Date?
        var firstRow = 0
        /// Drawn when the service starts (`reduce` draws nothing).
        var orderID = UUID()
        var session = UUID()

        func view(_ i: Int) -> PersonView? {
            if let p = handedOver, p.index == i { return p }
            return foyer?.persons.first { $0.index == i }
        }
        var chosen: PersonView? { person.flatMap(view) }

        /// The use cases the rules allow this person today.
        func allowed(_ p: PersonView) -> [VitaleOrderUseCase] {
            (p.vitaleOrderOptions ?? []).filter { $0.exclusion == nil }.map(\.useCase)
        }
        /// What the row says when the person may not order (nil: may).
        func why(_ p: PersonView) -> VitaleExclusion?? {
            if !allowed(p).isEmpty { return nil }
            return .some(p.vitaleOrderOptions?.first?.exclusion)
        }
        func waiting(_ p: PersonView) -> Bool { pending.contains { $0.personIndex == p.index } }
        func orderable(_ p: PersonView) -> Bool { !waiting(p) && !allowed(p).isEmpty }

        func captured(_ kind: DocumentKind) -> Captured? { kind == .photo ? photo : identity }
        /// Addresses to close when the assuré leaves: all, unless an order took them.
        var toClose: [UUID] { command == nil ? opened : [] }
        var addressBlocked: Bool { foyer?.address == nil || foyer?.npai == true }
    }

    enum Event: MachineEvent {
        case previousPage, nextPage
        case choose(person: Int)
        case useCase(VitaleOrderUseCase)
        case next
        case useScanner, usePhone, scan, retake, useImage, newCode, otherWay
        case tickSworn
        case send, print, retry
        case back, finish, menu
        /// Answers.
        case loaded(pending: [PendingRequest], foyer: FoyerResponse?)
        case cardRefused
        case scanned(DocumentKind, ScanOutcome)
        case stored(DocumentKind, Captured?)
        case opened(DocumentKind, UploadSlotResponse?, ModuleMatrix?)
        case polled(UUID, UploadState?)
        case received(UUID, Captured?)
        case submitted(KioskCommand, SubmitOutcome?)
        case printed(UUID, PrintOutcome)

        var widgetID: String? {
            switch self {
            case .previousPage: "order.persons.previous"
            case .nextPage: "order.persons.next"
            case .choose(let i): "order.person.\(i)"
            case .useCase(let u): "order.useCase.\(u.rawValue)"
            case .next: "order.next"
            case .useScanner: "order.scanner"
            case .usePhone: "order.phone"
            case .scan: "order.scan"
            case .retake: "order.retake"
            case .useImage: "order.use"
            case .newCode: "order.newCode"
            case .otherWay: "order.otherWay"
            case .tickSworn: "order.sworn"
            case .send: "order.send"
            case .print: "order.print"
            case .retry: "order.retry"
            case .back: "footer.back"
            case .finish: "footer.finish"
            case .menu: "order.menu"
            case .loaded, .cardRefused, .scanned, .stored, .opened, .polled, .received, .submitted, .printed: nil
            }
        }
    }

    enum Effect: Equatable {
        case load
        case scan(DocumentKind)
        /// Opens an address for the scanner's JPEG and puts it there.
        case put(DocumentKind, jpeg: Data, preview: Raster, session: UUID)
        /// Opens an address for the phone and makes its QR code.
        case openPhone(DocumentKind, session: UUID)
        /// Looks once whether the phone's file arrived; takes it when it did.
        case poll(UUID, DocumentKind)
        case close([UUID])
        case submit(KioskCommand)
        case print(KioskDocument, jobID: String)
    }

    static let service = KioskService.commandeCarteVitale
    static let steps = ["order.step.person", "order.step.useCase", "order.step.address", "order.step.photo", "order.step.identity",
                        "order.step.sworn", "order.step.summary"]
    static func step(_ s: State) -> Int {
        switch s.step {
        case .loading, .choosePerson, .cardNoLongerValid: 0
        case .useCase: 1
        case .address: 2
        case .document(.photo): 3
        case .document(.identityDocument): 4
        case .sworn: 5
        case .summary, .submitting, .transmitted, .refused, .unavailable: s.command == nil && s.step == .unavailable ? 0 : 6
        }
    }

    static func isWaiting(_ s: State) -> Bool {
        switch (s.step, s.capture) {
        case (.loading, _), (.submitting, _): true
        case (.document, .scanning), (.document, .storing), (.document, .phone): true
        default: false
        }
    }

    /// The order the assuré validated is sent even if the card leaves before it goes.
    static func outlivesSession(_ effect: Effect) -> Bool {
        if case .submit = effect { return true }
        return false
    }

    static func start(_ context: FlowContext) -> Transition<State, Effect> {
        var s = State()
        s.orderID = context.newID()
        s.session = context.newID()
        guard context.identity != nil else {
            s.step = .unavailable
            return Transition(state: s)
        }
        // From the loss service's « Commander »: the person chosen there.
        if case .vitaleOrder(let foyer, let person, let after)? = context.handOver {
            s.foyer = foyer
            s.handedOver = person
            s.after = after
            s.person = person.index
            s.step = .useCase
            let allowed = s.allowed(person)
            if allowed.count == 1 { s.useCase = allowed[0] }
            return Transition(state: s)
        }
        return Transition(state: s, effects: [.load])
    }

    /// The QR code on screen: the assuré is on their phone, the kiosk waits (up to the address's 10 minutes).
    static func keepsSessionAwake(_ s: State) -> Bool {
        if case .document = s.step, case .phone = s.capture { return true }
        return false
    }

    static func ended(_ s: State) -> [Effect] {
        s.toClose.isEmpty ? [] : [.close(s.toClose)]
    }

    /// The phone's address is looked at every 2 seconds; after its 10 minutes, a new code is offered.
    static func tick(_ s: State, _ context: FlowContext) -> Transition<State, Effect>? {
        guard case .document(let kind) = s.step, case .phone(let slot, _) = s.capture, !s.polling else { return nil }
        var s = s
        if context.now >= slot.expiresAt {
            s.capture = .phoneExpired
            s.opened.removeAll { $0 == slot.id }
            return Transition(state: s, effects: [.close([slot.id])])
        }
        if let last = s.lastPoll, context.now.timeIntervalSince(last) < 2 { return nil }
        s.polling = true
        s.lastPoll = context.now
        return Transition(state: s, effects: [.poll(slot.id, kind)])
    }

    // MARK: reduce

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        switch event {
        case .previousPage:
            s.firstRow = max(0, s.firstRow - context.pageSize("order.persons"))
        case .nextPage:
            s.firstRow = min(max(0, (s.foyer?.persons.count ?? 1) - 1), s.firstRow + context.pageSize("order.persons"))
        case .choose(let i):
            guard s.step == .choosePerson, let p = s.view(i), s.orderable(p) else { break }
            if s.person != i { s.useCase = nil }
            s.person = i
            let allowed = s.allowed(p)
            if allowed.count == 1 { s.useCase = allowed[0] }
            s.step = .useCase
        case .useCase(let u):
            guard s.step == .useCase, let p = s.chosen, s.allowed(p).contains(u) else { break }
            s.useCase = u
        case .next:
            switch s.step {
            case .useCase where s.useCase != nil: s.step = .address
            case .address where !s.addressBlocked: return enterDocument(.photo, s, context)
            case .document(let kind) where s.captured(kind) != nil:
                if kind == .photo { return enterDocument(.identityDocument, s, context) }
                s.step = .sworn
            case .sworn where s.sworn: s.step = .summary
            default: break
            }
        case .useScanner, .scan:
            guard case .document(let kind) = s.step, context.canScan else { break }
            switch s.capture {
            case .instructions, .problem, .scanned, .failed, .phoneExpired, .scannerFailed:
                s.capture = .scanning
                return Transition(state: s, effects: [.scan(kind)])
            default: break
            }
        case .usePhone:
            guard case .document(let kind) = s.step else { break }
            switch s.capture {
            case .instructions, .problem, .scanned, .failed, .phoneExpired, .scannerFailed:
                return openPhone(kind, s)
            default: break
            }
        case .newCode:
            guard case .document(let kind) = s.step, s.capture == .phoneExpired else { break }
            return openPhone(kind, s)
        case .otherWay:
            // From the phone's code back to the choice of the way in: the address is closed.
            guard case .document = s.step, case .phone(let slot, _) = s.capture else { break }
            s.capture = .instructions
            s.opened.removeAll { $0 == slot.id }
            return Transition(state: s, effects: [.close([slot.id])])
        case .retake:
            guard case .document(let kind) = s.step else { break }
            switch s.capture {
            case .scanned, .problem:
                s.capture = .scanning
                return Transition(state: s, effects: [.scan(kind)])
            case .received(let c):
                // The phone's file is not the one: dropped, a new address for another.
                s.opened.removeAll { $0 == c.upload }
                var t = openPhone(kind, s)
                t.effects.insert(.close([c.upload]), at: 0)
                return t
            default: break
            }
        case .useImage:
            guard case .document(let kind) = s.step else { break }
            switch s.capture {
            case .scanned(let jpeg, let preview):
                s.capture = .storing
                return Transition(state: s, effects: [.put(kind, jpeg: jpeg, preview: preview, session: s.session)])
            case .received(let c):
                s = keep(c, kind, s)
                s.capture = .instructions
                if kind == .photo { return enterDocument(.identityDocument, s, context) }
                s.step = .sworn
            default: break
            }
        case .tickSworn:
            guard s.step == .sworn else { break }
            s.sworn.toggle()
        case .send:
            guard s.step == .summary, let t = send(s, context) else { break }
            return t
        case .retry:
            switch s.step {
            case .unavailable:
                if let c = s.command { return submit(c, s) }
                s.step = .loading
                return Transition(state: s, effects: [.load])
            case .document(let kind) where s.capture == .failed:
                s.capture = .instructions
                return enterDocument(kind, s, context)
            default: break
            }
        case .print:
            return printSummary(s, context)
        case .back:
            return back(s, context)
        case .finish:
            return .unhandled(s)
        case .menu:
            return Transition(state: s, move: .session(.back))

        case .loaded(let pending, let foyer):
            guard s.step == .loading else { break }
            guard let foyer else { s.step = .unavailable; break }
            s.foyer = foyer
            s.pending = pending.filter { $0.ceamAction == nil && $0.action.name.hasPrefix("vitale.") }
            s.step = .choosePerson
        case .cardRefused:
            guard s.step == .loading else { break }
            s.step = .cardNoLongerValid
        case .scanned(let kind, let outcome):
            guard s.step == .document(kind), s.capture == .scanning else { break }
            switch outcome {
            case .scanned(let jpeg, let preview): s.capture = .scanned(jpeg: jpeg, preview: preview)
            case .problem(let p): s.capture = .problem(p)
            case .failed: s.capture = .scannerFailed
            }
        case .stored(let kind, let captured):
            guard s.step == .document(kind), s.capture == .storing else { break }
            guard let captured else { s.capture = .failed; break }
            s.opened.append(captured.upload)
            s = keep(captured, kind, s)
            s.capture = .instructions
            if kind == .photo { return enterDocument(.identityDocument, s, context) }
            s.step = .sworn
        case .opened(let kind, let slot, let qr):
            guard s.step == .document(kind), s.capture == .storing else {
                // Opened for a step the assuré left meanwhile: closed at once.
                if let slot { return Transition(state: s, effects: [.close([slot.id])]) }
                break
            }
            guard let slot else { s.capture = .failed; break }
            s.opened.append(slot.id)
            s.capture = .phone(slot: slot, qr: qr)
            s.lastPoll = context.now
        case .polled(let id, let state):
            s.polling = false
            guard case .phone(let slot, _) = s.capture, slot.id == id else { break }
            if state == .expired || state == .closed {
                s.capture = .phoneExpired
                s.opened.removeAll { $0 == id }
            }
        case .received(let id, let captured):
            s.polling = false
            guard case .phone(let slot, _) = s.capture, slot.id == id else { break }
            guard let captured else { s.capture = .failed; break }
            s.capture = .received(captured)
        case .submitted(let command, let outcome):
            guard s.step == .submitting, s.command?.id == command.id else { break }
            switch outcome {
            case .acknowledged(let r)? where r.status == .refused:
                s.step = .refused(reason: r.reason)
                // The documents it named are no order's: closed with the visit.
                s.command = nil
            case .acknowledged?: s.step = .transmitted(queued: false)
            case .queued?: s.step = .transmitted(queued: true)
            case nil: s.step = .unavailable
            }
            if case .transmitted = s.step { return Transition(state: s, move: .session(.confirmed)) }
        case .printed(let id, let outcome):
            guard s.command?.id == id else { break }
            s.printed = outcome
        }
        return Transition(state: s)
    }

    private static func keep(_ c: Captured, _ kind: DocumentKind, _ s: State) -> State {
        var s = s
        // A document replaced: the one before is no longer this order's.
        if let before = s.captured(kind), before.upload != c.upload { s.opened.removeAll { $0 == before.upload } }
        if kind == .photo { s.photo = c } else { s.identity = c }
        return s
    }

    private static func enterDocument(_ kind: DocumentKind, _ s: State, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        s.step = .document(kind)
        s.capture = .instructions
        return Transition(state: s)
    }

    private static func openPhone(_ kind: DocumentKind, _ s: State) -> Transition<State, Effect> {
        var s = s
        s.capture = .storing
        s.polling = false
        return Transition(state: s, effects: [.openPhone(kind, session: s.session)])
    }

    /// « Valider »: the order, fixed (id, moment) once.
    private static func send(_ s: State, _ context: FlowContext) -> Transition<State, Effect>? {
        guard let card = context.identity, let i = s.person, let useCase = s.useCase, let photo = s.photo, let identity = s.identity,
              s.sworn else { return nil }
        let request = VitaleOrderRequest(useCase: useCase, photo: photo.upload, identityDocument: identity.upload, swornStatement: true)
        let command = s.command ?? KioskCommand(id: s.orderID, serial: card.serial, personIndex: i, action: .vitaleOrder(order: request),
                                                confirmedAt: context.now, after: s.after)
        return submit(command, s)
    }

    private static func submit(_ command: KioskCommand, _ s: State) -> Transition<State, Effect> {
        var s = s
        s.command = command
        s.step = .submitting
        return Transition(state: s, effects: [.submit(command)])
    }

    private static func back(_ s: State, _ context: FlowContext) -> Transition<State, Effect> {
        var s = s
        switch s.step {
        case .useCase:
            guard s.handedOver == nil else { return .unhandled(s) }
            s.step = .choosePerson
        case .address: s.step = .useCase
        case .document(let kind):
            // A code on screen: its address closes with the step.
            var effects: [Effect] = []
            if case .phone(let slot, _) = s.capture {
                s.opened.removeAll { $0 == slot.id }
                effects.append(.close([slot.id]))
            }
            s.capture = .instructions
            s.step = kind == .photo ? .address : .document(.photo)
            return Transition(state: s, effects: effects)
        case .sworn: s.step = .document(.identityDocument)
        case .summary: s.step = .sworn
        default: return .unhandled(s)
        }
        return Transition(state: s)
    }

    // MARK: effects

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        let services = environment.services
        switch effect {
        case .load:
            switch await FoyerRead.load(environment) {
            case .read(let pending, let foyer): return .loaded(pending: pending, foyer: foyer)
            case .cardRefused: return .cardRefused
            }
        case .scan(let kind):
            return .scanned(kind, await environment.documents.scan(kind))
        case .put(let kind, let jpeg, let preview, let session):
            do {
                let slot = try await services.openUpload(session: session, kind: kind)
                do {
                    try await services.putDocument(id: slot.id, jpeg: jpeg)
                } catch {
                    await services.closeUpload(id: slot.id)
                    return .stored(kind, nil)
                }
                return .stored(kind, Captured(upload: slot.id, source: .scanner, format: .jpeg, preview: preview))
            } catch {
                return .stored(kind, nil)
            }
        case .openPhone(let kind, let session):
            guard let slot = try? await services.openUpload(session: session, kind: kind) else { return .opened(kind, nil, nil) }
            return .opened(kind, slot, environment.documents.qrCode(slot.url))
        case .poll(let id, _):
            guard let state = try? await services.uploadState(id: id) else { return .polled(id, nil) }
            guard state.state == .received || state.state == .taken else { return .polled(id, state.state) }
            guard let document = try? await services.takeUpload(id: id) else { return .received(id, nil) }
            let preview = await environment.documents.preview(of: document, orientation: state.orientation)
            return .received(id, Captured(upload: id, source: .phone, format: document.format, preview: preview))
        case .close(let ids):
            for id in ids { await services.closeUpload(id: id) }
            return nil
        case .submit(let command):
            return .submitted(command, try? await services.submit(command))
        case .print(let document, let jobID):
            guard case .sheet = document else { return nil }
            let outcome = await environment.printer.print(document, jobID: jobID)
            guard let id = UUID(uuidString: String(jobID.dropFirst("order-".count))) else { return nil }
            return .printed(id, outcome)
        }
    }

    // MARK: words

    static func useCaseText(_ u: VitaleOrderUseCase, _ t: Catalog) -> String { t["order.useCase.\(u.rawValue)"] }

    /// Why a person may not order, as a sentence (the list's rows).
    static func whyText(_ e: VitaleExclusion?, _ t: Catalog) -> String {
        guard let e else { return t["order.why.none"] }
        return VitaleLossMachine.exclusionText(e, t)
    }

    /// Why a use case is not open, after its name (« Remplacement après une perte ou un vol : déclarez d'abord… »).
    static func useCaseWhy(_ e: VitaleExclusion?, _ t: Catalog) -> String {
        switch e {
        case .noVisualChangeOnFile?: t["order.why.noVisualChangeOnFile"]
        case .declarationRequired?: t["order.why.declarationRequired"]
        default: whyText(e, t)
        }
    }

    /// The delay in words: « environ deux semaines, vers le 7 décembre 2026 ».
    static func delayText(_ context: FlowContext, _ t: Catalog) -> String {
        let tracking = VitaleOrderTracking(context.rules.carteVitale)
        return t.text("order.delay", ["date": FlowText.date(tracking.expectedBy(placedAt: context.now), t)])
    }

    static func problemText(_ p: DocumentProblem, _ kind: DocumentKind, _ t: Catalog) -> String {
        t.text("document.problem.\(p.rawValue)", ["retake": t["document.retake.\(kind.rawValue)"]])
    }

    static func refusalText(_ code: String?, _ t: Catalog) -> String {
        switch code {
        case RefusalReason.photoMissing.rawValue?, RefusalReason.identityDocumentMissing.rawValue?: t["order.refused.documents"]
        case RefusalReason.orderInProgress.rawValue?: t["vitale.why.orderInProgress"]
        case RefusalReason.orderPaused.rawValue?: t["order.refused.paused"]
        case RefusalReason.npai.rawValue?: t["why.npai"]
        default: t["vitale.refused.what"]
        }
    }

    // MARK: screen

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["order.title"]
        let finish = taps.button(FlowText.finish(t), .finish)
        let footer = [finish, taps.button(FlowText.back(t), .back)]
        let id = "flow.commandeCarteVitale"
        func model(_ body: Node, banner: Banner? = nil, focus: String? = nil, footer f: [Button]? = nil) -> ScreenModel {
            ScreenModel(id: id, title: title, banner: banner, body: body, footer: f ?? footer, focusID: focus)
        }
        func next(_ enabled: Bool, _ label: String? = nil) -> Node {
            .button(Button(id: taps.id(.next), label: label ?? t["order.continue"], style: .primary, enabled: enabled))
        }
        let name = s.chosen?.person.displayName ?? ""
        switch s.step {
        case .loading:
            return model(context.wait("order.wait", t["flow.loading"]))
        case .submitting:
            return model(context.wait("order.wait", t["order.sending"]))
        case .choosePerson:
            let persons = s.foyer?.persons ?? []
            let rows = persons.map { p -> ListView.Row in
                let detail: String
                var actions: [Button] = []
                if s.waiting(p) {
                    detail = t["vitale.why.queued.order"]
                } else if case .some(let why) = s.why(p) {
                    detail = whyText(why, t)
                } else {
                    detail = s.allowed(p).map { useCaseText($0, t) }.joined(separator: " ; ")
                    // A row's action is a choice among equals: none is the screen's primary.
                    actions = [Button(id: taps.id(.choose(person: p.index)), label: t["order.person.choose"], style: .secondary, width: .natural,
                                      speech: t["order.person.choose"] + ", " + p.person.displayName)]
                }
                return ListView.Row(id: "order.row.\(p.index)", title: p.person.displayName, detail: detail, actions: actions)
            }
            _ = taps.id(.previousPage)
            _ = taps.id(.nextPage)
            // NPAI bars every order of the foyer: said once, above the list.
            let npai = s.foyer?.npai == true ? Banner(kind: .error, text: t["why.npai"]) : nil
            return model(.vstack([
                .text(Text(t["order.choose"], id: "order.choose")),
                .list(ListView(id: "order.persons", rows: rows, firstVisible: s.firstRow, visibleRows: 4,
                               previousLabel: t["list.previous"], nextLabel: t["list.next"])),
                .text(Text(t["order.notListed"], style: .small, muted: true, id: "order.notListed")),
                .flexible,
            ], spacing: .block), banner: npai, focus: rows.first { !$0.actions.isEmpty }?.actions.first?.id)
        case .useCase:
            let options = s.chosen?.vitaleOrderOptions ?? []
            var nodes: [Node] = [.text(Text(t.text("order.useCase.prompt", ["name": name]), id: "order.useCase.prompt"))]
            let allowed = options.filter { $0.exclusion == nil }
            nodes.append(.adaptive(allowed.map { o in
                .button(Button(id: taps.id(.useCase(o.useCase)), label: useCaseText(o.useCase, t), style: .radio(selected: s.useCase == o.useCase)))
            }, minChildWidthMM: 70, spacing: .block))
            for o in options where o.exclusion != nil {
                nodes.append(.text(Text(useCaseText(o.useCase, t) + " : " + useCaseWhy(o.exclusion, t), style: .small, muted: true,
                                        id: "order.useCase.why.\(o.useCase.rawValue)")))
            }
            nodes += [.flexible, next(s.useCase != nil)]
            return model(.vstack(nodes, spacing: .block), focus: s.useCase != nil ? Event.next.widgetID : nil)
        case .address:
            var nodes: [Node] = []
            if let a = s.foyer?.address {
                nodes.append(.text(Text(t["order.address.intro"], id: "order.address.intro")))
                nodes.append(.text(Text(a.lines.joined(separator: "\n"), style: .title, id: "order.address")))
            } else {
                nodes.append(.text(Text(t["order.address.none"], id: "order.address.none")))
            }
            if s.foyer?.npai == true {
                nodes.append(.text(Text(t["why.npai"], id: "order.address.npai")))
            } else if s.foyer?.address != nil {
                nodes.append(.text(Text(t["order.address.wrong"], style: .small, muted: true, id: "order.address.wrong")))
            }
            nodes += [.flexible, next(!s.addressBlocked)]
            return model(.vstack(nodes, spacing: .block), focus: s.addressBlocked ? nil : Event.next.widgetID)
        case .document(let kind):
            return documentScreen(kind, s, context, taps, footer)
        case .sworn:
            let nodes: [Node] = [
                .button(Button(id: taps.id(.tickSworn), label: t["order.sworn"], style: .checkbox(checked: s.sworn))),
                .text(Text(t["order.sworn.rejected"], style: .small, id: "order.sworn.rejected")),
                .text(Text(t["order.fraud"], style: .small, muted: true, id: "order.fraud")),
                .text(Text(t["order.fraud.same"], style: .small, muted: true, id: "order.fraud.same")),
                .flexible,
                next(s.sworn),
            ]
            return model(.vstack(nodes, spacing: .block), focus: s.sworn ? Event.next.widgetID : Event.tickSworn.widgetID)
        case .summary:
            // What, for whom (as every irreversible act says it), then the order's own lines, then the consequence.
            let lines = FlowText.summaryLines(what: t["summary.what.vitale.order"], who: name, consequence: t["summary.consequence.vitale.order"], t)
            var fields: [Node] = Array(lines.prefix(2)) + [
                .text(Text(t.text("order.summary.useCase", ["useCase": s.useCase.map { useCaseText($0, t) } ?? ""]), id: "order.summary.useCase")),
            ]
            if let a = s.foyer?.address {
                fields.append(.text(Text(t.text("order.summary.address", ["address": a.lines.joined(separator: ", ")]), id: "order.summary.address")))
            }
            fields += [
                .text(Text(t.text("order.summary.documents", ["photo": sourceText(s.photo, t), "identity": sourceText(s.identity, t)]),
                           id: "order.summary.documents")),
                .text(Text(t["order.summary.sworn"], id: "order.summary.sworn")),
                .text(Text(t.text("order.summary.delay", ["delay": delayText(context, t)]), id: "order.summary.delay")),
                lines[2],
                .flexible,
                .button(Button(id: taps.id(.send), label: t["order.send"], style: .primary)),
            ]
            return model(.vstack(fields, spacing: .block), focus: Event.send.widgetID)
        case .transmitted(let queued):
            let menuFooter = [finish, Button(id: taps.id(.menu), label: t["flow.menu"], style: .secondary, width: .natural)]
            var nodes: [Node] = [.text(Text(t.text("order.done.delay", ["name": name, "delay": delayText(context, t)]), id: "order.done.delay"))]
            if queued { nodes.append(.text(Text(t["vitale.queued"], style: .small, id: "order.done.queued"))) }
            nodes.append(.text(Text(t["order.done.follow"], style: .small, muted: true, id: "order.done.follow")))
            nodes += [.flexible, printRow(s, t, taps)]
            return model(.vstack(nodes, spacing: .block), banner: Banner(kind: .info, text: t[queued ? "order.done.queuedTitle" : "order.done"]),
                         focus: Event.print.widgetID, footer: menuFooter)
        case .refused(let reason):
            return model(.vstack([.text(Text(refusalText(reason, t), id: "order.refused.what")), .flexible], spacing: .block),
                         banner: Banner(kind: .error, text: t["order.refused"]))
        case .cardNoLongerValid:
            return model(.vstack([.text(Text(t["vitale.cardNoLongerValid.what"], id: "order.cardNoLongerValid.what")), .flexible], spacing: .block),
                         banner: Banner(kind: .error, text: t["vitale.cardNoLongerValid"]))
        case .unavailable:
            return model(.vstack([.text(Text(t["flow.unavailable.what"], id: "order.unavailable.what")),
                                  .button(Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary)), .flexible], spacing: .block),
                         banner: Banner(kind: .error, text: t["flow.unavailable"]), focus: Event.retry.widgetID)
        }
    }

    static func sourceText(_ c: Captured?, _ t: Catalog) -> String {
        guard let c else { return "" }
        return t["order.source.\(c.source.rawValue)"]
    }

    /// The preview of a document, in a frame the proportions of a photo or a card.
    static func preview(_ raster: Raster?, _ kind: DocumentKind, _ t: Catalog) -> Node {
        guard let raster else { return .text(Text(t["order.preview.none"], id: "order.preview.none")) }
        let height = kind == .photo ? 60.0 : 50.0
        let width = height * Double(raster.width) / Double(max(raster.height, 1))
        return .drawing(.raster(raster, id: "order.preview", widthMM: width, heightMM: height))
    }

    static func documentScreen(_ kind: DocumentKind, _ s: State, _ context: FlowContext, _ taps: TapTable<Event>,
                               _ footer: [Button]) -> ScreenModel {
        let t = context.catalog
        let k = kind.rawValue
        let id = "flow.commandeCarteVitale"
        func model(_ nodes: [Node], banner: Banner? = nil, focus: String? = nil) -> ScreenModel {
            ScreenModel(id: id, title: t["order.title.\(k)"], banner: banner, body: .vstack(nodes, spacing: .block), footer: footer, focusID: focus)
        }
        let retake = Button(id: taps.id(.retake), label: t["order.retake"], style: .secondary)
        let use = Button(id: taps.id(.useImage), label: t["order.use"], style: .primary)
        switch s.capture {
        case .instructions:
            var nodes: [Node] = [.text(Text(t["order.criteria.\(k)"], id: "order.criteria"))]
            if let done = s.captured(kind) {
                nodes.append(.text(Text(t.text("order.document.kept", ["source": t["order.source.\(done.source.rawValue)"]]), style: .small,
                                        id: "order.document.kept")))
            }
            var ways: [Node] = []
            if context.canScan {
                ways.append(.button(Button(id: taps.id(.useScanner), label: t["order.way.scanner"], style: .primary)))
            }
            ways.append(.button(Button(id: taps.id(.usePhone), label: t["order.way.phone"], style: context.canScan ? .secondary : .primary)))
            if context.canScan { nodes.append(.text(Text(t["order.way.scanner.how.\(k)"], style: .small, muted: true, id: "order.way.how"))) }
            nodes.append(.adaptive(ways, minChildWidthMM: 70, spacing: .block))
            nodes.append(.flexible)
            if s.captured(kind) != nil { nodes.append(.button(Button(id: taps.id(.next), label: t["order.continue"], style: .primary))) }
            return model(nodes, focus: context.canScan ? Event.useScanner.widgetID : Event.usePhone.widgetID)
        case .scanning:
            return model([context.wait("order.wait", t["order.scanning"])])
        case .storing:
            return model([context.wait("order.wait", t["order.storing"])])
        case .scanned(_, let raster):
            return model([.text(Text(t["order.check.\(k)"], id: "order.check")), preview(raster, kind, t), .flexible,
                          .adaptive([.button(retake), .button(use)], minChildWidthMM: 60, spacing: .block)],
                         focus: Event.useImage.widgetID)
        case .received(let c):
            return model([.text(Text(t["order.check.\(k)"], id: "order.check")), preview(c.preview, kind, t), .flexible,
                          .adaptive([.button(retake), .button(use)], minChildWidthMM: 60, spacing: .block)],
                         focus: Event.useImage.widgetID)
        case .problem(let p):
            return model([.text(Text(t["order.criteria.\(k)"], style: .small, muted: true, id: "order.criteria")), .flexible,
                          .button(Button(id: taps.id(.scan), label: t["order.retake"], style: .primary))],
                         banner: Banner(kind: .error, text: problemText(p, kind, t)), focus: Event.scan.widgetID)
        case .phone(let slot, let qr):
            // The code beside the wait (one under the other on a narrow screen or with large text); the
            // blocks are the body's own, so a page may end between them.
            let code: Node = qr.map { .drawing(.modules($0, id: "order.qr", sideMM: 50)) } ?? .text(Text(slot.url, style: .small, id: "order.url"))
            let wait: Node = .vstack([
                .text(Text(t.text("order.phone.valid", ["time": FlowText.time(slot.expiresAt, t)]), style: .small, muted: true,
                           id: "order.phone.valid")),
                .progress(Progress(id: "order.phone.wait", message: t["order.phone.waiting"], phase: context.animationPhase)),
            ], spacing: .block)
            return model([
                .text(Text(t["order.phone.how.\(k)"], id: "order.phone.how")),
                .adaptive([code, wait], minChildWidthMM: 90, spacing: .block),
                .button(Button(id: taps.id(.otherWay), label: t["order.otherWay"], style: .secondary)),
                .flexible,
            ])
        case .phoneExpired:
            return model([.text(Text(t["order.phone.expired.what"], id: "order.phone.expired.what")), .flexible,
                          .button(Button(id: taps.id(.newCode), label: t["order.newCode"], style: .primary))],
                         banner: Banner(kind: .error, text: t["order.phone.expired"]), focus: Event.newCode.widgetID)
        case .scannerFailed:
            return model([.text(Text(t["order.scanner.failed.what"], id: "order.scanner.failed.what")), .flexible,
                          .adaptive([.button(Button(id: taps.id(.useScanner), label: t["order.scanner.again"], style: .secondary)),
                                     .button(Button(id: taps.id(.usePhone), label: t["order.way.phone"], style: .primary))],
                                    minChildWidthMM: 60, spacing: .block)],
                         banner: Banner(kind: .error, text: t["order.scanner.failed"]), focus: Event.usePhone.widgetID)
        case .failed:
            return model([.text(Text(t["flow.unavailable.what"], id: "order.failed.what")), .flexible,
                          .button(Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary))],
                         banner: Banner(kind: .error, text: t["flow.unavailable"]), focus: Event.retry.widgetID)
        }
    }

    private static func printRow(_ s: State, _ t: Catalog, _ taps: TapTable<Event>) -> Node {
        // Once transmitted, the récapitulatif is the screen's way on (the menu and « Terminer » are the footer's).
        var row: [Node] = [.button(Button(id: taps.id(.print), label: t["order.print"], style: .primary))]
        if let outcome = s.printed {
            let message = switch outcome {
            case .printed: t["print.done"]
            case .alreadyPrinted: t["print.already"]
            case .printerUnavailable: t["print.unavailable"]
            case .failed: t["print.failed"]
            }
            row.insert(.text(Text(message, style: .small, id: "order.print.message")), at: 0)
        }
        return .vstack(row, spacing: .grid)
    }

    /// « L'assuré peut télécharger le récapitulatif de sa demande »: here, printed (in French, an Assurance Maladie document).
    private static func printSummary(_ s: State, _ context: FlowContext) -> Transition<State, Effect> {
        guard case .transmitted(let queued) = s.step, let command = s.command, let p = s.chosen else { return Transition(state: s) }
        let paper = context.documentCatalog
        var blocks: [DocumentSheet.Block] = [
            .title(paper["order.receipt.title"]),
            .paragraph(paper[queued ? "order.done.queuedTitle" : "order.done"]),
            .field(label: paper["order.receipt.person"], value: p.person.displayName),
            .field(label: paper["order.receipt.useCase"], value: s.useCase.map { useCaseText($0, paper) } ?? ""),
            .field(label: paper["order.receipt.date"], value: FlowText.dateTime(command.confirmedAt, paper)),
            .field(label: paper["order.receipt.number"], value: String(command.id.uuidString.prefix(8))),
        ]
        if let a = s.foyer?.address { blocks.append(.field(label: paper["order.receipt.address"], value: a.lines.joined(separator: ", "))) }
        blocks += [
            .field(label: paper["order.receipt.documents"],
                   value: paper.text("order.receipt.documents.value", ["photo": sourceText(s.photo, paper), "identity": sourceText(s.identity, paper)])),
            .field(label: paper["order.receipt.delay"], value: delayText(context, paper)),
            .space,
            .paragraph(paper["order.done.follow"]),
            .note(paper["order.sworn.rejected"]),
        ]
        let sheet = DocumentSheet(kind: "commande-carte-vitale", title: paper["order.receipt.title"], blocks: blocks)
        return Transition(state: s, effects: [.print(.sheet(sheet), jobID: "order-\(command.id.uuidString)")])
    }
}
