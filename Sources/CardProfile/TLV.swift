/// One BER-TLV element. `value` holds the content bytes; constructed
/// elements also expose their decoded `children`.
public struct TLV: Hashable, Sendable {
    /// The tag bytes as a number (`0xC1`, `0x7F21`, …).
    public var tag: UInt32
    public var value: [UInt8]
    /// Decoded content of a constructed element (empty for a primitive).
    public var children: [TLV]
    /// The element's bytes exactly as they stood in the input, so that a
    /// signature can be checked over them.
    public var raw: [UInt8]

    public init(tag: UInt32, value: [UInt8]) {
        self.tag = tag
        self.value = value
        self.children = []
        self.raw = TLV.encode(tag: tag, value: value)
    }

    public init(tag: UInt32, children: [TLV]) {
        self.tag = tag
        self.children = children
        self.value = children.flatMap(\.raw)
        self.raw = TLV.encode(tag: tag, value: value)
    }

    init(tag: UInt32, value: [UInt8], children: [TLV], raw: [UInt8]) {
        self.tag = tag; self.value = value; self.children = children; self.raw = raw
    }

    /// Bit 6 of the first tag byte.
    public var isConstructed: Bool { TLV.isConstructed(tag) }

    public static func isConstructed(_ tag: UInt32) -> Bool {
        var first = tag
        while first > 0xFF { first >>= 8 }
        return first & 0x20 != 0
    }

    /// The first child with `tag`.
    public func child(_ tag: UInt32) -> TLV? { children.first { $0.tag == tag } }
    public func children(_ tag: UInt32) -> [TLV] { children.filter { $0.tag == tag } }

    // MARK: encoding

    public static func encode(tag: UInt32, value: [UInt8]) -> [UInt8] {
        var out = tagBytes(tag)
        out += lengthBytes(value.count)
        out += value
        return out
    }

    static func tagBytes(_ tag: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        var t = tag
        repeat { bytes.insert(UInt8(t & 0xFF), at: 0); t >>= 8 } while t != 0
        return bytes
    }

    static func lengthBytes(_ n: Int) -> [UInt8] {
        switch n {
        case ..<0x80: return [UInt8(n)]
        case ..<0x100: return [0x81, UInt8(n)]
        case ..<0x10000: return [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
        default: return [0x83, UInt8(n >> 16), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
        }
    }
}

/// Why a byte string is not well-formed BER-TLV. Offsets are into the
/// decoded input; no content bytes are carried, so errors are safe to log.
public enum TLVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input ends inside a tag, a length or a value.
    case truncated(offset: Int)
    /// A length form the profile does not allow (indefinite, or more bytes
    /// than the rules permit).
    case badLengthForm(offset: Int, firstByte: UInt8)
    /// A declared length larger than what is left or than the limit.
    case lengthTooLarge(offset: Int, declared: Int, available: Int)
    /// A tag the rules do not allow (multi-byte where one byte is
    /// required, or longer than 3 bytes).
    case badTag(offset: Int)
    /// Nesting deeper than the limit.
    case tooDeep(offset: Int)
    /// More elements than the limit.
    case tooManyElements(limit: Int)

    public var description: String {
        switch self {
        case .truncated(let o): return "TLV data ends early at offset \(o): the file is truncated"
        case .badLengthForm(let o, let b): return "TLV length form 0x\(hex(b)) at offset \(o) is not allowed"
        case .lengthTooLarge(let o, let d, let a): return "TLV at offset \(o) declares \(d) bytes but only \(a) may follow"
        case .badTag(let o): return "TLV tag at offset \(o) is not allowed by the profile"
        case .tooDeep(let o): return "TLV nesting too deep at offset \(o)"
        case .tooManyElements(let l): return "more than \(l) TLV elements"
        }
    }
}

/// A bounded BER-TLV decoder. Every length is checked against what is left
/// of the input before anything is allocated, so no input makes it crash or
/// allocate more than the input's size.
public struct TLVDecoder: Sendable {
    public struct Rules: Sendable, Hashable {
        /// One-byte tags only (the BMS-VIT profile).
        public var singleByteTags: Bool
        /// Largest number of length bytes after `8x` (BMS-VIT: 2).
        public var maxLengthBytes: Int
        public var maxDepth: Int
        public var maxElements: Int
        /// Skip `00`/`FF` padding between elements (files padded with zeros).
        public var skipPadding: Bool

