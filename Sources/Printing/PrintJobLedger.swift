import Foundation

/// What the kiosk remembers about one document's printing, durably, so a
/// document is never printed twice: not after a retry, not after a crash.
public struct PrintLedgerEntry: Hashable, Sendable, Codable {
    public enum Step: Hashable, Sendable, Codable {
        /// About to submit: written BEFORE asking cupsd. Finding this after a
        /// restart means the job may or may not have reached cupsd.
        case submitting
        /// cupsd took the job under this id.
        case submitted(jobID: Int)
    }
    /// The document's stable id (request id + document kind), also the
    /// CUPS job-name.
    public var documentID: String
    public var step: Step

    public init(documentID: String, step: Step) {
        self.documentID = documentID
        self.step = step
    }
}

/// Durable storage for the ledger. KioskStore implements it on the kiosk's
/// database; `InMemoryPrintJobLedger` is for tests and the print-test tool.
/// Writes must be durable when the call returns.
public protocol PrintJobLedger: Sendable {
    func entry(for documentID: String) async throws -> PrintLedgerEntry?
    func record(_ entry: PrintLedgerEntry) async throws
}

/// A ledger in memory: lost on restart, so only for tests and tools.
public actor InMemoryPrintJobLedger: PrintJobLedger {
    private var entries: [String: PrintLedgerEntry] = [:]

    public init() {}

    public func entry(for documentID: String) -> PrintLedgerEntry? { entries[documentID] }
    public func record(_ entry: PrintLedgerEntry) { entries[entry.documentID] = entry }
    public var all: [PrintLedgerEntry] { entries.values.sorted { $0.documentID < $1.documentID } }
}

/// Prints each document at most once: the ledger is written before cupsd
/// is asked, and a document already in the ledger is looked up, never sent
/// again.
public struct DocumentPrinter: Sendable {
    public enum Outcome: Hashable, Sendable {
        /// Sent now.
        case submitted(PrintJobStatus)
        /// Already sent before (retry, or restart after a crash): this is
        /// the existing job; nothing was sent again.
        case alreadySubmitted(PrintJobStatus)

        public var job: PrintJobStatus {
            switch self { case .submitted(let j), .alreadySubmitted(let j): return j }
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        /// The printer is stopped or refuses jobs: nothing was sent, so no
        /// personal document comes out after the assuré has left. Tell them
        /// `health.messageForAssure`.
        case printerNotReady(PrinterHealth)
        case printing(PrintError)
        case ledger(any Error)

        public var description: String {
            switch self {
            case .printerNotReady(let h): return "the printer is not ready (\(h.reasons.joined(separator: ", "))): nothing was sent"
            case .printing(let e): return e.description
            case .ledger(let e): return "the print ledger could not be read or written (nothing was sent twice): \(e)"
            }
        }
    }

    public var queue: any PrintQueue
    public var ledger: any PrintJobLedger
    public var renderer: PDFRenderer

    public init(queue: any PrintQueue, ledger: any PrintJobLedger, renderer: PDFRenderer = PDFRenderer()) {
        self.queue = queue
        self.ledger = ledger
        self.renderer = renderer
    }

    /// The stable id for a document of a request: the same request and
    /// kind always give the same id. CUPS job names are at most 255 bytes.
    public static func documentID(requestID: String, kind: String) -> String {
        var id = ""
        var bytes = 0
        for c in "\(kind):\(requestID)" {
            bytes += c.utf8.count
            if bytes > 200 { break }
            id.append(c)
        }
        return id
    }

