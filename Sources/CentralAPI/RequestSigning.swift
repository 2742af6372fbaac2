import Crypto
import Foundation

/// How a kiosk signs each request and how the central store checks it.
///
/// Each kiosk holds its own P-256 key (the central store keeps only the
/// public half). The signature (ECDSA P-256 / SHA-256, raw r‖s, base64)
/// covers, one per line: `BMS-REQ-v1`, the method, the path with its query,
/// the Unix timestamp, the nonce and the hex SHA-256 of the body. The
/// central store refuses a timestamp too far from its clock and a nonce it
/// has seen: a captured request cannot be replayed.
public enum RequestSignature {
    public static let kioskHeader = "X-BMS-Kiosk"
    public static let timestampHeader = "X-BMS-Timestamp"
    public static let nonceHeader = "X-BMS-Nonce"
    public static let signatureHeader = "X-BMS-Signature"
    /// How far a kiosk's clock may be from the central store's.
    public static let defaultMaxSkew: TimeInterval = 300

    public static func canonical(method: String, path: String, timestamp: Int64, nonce: String, body: some DataProtocol) -> Data {
        // Hex by hand: String(format:) per byte was ~4 % of a request's CPU (profile).
        let hex = Array("0123456789abcdef".utf8)
        var digits: [UInt8] = []
        digits.reserveCapacity(64)
        for byte in SHA256.hash(data: body) { digits.append(hex[Int(byte >> 4)]); digits.append(hex[Int(byte & 0x0f)]) }
        let digest = String(decoding: digits, as: UTF8.self)
        return Data("BMS-REQ-v1\n\(method.uppercased())\n\(path)\n\(timestamp)\n\(nonce)\n\(digest)".utf8)
    }

    /// A kiosk id: 1–64 of letters, digits, `-`, `_`, `.`.
    public static func isValidKioskID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
        }
    }
}

/// A kiosk's identity: its id and private key.
public struct KioskCredentials: Sendable {
    public let kioskID: String
    public let privateKey: P256.Signing.PrivateKey

    public init(kioskID: String, privateKey: P256.Signing.PrivateKey) {
        self.kioskID = kioskID
        self.privateKey = privateKey
    }

    public var publicKey: Data { privateKey.publicKey.x963Representation }

    /// The four headers for one request.
    public func sign(method: String, path: String, body: some DataProtocol, at now: Date,
                     nonce: String = KioskCredentials.freshNonce()) throws -> [(String, String)] {
        let ts = Int64(now.timeIntervalSince1970.rounded(.down))
        let message = RequestSignature.canonical(method: method, path: path, timestamp: ts, nonce: nonce, body: body)
        let signature = try privateKey.signature(for: message).rawRepresentation.base64EncodedString()
        return [
            (RequestSignature.kioskHeader, kioskID),
            (RequestSignature.timestampHeader, String(ts)),
            (RequestSignature.nonceHeader, nonce),
            (RequestSignature.signatureHeader, signature),
        ]
    }

    /// 16 random bytes (CSPRNG), hex.
    public static func freshNonce() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }
}

/// The key file `bms-central kiosk add` writes and a kiosk reads.
public struct KioskKeyFile: Codable, Sendable {
    public var kioskID: String
    /// PKCS#8 PEM of the P-256 private key.
    public var privateKeyPEM: String

    public init(_ credentials: KioskCredentials) {
        kioskID = credentials.kioskID
        privateKeyPEM = credentials.privateKey.pemRepresentation
    }

    public func credentials() throws -> KioskCredentials {
        KioskCredentials(kioskID: kioskID, privateKey: try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM))
    }

    public static func load(from url: URL) throws -> KioskCredentials {
        let data = try Data(contentsOf: url)
        return try CentralJSON.decoder().decode(KioskKeyFile.self, from: data).credentials()
    }
}

/// Why a request was not authenticated. Each case says what to do.
public enum RequestAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingHeader(String)
    case malformedHeader(String)
    case unknownKiosk
    case badSignature
    /// The kiosk's clock is off by more than allowed.
    case clockSkew(seconds: Int64)
    case replay

    public var code: String {
        switch self {
        case .missingHeader: return "missing_auth_header"
        case .malformedHeader: return "malformed_auth_header"
        case .unknownKiosk: return "unknown_kiosk"
        case .badSignature: return "bad_signature"
        case .clockSkew: return "clock_skew"
        case .replay: return "replay"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader(let h): return "header \(h) is missing: every request must be signed by the kiosk"
        case .malformedHeader(let h): return "header \(h) is malformed"
        case .unknownKiosk: return "this kiosk is not registered (bms-central kiosk add ID) or was revoked"
        case .badSignature: return "the signature does not verify with this kiosk's registered key"
        case .clockSkew(let s): return "the kiosk's clock is \(s) s away from the central store's: set the kiosk's time (NTP)"
        case .replay: return "this nonce was already used: a request is never accepted twice"
        }
    }
}

/// The parts of a signed request, checked for form only.
public struct SignedRequestHeaders: Sendable, Hashable {
    public var kioskID: String
    public var timestamp: Int64
    public var nonce: String
    public var signature: Data

    public init(kiosk: String?, timestamp: String?, nonce: String?, signature: String?) throws(RequestAuthError) {
        guard let kiosk else { throw .missingHeader(RequestSignature.kioskHeader) }
        guard let timestamp else { throw .missingHeader(RequestSignature.timestampHeader) }
        guard let nonce else { throw .missingHeader(RequestSignature.nonceHeader) }
        guard let signature else { throw .missingHeader(RequestSignature.signatureHeader) }
        guard RequestSignature.isValidKioskID(kiosk) else { throw .malformedHeader(RequestSignature.kioskHeader) }
        guard timestamp.utf8.count <= 12, let ts = Int64(timestamp) else { throw .malformedHeader(RequestSignature.timestampHeader) }
        guard (16...64).contains(nonce.utf8.count), nonce.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw .malformedHeader(RequestSignature.nonceHeader)
        }
        guard signature.utf8.count <= 128, let sig = Data(base64Encoded: signature), sig.count == 64 else {
            throw .malformedHeader(RequestSignature.signatureHeader)
        }
        kioskID = kiosk
        self.timestamp = ts
        self.nonce = nonce
        self.signature = sig
    }

    /// Checks the clock and the signature (not the nonce: that needs the store).
    public func verify(method: String, path: String, body: some DataProtocol, publicKey: Data, now: Date,
                       maxSkew: TimeInterval = RequestSignature.defaultMaxSkew) throws(RequestAuthError) {
        let skew = timestamp - Int64(now.timeIntervalSince1970.rounded(.down))
        guard abs(Double(skew)) <= maxSkew else { throw .clockSkew(seconds: skew) }
        guard let key = try? P256.Signing.PublicKey(x963Representation: publicKey),
              let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { throw .badSignature }
        let message = RequestSignature.canonical(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body)
        guard key.isValidSignature(sig, for: message) else { throw .badSignature }
    }
}
