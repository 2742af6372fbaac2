#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Test harness standing in for systemd's notify socket: binds a datagram
/// socket in a private directory (with SO_PASSCRED, so each message carries
/// the sender's pid), and gives the environment a child process (or an
/// in-process `SystemdNotifier`) needs: NOTIFY_SOCKET and WATCHDOG_USEC.
/// Shipped in the library so that other parts' tests can watch a real
/// `bms-kiosk` or `bms-central` process.
public final class NotifySocketListener: @unchecked Sendable {
    public struct Message: Sendable, Hashable {
        /// The datagram's text (`READY=1`, `WATCHDOG=1`, `STATUS=…`).
        public var text: String
        /// The sender's pid (from SCM_CREDENTIALS), 0 if not given.
        public var pid: Int32
        /// When it arrived (monotonic).
        public var received: ContinuousClock.Instant
        public var assignments: [String] { text.split(separator: "\n").map(String.init) }
    }

    public enum HarnessError: Error, CustomStringConvertible {
        case socket(String)
        public var description: String { switch self { case .socket(let s): "notify socket harness: \(s)" } }
    }

    public let path: String
    private let directory: URL
    private let fd: Int32

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("notify.sock").path
        #if os(Linux)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw HarnessError.socket("socket(): errno \(errno)") }
        var on: Int32 = 1
        #if os(Linux)
        setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let bound = withUnixAddress(path) { address, length in bind(fd, address, length) }
        guard bound == 0 else {
            close(fd)
            throw HarnessError.socket("bind(\(path)): errno \(errno)")
        }
    }

    deinit {
        close(fd)
        try? FileManager.default.removeItem(at: directory)
    }

    /// What to add to a child's environment. `watchdog`: the timeout
    /// (WATCHDOG_USEC); the child pings at half of it.
    public func environment(watchdog: Duration? = nil) -> [String: String] {
        var env = ["NOTIFY_SOCKET": path]
        if let watchdog {
            let usec = watchdog.components.seconds * 1_000_000 + watchdog.components.attoseconds / 1_000_000_000_000
            env["WATCHDOG_USEC"] = String(usec)
        }
        return env
    }

    /// The next message, or nil after `timeout`.
    public func receive(timeout: Duration) -> Message? {
        let ms = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, ms)
        guard ready > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var control = [UInt8](repeating: 0, count: 64)
        var pid: Int32 = 0
        let n: Int = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { ctl in
                var iov = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &iov) { iovPointer in
                    var header = msghdr()
                    header.msg_iov = iovPointer
                    header.msg_iovlen = 1
                    header.msg_control = ctl.baseAddress
                    header.msg_controllen = ctl.count
                    let n = recvmsg(fd, &header, 0)
                    #if os(Linux)
                    // One cmsghdr {len: size_t, level: int, type: int} then struct ucred {pid, uid, gid}.
                    let headerSize = MemoryLayout<Int>.size + 8
                    if n >= 0, header.msg_controllen >= headerSize + 12 {
                        let level = ctl.load(fromByteOffset: MemoryLayout<Int>.size, as: Int32.self)
                        let type = ctl.load(fromByteOffset: MemoryLayout<Int>.size + 4, as: Int32.self)
                        if level == SOL_SOCKET && type == 2 /* SCM_CREDENTIALS: an enum Swift does not import */ {
                            pid = ctl.load(fromByteOffset: headerSize, as: Int32.self)
                        }
                    }
                    #endif
                    return n
                }
            }
        }
        guard n >= 0 else { return nil }
        return Message(text: String(decoding: buffer.prefix(n), as: UTF8.self), pid: pid, received: .now)
    }

    /// Every message until `deadline` passes.
    public func collect(for duration: Duration) -> [Message] {
        let end = ContinuousClock.now + duration
        var messages: [Message] = []
        while case let left = end - .now, left > .zero {
            if let m = receive(timeout: left) { messages.append(m) }
        }
        return messages
    }
}
