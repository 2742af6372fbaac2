import Crypto
import Foundation
import Yams

/// Reading the key files the configuration points to. Each problem becomes
/// a `badKeyFile` error on the key that names the file.
enum KeyFiles {
    /// The configuration directory as the technician named it.
    static func shownDirectory(_ checker: FileChecker) -> String {
        let d = (checker.file as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }

    static let maxKeyFileBytes = 64 * 1024

    /// Resolves `path` against the configuration directory.
    static func resolve(_ path: String, in directory: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
    }

    struct Problem: Error { var text: String }

    static func read(_ url: URL) -> Result<String, Problem> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return .failure(Problem(text: "no such file")) }
        if isDirectory.boolValue { return .failure(Problem(text: "a directory")) }
        guard let data = FileManager.default.contents(atPath: url.path) else { return .failure(Problem(text: "a file this user cannot read")) }
        guard data.count <= maxKeyFileBytes else { return .failure(Problem(text: "a file of \(data.count) bytes")) }
        guard let text = String(data: data, encoding: .utf8) else { return .failure(Problem(text: "a binary file")) }
        return .success(text)
    }

    /// The trusted public keys at `entry`: one `.pem` file, every `.pem` of
    /// a directory, or a JSON trust file as `bms-kiosk virtual-card make`
    /// writes it (`{"issuers": [{"keyId", "publicKey"}], "central": […]}`,
    /// of which `section` is taken). A file named `<16 hex digits>.pem` (or
    /// a JSON keyId) must match the key's id, so that a mis-named key is caught.
    static func publicKeys(at entry: String, section: String, in directory: URL, keyPath: String, mark: Mark?,
                           checker: FileChecker) -> [TrustedKeys.Key] {
        let url = resolve(entry, in: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            checker.report(.badKeyFile, at: mark, key: keyPath, found: "\"\(entry)\": no such file or directory",
                           expected: "a PEM public key file, a directory of them, or a JSON trust file (paths are relative to \(shownDirectory(checker)))")
            return []
        }
        var files: [URL] = []
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            files = names.filter { $0.hasSuffix(".pem") }.sorted().map { url.appendingPathComponent($0) }
            if files.isEmpty {
                checker.report(.badKeyFile, at: mark, key: keyPath, found: "\"\(entry)\": a directory with no .pem file",
                               expected: "at least one PEM public key (<key id>.pem)")
            }
        } else {
            files = [url]
        }
        var keys: [TrustedKeys.Key] = []
        for file in files {
            let shown = isDirectory.boolValue ? "\(entry.hasSuffix("/") ? entry : entry + "/")\(file.lastPathComponent)" : entry
            func bad(_ found: String, _ expected: String = "a P-256 public key in PEM (-----BEGIN PUBLIC KEY-----)") {
                checker.report(.badKeyFile, at: mark, key: keyPath, found: "\"\(shown)\": \(found)", expected: expected)
            }
            let text: String
            switch read(file) {
            case .failure(let why): bad(why.text); continue
            case .success(let t): text = t
            }
            if file.pathExtension == "json" {
                keys += jsonTrustFile(text, section: section, file: file, bad: bad)
                continue
            }
            if text.contains("PRIVATE KEY-----") {
                bad("a PRIVATE key", "a public key only: remove the private key from this machine")
                continue
            }
            guard text.contains("-----BEGIN PUBLIC KEY-----") else { bad("no PEM public key block"); continue }
            guard let key = try? P256.Signing.PublicKey(pemRepresentation: text) else {
                bad("a PEM block that is not a P-256 public key"); continue
            }
            let id = TrustedKeys.keyID(for: key)
            let idHex = id.map { String(format: "%02X", $0) }.joined()
            let stem = file.deletingPathExtension().lastPathComponent
            if stem.count == 16, stem.allSatisfy(\.isHexDigit), stem.uppercased() != idHex {
                bad("named for key id \(stem.uppercased()) but holds key \(idHex)", "the file named after its key: \(idHex).pem")
                continue
            }
            keys.append(TrustedKeys.Key(id: id, publicKey: key, file: file))
        }
        return keys
    }

    static func jsonTrustFile(_ text: String, section: String, file: URL,
                              bad: (String, String) -> Void) -> [TrustedKeys.Key] {
        struct Entry: Decodable { var keyId: String; var publicKey: String }
        struct File: Decodable { var issuers: [Entry]?; var central: [Entry]? }
        let expected = "a trust file {\"issuers\": [{\"keyId\": …, \"publicKey\": PEM}], \"central\": […]}"
        guard let parsed = try? JSONDecoder().decode(File.self, from: Data(text.utf8)) else {
            bad("JSON that is not a trust file", expected); return []
        }
        let entries = (section == "issuers" ? parsed.issuers : parsed.central) ?? []
        if entries.isEmpty { bad("no \"\(section)\" key in it", expected) }
        var keys: [TrustedKeys.Key] = []
        for e in entries {
            guard let key = try? P256.Signing.PublicKey(pemRepresentation: e.publicKey) else {
                bad("\(section) key \(e.keyId) is not a P-256 public key in PEM", expected); continue
            }
            let id = TrustedKeys.keyID(for: key)
            let idHex = id.map { String(format: "%02X", $0) }.joined()
            guard e.keyId.uppercased() == idHex else {
                bad("keyId \(e.keyId) for a key whose id is \(idHex)", "each keyId equal to its key's id"); continue
            }
            keys.append(TrustedKeys.Key(id: id, publicKey: key, file: file))
        }
        return keys
    }

    /// The kiosk's private key: the JSON file `bms-central kiosk add`
    /// writes (`{"kioskID": …, "privateKeyPEM": …}`), or a bare PKCS#8 /
    /// SEC1 PEM private key.
    static func kioskKey(at entry: String, in directory: URL, keyPath: String, mark: Mark?,
                         checker: FileChecker) -> (URL, String?, P256.Signing.PrivateKey)? {
        let url = resolve(entry, in: directory)
        let expected = "the kiosk key file from `bms-central kiosk add` (JSON) or a P-256 private key in PEM"
        func bad(_ found: String) {
            checker.report(.badKeyFile, at: mark, key: keyPath, found: "\"\(entry)\": \(found)", expected: expected)
        }
        let text: String
        switch read(url) {
        case .failure(let why): bad(why.text); return nil
        case .success(let t): text = t
        }
        struct JSONKeyFile: Decodable { var kioskID: String; var privateKeyPEM: String }
        var kioskID: String?
        var pem = text
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            guard let file = try? JSONDecoder().decode(JSONKeyFile.self, from: Data(text.utf8)) else {
                bad("JSON without the fields kioskID and privateKeyPEM"); return nil
            }
            kioskID = file.kioskID
            pem = file.privateKeyPEM
        }
        guard pem.contains("PRIVATE KEY-----") else { bad("no PEM private key"); return nil }
        guard let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) else {
            bad("a PEM block that is not a P-256 private key"); return nil
        }
        return (url, kioskID, key)
    }

    /// A secret for the log hashes: at least 32 bytes.
    static func secret(at entry: String, in directory: URL, keyPath: String, mark: Mark?, checker: FileChecker) -> Data? {
        let url = resolve(entry, in: directory)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            checker.report(.badKeyFile, at: mark, key: keyPath, found: "\"\(entry)\": no readable file",
                           expected: "a file of 32 to 4096 random bytes (head -c 32 /dev/urandom > FILE)")
            return nil
        }
        guard (32...4096).contains(data.count) else {
            checker.report(.badKeyFile, at: mark, key: keyPath, found: "\"\(entry)\": \(data.count) bytes",
                           expected: "a file of 32 to 4096 random bytes (head -c 32 /dev/urandom > FILE)")
            return nil
        }
        return data
    }
}
