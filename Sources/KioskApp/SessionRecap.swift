import CentralAPI
import Domain
import Foundation
import KioskUI

/// What this session did, as it really happened: the requests' receipts
/// (or their place in the outbox), the SMS the central store sent, the
/// card written, the printer's answers. Collected in one place, by the
/// controller, from the effects' own calls (`RecordingServices`,
/// `RecordingPrinter`, `RecordingRightsWriter`): no flow re-derives it.
/// Shown on « Terminer » before the card is taken (`KioskController.recap`),
/// printed on request; it goes with the session (`wipe`). Names stay in
/// memory for the session only, never in a log.
public struct SessionHistory: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Applied by the central store, the SMS sent, the card written, the paper printed.
        case done
        /// Kept in the kiosk's outbox: sent as soon as the central store answers.
        case waiting
        /// It was waiting, and has left the outbox since (the relay sent it).
        case sent
        /// Refused by the central store's rules.
        case refused
        /// The printer could not print it.
        case notPrinted
    }

    public enum Document: Sendable, Equatable {
        case attestation, ceamCertificate, ceamCopy, receipt, paymentsStatement, dailyAllowances
        /// A service's own page (`DocumentSheet.kind`).
        case sheet(kind: String)
    }

    public enum Subject: Sendable, Equatable {
        case request(KioskCommand.Action)
        /// The provisional code, sent to this number (masked as the central store gave it).
        case provisionalCode(maskedMobile: String?)
        case cardUpdated
        case document(Document)
    }

    public struct Entry: Sendable, Equatable {
        /// The command id, the print job id: a retry of the same thing is one entry.
        public var id: String
        public var subject: Subject
        /// Who it is for (the person's name on the card); nil: the foyer, or no one in particular.
        public var person: String?
        public var outcome: Outcome

        /// The recap's three parts, in order: done, printed, on its way.
        var group: Int {
            if outcome == .waiting { return 2 }
            if case .document = subject { return 1 }
            return 0
        }
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// In the recap's order: what was done, what was printed, what is on its way.
    public var ordered: [Entry] {
        entries.enumerated().sorted { ($0.element.group, $0.offset) < ($1.element.group, $1.offset) }.map(\.element)
    }

    /// A new entry, or the new outcome of one already there (a retry, the
    /// same print asked twice). A print that came to nothing never hides
    /// one that was made.
    mutating func record(_ e: Entry) {
        guard let i = entries.firstIndex(where: { $0.id == e.id }) else { entries.append(e); return }
        if entries[i].outcome == .done, e.outcome == .notPrinted { return }
        entries[i] = e
    }

    /// The requests waiting in the outbox when the recap opened that have
    /// left it since (`pending`: the ids still there).
    mutating func leftOutbox(stillPending pending: Set<String>) {
        for i in entries.indices where entries[i].outcome == .waiting && !pending.contains(entries[i].id) {
            entries[i].outcome = .sent
        }
    }
}

/// Something that happened in a session, as the effect runner saw it.
enum Happening: Sendable {
    case submitted(KioskCommand, SubmitOutcome)
    case printed(KioskDocument, jobID: String, PrintOutcome)
    case codeRequested(ProvisionalCodeOutcome)
    case rightsWritten(RightsWriteOutcome)
}

/// The kiosk's services, telling the controller what a request became.
struct RecordingServices: KioskServices {
    let base: any KioskServices
    let record: @Sendable (Happening) async -> Void

