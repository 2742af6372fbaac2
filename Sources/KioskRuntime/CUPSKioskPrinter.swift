import CentralAPI
import Domain
import Foundation
import KioskApp
import KioskStore
import Logging
import Printing

/// The kiosk's SQLite as the print ledger: a document is recorded before
/// cupsd is asked, so a retry or a restart never prints it twice.
public struct StorePrintJobLedger: PrintJobLedger {
    public let store: KioskStore
    public init(store: KioskStore) { self.store = store }

    public func entry(for documentID: String) async throws -> PrintLedgerEntry? {
        guard let r = try store.printRecord(documentID: documentID) else { return nil }
        return PrintLedgerEntry(documentID: documentID, step: r.cupsJobID.map { .submitted(jobID: $0) } ?? .submitting)
    }

    public func record(_ entry: PrintLedgerEntry) async throws {
        let job: Int?
        switch entry.step {
        case .submitting: job = nil
        case .submitted(let id): job = id
        }
        try store.savePrintRecord(.init(documentID: entry.documentID, cupsJobID: job))
    }
}

/// Prints the kiosk's documents on a CUPS queue: laid out by `Printing`,
/// once per job id (the ledger), followed until printed. A printer that
/// cannot print (paper out, stopped) is told to the assuré; a job stuck
/// behind it is cancelled so that no personal document comes out once the
/// assuré has gone.
public struct CUPSKioskPrinter: KioskPrinter {
    public let printer: DocumentPrinter
    public let caisse: Caisse
    /// The configuration's timeouts.printSeconds.
    public let followSeconds: Double
    let logger: Logger

    public init(queue: any PrintQueue, ledger: any PrintJobLedger, caisse: Caisse, followSeconds: Double = 60,
                logger: Logger = Logger(label: "bms.kiosk.print")) {
        printer = DocumentPrinter(queue: queue, ledger: ledger)
        self.caisse = caisse
        self.followSeconds = followSeconds
        self.logger = logger
    }

    static let unavailable = PrinterHealth.stopped(reasons: []).messageForAssure!

    public func print(_ document: KioskDocument, jobID: String) async -> PrintOutcome {
        let printable: any PrintableDocument
        do { printable = try Self.layout(document, caisse: caisse) } catch {
            return .failed(message: "\(error)")
        }
        return await print(printable, jobID: jobID)
    }

    func print(_ doc: some PrintableDocument, jobID: String) async -> PrintOutcome {
        let outcome: DocumentPrinter.Outcome
        do { outcome = try await printer.print(doc, requestID: jobID) } catch {
            switch error {
            case .printerNotReady(let health):
                logger.warning("printer not ready: nothing sent", metadata: ["reasons": "\(health.reasons.joined(separator: ","))"])
                return .printerUnavailable(message: health.messageForAssure ?? Self.unavailable)
            case .printing(let e):
                logger.error("printing failed", metadata: ["error": "\(e)"])
                return .printerUnavailable(message: Self.unavailable)
            case .ledger(let e):
                logger.error("print ledger failed: nothing sent", metadata: ["error": "\(type(of: e))"])
                return .failed(message: Self.unavailable)
            }
        }
        let job = outcome.job
        if case .alreadySubmitted = outcome {
            switch job.state {
            case .completed: return .alreadyPrinted
            case .cancelled, .aborted, .unknown:
                // Sent once already and given up: never sent again.
                return .printerUnavailable(message: Self.unavailable)
            default: break
            }
        }
        let progress: DocumentPrinter.Progress
        do { progress = try await printer.follow(jobID: job.id, seconds: followSeconds) } catch {
            return .printerUnavailable(message: Self.unavailable)
        }
        switch progress {
        case .printed:
            return outcomeIsRetry(outcome) ? .alreadyPrinted : .printed
        case .waitingOnPrinter(_, let health):
            // The assuré will not wait for the paper: the job goes, the request stays.
            _ = try? await printer.cancelUnprinted(doc, requestID: jobID)
            return .printerUnavailable(message: health.messageForAssure ?? Self.unavailable)
        case .failed(let status):
            return .failed(message: "the print job ended \(status.state)")
        case .stillPrinting:
            return .printed
        }
    }

    private func outcomeIsRetry(_ o: DocumentPrinter.Outcome) -> Bool {
        if case .alreadySubmitted = o { return true }
        return false
    }

    enum LayoutError: Error, CustomStringConvertible {
        case noSuchPerson(Int)
        case noRights
        var description: String {
            switch self {
            case .noSuchPerson(let i): return "no person \(i) in the attestation"
            case .noRights: return "no rights in force for this person: no attestation"
            }
        }
    }

    /// The printing part's document for a kiosk document.
    static func layout(_ document: KioskDocument, caisse: Caisse) throws -> any PrintableDocument {
        switch document {
        case .attestation(let a, let index):
            guard a.entries.indices.contains(index), let holder = a.entries.first?.person else { throw LayoutError.noSuchPerson(index) }
            guard let rights = a.entries[index].rights else { throw LayoutError.noRights }
            var c = caisse
            if let org = a.organisation, c.identifier.isEmpty { c.identifier = org }
            return AttestationDeDroits(holder: holder, beneficiary: a.entries[index].person, rights: rights, issuedOn: a.issuedOn, caisse: c)
        case .ceamProvisionalCertificate(let certificate, let person):
            return CEAMProvisionalCertificate(beneficiary: person, certificate: certificate, caisse: caisse)
        case .ceamCardCopy(let person, let validUntil, let printedOn):
            return CEAMCardCopy(beneficiary: person, validUntil: validUntil, printedOn: printedOn, caisse: caisse)
        case .receipt(let command, let person, let what, let transmitted, let nextStep):
            let date = command.confirmedAt
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone.current
            let parts = cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let day = CivilDate(year: parts.year ?? 2000, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate(year: 2000, month: 1, day: 1)!
            return RequestReceipt(requestID: command.id.uuidString, what: what, forWhom: person, submittedOn: day,
                                  submittedAt: String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0),
                                  transmission: transmitted ? .transmitted : .queuedOffline, nextStep: nextStep, caisse: caisse)
        case .paymentsStatement(let r, let persons):
            guard let assure = persons.first(where: { $0.qualite == .assure }) ?? persons.first else { throw LayoutError.noSuchPerson(0) }
            return PaymentsStatement(assure: assure, persons: persons, from: r.from, to: r.to, person: r.person, payments: r.payments,
                                     total: r.total, issuedOn: r.today, caisse: caisse)
        case .dailyAllowancesAttestation(let r):
            return DailyAllowancesAttestation(assure: r.assure, from: r.from, to: r.to, allowances: r.allowances, total: r.total,
                                              issuedOn: r.today, caisse: caisse)
        case .sheet(let sheet):
            return SheetDocument(sheet: sheet, caisse: caisse)
        }
    }
}

/// A service's own page (`DocumentSheet`), under the caisse's line as
/// every document the kiosk prints.
struct SheetDocument: PrintableDocument {
    var sheet: DocumentSheet
    var caisse: Caisse

    var kind: String { sheet.kind }

    var layout: DocumentLayout {
        DocumentLayout(title: sheet.title, blocks: [.issuer("L'Assurance Maladie — \(caisse.name)")] + sheet.blocks.map { block in
            switch block {
            case .title(let s): .title(s)
            case .subtitle(let s): .subtitle(s)
            case .heading(let s): .heading(s)
            case .paragraph(let s): .paragraph(s)
            case .field(let label, let value): .field(label: label, value: value)
            case .note(let s): .note(s)
            case .space: .space
            }
        })
    }
}
