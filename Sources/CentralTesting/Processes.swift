import Foundation
#if canImport(Glibc)
import Glibc
import ProcessHygiene
#endif

/// Errors of the test harness, saying what to install or look at.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Small process helpers for the harness (Foundation's Process).
enum Harness {
    /// Runs a command to completion; throws with its output when it fails.
    /// Output goes to a file, not a pipe: a daemon the command starts
    /// (pg_ctl start) would inherit a pipe and hold it open for ever.
    @discardableResult
    static func run(_ path: String, _ args: [String]) throws -> String {
        let (child, outURL) = try start(path, args)
        return try finish(child.wait(), path, args, outURL)
    }

    /// `run`, waiting without holding a thread (see `ChildProcess.exited`).
    @discardableResult
    static func run(_ path: String, _ args: [String]) async throws -> String {
        let (child, outURL) = try start(path, args)
        return try finish(await child.exited(), path, args, outURL)
    }

    private static func start(_ path: String, _ args: [String]) throws -> (ChildProcess, URL) {
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(UUID().uuidString).out")
        return (try ChildProcess.spawn(path, args, output: outURL), outURL)
    }

    private static func finish(_ status: Int32, _ path: String, _ args: [String], _ outURL: URL) throws -> String {
        defer { try? FileManager.default.removeItem(at: outURL) }
        let text = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw HarnessError("\(path) \(args.joined(separator: " ")) failed (\(status)): \(text.suffix(2000))")
        }
        return text
    }

    /// Starts a long-running process with its output in a file.
    static func spawn(_ path: String, _ args: [String], log: URL) throws -> ChildProcess {
        try ChildProcess.spawn(path, args, output: log)
    }

    /// A port nothing listens on now (the kernel's pick; tiny race accepted).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else { throw HarnessError("could not pick a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// True once something accepts TCP connections on the port.
    static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Waits for `port`; with `process`, stops waiting as soon as it has
    /// exited (a daemon that panicked at start never listens).
    static func waitForPort(_ port: Int, timeout: TimeInterval, what: String, log: URL? = nil, process: ChildProcess? = nil) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if isListening(port) { return }
            if let process, !process.isRunning { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        // On loaded cores the task may wake past the deadline: look once
        // more before calling a server that did start a failure.
        if isListening(port) { return }
        let tail = log.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.map { String($0.suffix(1500)) } ?? ""
        throw HarnessError("\(what) did not listen on 127.0.0.1:\(port) within \(timeout) s. \(tail)")
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A child process through posix_spawn and waitpid (Foundation's Process
/// can miss a child's exit when run from test tasks).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    private init(pid: pid_t) { self.pid = pid }

    static func spawn(_ path: String, _ args: [String], output: URL) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        ProcessHygiene.closeInheritedDescriptors(&actions)
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard rc == 0 else { throw HarnessError("cannot start \(path): \(String(cString: strerror(rc)))") }
        return ChildProcess(pid: pid)
    }

    /// Blocks until the child exits; its exit code (128+signal when killed).
    @discardableResult
    public func wait() -> Int32 {
        if let s = lock.withLock({ exitStatus }) { return s }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        lock.withLock { exitStatus = code }
        return code
    }

    /// Waits for the child to exit without holding a thread: Swift's
    /// concurrency pool has as many threads as cores (two on CI), and a
    /// blocking wait there (initdb takes seconds) stalls every in-process
    /// server of the test run meanwhile.
    @discardableResult
    public func exited() async -> Int32 {
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return wait()
    }

    public var isRunning: Bool {
        if lock.withLock({ exitStatus }) != nil { return false }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid {
            let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            lock.withLock { exitStatus = code }
            return false
        }
        return r == 0
    }

    public func signal(_ sig: Int32) { if isRunning { kill(pid, sig) } }

    /// SIGTERM, then SIGKILL after `timeout`.
    public func terminate(timeout: TimeInterval = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(10_000) }
        if isRunning { kill(pid, SIGKILL); wait() }
    }
}

/// Runs a program to completion and returns its output (stdout and stderr
/// together); throws with that output when it fails.
public func runProgram(_ path: String, _ args: [String]) async throws -> String {
    try await Harness.run(path, args)
}
