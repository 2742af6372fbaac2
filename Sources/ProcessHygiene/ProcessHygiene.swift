#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What a child process must not inherit. Tests and tools start daemons
/// (pcscd, cupsd, PostgreSQL, Kannel, bms-central) while other work of the
/// same process holds sockets and pipes; a descriptor without close-on-exec
/// then lives on in the daemon: a listening port stays taken after its
/// server stopped, a pipe never reaches end of file. Every spawn closes
/// what is above stderr.
public enum ProcessHygiene {
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Adds, as the last file action, the closing of every descriptor from 3
    /// up (glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, looked up
    /// at run time as Swift does not import it). Where the C library lacks
    /// it, marks this process's descriptors close-on-exec instead.
    public static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
            if addCloseFrom(&actions, 3) == 0 { return }
        }
        markDescriptorsCloseOnExec()
    }

    /// Sets FD_CLOEXEC on every open descriptor above stderr.
    public static func markDescriptorsCloseOnExec() {
        guard let dir = opendir("/proc/self/fd") else { return }
        defer { closedir(dir) }
        let own = dirfd(dir)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd > 2, fd != own else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}

extension ProcessHygiene {
    /// Runs blocking work (a child's wait, a socket poll) on a thread of its
    /// own. Swift's concurrency pool has one thread per core: on a 2-core
    /// machine two blocking waits on it stall every task of the process,
    /// in-process servers included.
    public static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

extension ProcessHygiene {
    /// An executable built beside the running test bundle (`swift test`
    /// builds every product there), nil when it is not built.
    public static func builtExecutable(_ name: String) -> URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return nil
    }
}
