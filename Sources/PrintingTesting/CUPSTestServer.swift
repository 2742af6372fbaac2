import Foundation
import Printing
#if canImport(Glibc)
import Glibc
import ProcessHygiene
#endif

/// A private cupsd for tests and the technician's demo: its own config,
/// spool, logs and Unix socket in a temporary directory, so several can
/// run at once next to the machine's own CUPS. Queues print through a tiny
/// backend that writes each job to its own file and can simulate faults.
///
///     let cups = try await CUPSTestServer.start()
///     defer { cups.stop() }
///     try cups.addQueue("kiosk")
///     let printer = cups.printer(queue: "kiosk")
public final class CUPSTestServer: @unchecked Sendable {
    public enum HarnessError: Error, CustomStringConvertible {
        case missingPackage(tool: String, package: String)
        case startFailed(String)
        case commandFailed(command: String, status: Int32, output: String)
        case timeout(String)

        public var description: String {
            switch self {
            case .missingPackage(let tool, let package): return "\(tool) not found: install the Debian package \(package) (apt-get install \(package))"
            case .startFailed(let m): return "the private cupsd did not start: \(m)"
            case .commandFailed(let c, let s, let o): return "\(c) failed (exit \(s)): \(o)"
            case .timeout(let m): return "timed out: \(m)"
            }
        }
    }

    /// A fault the backend simulates on its next runs, until cleared.
    public enum BackendFault: String, Sendable {
        /// Paper out: `STATE: +media-empty-error`, exit 4 (stop printer);
        /// the job waits until the queue is enabled again.
        case mediaEmpty = "media-empty"
        /// The device fails: exit 1 (with printer-error-policy abort-job,
        /// the job is aborted).
        case fail
    }

    public let directory: URL
    public let socketPath: String
    private let daemon: Daemon
    private let lock = NSLock()
    private var stopped = false

    static let backendName = "bmstest"