    /// Prints `document` for `requestID` unless it was sent already.
    /// `onlyIfReady`: a new job is sent only when the printer is ready (a
    /// fault during the job still leaves it pending, to be cancelled or
    /// printed once the printer is back).
    public func print(_ document: some PrintableDocument, requestID: String,
                      onlyIfReady: Bool = true) async throws(Failure) -> Outcome {
        let id = Self.documentID(requestID: requestID, kind: document.kind)
        let existing: PrintLedgerEntry?
        do { existing = try await ledger.entry(for: id) } catch { throw .ledger(error) }
        do {
            switch existing?.step {
            case .submitted(let jobID):
                return .alreadySubmitted(try await queue.status(jobID: jobID))
            case .submitting:
                // Crashed between the ledger write and the job id's: cupsd
                // knows whether the job reached it.
                if let job = try await queue.jobs(named: id).last {
                    do { try await ledger.record(.init(documentID: id, step: .submitted(jobID: job.id))) } catch { throw Failure.ledger(error) }
                    return .alreadySubmitted(job)
                }
            case nil:
                do { try await ledger.record(.init(documentID: id, step: .submitting)) } catch { throw Failure.ledger(error) }
            }
            if onlyIfReady {
                let health = try await queue.health()
                guard health.isReady else { throw Failure.printerNotReady(health) }
            }
            let pdf: Data
            do { pdf = try renderer.render(document.layout) } catch { throw PrintError.rendering(error.description) }
            let jobID = try await queue.submit(pdf: pdf, jobName: id)
            do { try await ledger.record(.init(documentID: id, step: .submitted(jobID: jobID))) } catch { throw Failure.ledger(error) }
            return .submitted(try await queue.status(jobID: jobID))
        } catch let error as PrintError {
            throw .printing(error)
        } catch let error as Failure {
            throw error
        } catch {
            throw .ledger(error)
        }
    }
    /// Where a job stands for the assuré in front of the kiosk.
    public enum Progress: Hashable, Sendable {
        /// cupsd says completed: the printer took the whole document.
        case printed(PrintJobStatus)
        /// The job waits behind a stopped printer (paper out, jam…): tell
        /// the assuré `health.messageForAssure`, then `cancelUnprinted`.
        case waitingOnPrinter(PrintJobStatus, PrinterHealth)
        /// Aborted or cancelled: nothing (or not everything) came out.
        case failed(PrintJobStatus)
        /// Still pending or processing when the wait ended.
        case stillPrinting(PrintJobStatus)
    }

    /// Follows a job until it is final, the printer stops, or `seconds`
    /// pass (the configuration's timeouts.printSeconds).
    public func follow(jobID: Int, seconds: Double, poll: Duration = .milliseconds(200)) async throws(Failure) -> Progress {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        do {
            while true {
                let status = try await queue.status(jobID: jobID)
                switch status.state {
                case .completed: return .printed(status)
                case .aborted, .cancelled, .unknown: return .failed(status)
                case .pending, .held, .processing, .stopped:
                    // A job queued behind a stopped printer may carry no
                    // "printer-stopped" reason yet: ask the printer.
                    if status.state != .processing || status.reasons.contains("printer-stopped") {
                        let health = try await queue.health()
                        if !health.isReady { return .waitingOnPrinter(status, health) }
                    }
                    if ContinuousClock.now >= deadline { return .stillPrinting(status) }
                }
                try? await Task.sleep(for: poll)
            }
        } catch {
            throw .printing(error)
        }
    }

    /// Cancels the document's job if it has not printed yet: a personal
    /// document must not come out after the assuré has left. Returns the
    /// job's state afterwards, nil when the document was never sent.
    @discardableResult
    public func cancelUnprinted(_ document: some PrintableDocument, requestID: String) async throws(Failure) -> PrintJobState? {
        let id = Self.documentID(requestID: requestID, kind: document.kind)
        let entry: PrintLedgerEntry?
        do { entry = try await ledger.entry(for: id) } catch { throw .ledger(error) }
        do {
            var jobIDs: [Int] = []
            switch entry?.step {
            case .submitted(let jobID): jobIDs = [jobID]
            case .submitting: jobIDs = try await queue.jobs(named: id).map(\.id)
            case nil: return nil
            }
            var last: PrintJobState?
            for jobID in jobIDs {
                let status = try await queue.status(jobID: jobID)
                if !status.state.isFinal && status.state != .unknown { try await queue.cancel(jobID: jobID) }
                last = try await queue.status(jobID: jobID).state
            }
            return last
        } catch {
            throw .printing(error)
        }
    }
}
