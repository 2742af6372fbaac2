import Crypto
import Foundation

/// The public keys a kiosk trusts, by 8-byte key id: issuers of card
/// certificates, and central stores that sign EF.RIGHTS. Loaded by the
/// caller from its configuration.
public struct TrustStore: Sendable {
    public var issuers: [KeyID: P256.Signing.PublicKey]
    public var central: [KeyID: P256.Signing.PublicKey]

    public init(issuers: [KeyID: P256.Signing.PublicKey] = [:], central: [KeyID: P256.Signing.PublicKey] = [:]) {
        self.issuers = issuers; self.central = central
    }

    /// From (key id, key) pairs as a configuration loader has them. Pairs
    /// whose id is not 8 bytes are dropped (the loader reports them).
    public init(issuerKeys: [(id: [UInt8], key: P256.Signing.PublicKey)], centralKeys: [(id: [UInt8], key: P256.Signing.PublicKey)]) {
        func table(_ pairs: [(id: [UInt8], key: P256.Signing.PublicKey)]) -> [KeyID: P256.Signing.PublicKey] {
            var t: [KeyID: P256.Signing.PublicKey] = [:]
            for p in pairs { if let id = KeyID(p.id) { t[id] = p.key } }
            return t
        }
        self.init(issuers: table(issuerKeys), central: table(centralKeys))
    }

    /// 8 bytes naming a key.
    public struct KeyID: Hashable, Sendable, CustomStringConvertible, Codable {
        public let bytes: [UInt8]
        public init?(_ bytes: [UInt8]) { guard bytes.count == 8 else { return nil }; self.bytes = bytes }
        public init?(hex: String) { guard let b = [UInt8](hex: hex) else { return nil }; self.init(b) }
        /// The first 8 bytes of SHA-256 over the uncompressed point: how the
        /// test-card maker names keys.
        public init(for key: P256.Signing.PublicKey) { bytes = Array(SHA256.hash(data: key.x963Representation).prefix(8)) }
        public var description: String { bytes.map { String(format: "%02X", $0) }.joined() }
        public init(from decoder: Decoder) throws {
            let s = try decoder.singleValueContainer().decode(String.self)
            guard let id = KeyID(hex: s) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "key id must be 8 bytes in hex")) }
            self = id
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer(); try c.encode(description)
        }
    }

    // MARK: file form

    /// `{"issuers": [{"keyId": "…", "publicKey": "-----BEGIN PUBLIC KEY-----…"}], "central": […]}`
    public struct File: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public var keyId: KeyID
            public var publicKey: String
            public var comment: String?
            public init(keyId: KeyID, publicKey: String, comment: String? = nil) { self.keyId = keyId; self.publicKey = publicKey; self.comment = comment }
        }
        public var issuers: [Entry]
        public var central: [Entry]
        public init(issuers: [Entry] = [], central: [Entry] = []) { self.issuers = issuers; self.central = central }
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case badKey(path: String, keyId: String)
        public var description: String {
            switch self {
            case .unreadable(let p, let r): return "trust file \(p) cannot be read: \(r)"
            case .badKey(let p, let id): return "trust file \(p): key \(id) is not a P-256 public key in PEM"
            }
        }
    }

    /// Merges the trust files at `paths`.
    public static func load(paths: [String]) throws(LoadError) -> TrustStore {
        var store = TrustStore()
        for path in paths {
            let file: File
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                file = try JSONDecoder().decode(File.self, from: data)
            } catch { throw .unreadable(path: path, reason: "\(error)") }
            for e in file.issuers {
                guard let k = try? P256.Signing.PublicKey(pemRepresentation: e.publicKey) else { throw .badKey(path: path, keyId: e.keyId.description) }
                store.issuers[e.keyId] = k
            }
            for e in file.central {
                guard let k = try? P256.Signing.PublicKey(pemRepresentation: e.publicKey) else { throw .badKey(path: path, keyId: e.keyId.description) }
                store.central[e.keyId] = k
            }
        }
        return store
    }
}

/// The central store's list of serials declared lost, stolen or
/// invalidated. The central store implements it; nil means "cannot say
/// now" (offline), and the card is then not refused for that reason.
public protocol CardOppositionList: Sendable {
    func isOpposed(serial: String) async -> Bool?
}

/// No list: nothing is opposed. For the technician's check and tests.
public struct NoOppositionList: CardOppositionList {
    public init() {}
    public func isOpposed(serial: String) async -> Bool? { nil }
}

/// A fixed list, for tests and for a kiosk given a list file.
public struct StaticOppositionList: CardOppositionList {
    public var serials: Set<String>
    public init(_ serials: Set<String>) { self.serials = serials }
    public func isOpposed(serial: String) async -> Bool? { serials.contains(serial) }
}
