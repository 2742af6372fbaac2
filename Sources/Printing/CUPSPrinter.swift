import CCups
import Foundation

/// A CUPS queue, spoken to with libcups over IPP. Each call opens its own
/// connection to cupsd (a few milliseconds on the local socket), so the
/// value can be shared freely and survives cupsd restarts.
public struct CUPSPrinter: PrintQueue {
    /// The queue's name in cupsd (from the kiosk configuration).
    public let queue: String
    /// A socket path ("/run/cups/cups.sock"), "host" or "host:port"; nil
    /// means libcups' default (CUPS_SERVER, client.conf, local socket).
    public let server: String?

    public init(queue: String, server: String? = nil) {
        self.queue = queue
        self.server = server
    }

    private var serverDescription: String { server ?? String(cString: cupsServer()) }

    /// CUPS queue names: printable ASCII, no space, "/" or "#", at most 127 bytes.
    public static func isValidQueueName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 127
            && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "#") }
    }

    private func connect() throws(PrintError) -> OpaquePointer {
        guard Self.isValidQueueName(queue) else { throw .invalidQueueName(queue) }
        let address = server ?? String(cString: cupsServer())
        var host = address
        var port = Int32(ippPort())
        if !address.hasPrefix("/"), let colon = address.lastIndex(of: ":"), let p = Int32(address[address.index(after: colon)...]) {
            host = String(address[..<colon])
            port = p
        }
        guard let http = httpConnect2(host, port, nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 5000, nil) else {
            throw .cupsUnreachable(server: address)
        }
        return http
    }

    private var printerURI: String { "ipp://localhost/printers/\(queue)" }

    private static var lastError: (status: Int, message: String) {
        (Int(cupsLastError().rawValue), String(cString: cupsLastErrorString()))
    }

    /// Sends a request and returns the response, or the error told apart.
    private func perform(_ http: OpaquePointer, _ request: OpaquePointer) throws(PrintError) -> OpaquePointer {
        let response = cupsDoRequest(http, request, "/")
        let (status, message) = Self.lastError
        if status == Int(IPP_STATUS_ERROR_NOT_FOUND.rawValue) {
            if let response { ippDelete(response) }
            throw .unknownQueue(queue)
        }
        guard let response, status < 0x0400 else {
            if let response { ippDelete(response) }
            if status == Int(IPP_STATUS_ERROR_SERVICE_UNAVAILABLE.rawValue) && message.contains("connect") {
                throw .cupsUnreachable(server: serverDescription)
            }
            throw .rejected(queue: queue, status: status, message: message)
        }
        return response
    }

    private func newRequest(_ op: ipp_op_t, jobID: Int? = nil) -> OpaquePointer {
        let request = ippNewRequest(op)!
        if let jobID {
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI)
            ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", Int32(jobID))
        } else {
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI)
        }
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nil, cupsUser())
        return request
    }

    private static func strings(_ attr: OpaquePointer?) -> [String] {
        guard let attr else { return [] }
        return (0..<ippGetCount(attr)).compactMap { i in ippGetString(attr, i, nil).map { String(cString: $0) } }
    }

    private static func requestAttributes(_ request: OpaquePointer, _ names: [String]) {
        var cStrings = names.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: names.count) { p in
                _ = ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", Int32(names.count), nil, p)
            }
        }
    }

    /// libcups blocks (connect timeout up to 5 s): its calls run on their
    /// own threads, never on Swift concurrency's small pool.
    private static let io = DispatchQueue(label: "bms.printing.cups", attributes: .concurrent)

    private func offload<T: Sendable>(_ body: @escaping @Sendable () throws(PrintError) -> T) async throws(PrintError) -> T {
        let result: Result<T, PrintError> = await withCheckedContinuation { continuation in
            Self.io.async {
                do throws(PrintError) { continuation.resume(returning: .success(try body())) }
                catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }

    public func health() async throws(PrintError) -> PrinterHealth { try await offload { () throws(PrintError) in try healthNow() } }
    public func submit(pdf: Data, jobName: String) async throws(PrintError) -> Int {
        try await offload { () throws(PrintError) in try submitNow(pdf: pdf, jobName: jobName) }
    }
    public func status(jobID: Int) async throws(PrintError) -> PrintJobStatus {
        try await offload { () throws(PrintError) in try statusNow(jobID: jobID) }
    }
    public func jobs(named jobName: String) async throws(PrintError) -> [PrintJobStatus] {
        try await offload { () throws(PrintError) in try jobsNow(named: jobName) }
    }
    public func cancel(jobID: Int) async throws(PrintError) {
        try await offload { () throws(PrintError) in try cancelNow(jobID: jobID) }
    }

    func healthNow() throws(PrintError) -> PrinterHealth {
        let http = try connect()
        defer { httpClose(http) }
        let request = newRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)
        Self.requestAttributes(request, ["printer-state", "printer-state-reasons", "printer-is-accepting-jobs"])
        let response = try perform(http, request)
        defer { ippDelete(response) }
        guard let stateAttr = ippFindAttribute(response, "printer-state", IPP_TAG_ENUM) else {
            throw .protocolError("no printer-state for '\(queue)'")
        }
        let state = ippGetInteger(stateAttr, 0)
        let reasons = Self.strings(ippFindAttribute(response, "printer-state-reasons", IPP_TAG_KEYWORD))
            .filter { $0 != "none" }
        let accepting = ippFindAttribute(response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN).map { ippGetBoolean($0, 0) != 0 } ?? true
        if state == IPP_PSTATE_STOPPED.rawValue { return .stopped(reasons: reasons) }
        if !accepting { return .notAcceptingJobs(reasons: reasons) }
        return .ready(reasons: reasons)
    }

    func submitNow(pdf: Data, jobName: String) throws(PrintError) -> Int {
        let http = try connect()
        defer { httpClose(http) }
        let jobID = Int(cupsCreateJob(http, queue, jobName, 0, nil))
        guard jobID > 0 else { throw classifySubmitError() }
        guard cupsStartDocument(http, queue, Int32(jobID), jobName, CUPS_FORMAT_PDF, 1) == HTTP_STATUS_CONTINUE else {
            throw classifySubmitError()
        }
        let written = pdf.withUnsafeBytes { bytes in
            cupsWriteRequestData(http, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard written == HTTP_STATUS_CONTINUE else { throw classifySubmitError() }
        let finished = cupsFinishDocument(http, queue)
        guard finished.rawValue < 0x0400 else { throw classifySubmitError() }
        return jobID
    }

    /// cupsd down and unknown queue can give the same submit error: a
    /// printer-attributes request tells them apart.
    private func classifySubmitError() -> PrintError {
        let (status, message) = Self.lastError
        do {
            _ = try healthNow()
        } catch {
            return error
        }
        return .rejected(queue: queue, status: status, message: message)
    }

    func statusNow(jobID: Int) throws(PrintError) -> PrintJobStatus {
        let http = try connect()
        defer { httpClose(http) }
        let request = newRequest(IPP_OP_GET_JOB_ATTRIBUTES, jobID: jobID)
        Self.requestAttributes(request, ["job-id", "job-state", "job-state-reasons", "job-name"])
        let response: OpaquePointer
        do {
            response = try perform(http, request)
        } catch .unknownQueue {
            // Not found here is the job, not the queue, when the queue exists.
            _ = try healthNow()
            return PrintJobStatus(id: jobID, state: .unknown)
        }
        defer { ippDelete(response) }
        guard let stateAttr = ippFindAttribute(response, "job-state", IPP_TAG_ENUM) else {
            throw .protocolError("no job-state for job \(jobID)")
        }
        return PrintJobStatus(
            id: jobID, state: PrintJobState(ippJobState: Int(ippGetInteger(stateAttr, 0))),
            reasons: Self.strings(ippFindAttribute(response, "job-state-reasons", IPP_TAG_KEYWORD)).filter { $0 != "none" },
            name: ippFindAttribute(response, "job-name", IPP_TAG_NAME).flatMap { ippGetString($0, 0, nil) }.map { String(cString: $0) })
    }

    func jobsNow(named jobName: String) throws(PrintError) -> [PrintJobStatus] {
        let http = try connect()
        defer { httpClose(http) }
        let request = newRequest(IPP_OP_GET_JOBS)
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", nil, "all")
        Self.requestAttributes(request, ["job-id", "job-state", "job-state-reasons", "job-name"])
        let response = try perform(http, request)
        defer { ippDelete(response) }
        var found: [PrintJobStatus] = []
        var id: Int?, state: Int?, name: String?, reasons: [String] = []
        func flush() {
            if let id, let state, name == jobName {
                found.append(PrintJobStatus(id: id, state: PrintJobState(ippJobState: state), reasons: reasons, name: name))
            }
            id = nil; state = nil; name = nil; reasons = []
        }
        var attr = ippFirstAttribute(response)
        while let a = attr {
            if ippGetGroupTag(a) == IPP_TAG_JOB, let cName = ippGetName(a) {
                switch String(cString: cName) {
                case "job-id": id = Int(ippGetInteger(a, 0))
                case "job-state": state = Int(ippGetInteger(a, 0))
                case "job-name": name = ippGetString(a, 0, nil).map { String(cString: $0) }
                case "job-state-reasons": reasons = Self.strings(a).filter { $0 != "none" }
                default: break
                }
            } else {
                flush()
            }
            attr = ippNextAttribute(response)
        }
        flush()
        return found.sorted { $0.id < $1.id }
    }

    func cancelNow(jobID: Int) throws(PrintError) {
        let http = try connect()
        defer { httpClose(http) }
        let request = newRequest(IPP_OP_CANCEL_JOB, jobID: jobID)
        let response = try perform(http, request)
        ippDelete(response)
    }
}
