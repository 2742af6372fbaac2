import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A virtual card in a vpcd reader: the card is the TCP client of pcscd's
/// vpcd driver. `insert()` connects (the card appears in the reader),
/// `pull()` closes (the card leaves). Frames are a big-endian UInt16
/// length then the payload; TCP_QUICKACK is set after every recv, since
/// Debian's vpcd writes length and payload separately with Nagle on.
public final class VirtualCardConnection: @unchecked Sendable {
    public let applet: CardApplet
    public let host: String
    public let port: UInt16
    let logger: Logger
    private let lock = NSLock()
    private var fd: Int32 = -1
    private var thread: Thread?
    private var done = DispatchSemaphore(value: 0)

    public enum ConnectionError: Error, CustomStringConvertible {
        case cannotConnect(host: String, port: UInt16, errno: Int32)
        public var description: String {
            switch self {
            case .cannotConnect(let h, let p, let e):
                return "cannot reach vpcd at \(h):\(p) (\(String(cString: strerror(e)))): is pcscd running with a vpcd reader on this port?"
            }
        }
    }

    public init(applet: CardApplet, host: String = "127.0.0.1", port: UInt16, logger: Logger = Logger(label: "bms.card.virtual")) {
        self.applet = applet; self.host = host; self.port = port; self.logger = logger
    }

    public var isInserted: Bool { lock.withLock { fd >= 0 } }

    /// Connects to vpcd, retrying until `timeout` (pcscd may still be
    /// starting), then serves frames on a thread of its own.
    public func insert(timeout: Duration = .seconds(5)) throws {
        guard !isInserted else { return }
        let start = ContinuousClock.now
        var lastErrno: Int32 = 0
        while true {
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &addr.sin_addr)
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            if rc == 0 {
                var one: Int32 = 1
                setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                lock.withLock { fd = s }
                break
            }
            lastErrno = errno
            close(s)
            if ContinuousClock.now - start > timeout { throw ConnectionError.cannotConnect(host: host, port: port, errno: lastErrno) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        done = DispatchSemaphore(value: 0)
        let t = Thread { [self] in serve(); done.signal() }
        t.name = "bms.virtual-card"
        thread = t
        t.start()
    }

    /// Takes the card out of the reader and waits for the serving thread.
    public func pull() {
        let s: Int32 = lock.withLock { defer { fd = -1 }; return fd }
        guard s >= 0 else { return }
        shutdown(s, Int32(SHUT_RDWR))
        done.wait()
        close(s)
    }

    deinit { pull() }

    private func serve() {
        let s = lock.withLock { fd }
        while true {
            guard let frame = readFrame(s) else { break }
            if frame.count == 1 {
                applet.control(frame[0])
                if frame[0] == 0x04 { guard writeFrame(s, applet.answerATR()) else { break } }
                continue
            }
            switch applet.process(frame) {
            case .respond(let bytes): guard writeFrame(s, bytes) else { return }
            case .silence: continue
            case .pull:
                // Leave as a pulled card does: the socket goes away.
                let mine: Bool = lock.withLock { if fd == s { fd = -1; return true }; return false }
                shutdown(s, Int32(SHUT_RDWR))
                if mine { close(s) }
                return
            }
        }
    }

    private func readExactly(_ s: Int32, _ n: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            let r = buf.withUnsafeMutableBytes { recv(s, $0.baseAddress! + got, n - got, 0) }
            if r <= 0 { if r < 0 && errno == EINTR { continue }; return nil }
            got += r
            var one: Int32 = 1
            setsockopt(s, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        return buf
    }

    private func readFrame(_ s: Int32) -> [UInt8]? {
        guard let header = readExactly(s, 2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        if length == 0 { return [] }
        return readExactly(s, length)
    }

    private func writeFrame(_ s: Int32, _ payload: [UInt8]) -> Bool {
        let out = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        var sent = 0
        while sent < out.count {
            let r = out.withUnsafeBytes { send(s, $0.baseAddress! + sent, out.count - sent, Int32(MSG_NOSIGNAL)) }
            if r <= 0 { if r < 0 && errno == EINTR { continue }; return false }
            sent += r
        }
        return true
    }
}
