import Foundation
#if canImport(Glibc)
import Glibc
import ProcessHygiene
#endif

/// A private pcscd for tests and the demo: its own reader.conf with one
/// vpcd reader on a free port, started in the foreground and stopped with
/// SIGTERM. pcscd's socket is machine-wide, so only one runs at a time:
/// tests that use it belong in one `.serialized` suite.
public final class PCSCDaemon: @unchecked Sendable {
    public let port: UInt16
    public let directory: URL
    /// The PC/SC name of the reader's first slot (the virtual cards' port).
    public let readerName: String
    private let process: Child
    /// The machine-wide turn (see `MachineLock`), released on stop.
    private let turn: MachineLock

    public enum DaemonError: Error, CustomStringConvertible {
        case missing(String)
        case alreadyRunning(pid: String)
        case notReady(log: String)
        public var description: String {
            switch self {
            case .missing(let what): return "\(what) is missing: apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd"
            case .alreadyRunning(let pid): return "a pcscd is already running (pid \(pid)); stop it first (systemctl stop pcscd pcscd.socket): only one can run per machine"
            case .notReady(let log): return "pcscd did not become ready; its log ends with:\n\(log)"
            }
        }
    }

    public static let pcscdPath = "/usr/sbin/pcscd"
    public static let vpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
    static let friendlyName = "BMS Virtual PCD"

    private init(port: UInt16, directory: URL, process: Child, turn: MachineLock) {
        self.port = port; self.directory = directory; self.process = process; self.turn = turn
        self.readerName = "\(PCSCDaemon.friendlyName) 00 00"
    }

    /// Starts pcscd and waits for "daemon ready" (up to `timeout`). Test
    /// suites of several targets run at once in one `swift test`: each
    /// waits its turn (up to `turnTimeout`) for the one pcscd a machine has.
    public static func start(port: UInt16? = nil, timeout: Duration = .seconds(60),
                             turnTimeout: Duration = .seconds(900)) async throws -> PCSCDaemon {
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: pcscdPath) else { throw DaemonError.missing("pcscd (\(pcscdPath))") }
        guard fm.fileExists(atPath: vpcdDriver) else { throw DaemonError.missing("the vpcd driver (\(vpcdDriver))") }
        let turn = try await MachineLock.acquire(path: fm.temporaryDirectory.appendingPathComponent("bms-pcscd.lock").path, timeout: turnTimeout)
        if let pid = try? String(contentsOfFile: "/run/pcscd/pcscd.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           let n = Int32(pid), kill(n, 0) == 0 {
            throw DaemonError.alreadyRunning(pid: pid)
        }
        let port = port ?? freePortPair()
        let dir = fm.temporaryDirectory.appendingPathComponent("bms-pcscd-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = """
            FRIENDLYNAME "\(friendlyName)"
            DEVICENAME   /dev/null:\(port)
            LIBPATH      \(vpcdDriver)
            CHANNELID    \(port)

            """
        let confDir = dir.appendingPathComponent("reader.conf.d")
        try fm.createDirectory(at: confDir, withIntermediateDirectories: true)
        try conf.write(to: confDir.appendingPathComponent("vpcd"), atomically: true, encoding: .utf8)
        let logURL = dir.appendingPathComponent("pcscd.log")
        _ = fm.createFile(atPath: logURL.path, contents: nil)
        let p = try Child.spawn(pcscdPath, ["--foreground", "--info", "-c", confDir.path], output: logURL.path)
        let daemon = PCSCDaemon(port: port, directory: dir, process: p, turn: turn)
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if text.contains("daemon ready") || text.contains("Daemon ready") { return daemon }
            if !p.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        var text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        if !p.isRunning {
            text += "\n(pcscd exited: is another pcscd running? only one can use /run/pcscd/pcscd.comm)"
        }
        await daemon.stop()
        throw DaemonError.notReady(log: String(text.suffix(2000)))
    }

    public var isRunning: Bool { process.isRunning }


    /// SIGTERM, then waits (SIGKILL after 5 s).
    public func stop() async {
        guard process.isRunning else { turn.release(); return }
        process.signal(SIGTERM)
        let start = ContinuousClock.now
        while process.isRunning {
            if ContinuousClock.now - start > .seconds(5) { process.signal(SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        turn.release()
    }

    /// The daemon's log so far (for a failing test's message).
    public var log: String { (try? String(contentsOf: directory.appendingPathComponent("pcscd.log"), encoding: .utf8)) ?? "" }

    /// A daemon dropped without `stop()` (a failing test) is still ended:
    /// SIGTERM, then SIGKILL after 2 s, since a vpcd reader can keep pcscd
    /// from honouring SIGTERM and the next test could not start its own.
    deinit {
        if process.isRunning {
            process.signal(SIGTERM)
            let start = ContinuousClock.now
            while process.isRunning && ContinuousClock.now - start < .seconds(2) { usleep(10_000) }
            if process.isRunning { process.signal(SIGKILL); while process.isRunning { usleep(10_000) } }
        }
        turn.release()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port whose successor is free too (vpcd may use port and port + 1).
    public static func freePortPair() -> UInt16 {
        for _ in 0..<50 {
            let p = ephemeralPort()
            if p < 65535, canBind(p + 1) { return p }
        }
        return 35990
    }

    static func ephemeralPort() -> UInt16 {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = INADDR_ANY
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }

    static func canBind(_ port: UInt16) -> Bool {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }
}

/// An exclusive flock on a file: one holder per machine (flock locks
/// belong to the open file, so two holders in one process exclude each
/// other too). Polled, so a waiting task blocks no thread.
final class MachineLock: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    static func acquire(path: String, timeout: Duration) async throws -> MachineLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw PCSCDaemon.DaemonError.missing("a lock file at \(path) (errno \(errno))") }
        let start = ContinuousClock.now
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard ContinuousClock.now - start < timeout else {
                close(fd)
                throw PCSCDaemon.DaemonError.notReady(log: "another test's pcscd held \(path) for longer than \(timeout)")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return MachineLock(fd: fd)
    }

    func release() {
        let f: Int32 = lock.withLock { defer { fd = -1 }; return fd }
        guard f >= 0 else { return }
        flock(f, LOCK_UN)
        close(f)
    }

    deinit { release() }
}

/// A child process started with posix_spawn, with every signal unblocked
/// and at its default: Foundation's Process passes on the caller's blocked
/// signals (the test runner blocks some), and pcscd then never sees SIGTERM.
final class Child: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var exited = false

    private init(pid: pid_t) { self.pid = pid }

    static func spawn(_ path: String, _ arguments: [String], output: String) throws -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        ProcessHygiene.closeInheritedDescriptors(&actions)
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw PCSCDaemon.DaemonError.missing("\(path) (posix_spawn: \(String(cString: strerror(rc))))") }
        return Child(pid: pid)
    }

    /// Reaps the child when it has exited.
    var isRunning: Bool {
        lock.withLock {
            if exited { return false }
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r < 0 && errno == ECHILD) { exited = true; return false }
            return true
        }
    }

    func signal(_ sig: Int32) { if isRunning { kill(pid, sig) } }
}
