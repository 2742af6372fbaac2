/// An ISO 7816-4 command APDU (short form only: the profile needs no more).
public struct CommandAPDU: Hashable, Sendable, CustomStringConvertible {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    /// Expected answer length: nil for none, 1…256 (256 is sent as `00`).
    public var le: Int?

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: Int? = nil) {
        self.cla = cla; self.ins = ins; self.p1 = p1; self.p2 = p2; self.data = data; self.le = le
    }

    public var bytes: [UInt8] {
        var out = [cla, ins, p1, p2]
        if !data.isEmpty { out.append(UInt8(data.count)); out += data }
        if let le { out.append(UInt8(le & 0xFF)) }
        return out
    }

    /// Parses a short APDU; nil when malformed (for the emulator).
    public init?(bytes b: [UInt8]) {
        guard b.count >= 4 else { return nil }
        cla = b[0]; ins = b[1]; p1 = b[2]; p2 = b[3]
        data = []; le = nil
        if b.count == 4 { return }
        let lc = Int(b[4])
        if b.count == 5 { le = lc == 0 ? 256 : lc; return }
        guard lc > 0, b.count == 5 + lc || b.count == 6 + lc else { return nil }
        data = Array(b[5..<(5 + lc)])
        if b.count == 6 + lc { le = b[5 + lc] == 0 ? 256 : Int(b[5 + lc]) }
    }

    /// Header only, never the data: commands may carry personal data.
    public var description: String { "\(hex(cla)) \(hex(ins)) \(hex(p1)) \(hex(p2)) Lc=\(data.count) Le=\(le.map(String.init) ?? "-")" }

    // MARK: the profile's commands

    public static func select(aid: [UInt8]) -> CommandAPDU {
        CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: aid, le: 256)
    }
    public static func select(fileID: UInt16) -> CommandAPDU {
        CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [UInt8(fileID >> 8), UInt8(fileID & 0xFF)])
    }
    public static func readBinary(offset: Int, length: Int) -> CommandAPDU {
        CommandAPDU(ins: 0xB0, p1: UInt8((offset >> 8) & 0x7F), p2: UInt8(offset & 0xFF), le: length)
    }
    public static func updateBinary(offset: Int, data: [UInt8]) -> CommandAPDU {
        CommandAPDU(ins: 0xD6, p1: UInt8((offset >> 8) & 0x7F), p2: UInt8(offset & 0xFF), data: data)
    }
    public static func internalAuthenticate(challenge: [UInt8]) -> CommandAPDU {
        CommandAPDU(ins: 0x88, p1: 0, p2: 0, data: challenge, le: 256)
    }
    public static func getResponse(_ length: Int) -> CommandAPDU {
        CommandAPDU(ins: 0xC0, p1: 0, p2: 0, le: length == 0 ? 256 : length)
    }
}

/// A response APDU: data then SW1 SW2.
public struct ResponseAPDU: Hashable, Sendable {
    public var data: [UInt8]
    public var sw: StatusWord

    public init(data: [UInt8], sw: StatusWord) { self.data = data; self.sw = sw }

    public init(bytes: [UInt8]) throws(APDUError) {
        guard bytes.count >= 2 else { throw .responseTooShort(count: bytes.count) }
        data = Array(bytes.dropLast(2))
        sw = StatusWord(bytes[bytes.count - 2], bytes[bytes.count - 1])
    }

    public var bytes: [UInt8] { data + [sw.sw1, sw.sw2] }
}

public enum APDUError: Error, Hashable, Sendable, CustomStringConvertible {
    case responseTooShort(count: Int)
    public var description: String {
        switch self {
        case .responseTooShort(let n): return "card answer has \(n) bytes, fewer than a status word: the card was pulled or is faulty"
        }
    }
}

/// SW1 SW2.
public struct StatusWord: Hashable, Sendable, CustomStringConvertible {
    public var sw1: UInt8
    public var sw2: UInt8
    public init(_ sw1: UInt8, _ sw2: UInt8) { self.sw1 = sw1; self.sw2 = sw2 }
    public init(_ value: UInt16) { sw1 = UInt8(value >> 8); sw2 = UInt8(value & 0xFF) }
    public var value: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }
    public var description: String { hex(sw1) + hex(sw2) }

    public static let ok = StatusWord(0x9000)
    public static let endOfFile = StatusWord(0x6282)
    public static let fileInvalidated = StatusWord(0x6283)
    public static let memoryFailure = StatusWord(0x6581)
    public static let wrongLength = StatusWord(0x6700)
    public static let securityNotSatisfied = StatusWord(0x6982)
    public static let fileNotFound = StatusWord(0x6A82)
    public static let wrongOffset = StatusWord(0x6B00)
    public static let insNotSupported = StatusWord(0x6D00)
    public static let claNotSupported = StatusWord(0x6E00)

    /// What the profile says this status word means.
    public var outcome: CardStatus {
        switch (sw1, sw2) {
        case (0x90, 0x00): return .success
        case (0x61, let n): return .moreData(available: n == 0 ? 256 : Int(n))
        case (0x6C, let n): return .wrongLe(exact: n == 0 ? 256 : Int(n))
        case (0x62, 0x82): return .endOfFile
        case (0x62, 0x83): return .invalidated
        case (0x65, 0x81): return .memoryFailure
        case (0x67, 0x00): return .wrongLength
        case (0x69, 0x82): return .securityNotSatisfied
        case (0x6A, 0x82): return .notFound
        case (0x6B, 0x00): return .offsetBeyondEnd
        case (0x6D, 0x00): return .instructionNotSupported
        case (0x6E, 0x00): return .classNotSupported
        default: return .unknown(self)
        }
    }
}

/// Status words as typed outcomes (card-profile.md).
public enum CardStatus: Hashable, Sendable, CustomStringConvertible {
    case success
    /// `61 XX`: send GET RESPONSE for XX bytes (T=0).
    case moreData(available: Int)
    /// `6C XX`: resend with Le = XX (T=0).
    case wrongLe(exact: Int)
    /// `62 82`: fewer bytes than asked, end of file reached.
    case endOfFile
    /// `62 83`: the card was blocked; an invalidated card.
    case invalidated
    /// `65 81`: a faulty card.
    case memoryFailure
    case wrongLength
    case securityNotSatisfied
    case notFound
    case offsetBeyondEnd
    case instructionNotSupported
    case classNotSupported
    /// Any other status word: an unknown card error.
    case unknown(StatusWord)

    public var description: String {
        switch self {
        case .success: return "success"
        case .moreData(let n): return "more data (\(n) bytes)"
        case .wrongLe(let n): return "wrong Le (exact \(n))"
        case .endOfFile: return "end of file reached (6282)"
        case .invalidated: return "selected file invalidated (6283): blocked card"
        case .memoryFailure: return "memory failure (6581)"
        case .wrongLength: return "wrong length (6700)"
        case .securityNotSatisfied: return "security status not satisfied (6982)"
        case .notFound: return "file or application not found (6A82)"
        case .offsetBeyondEnd: return "offset beyond the end of the file (6B00)"
        case .instructionNotSupported: return "instruction not supported (6D00)"
        case .classNotSupported: return "class not supported (6E00)"
        case .unknown(let sw): return "unknown card error (\(sw))"
        }
    }
}
