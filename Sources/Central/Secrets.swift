import Crypto
import CryptoExtras
import Domain
import Foundation

/// Codes are kept only as scrypt hashes (RFC 7914, BoringSSL through
/// swift-crypto), salted per code, compared in constant time.
///
/// Cost: N = 2^14, r = 8, p = 1 (16 MiB, ~40–80 ms here) by default. A
/// 4-digit code has 10,000 values, so no hash makes a stolen database safe
/// on its own: the lock-out and rate limits, enforced here, are the real
/// defence; the slow hash makes a leak expensive to exploit in bulk.
public struct CodeHasher: Sendable {
    public var logN: Int
    public var r: Int
    public var p: Int

    public init(logN: Int = 14, r: Int = 8, p: Int = 1) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Cheaper parameters for tests; the stored hash records its own cost.
    public static let fastForTests = CodeHasher(logN: 10, r: 8, p: 1)

    public func hash(_ code: String) throws -> StoredHash {
        var rng = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        return StoredHash(salt: salt, hash: try derive(code, salt: salt, logN: logN, r: r, p: p), logN: logN, r: r, p: p)
    }

    public func verify(_ code: String, against stored: StoredHash) -> Bool {
        guard (1...20).contains(stored.logN), (1...32).contains(stored.r), (1...4).contains(stored.p),
              let candidate = try? derive(code, salt: stored.salt, logN: stored.logN, r: stored.r, p: stored.p) else { return false }
        return constantTimeEqual(candidate, stored.hash)
    }

    private func derive(_ code: String, salt: Data, logN: Int, r: Int, p: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(from: Data(code.utf8), salt: salt, outputByteCount: 32,
                                           rounds: 1 << logN, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Data($0) }
    }
}

/// Equal length and equal bytes, taking the same time whatever differs.
public func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for (x, y) in zip(a, b) { diff |= x ^ y }
    return diff == 0
}

/// Signs EF.RIGHTS (card-profile.md): ECDSA P-256 / SHA-256, raw r‖s, over
/// the bytes of everything in `E2` before `CF`.
public struct RightsSigner: Sendable {
    public let key: P256.Signing.PrivateKey

    public init(key: P256.Signing.PrivateKey) { self.key = key }

    /// The first 8 bytes of SHA-256 of the public key (X9.63).
    public var keyID: Data { Data(SHA256.hash(data: key.publicKey.x963Representation).prefix(8)) }

    /// `YYYYMMDDhhmmss` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The whole `E2` TLV.
    public func efRights(holderNIR: String, persons: [PersonRights], issuedAt: Date) throws -> Data {
        var content = Data()
        content += TLV.encode(0xC0, [0x01])
        content += TLV.encode(0xC1, Data(Self.timestamp(issuedAt).utf8))
        content += TLV.encode(0xC2, Data(holderNIR.utf8))
        for p in persons {
            var e = Data()
            e += TLV.encode(0xC0, [UInt8(clamping: p.index)])
            e += TLV.encode(0xC1, Data(p.amoStart.compact.utf8))
            e += TLV.encode(0xC2, Data(p.amoEnd.compact.utf8))
            e += TLV.encode(0xC3, [p.ald ? 1 : 0])
            if let css = p.complementaireSanteSolidaireEnd { e += TLV.encode(0xC4, Data(css.compact.utf8)) }
            content += TLV.encode(0xE0, e)
        }
        content += TLV.encode(0xC5, keyID)
        let signature = try key.signature(for: content).rawRepresentation
        content += TLV.encode(0xCF, signature)
        return TLV.encode(0xE2, content)
    }
}

/// BER-TLV with one-byte tags, as the card profile writes them.
enum TLV {
    static func encode(_ tag: UInt8, _ value: some DataProtocol) -> Data {
        var out = Data([tag])
        let n = value.count
        if n < 0x80 { out.append(UInt8(n)) }
        else if n <= 0xFF { out += [0x81, UInt8(n)] }
        else { out += [0x82, UInt8(n >> 8), UInt8(n & 0xFF)] }
        out.append(contentsOf: value)
        return out
    }
}

/// Keyed hashes for the audit log and logs: the same NIR always gives the
/// same tag, no one without the key can tell whose it is.
public struct SubjectHasher: Sendable {
    let key: SymmetricKey
    public init(key: Data) { self.key = SymmetricKey(data: key) }
    public func tag(_ nir: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(nir.utf8), using: key).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
