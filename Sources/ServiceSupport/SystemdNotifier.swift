#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// sd_notify without libsystemd: one datagram to `$NOTIFY_SOCKET` per
/// message (a leading `@` names an abstract socket). Without
/// NOTIFY_SOCKET (not started by systemd, or `Type=simple`) every call is
/// a no-op, as libsystemd's is.
public struct SystemdNotifier: Sendable {
    /// The socket address from NOTIFY_SOCKET, nil when not under systemd.
    public let socketPath: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        // Only a local path or an abstract name (systemd also allows vsock:…, not used here).
        socketPath = path.flatMap { $0.hasPrefix("/") || $0.hasPrefix("@") ? $0 : nil }
    }

    public var isEnabled: Bool { socketPath != nil }

    /// The service is up: systemd starts what is ordered after it.
    @discardableResult public func ready(status: String? = nil) -> Bool {
        notify(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? []))
    }

    /// The main loop is alive (only send when it is: see `WatchdogPinger`).
    @discardableResult public func watchdog() -> Bool { notify(["WATCHDOG=1"]) }

    /// One line for `systemctl status`. No personal data.
    @discardableResult public func status(_ text: String) -> Bool { notify(["STATUS=\(text)"]) }

    @discardableResult public func stopping() -> Bool { notify(["STOPPING=1"]) }

    /// Sends `assignments` (`KEY=value`) in one datagram. False when not
    /// under systemd or when the send failed (never throws: a kiosk must
    /// not stop because its supervisor is gone).
    @discardableResult public func notify(_ assignments: [String]) -> Bool {
        guard let socketPath else { return false }
        let message = assignments.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        return Self.send(Array(message.utf8), to: socketPath)
    }

    static func send(_ bytes: [UInt8], to path: String) -> Bool {
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return withUnixAddress(path) { address, length in
            bytes.withUnsafeBytes { buffer in
                sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), address, length) == buffer.count
            }
        } ?? false
    }
}

/// Calls `body` with a `sockaddr_un` for `path` (`@name` = abstract).
/// Nil when the path does not fit.
func withUnixAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    var bytes = Array(path.utf8)
    let abstract = bytes.first == UInt8(ascii: "@")
    if abstract { bytes[0] = 0 }
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity || (abstract && bytes.count <= capacity) else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
    }
    let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
    // An abstract name's length is exact (no terminating NUL); a path's includes the NUL.
    let length = socklen_t(offset + bytes.count + (abstract ? 0 : 1))
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
    }
}