    /// Shell backend. Argument-less call: device discovery (nothing to
    /// report). DEVICE_URI is `bmstest:/dir/out/QUEUE`; the fault file sits
    /// next to the output directory.
    static let backendScript = #"""
    #!/bin/sh
    # BMS kiosk test backend: one file per job, faults on demand.
    [ $# -eq 0 ] && exit 0
    out="${DEVICE_URI#bmstest:}"
    fault="$out.fault"
    if [ -f "$fault" ]; then
      case "$(cat "$fault")" in
        media-empty) echo "STATE: +media-empty-error" >&2; echo "ERROR: out of paper" >&2; exit 4 ;;
        fail) echo "ERROR: simulated device failure" >&2; exit 1 ;;
      esac
    fi
    tmp="$out/.job-$1-$$.tmp"
    if [ -n "$6" ]; then cat "$6" > "$tmp"; else cat > "$tmp"; fi || exit 1
    mv "$tmp" "$out/job-$1-$$.pdf"
    echo "STATE: -media-empty-error" >&2
    exit 0
    """#

    private init(directory: URL, socketPath: String, daemon: Daemon) {
        self.directory = directory
        self.socketPath = socketPath
        self.daemon = daemon
    }

    static func tool(_ path: String, package: String) throws(HarnessError) -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw .missingPackage(tool: path, package: package) }
        return path
    }

    /// Writes the configuration, starts cupsd and waits until it answers.
    public static func start() async throws -> CUPSTestServer {
        let cupsd = try tool("/usr/sbin/cupsd", package: "cups")
        _ = try tool("/usr/sbin/lpadmin", package: "cups-client")
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bms-cups-\(UUID().uuidString.prefix(8))")
        let d = dir.path
        for sub in ["etc", "etc/ppd", "state", "cache", "spool", "tmp", "log", "run", "out", "serverbin", "serverbin/backend"] {
            try fm.createDirectory(atPath: "\(d)/\(sub)", withIntermediateDirectories: true)
        }
        // cupsd runs filters and 0755 backends as lp: lp must reach the
        // directory, its temp dir and the output directories.
        for (path, mode) in [(d, 0o755), ("\(d)/serverbin", 0o755), ("\(d)/serverbin/backend", 0o755),
                             ("\(d)/tmp", 0o1777), ("\(d)/out", 0o1777)] {
            try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        for sub in ["filter", "daemon", "cgi-bin", "monitor", "notifier", "driver"] where fm.fileExists(atPath: "/usr/lib/cups/\(sub)") {
            try fm.createSymbolicLink(atPath: "\(d)/serverbin/\(sub)", withDestinationPath: "/usr/lib/cups/\(sub)")
        }
        let backend = "\(d)/serverbin/backend/\(backendName)"
        // 0755: run as lp like a real backend (0700 would run it as root).
        // O_CLOEXEC: a child forked meanwhile by a parallel test must not
        // keep it open for writing, or exec fails with "text file busy".
        let fd = open(backend, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw HarnessError.startFailed("cannot write \(backend)") }
        let bytes = Array(backendScript.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw HarnessError.startFailed("cannot write \(backend)") }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: backend)

        let socket = "\(d)/run/cups.sock"
        try """
        LogLevel info
        Listen \(socket)
        Browsing No
        WebInterface No
        DefaultAuthType None
        DefaultEncryption Never
        PreserveJobHistory Yes
        PreserveJobFiles No
        JobRetryLimit 0
        MaxJobs 0
        <Location />
          Order allow,deny
          Allow all
        </Location>
        <Policy default>
          JobPrivateAccess all
          JobPrivateValues none
          SubscriptionPrivateAccess all
          SubscriptionPrivateValues none
          <Limit All>
            Order deny,allow
          </Limit>
        </Policy>

        """.write(toFile: "\(d)/etc/cupsd.conf", atomically: true, encoding: .utf8)
        try """
        ServerRoot \(d)/etc
        StateDir \(d)/state
        CacheDir \(d)/cache
        RequestRoot \(d)/spool
        TempDir \(d)/tmp
        ServerBin \(d)/serverbin
        AccessLog \(d)/log/access_log
        ErrorLog \(d)/log/error_log
        PageLog \(d)/log/page_log
        Printcap \(d)/printcap
        FileDevice Yes
        User lp
        Group lp
        SystemGroup root

        """.write(toFile: "\(d)/etc/cups-files.conf", atomically: true, encoding: .utf8)

        let daemon = try Daemon.spawn(cupsd, ["-f", "-c", "\(d)/etc/cupsd.conf", "-s", "\(d)/etc/cups-files.conf"],
                                      log: "\(d)/log/cupsd.out")
        let server = CUPSTestServer(directory: dir, socketPath: socket, daemon: daemon)
        // Ready when it answers lpstat on its socket.
        for _ in 0..<200 {
            if let status = daemon.exitStatus() {
                let out = (try? String(contentsOfFile: "\(d)/log/cupsd.out", encoding: .utf8)) ?? ""
                let err = (try? String(contentsOfFile: "\(d)/log/error_log", encoding: .utf8)) ?? ""
                throw HarnessError.startFailed("cupsd exited with \(status): \(out)\(err.suffix(2000))")
            }
            if fm.fileExists(atPath: socket), (try? server.run("/usr/bin/lpstat", ["-r"])) != nil { return server }
            try await Task.sleep(for: .milliseconds(25))
        }
        server.stop()
        throw HarnessError.timeout("cupsd did not answer on \(socket) within 5 s (see \(d)/log)")
    }

    /// A queue named `name` with a PDF printer PPD (A4), printing through
    /// the test backend into `outputDirectory(queue:)`.
    /// `errorPolicy`: "stop-printer" (cupsd's default) or "abort-job".
    public func addQueue(_ name: String, errorPolicy: String = "stop-printer") throws {
        let out = outputDirectory(queue: name)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: out.path)
        let ppd = "/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd"
        var args = ["-p", name, "-E", "-v", "\(Self.backendName):\(out.path)"]
        if FileManager.default.fileExists(atPath: ppd) {
            args += ["-P", ppd, "-o", "PageSize=A4"]
        } else {
            throw HarnessError.missingPackage(tool: ppd, package: "cups-filters (pulled in by cups)")
        }
        args += ["-o", "printer-error-policy=\(errorPolicy)"]
        try run("/usr/sbin/lpadmin", args)
    }

    /// The real client for a queue of this server.
    public func printer(queue: String) -> CUPSPrinter { CUPSPrinter(queue: queue, server: socketPath) }

    public func outputDirectory(queue: String) -> URL { directory.appendingPathComponent("out/\(queue)") }

    /// The PDF files the backend wrote for a queue, in job order.
    public func printedFiles(queue: String) -> [URL] {
        let dir = outputDirectory(queue: queue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".pdf") }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// Makes the backend fail on its next runs (nil: print normally again).
    public func setFault(_ fault: BackendFault?, queue: String) throws {
        let path = outputDirectory(queue: queue).path + ".fault"
        if let fault {
            try fault.rawValue.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// `cupsenable`: restarts a stopped queue, its waiting jobs print.
    public func enable(queue: String) throws { try run("/usr/sbin/cupsenable", [queue]) }

    /// `cupsdisable`: stops a queue, as a technician would.
    public func disable(queue: String) throws { try run("/usr/sbin/cupsdisable", [queue]) }

    /// Waits until the job reaches a final state or `predicate` holds.
    public func waitForJob(_ jobID: Int, queue: String, seconds: Double = 20,
                           until predicate: @Sendable (PrintJobStatus) -> Bool = { $0.state.isFinal }) async throws -> PrintJobStatus {
        let printer = printer(queue: queue)
        let deadline = Date().addingTimeInterval(seconds)
        var last: PrintJobStatus?
        while Date() < deadline {
            let status = try await printer.status(jobID: jobID)
            if predicate(status) { return status }
            last = status
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError.timeout("job \(jobID) on \(queue) still \(last.map { "\($0.state) \($0.reasons)" } ?? "unknown") after \(seconds) s")
    }

    /// Waits until the queue's health satisfies `predicate`.
    public func waitForHealth(queue: String, seconds: Double = 20,
                              until predicate: @Sendable (PrinterHealth) -> Bool) async throws -> PrinterHealth {
        let printer = printer(queue: queue)
        let deadline = Date().addingTimeInterval(seconds)
        var last: PrinterHealth?
        while Date() < deadline {
            let health = try await printer.health()
            if predicate(health) { return health }
            last = health
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError.timeout("queue \(queue) still \(String(describing: last)) after \(seconds) s")
    }

    /// Runs a CUPS client tool against this server.
    @discardableResult
    public func run(_ tool: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CUPS_SERVER"] = socketPath
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else {
            throw HarnessError.commandFailed(command: ([tool] + arguments).joined(separator: " "), status: p.terminationStatus, output: output)
        }
        return output
    }

    /// The cupsd error log, for test failure messages.
    public var errorLog: String {
        (try? String(contentsOfFile: directory.appendingPathComponent("log/error_log").path, encoding: .utf8)) ?? ""
    }

    /// SIGTERM, then waits for cupsd to exit; removes the directory.
    public func stop(keepDirectory: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        daemon.terminate()
        if !keepDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    deinit { stop() }
}

/// A child started with posix_spawn and a clean signal mask. Foundation's
/// Process starts children from a dispatch thread whose blocked signals
/// they inherit: cupsd would then ignore SIGTERM and never see SIGCHLD
/// from its filters (jobs stuck in "processing").
final class Daemon: @unchecked Sendable {
    let pid: pid_t
    private var status: Int32?

    private init(pid: pid_t) { self.pid = pid }

    static func spawn(_ path: String, _ arguments: [String], log: String) throws -> Daemon {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        ProcessHygiene.closeInheritedDescriptors(&actions)
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, environ)
        guard rc == 0 else { throw CUPSTestServer.HarnessError.startFailed("posix_spawn \(path): \(String(cString: strerror(rc)))") }
        return Daemon(pid: pid)
    }

    /// The exit status once the child has exited (reaps it), else nil.
    func exitStatus() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid {
            status = raw
            return raw
        }
        return nil
    }

    /// SIGTERM, up to 5 s for a clean exit, then SIGKILL.
    func terminate() {
        guard exitStatus() == nil else { return }
        kill(pid, SIGTERM)
        for _ in 0..<500 {
            if exitStatus() != nil { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        var raw: Int32 = 0
        waitpid(pid, &raw, 0)
        status = raw
    }
}
