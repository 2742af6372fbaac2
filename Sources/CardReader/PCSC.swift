import CPCSCLite
import Foundation

/// A pcsc-lite return code that is not success. `code` is the PC/SC value
/// (`0x80100067`…); the description says what it means for the kiosk.
public struct PCSCError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: UInt32
    public var operation: String

    public init(code: UInt32, operation: String) { self.code = code; self.operation = operation }

    public static let cancelled: UInt32 = 0x8010_0002
    public static let invalidHandle: UInt32 = 0x8010_0003
    public static let timeout: UInt32 = 0x8010_000A
    public static let protoMismatch: UInt32 = 0x8010_000F
    public static let notTransacted: UInt32 = 0x8010_0016
    public static let readerUnavailable: UInt32 = 0x8010_0017
    public static let noService: UInt32 = 0x8010_001D
    public static let noReadersAvailable: UInt32 = 0x8010_002E
    public static let serviceStopped: UInt32 = 0x8010_001E
    public static let unknownReader: UInt32 = 0x8010_0009
    public static let noSmartcard: UInt32 = 0x8010_000C
    public static let unsupportedCard: UInt32 = 0x8010_0065
    public static let unresponsiveCard: UInt32 = 0x8010_0066
    public static let unpoweredCard: UInt32 = 0x8010_0067
    public static let resetCard: UInt32 = 0x8010_0068
    public static let removedCard: UInt32 = 0x8010_0069

    /// The card left the reader (or was reset by someone else).
    public var isCardGone: Bool {
        [PCSCError.removedCard, PCSCError.noSmartcard, PCSCError.resetCard, PCSCError.notTransacted,
         PCSCError.readerUnavailable].contains(code)
    }
    /// pcscd is not running or went away.
    public var isServiceGone: Bool { [PCSCError.noService, PCSCError.serviceStopped, PCSCError.invalidHandle].contains(code) }

    public var description: String {
        let hexCode = "0x" + String(code, radix: 16, uppercase: true)
        switch code {
        case PCSCError.noService, PCSCError.serviceStopped: return "\(operation): pcscd is not running (\(hexCode)); start it (systemctl start pcscd)"
        case PCSCError.noReadersAvailable: return "\(operation): no card reader is plugged in (\(hexCode))"
        case PCSCError.removedCard, PCSCError.noSmartcard: return "\(operation): the card was removed (\(hexCode))"
        case PCSCError.unresponsiveCard, PCSCError.unpoweredCard: return "\(operation): the card does not answer (mute) (\(hexCode))"
        case PCSCError.protoMismatch, PCSCError.unsupportedCard: return "\(operation): the card's ATR or protocol is not usable (\(hexCode))"
        default: return "\(operation): PC/SC error \(hexCode)"
        }
    }
}

@inline(__always)
func check(_ rv: LONG, _ op: String) throws(PCSCError) {
    guard rv == 0 else { throw PCSCError(code: UInt32(truncatingIfNeeded: rv), operation: op) }
}

/// One PC/SC context. pcsc-lite serialises calls per context, so the
/// monitor and every card session each own one.
final class PCSCContext: @unchecked Sendable {
    let handle: SCARDCONTEXT

    init() throws(PCSCError) {
        var ctx: SCARDCONTEXT = 0
        try check(SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &ctx), "SCardEstablishContext")
        handle = ctx
    }

    /// Wakes a blocked SCardGetStatusChange. Safe from any thread; nothing
    /// once `ReaderLayer.shutdown()` returned (the process is exiting, and a
    /// late deadline timer must not call into pcsc-lite under its destructors).
    func cancel() {
        guard ReaderThreads.shared.callsAllowed else { return }
        _ = SCardCancel(handle)
    }

    func release() { _ = SCardReleaseContext(handle) }

    func readers() throws(PCSCError) -> [String] {
        var size: DWORD = 0
        let rv = SCardListReaders(handle, nil, nil, &size)
        if UInt32(truncatingIfNeeded: rv) == PCSCError.noReadersAvailable { return [] }
        try check(rv, "SCardListReaders")
        guard size > 0, size < 1 << 20 else { return [] }
        var buffer = [CChar](repeating: 0, count: Int(size))
        let rv2 = SCardListReaders(handle, nil, &buffer, &size)
        if UInt32(truncatingIfNeeded: rv2) == PCSCError.noReadersAvailable { return [] }
        try check(rv2, "SCardListReaders")
        // A multi-string: names separated by NUL, ended by an empty one.
        return buffer.split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }
}

/// What SCardGetStatusChange reports for one reader.
struct ReaderStateSnapshot: Sendable {
    var name: String
    var eventState: UInt
    var atr: [UInt8]
}

extension PCSCContext {
    /// Waits up to `timeoutMs` for a change against `current` (name →
    /// last dwEventState). Returns nil on timeout or cancel.
    func waitForChange(current: [(String, UInt)], timeoutMs: UInt32) throws(PCSCError) -> [ReaderStateSnapshot]? {
        // Keep the C strings alive for the call.
        let names = current.map { strdup($0.0)! }
        defer { names.forEach { free($0) } }
        var states = current.enumerated().map { i, entry -> SCARD_READERSTATE in
            var s = SCARD_READERSTATE()
            s.szReader = UnsafePointer(names[i])
            s.dwCurrentState = DWORD(entry.1)
            return s
        }
        let rv = SCardGetStatusChange(handle, DWORD(timeoutMs), &states, DWORD(states.count))
        let code = UInt32(truncatingIfNeeded: rv)
        if code == PCSCError.timeout || code == PCSCError.cancelled { return nil }
        try check(rv, "SCardGetStatusChange")
        return states.enumerated().map { i, s in
            var atr = s
            let count = min(Int(s.cbAtr), Int(MAX_ATR_SIZE))
            let bytes = withUnsafeBytes(of: &atr.rgbAtr) { Array($0.prefix(count)) }
            return ReaderStateSnapshot(name: current[i].0, eventState: UInt(s.dwEventState), atr: bytes)
        }
    }
}

/// The reader name pcsc-lite watches for readers arriving and leaving.
let pnpNotificationReader = String(cString: bms_pnp_notification())