    func checkCode(_ code: String, card: CardIdentity) async throws -> CodeAttempts.Outcome { try await base.checkCode(code, card: card) }
    func codeStatus(card: CardIdentity) async -> CodeStatus? { await base.codeStatus(card: card) }
    func services(for card: CardIdentity) async throws -> [KioskService] { try await base.services(for: card) }
    func foyer(card: CardIdentity) async throws -> FoyerResponse { try await base.foyer(card: card) }
    func requestProvisionalCode(card: CardIdentity) async -> ProvisionalCodeOutcome {
        let outcome = await base.requestProvisionalCode(card: card)
        await record(.codeRequested(outcome))
        return outcome
    }
    func submit(_ command: KioskCommand) async throws -> SubmitOutcome {
        let outcome = try await base.submit(command)
        await record(.submitted(command, outcome))
        return outcome
    }
    func rights(card: CardIdentity) async throws -> RightsResponse { try await base.rights(card: card) }
    func attestation(card: CardIdentity) async throws -> AttestationResponse { try await base.attestation(card: card) }
    func payments(card: CardIdentity, from: CivilDate?, to: CivilDate?, person: Int?) async throws -> PaymentsResponse {
        try await base.payments(card: card, from: from, to: to, person: person)
    }
    func dailyAllowances(card: CardIdentity, from: CivilDate?, to: CivilDate?) async throws -> DailyAllowancesResponse {
        try await base.dailyAllowances(card: card, from: from, to: to)
    }
    func ceamCountries() async -> [CEAMCountry] { await base.ceamCountries() }
    func pendingRequests(card: CardIdentity) async -> [PendingRequest] { await base.pendingRequests(card: card) }
    func issuedCertificates(card: CardIdentity) async -> [IssuedCertificate] { await base.issuedCertificates(card: card) }
    func unsuccessfulRequests(card: CardIdentity) async -> [UnsuccessfulRequest] { await base.unsuccessfulRequests(card: card) }
    func markTold(_ ids: [UUID]) async { await base.markTold(ids) }
    // The order's documents and its tracking: forwarded (the order itself is a `submit`).
    func openUpload(session: UUID, kind: DocumentKind) async throws -> UploadSlotResponse { try await base.openUpload(session: session, kind: kind) }
    func uploadState(id: UUID) async throws -> UploadStateResponse { try await base.uploadState(id: id) }
    func takeUpload(id: UUID) async throws -> ReceivedDocument { try await base.takeUpload(id: id) }
    func putDocument(id: UUID, jpeg: Data) async throws { try await base.putDocument(id: id, jpeg: jpeg) }
    func closeUpload(id: UUID) async { await base.closeUpload(id: id) }
    func vitaleOrders(card: CardIdentity) async throws -> VitaleOrdersResponse { try await base.vitaleOrders(card: card) }
}

/// The kiosk's printer, telling the controller what came out.
struct RecordingPrinter: KioskPrinter {
    let base: any KioskPrinter
    let record: @Sendable (Happening) async -> Void

    func print(_ document: KioskDocument, jobID: String) async -> PrintOutcome {
        let outcome = await base.print(document, jobID: jobID)
        await record(.printed(document, jobID: jobID, outcome))
        return outcome
    }
}

/// The card writer, telling the controller the card was updated.
struct RecordingRightsWriter: CardRightsWriter {
    let base: any CardRightsWriter
    let record: @Sendable (Happening) async -> Void

    func writeRights(_ efRights: Data, serial: String) async -> RightsWriteOutcome {
        let outcome = await base.writeRights(efRights, serial: serial)
        await record(.rightsWritten(outcome))
        return outcome
    }
}

extension KioskController {
    /// What the effects of this session use: the real parts, each telling
    /// the session's history what happened. A session's effect that ends
    /// after it (a request sent once the card left) tells nothing.
    func effectEnvironment(card: CardIdentity?) -> EffectEnvironment {
        let token = sessionToken
        let record: @Sendable (Happening) async -> Void = { [weak self] h in
            await self?.record(h, token: token)
        }
        return EffectEnvironment(services: RecordingServices(base: services, record: record),
                                 printer: RecordingPrinter(base: printer, record: record),
                                 rightsWriter: rightsWriter.map { RecordingRightsWriter(base: $0, record: record) },
                                 card: card, documents: documentDesk)
    }

    func record(_ h: Happening, token: Int) {
        guard token == sessionToken, session.state.isInteractive, let card = session.identity else { return }
        func name(_ i: Int) -> String? { card.foyer.persons.indices.contains(i) ? card.foyer.persons[i].displayName : nil }
        switch h {
        case .submitted(let command, let outcome):
            let result: SessionHistory.Outcome
            switch outcome {
            case .queued: result = .waiting
            case .acknowledged(let r): result = r.status == .refused ? .refused : .done
            }
            // The address is the foyer's: no one in particular.
            let person: String? = if case .addressChange = command.action { nil } else { name(command.personIndex) }
            history.record(.init(id: command.id.uuidString, subject: .request(command.action), person: person, outcome: result))
        case .codeRequested(.answered(let r)) where r.status == .sent:
            history.record(.init(id: "sms-\(history.entries.count)", subject: .provisionalCode(maskedMobile: r.maskedMobile), person: nil,
                                 outcome: .done))
        case .codeRequested: break
        case .rightsWritten(.updated):
            history.record(.init(id: "card-update", subject: .cardUpdated, person: name(0), outcome: .done))
        case .rightsWritten: break
        case .printed(let document, let jobID, let outcome):
            let result: SessionHistory.Outcome
            switch outcome {
            case .printed: result = .done
            // Printed before (an earlier visit): nothing came out now, unless this session printed it.
            case .alreadyPrinted:
                guard history.entries.contains(where: { $0.id == jobID }) else { return }
                result = .done
            case .printerUnavailable, .failed: result = .notPrinted
            }
            let (kind, person) = Self.describe(document)
            history.record(.init(id: jobID, subject: .document(kind), person: person, outcome: result))
        }
        changed()
    }

