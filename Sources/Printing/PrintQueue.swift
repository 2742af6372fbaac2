import Foundation

/// A job's state as cupsd reports it (IPP job-state).
public enum PrintJobState: Hashable, Sendable, CustomStringConvertible {
    case pending
    case held
    case processing
    /// The job is stopped (IPP 6).
    case stopped
    /// Cancelled by someone (IPP 7).
    case cancelled
    /// The printer or a filter gave up (IPP 8).
    case aborted
    /// The backend took all the data (IPP 9): not a proof that paper came out.
    case completed
    /// cupsd no longer knows the job (history purged).
    case unknown

    public init(ippJobState value: Int) {
        switch value {
        case 3: self = .pending
        case 4: self = .held
        case 5: self = .processing
        case 6: self = .stopped
        case 7: self = .cancelled
        case 8: self = .aborted
        case 9: self = .completed
        default: self = .unknown
        }
    }

    /// The job will not change any more.
    public var isFinal: Bool { [.cancelled, .aborted, .completed].contains(self) }

    public var description: String {
        switch self {
        case .pending: return "pending"
        case .held: return "held"
        case .processing: return "processing"
        case .stopped: return "stopped"
        case .cancelled: return "cancelled"
        case .aborted: return "aborted"
        case .completed: return "completed"
        case .unknown: return "unknown"
        }
    }
}

/// A job and why it is in its state ("job-printing", "printer-stopped"…).
public struct PrintJobStatus: Hashable, Sendable {
    public var id: Int
    public var state: PrintJobState
    public var reasons: [String]
    public var name: String?

    public init(id: Int, state: PrintJobState, reasons: [String] = [], name: String? = nil) {
        self.id = id
        self.state = state
        self.reasons = reasons
        self.name = name
    }
}

/// The printer's health, told apart the way the kiosk must react to it.
public enum PrinterHealth: Hashable, Sendable {
    /// Idle or printing, accepting jobs; `reasons` may carry warnings
    /// ("media-low-warning", "toner-low-report").
    case ready(reasons: [String])
    /// Stopped (paper out, jam, door open, disabled by cupsdisable): jobs wait.
    case stopped(reasons: [String])
    /// cupsd takes no new jobs for this queue (cupsreject).
    case notAcceptingJobs(reasons: [String])

    public var isReady: Bool { if case .ready = self { return true } else { return false } }

    public var reasons: [String] {
        switch self {
        case .ready(let r), .stopped(let r), .notAcceptingJobs(let r): return r
        }
    }

    /// Paper out, whatever the severity suffix.
    public var isOutOfPaper: Bool { reasons.contains { $0.hasPrefix("media-empty") || $0.hasPrefix("media-needed") } }

    /// What the assuré is told at the kiosk when the document cannot come
    /// out now. The request itself is never lost: it is recorded before
    /// printing is attempted.
    public var messageForAssure: String? {
        switch self {
        case .ready: return nil
        case .stopped where isOutOfPaper:
            return "L'imprimante de la borne n'a plus de papier. Votre demande est bien enregistrée ; votre document n'a pas pu être imprimé. Vous pourrez le télécharger sur votre compte ameli ou le demander à l'accueil."
        case .stopped, .notAcceptingJobs:
            return "L'imprimante de la borne est indisponible. Votre demande est bien enregistrée ; votre document n'a pas pu être imprimé. Vous pourrez le télécharger sur votre compte ameli ou le demander à l'accueil."
        }
    }
}

public enum PrintError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No cupsd answers at the address.
    case cupsUnreachable(server: String)
    /// cupsd answers but has no such queue.
    case unknownQueue(String)
    /// Not a name CUPS accepts (space, "/", "#", control characters, > 127 bytes).
    case invalidQueueName(String)
    /// cupsd refused the job (queue rejecting jobs, bad document…).
    case rejected(queue: String, status: Int, message: String)
    /// cupsd gave an answer the kiosk cannot read.
    case protocolError(String)
    /// The document could not be rendered.
    case rendering(String)

    public var description: String {
        switch self {
        case .cupsUnreachable(let s): return "CUPS is not reachable at \(s): start cupsd (systemctl start cups) or fix the print server in the configuration"
        case .invalidQueueName(let q): return "'\(q.debugDescription.dropFirst().dropLast())' is not a CUPS queue name: printable ASCII without space, / or #, at most 127 bytes"
        case .unknownQueue(let q): return "CUPS has no queue named '\(q)': create it (lpadmin -p \(q) …) or fix the queue name in the configuration"
        case .rejected(let q, let status, let message): return "CUPS refused the job on '\(q)' (IPP status 0x\(String(status, radix: 16))): \(message)"
        case .protocolError(let m): return "unexpected answer from CUPS: \(m)"
        case .rendering(let m): return "the document could not be rendered: \(m)"
        }
    }
}

/// The seam between the kiosk and its printer. `CUPSPrinter` is the real
/// one; every call is a short IPP exchange with cupsd.
public protocol PrintQueue: Sendable {
    /// Sends a PDF; returns cupsd's job id. `jobName` is the document's
    /// stable id, so the job can be found again after a crash.
    func submit(pdf: Data, jobName: String) async throws(PrintError) -> Int
    func status(jobID: Int) async throws(PrintError) -> PrintJobStatus
    /// The queue's jobs (kept in cupsd's history too) named `jobName`, oldest first.
    func jobs(named jobName: String) async throws(PrintError) -> [PrintJobStatus]
    func health() async throws(PrintError) -> PrinterHealth
    /// Cancels a job not printed yet (a personal document must not come out
    /// after the assuré has left).
    func cancel(jobID: Int) async throws(PrintError)
}