        public init(singleByteTags: Bool, maxLengthBytes: Int, maxDepth: Int = 8, maxElements: Int = 4096, skipPadding: Bool = true) {
            self.singleByteTags = singleByteTags
            self.maxLengthBytes = maxLengthBytes
            self.maxDepth = maxDepth
            self.maxElements = maxElements
            self.skipPadding = skipPadding
        }

        /// card-profile.md: one-byte tags, lengths up to `82 XX XX`.
        public static let bmsVit = Rules(singleByteTags: true, maxLengthBytes: 2)
        /// The Vitale 2 clear zone: ISO 7816 BER (multi-byte tags like `7F21`).
        public static let iso7816 = Rules(singleByteTags: false, maxLengthBytes: 3)
    }

    public var rules: Rules
    public init(rules: Rules = .bmsVit) { self.rules = rules }

    public func decode(_ bytes: [UInt8]) throws(TLVError) -> [TLV] {
        var count = 0
        return try decode(bytes[...], depth: 0, count: &count)
    }

    private func decode(_ bytes: ArraySlice<UInt8>, depth: Int, count: inout Int) throws(TLVError) -> [TLV] {
        var out: [TLV] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if rules.skipPadding, bytes[i] == 0x00 || bytes[i] == 0xFF { i += 1; continue }
            let start = i
            // Tag.
            var tag = UInt32(bytes[i])
            if bytes[i] & 0x1F == 0x1F {
                if rules.singleByteTags { throw .badTag(offset: start) }
                var n = 0
                repeat {
                    i += 1; n += 1
                    guard i < bytes.endIndex else { throw .truncated(offset: i) }
                    guard n <= 2 else { throw .badTag(offset: start) }
                    tag = tag << 8 | UInt32(bytes[i])
                } while bytes[i] & 0x80 != 0
            }
            i += 1
            // Length.
            guard i < bytes.endIndex else { throw .truncated(offset: i) }
            let first = bytes[i]
            var length = 0
            if first < 0x80 {
                length = Int(first); i += 1
            } else {
                let n = Int(first & 0x7F)
                guard n >= 1, n <= rules.maxLengthBytes else { throw .badLengthForm(offset: i, firstByte: first) }
                guard bytes.endIndex - i > n else { throw .truncated(offset: bytes.endIndex) }
                for k in 1...n { length = length << 8 | Int(bytes[i + k]) }
                i += 1 + n
            }
            let available = bytes.endIndex - i
            guard length <= available else { throw .lengthTooLarge(offset: start, declared: length, available: available) }
            count += 1
            guard count <= rules.maxElements else { throw .tooManyElements(limit: rules.maxElements) }
            let value = bytes[i..<(i + length)]
            var children: [TLV] = []
            if TLV.isConstructed(tag) {
                guard depth + 1 < rules.maxDepth else { throw .tooDeep(offset: start) }
                children = try decode(value, depth: depth + 1, count: &count)
            }
            out.append(TLV(tag: tag, value: Array(value), children: children, raw: Array(bytes[start..<(i + length)])))
            i += length
        }
        return out
    }
}

func hex(_ b: UInt8) -> String {
    let d = Array("0123456789ABCDEF")
    return String([d[Int(b >> 4)], d[Int(b & 0xF)]])
}

public extension Array where Element == UInt8 {
    /// Uppercase hex, no separators.
    var hexString: String { map { hex($0) }.joined() }

    /// Parses hex, ignoring spaces and colons; nil on any other character
    /// or an odd count.
    init?(hex text: String) {
        var out: [UInt8] = []
        var high: UInt8?
        for ch in text.utf8 {
            if ch == 0x20 || ch == 0x3A || ch == 0x0A { continue }
            let v: UInt8
            switch ch {
            case 0x30...0x39: v = ch - 0x30
            case 0x41...0x46: v = ch - 0x41 + 10
            case 0x61...0x66: v = ch - 0x61 + 10
            default: return nil
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        guard high == nil else { return nil }
        self = out
    }
}