    /// What a printed document is, and for whom (nil: the foyer).
    static func describe(_ document: KioskDocument) -> (SessionHistory.Document, String?) {
        switch document {
        case .attestation(let a, let i): (.attestation, a.entries.indices.contains(i) ? a.entries[i].person.displayName : nil)
        case .ceamProvisionalCertificate(_, let p): (.ceamCertificate, p.displayName)
        case .ceamCardCopy(let p, _, _): (.ceamCopy, p.displayName)
        case .receipt(_, let p, _, _, _): (.receipt, p.displayName)
        case .paymentsStatement: (.paymentsStatement, nil)
        case .dailyAllowancesAttestation: (.dailyAllowances, nil)
        case .sheet(let s): (.sheet(kind: s.kind), nil)
        }
    }

    // MARK: the recap

    /// « Terminer »: the recap of what this session did, once, before the
    /// card is taken; nothing done, the end at once.
    func finish() {
        guard !recapOpen, !history.isEmpty, session.state.isInteractive else { apply(.finish); return }
        // A tap: the inactivity warning, if it was up, goes.
        apply(.activity)
        recapOpen = true
        recapFirstRow = 0
        recapPrint = nil
        helpOpen = false
        // What waited in the outbox may have gone since: the outbox says.
        guard history.entries.contains(where: { $0.outcome == .waiting }), let card = session.identity else { return }
        let token = sessionToken
        background { [weak self] in
            guard let self else { return }
            let pending = await self.services.pendingRequests(card: card)
            guard token == self.sessionToken, self.recapOpen else { return }
            self.history.leftOutbox(stillPending: Set(pending.map { $0.id.uuidString }))
        }
    }

    /// The recap's taps; false: not one of them.
    func recapTap(_ id: String) -> Bool {
        guard recapOpen else { return false }
        switch id {
        case "recap.finish", "footer.finish", "warning.finish": recapOpen = false; apply(.finish)
        case "recap.back": recapOpen = false
        case "recap.list.next": recapFirstRow = FlowContext(self).nextPage("recap.list", from: recapFirstRow, count: history.entries.count)
        case "recap.list.previous": recapFirstRow = FlowContext(self).previousPage("recap.list", from: recapFirstRow)
        case "recap.print": printRecap()
        default: return false
        }
        return true
    }

    /// « Imprimer ce récapitulatif »: one page, in French, through the
    /// kiosk's printer like its other documents; once, a new try after a
    /// print that came to nothing.
    private func printRecap() {
        guard recapPrint == nil || recapPrint == .notPrinted else { return }
        let sheet = Self.recapSheet(history, catalog: catalogs["fr"] ?? catalog, today: clock.today)
        let job = "recap-\(UUID().uuidString.lowercased())"
        let token = sessionToken
        recapPrint = .printing
        let printer = self.printer
        background { [weak self] in
            let outcome = await printer.print(.sheet(sheet), jobID: job)
            guard let self, token == self.sessionToken else { return }
            switch outcome {
            case .printed, .alreadyPrinted: self.recapPrint = .printed
            case .printerUnavailable, .failed: self.recapPrint = .notPrinted
            }
        }
    }

    /// One entry in words: what, then for whom and what follows.
    static func recapWords(_ e: SessionHistory.Entry, _ t: Catalog) -> (title: String, detail: String) {
        var title: String
        var detail: [String] = []
        if let p = e.person { detail.append(t.text("recap.for", ["name": p])) }
        switch e.subject {
        case .request(let action):
            switch action {
            case .ceam(let r): title = t["recap.ceam.\(r.action.rawValue)"]
            case .vitaleDeclaration(let reason, _): title = t["recap.vitale.declare.\(reason.rawValue)"]
            case .vitaleOrder: title = t["recap.vitale.order"]
            case .addressChange: title = t["recap.address"]; detail.append(t["recap.address.forWhom"])
            }
            // What follows, once it is done (or on its way).
            let key = "recap.next." + action.name
            if e.outcome != .refused, t.has(key) { detail.append(t[key]) }
        case .provisionalCode(let masked):
            title = t["recap.sms"]
            detail.append(masked.map { t.text("recap.sms.to", ["mobile": $0.replacingOccurrences(of: " ", with: "\u{00A0}")]) } ?? t["recap.sms.valid"])
        case .cardUpdated:
            title = t["recap.cardUpdated"]
        case .document(let d):
            switch d {
            case .sheet(let kind): title = t.has("recap.doc.\(kind)") ? t["recap.doc.\(kind)"] : t["recap.doc.other"]
            default: title = t["recap.doc.\(d.key)"]
            }
        }
        switch e.outcome {
        case .done, .sent: break
        case .waiting: detail.append(t["recap.waiting"])
        case .refused: detail.append(t["recap.refused"])
        case .notPrinted: detail.append(t["recap.notPrinted"])
        }
        return (title, detail.joined(separator: " "))
    }

    static func recapBadge(_ e: SessionHistory.Entry, _ t: Catalog) -> Badge {
        switch e.outcome {
        case .done: if case .document = e.subject { Badge(.ok, t["badge.printed"]) } else { Badge(.ok, t["badge.done"]) }
        case .waiting: Badge(.pending, t["badge.waiting"])
        case .sent: Badge(.ok, t["badge.sent"])
        case .refused: Badge(.alert, t["badge.refused"])
        case .notPrinted: Badge(.alert, t["badge.notPrinted"])
        }
    }

    func recapScreen() -> ScreenModel {
        let t = catalog
        let entries = history.ordered
        let rows = entries.enumerated().map { i, e in
            let (title, detail) = Self.recapWords(e, t)
            return ListView.Row(id: "recap.entry.\(i)", title: title, detail: detail.isEmpty ? nil : detail, badges: [Self.recapBadge(e, t)])
        }
        var intro = [t["recap.intro"]]
        if entries.contains(where: { $0.outcome == .waiting }) { intro.append(t["recap.intro.waiting"]) }
        var nodes: [Node] = [
            .text(Text(intro.joined(separator: " "), id: "recap.intro")),
            .list(ListView(id: "recap.list", rows: rows, firstVisible: recapFirstRow, previousLabel: t["list.previous"], nextLabel: t["list.next"])),
            .flexible,
        ]
        var banner: Banner?
        if !(printer is NoPrinter) {
            switch recapPrint {
            case .printed?:
                banner = Banner(kind: .info, text: t["recap.printed"])
            case .printing?:
                nodes.append(.button(Button(id: "recap.print", label: t["recap.printing"], style: .secondary, enabled: false)))
            case .notPrinted?:
                banner = Banner(kind: .error, text: t["recap.printFailed"])
                nodes.append(.button(Button(id: "recap.print", label: t["recap.print"], style: .secondary)))
            case nil:
                nodes.append(.button(Button(id: "recap.print", label: t["recap.print"], style: .secondary)))
            }
        }
        return ScreenModel(id: "recap", title: t["recap.title"], banner: banner, body: .vstack(nodes, spacing: .block),
                           footer: [Button(id: "recap.back", label: t["footer.back"], style: .secondary, width: .natural),
                                    Button(id: "recap.finish", label: t["recap.finish"], style: .primary, width: .natural)],
                           focusID: "recap.finish")
    }

    /// The printed recap: what the screen says, in French (an Assurance
    /// Maladie document), under the caisse's name.
    static func recapSheet(_ history: SessionHistory, catalog t: Catalog, today: CivilDate) -> DocumentSheet {
        var blocks: [DocumentSheet.Block] = [
            .title(t["recap.sheet.title"]),
            .subtitle(t.text("recap.sheet.date", ["date": FlowText.date(today, t)])),
        ]
        let groups = [(0, "recap.sheet.done"), (1, "recap.sheet.printed"), (2, "recap.sheet.waiting")]
        for (g, heading) in groups {
            let entries = history.ordered.filter { $0.group == g }
            guard !entries.isEmpty else { continue }
            blocks.append(.heading(t[heading]))
            for e in entries {
                let (title, detail) = recapWords(e, t)
                blocks.append(.field(label: title, value: [recapBadge(e, t).word, detail].filter { !$0.isEmpty }.joined(separator: ". ")))
            }
        }
        blocks += [.space, .note(t["recap.sheet.note"])]
        return DocumentSheet(kind: "recapitulatif", title: t["recap.sheet.title"], blocks: blocks)
    }
}

extension SessionHistory.Document {
    /// Its catalog key's last part (`recap.doc.<key>`).
    var key: String {
        switch self {
        case .attestation: "attestation"
        case .ceamCertificate: "ceamCertificate"
        case .ceamCopy: "ceamCopy"
        case .receipt: "receipt"
        case .paymentsStatement: "paymentsStatement"
        case .dailyAllowances: "dailyAllowances"
        case .sheet(let kind): kind
        }
    }
}

/// The recap's own print, as its screen says it.
public enum RecapPrint: Sendable, Equatable { case printing, printed, notPrinted }
