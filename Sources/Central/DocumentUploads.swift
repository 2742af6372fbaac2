import CentralAPI
import Crypto
import Domain
import Foundation
import Hummingbird
import NIOCore

/// One upload address and what came through it. The token itself is never
/// stored: only its SHA-256, so a copy of the database opens no address.
public struct UploadSlot: Sendable, Hashable {
    public var id: UUID
    public var tokenHash: String
    public var kioskID: String
    public var session: UUID
    public var kind: DocumentKind
    public var createdAt: Date
    public var expiresAt: Date
    public var receivedAt: Date?
    public var takenAt: Date?
    public var mediaType: String?
    public var byteCount: Int?
    /// The EXIF orientation (1–8) the phone wrote, kept when the EXIF itself is dropped.
    public var orientation: Int?
    /// The store holds the sealed file (received and neither closed nor purged).
    public var hasDocument: Bool = false
    /// The carte Vitale order that holds the document: kept until the order is handled.
    public var orderID: UUID?

    public func state(at now: Date) -> UploadState {
        if takenAt != nil { return hasDocument ? .taken : .closed }
        if receivedAt != nil { return hasDocument ? .received : .closed }
        return now >= expiresAt ? .expired : .waiting
    }
}

/// What a phone's file met on arrival.
public enum UploadArrival: Sendable, Hashable {
    case stored
    case unknown
    case expired
    /// The address was used already: one file per address.
    case used
}

/// The bounds of the phone's upload. Ten minutes is long enough to take a
/// photo and short enough that a code photographed off the screen by
/// someone else is soon worth nothing.
public enum UploadPolicy {
    public static let lifetime: TimeInterval = 10 * 60
    /// A document not taken is purged after this (issue 13: 30 days).
    public static let retention: TimeInterval = 30 * 24 * 3600
    /// The multipart envelope around the file (boundaries, part headers).
    public static let envelopeBytes = 16 * 1024
    static let secretName = "document-key-aes256"
}

// MARK: - The store (both engines: the SQL is the same)

extension SQLCentralStore {
    static let uploadColumns = """
        id, token_hash, kiosk_id, session_id, kind, created_at, expires_at, received_at, taken_at, media_type, byte_count, orientation,
        CASE WHEN sealed IS NULL THEN 0 ELSE 1 END, order_id
        """

    static func uploadSlot(_ r: SQLRow) throws -> UploadSlot {
        func date(_ i: Int) throws -> Date? { try r.optionalInt(i).map { Date(timeIntervalSince1970: Double($0)) } }
        guard let id = UUID(uuidString: try r.text(0)), let session = UUID(uuidString: try r.text(3)),
              let kind = DocumentKind(rawValue: try r.text(4)) else { throw StoreError.corrupt("document_uploads row") }
        return UploadSlot(id: id, tokenHash: try r.text(1), kioskID: try r.text(2), session: session, kind: kind,
                          createdAt: try date(5)!, expiresAt: try date(6)!, receivedAt: try date(7), takenAt: try date(8),
                          mediaType: try r.optionalText(9), byteCount: try r.optionalInt(10).map(Int.init),
                          orientation: try r.optionalInt(11).map(Int.init), hasDocument: try r.int(12) != 0,
                          orderID: try r.optionalText(13).flatMap(UUID.init(uuidString:)))
    }

    public func createUpload(_ s: UploadSlot) async throws {
        try await database.transaction { c in
            try c.query("""
                INSERT INTO document_uploads (id, token_hash, kiosk_id, session_id, kind, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, .text(s.id.uuidString), .text(s.tokenHash), .text(s.kioskID), .text(s.session.uuidString), .text(s.kind.rawValue),
                        SQLValue(seconds: s.createdAt), SQLValue(seconds: s.expiresAt))
        }
    }

    public func upload(id: UUID) async throws -> UploadSlot? {
        try await database.statement("SELECT \(Self.uploadColumns) FROM document_uploads WHERE id = $1", [.text(id.uuidString)], readOnly: true)
            .first.map(Self.uploadSlot)
    }

    public func upload(tokenHash: String) async throws -> UploadSlot? {
        try await database.statement("SELECT \(Self.uploadColumns) FROM document_uploads WHERE token_hash = $1", [.text(tokenHash)],
                                     readOnly: true).first.map(Self.uploadSlot)
    }

    public func receiveUpload(tokenHash: String, sealed: Data, mediaType: String, byteCount: Int, orientation: Int?,
                              at: Date) async throws -> UploadArrival {
        try await database.transaction { c in
            // One statement decides: a second file, or a late one, finds no open row.
            let stored = try c.query("""
                UPDATE document_uploads SET received_at = $2, sealed = $3, media_type = $4, byte_count = $5, orientation = $6
                WHERE token_hash = $1 AND received_at IS NULL AND taken_at IS NULL AND expires_at > $2 RETURNING id
                """, .text(tokenHash), SQLValue(seconds: at), SQLValue(sealed), .text(mediaType), SQLValue(byteCount),
                        orientation.map(SQLValue.init) ?? .null)
            if !stored.isEmpty { return .stored }
            guard let row = try c.query("SELECT received_at FROM document_uploads WHERE token_hash = $1", .text(tokenHash)).first else {
                return .unknown
            }
            // Nothing received: the address ran out, or the kiosk closed it.
            return try row.optionalInt(0) == nil ? .expired : .used
        }
    }

    /// The file for the kiosk that opened the address. The store keeps its
    /// sealed copy: the order sends it on (purged with the order once
    /// handled, or after 30 days when no order holds it).
    public func takeUpload(id: UUID, kioskID: String, at: Date) async throws -> (slot: UploadSlot, sealed: Data)? {
        try await database.transaction { c in
            guard let row = try c.query("""
                SELECT \(Self.uploadColumns), sealed FROM document_uploads
                WHERE id = $1 AND kiosk_id = $2 AND received_at IS NOT NULL AND sealed IS NOT NULL {FOR_UPDATE}
                """, .text(id.uuidString), .text(kioskID)).first else { return nil }
            let sealed = try row.blob(14)
            try c.query("UPDATE document_uploads SET taken_at = $2 WHERE id = $1 AND taken_at IS NULL", .text(id.uuidString), SQLValue(seconds: at))
            return (try Self.uploadSlot(row), sealed)
        }
    }

    /// The kiosk's scanner put its JPEG at its own open address: received
    /// and taken at once (the kiosk has it). False when the address is not
    /// this kiosk's or not open.
    public func putUpload(id: UUID, kioskID: String, sealed: Data, mediaType: String, byteCount: Int, at: Date) async throws -> Bool {
        !(try await database.statement("""
            UPDATE document_uploads SET received_at = $3, taken_at = $3, sealed = $4, media_type = $5, byte_count = $6
            WHERE id = $1 AND kiosk_id = $2 AND received_at IS NULL AND taken_at IS NULL AND expires_at > $3 RETURNING id
            """, [.text(id.uuidString), .text(kioskID), SQLValue(seconds: at), SQLValue(sealed), .text(mediaType), SQLValue(byteCount)],
            readOnly: false).isEmpty)
    }

    /// The kiosk closes its address (the card was pulled, the order
    /// abandoned): a file there is dropped, none can arrive after. False
    /// when there is no such open address of this kiosk.
    public func closeUpload(id: UUID, kioskID: String, at: Date) async throws -> Bool {
        // A document an order holds goes with the order, not with the session.
        !(try await database.statement("""
            UPDATE document_uploads SET taken_at = COALESCE(taken_at, $3), sealed = NULL
            WHERE id = $1 AND kiosk_id = $2 AND order_id IS NULL AND (taken_at IS NULL OR sealed IS NOT NULL) RETURNING id
            """, [.text(id.uuidString), .text(kioskID), SQLValue(seconds: at)], readOnly: false).isEmpty)
    }

    /// Addresses past their 30 days that no order holds (an order's
    /// documents are purged when it is handled).
    @discardableResult
    public func purgeUploads(createdBefore: Date) async throws -> Int {
        try await database.statement("DELETE FROM document_uploads WHERE created_at < $1 AND order_id IS NULL RETURNING id",
                                     [SQLValue(seconds: createdBefore)], readOnly: false).count
    }

    /// The sealed bytes as stored (tests: what a copy of the database would show).
    public func sealedUpload(id: UUID) async throws -> Data? {
        guard let row = try await database.statement("SELECT sealed FROM document_uploads WHERE id = $1", [.text(id.uuidString)],
                                                     readOnly: true).first, row.values[0] != .null else { return nil }
        return try row.blob(0)
    }
}

// MARK: - The service

/// A refusal of the phone's file, with the words for the phone's page.
public struct UploadRefusal: Error, Sendable {
    public var status: Int
    public var problem: DocumentProblem
}

extension CentralService {
    /// The key documents are sealed with, from the store's secrets (every instance seals alike).
    func documentKey() async throws -> SymmetricKey {
        SymmetricKey(data: try await store.secret(named: UploadPolicy.secretName,
                                                  make: { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }, at: clock.now))
    }

    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes, base64url without padding: 43 characters.
    static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func isWellFormedToken(_ t: String) -> Bool {
        t.utf8.count == 43 && t.utf8.allSatisfy { c in
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D || c == 0x5F
        }
    }

    /// A new one-time address for this kiosk's session; `base` is the address phones reach `bms-central` at.
    public func createUpload(_ request: UploadSlotRequest, kiosk: String, base: String) async throws -> UploadSlotResponse {
        let now = clock.now
        let sql = try uploadStore()
        // Whatever is past its 30 days goes before anything new comes in.
        try await sql.purgeUploads(createdBefore: now.addingTimeInterval(-UploadPolicy.retention))
        let token = Self.newToken()
        let slot = UploadSlot(id: UUID(), tokenHash: Self.tokenHash(token), kioskID: kiosk, session: request.session, kind: request.kind,
                              createdAt: now, expiresAt: now.addingTimeInterval(UploadPolicy.lifetime))
        try await sql.createUpload(slot)
        await audit(kiosk, "upload.open", nir: nil, "ok")
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return UploadSlotResponse(id: slot.id, url: "\(trimmed)/upload/\(token)", expiresAt: slot.expiresAt)
    }

    func uploadStore() throws -> SQLCentralStore {
        guard let sql = store as? SQLCentralStore ?? (store as? any UploadStoreProvider)?.uploadStore else {
            throw APIFailure(503, "store_unavailable", "this central store keeps no documents")
        }
        return sql
    }

    /// The state of the kiosk's own address (another kiosk's is not found).
    public func uploadState(id: UUID, kiosk: String) async throws -> UploadStateResponse {
        guard let slot = try await uploadStore().upload(id: id), slot.kioskID == kiosk else {
            throw APIFailure(404, "unknown_upload", "no upload address with this id for this kiosk: ask for a new one")
        }
        let state = slot.state(at: clock.now)
        guard state == .received || state == .taken else { return UploadStateResponse(id: id, state: state) }
        return UploadStateResponse(id: id, state: state, mediaType: slot.mediaType, byteCount: slot.byteCount, orientation: slot.orientation)
    }

    /// The file, opened (the store keeps its sealed copy for the order).
    public func takeUpload(id: UUID, kiosk: String) async throws -> (format: DocumentFormat, bytes: Data) {
        guard let taken = try await uploadStore().takeUpload(id: id, kioskID: kiosk, at: clock.now),
              let format = taken.slot.mediaType.flatMap(DocumentFormat.init(mediaType:)) else {
            throw APIFailure(404, "no_document", "no document waits at this address: poll its state, or ask for a new address")
        }
        let box = try AES.GCM.SealedBox(combined: taken.sealed)
        let bytes = try AES.GCM.open(box, using: try await documentKey(), authenticating: Data(id.uuidString.utf8))
        await audit(kiosk, "upload.take", nir: nil, "ok")
        return (format, bytes)
    }

    /// The kiosk's scanner's file at the kiosk's own open address: checked,
    /// stripped and sealed as a phone's, so that both ways end with an
    /// upload the order names.
    public func putUpload(id: UUID, kiosk: String, file: [UInt8]) async throws -> UploadStateResponse {
        let sql = try uploadStore()
        guard let slot = try await sql.upload(id: id), slot.kioskID == kiosk else {
            throw APIFailure(404, "unknown_upload", "no upload address with this id for this kiosk: ask for a new one")
        }
        guard slot.state(at: clock.now) == .waiting else {
            throw APIFailure(409, "upload_not_open", "this address is no longer open (a file came, it expired or was closed): ask for a new one")
        }
        let format: DocumentFormat
        switch DocumentRules(.standard).check(file: file) {
        case .failure(let problem):
            throw APIFailure(problem == .fileTooLarge ? 413 : problem == .unsupportedFormat ? 415 : 400, "document_refused.\(problem.rawValue)",
                             "the document cannot be kept: \(problem.rawValue)")
        case .success(let f): format = f
        }
        guard let clean = DocumentMetadata.strip(file, format: format) else {
            throw APIFailure(400, "document_refused.unreadable", "the document's structure is broken")
        }
        let sealed = try AES.GCM.seal(Data(clean), using: try await documentKey(), authenticating: Data(id.uuidString.utf8))
        guard let combined = sealed.combined else { throw APIFailure(500, "internal", "sealing failed") }
        guard try await sql.putUpload(id: id, kioskID: kiosk, sealed: combined, mediaType: format.mediaType, byteCount: clean.count,
                                      at: clock.now) else {
            throw APIFailure(409, "upload_not_open", "this address is no longer open: ask for a new one")
        }
        await audit(kiosk, "upload.put", nir: nil, "ok")
        return UploadStateResponse(id: id, state: .taken, mediaType: format.mediaType, byteCount: clean.count)
    }

    /// Closes the kiosk's address and drops what arrived there (idempotent).
    public func closeUpload(id: UUID, kiosk: String) async throws {
        let sql = try uploadStore()
        if try await sql.closeUpload(id: id, kioskID: kiosk, at: clock.now) {
            await audit(kiosk, "upload.close", nir: nil, "ok")
            return
        }
        guard let slot = try await sql.upload(id: id), slot.kioskID == kiosk else {
            throw APIFailure(404, "unknown_upload", "no upload address with this id for this kiosk: nothing to close")
        }
    }

    /// The address as the phone's page sees it.
    public func uploadPage(token: String) async throws -> UploadSlot? {
        guard Self.isWellFormedToken(token) else { return nil }
        return try await uploadStore().upload(tokenHash: Self.tokenHash(token))
    }

    /// A file from the phone: type by its bytes, size in bounds, metadata
    /// out, sealed (AES-GCM, bound to the address's id) before it is stored.
    public func receiveUpload(token: String, file: [UInt8]) async throws -> UploadArrival {
        guard let slot = try await uploadPage(token: token) else { return .unknown }
        switch slot.state(at: clock.now) {
        case .expired, .closed: return .expired
        case .received, .taken: return .used
        case .waiting: break
        }
        let rules = DocumentRules(.standard)
        let format: DocumentFormat
        switch rules.check(file: file) {
        case .failure(let problem):
            throw UploadRefusal(status: problem == .fileTooLarge ? 413 : problem == .unsupportedFormat ? 415 : 400, problem: problem)
        case .success(let f): format = f
        }
        guard let clean = DocumentMetadata.strip(file, format: format) else { throw UploadRefusal(status: 400, problem: .unreadable) }
        let sealed = try AES.GCM.seal(Data(clean), using: try await documentKey(), authenticating: Data(slot.id.uuidString.utf8))
        guard let combined = sealed.combined else { throw APIFailure(500, "internal", "sealing failed") }
        // Read before the EXIF goes: the kiosk turns the picture upright with it.
        let orientation = format == .jpeg ? DocumentMetadata.jpegOrientation(file) : nil
        let arrival = try await uploadStore().receiveUpload(tokenHash: slot.tokenHash, sealed: combined, mediaType: format.mediaType,
                                                            byteCount: clean.count, orientation: orientation, at: clock.now)
        // Never the file, its name or the token: the slot's id says which.
        await audit(slot.kioskID, "upload.receive", nir: nil, arrival == .stored ? "ok" : "\(arrival)")
        return arrival
    }
}

/// A wrapper around the SQL store (a scenario's fault injector) that can reach it.
public protocol UploadStoreProvider {
    var uploadStore: SQLCentralStore? { get }
}

// MARK: - The phone's page: plain HTML, no script, French, large text

enum UploadPage {
    /// What the phone's page says of a refused file, in French (the kiosk's
    /// screens word the same cases from their catalogs).
    static func text(_ problem: DocumentProblem, _ kind: DocumentKind) -> String {
        let retake = kind == .photo ? "Reprenez la photo" : "Numérisez à nouveau la pièce d’identité"
        return switch problem {
        case .tooDark: "\(retake) : l’image est trop sombre. Posez le document face contre la vitre et fermez le capot."
        case .tooLight: "\(retake) : l’image est trop claire. Vérifiez que le document est bien posé sur la vitre."
        case .blank: "\(retake) : l’image est vide. Posez le document face contre la vitre."
        case .tooSmall: "\(retake) : le document est trop petit sur l’image. Posez l’original, pas une copie réduite."
        case .notPortrait: "\(retake) : la photo doit être en hauteur. Tournez-la d’un quart de tour sur la vitre."
        case .fileTooSmall: "Ce fichier fait moins de 50 Ko : envoyez une photo de meilleure qualité."
        case .fileTooLarge: "Ce fichier fait plus de 2 Mo : envoyez une photo moins lourde (réduisez-la ou choisissez-en une autre)."
        case .unsupportedFormat: "Ce fichier n’est pas une image JPEG ou PNG, ni un PDF : choisissez une photo ou un PDF."
        case .unreadable: "Ce fichier est abîmé ou incomplet : choisissez-le à nouveau ou prenez une nouvelle photo."
        }
    }

    static func html(title: String, body: String, status: Int = 200) -> Response {
        // French typography, as on the kiosk's screen: a narrow no-break
        // space before a colon, no break inside "50 Ko" or "2 Mo".
        let body = body.replacingOccurrences(of: " :", with: "\u{202F}:").replacingOccurrences(of: " Ko", with: "\u{00A0}Ko")
            .replacingOccurrences(of: " Mo", with: "\u{00A0}Mo")
        let page = """
            <!doctype html>
            <html lang="fr"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(title) – Assurance Maladie</title>
            <style>
            body{font-family:sans-serif;font-size:1.4rem;line-height:1.5;margin:1rem;max-width:40rem;color:#111;background:#fff}
            h1{font-size:1.8rem;color:#0c419a}
            input,button{font-size:1.4rem;margin:.6rem 0;width:100%}
            button{padding:.8rem;background:#0c419a;color:#fff;border:0;border-radius:.4rem}
            .error{border-left:.4rem solid #b00020;padding-left:.8rem}
            </style></head>
            <body>\(body)</body></html>
            """
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        // The page loads nothing and runs nothing.
        headers[.init("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func form(token: String, kind: DocumentKind, error: String? = nil, status: Int = 200) -> Response {
        let what = kind == .photo ? "votre photo d’identité" : "votre pièce d’identité"
        let advice = kind == .photo
            ? "Une photo récente, de face, sur fond clair, sans lunettes de soleil ni couvre-chef."
            : "L’original en cours de validité (carte d’identité, passeport…), avec sur la même page la photo, les noms, les prénoms et la date de naissance."
        let errorBlock = error.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        return html(title: "Envoyer \(what)", body: """
            <h1>Envoyer \(what)</h1>
            \(errorBlock)
            <p>\(advice)</p>
            <p>Formats acceptés : JPEG, PNG ou PDF, de 50 Ko à 2 Mo. Un seul fichier.</p>
            <form method="post" action="/upload/\(token)" enctype="multipart/form-data">
            <label for="document">Choisir le fichier ou prendre une photo</label>
            <input id="document" name="document" type="file" accept="image/jpeg,image/png,application/pdf" required>
            <button type="submit" id="send">Envoyer</button>
            </form>
            <p>Ce lien ne sert qu’une fois et pendant 10 minutes.</p>
            """, status: status)
    }

    static func received() -> Response {
        html(title: "Document reçu", body: """
            <h1>Document reçu</h1>
            <p id="received">Merci. Votre document est arrivé à la borne : continuez votre démarche sur la borne.</p>
            <p>Vous pouvez fermer cette page.</p>
            """)
    }

    static func closed(_ arrival: UploadArrival) -> Response {
        let (status, text) = switch arrival {
        case .used: (410, "Un document a déjà été envoyé avec ce lien. Pour en envoyer un autre, demandez un nouveau code à la borne.")
        case .expired: (410, "Ce lien n’est plus valable (10 minutes passées, ou démarche arrêtée à la borne). Demandez un nouveau code à la borne.")
        default: (404, "Ce lien n’est pas valable. Scannez à nouveau le code affiché par la borne.")
        }
        return html(title: "Lien plus valable", body: "<h1>Lien plus valable</h1><p class=\"error\">\(text)</p>", status: status)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

// MARK: - multipart/form-data: the one file of the form

enum Multipart {
    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(_ contentType: String?) -> String? {
        guard let ct = contentType, ct.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let kv = param.trimmingCharacters(in: .whitespaces)
            guard kv.lowercased().hasPrefix("boundary=") else { continue }
            var b = String(kv.dropFirst("boundary=".count))
            if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
            return (1...70).contains(b.utf8.count) ? b : nil
        }
        return nil
    }

    /// The content of the part named `name` that carries a file, or nil.
    static func file(named name: String, in body: [UInt8], boundary: String) -> [UInt8]? {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        // The body starts with the delimiter without its CRLF.
        let data = [0x0D, 0x0A] + body
        var starts: [Int] = []
        var from = 0
        while let i = find(delimiter, in: data, from: from) { starts.append(i); from = i + delimiter.count }
        for (k, start) in starts.enumerated() where k + 1 < starts.count {
            var p = start + delimiter.count
            guard p + 2 <= data.count, data[p] == 0x0D, data[p + 1] == 0x0A else { continue }
            p += 2
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: data, from: p), headerEnd < starts[k + 1] else { continue }
            let headers = String(decoding: data[p..<headerEnd], as: UTF8.self).lowercased()
            guard headers.contains("name=\"\(name)\""), headers.contains("filename=") else { continue }
            return Array(data[(headerEnd + 4)..<starts[k + 1]])
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, hay.count >= needle.count else { return nil }
        var i = from
        let last = hay.count - needle.count
        return hay.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                while i <= last {
                    if h[i] == first, memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 { return i }
                    i += 1
                }
                return nil
            }
        }
    }
}

// MARK: - Routes

extension CentralRequestContext {
    var uploadID: UUID? { parameters.get("id").flatMap(UUID.init(uuidString:)) }
}

/// The kiosk's signed routes under /v1 and the phone's unsigned page.
func addUploadRoutes(_ router: Router<CentralRequestContext>, v1: RouterGroup<CentralRequestContext>, service: CentralService,
                     configuration: CentralServerConfiguration) {
    let max = configuration.maxBodyBytes
    v1.post("uploads") { request, context in
        let body = try await decodeBody(UploadSlotRequest.self, request, max: max)
        // The address phones reach: the configured one, else the one the kiosk used.
        let base = configuration.publicBaseURL ?? request.head.authority.map { "http://\($0)" } ?? "http://127.0.0.1"
        return jsonResponse(try await service.createUpload(body, kiosk: context.kioskID!, base: base), status: 201)
    }
    v1.get("uploads/:id") { _, context in
        guard let id = context.uploadID else { throw APIFailure(400, "bad_request", "an upload id is a UUID") }
        return jsonResponse(try await service.uploadState(id: id, kiosk: context.kioskID!))
    }
    v1.delete("uploads/:id") { _, context in
        guard let id = context.uploadID else { throw APIFailure(400, "bad_request", "an upload id is a UUID") }
        try await service.closeUpload(id: id, kiosk: context.kioskID!)
        return Response(status: .noContent)
    }
    v1.put("uploads/:id/document") { request, context in
        guard let id = context.uploadID else { throw APIFailure(400, "bad_request", "an upload id is a UUID") }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: DocumentParameters.standard.maxBytes + 1) } catch is NIOTooManyBytesError {
            throw APIFailure(413, "document_refused.fileTooLarge", "the document is over 2 MiB")
        }
        return jsonResponse(try await service.putUpload(id: id, kiosk: context.kioskID!, file: Array(body.readableBytesView)))
    }
    v1.get("uploads/:id/document") { _, context in
        guard let id = context.uploadID else { throw APIFailure(400, "bad_request", "an upload id is a UUID") }
        let (format, bytes) = try await service.takeUpload(id: id, kiosk: context.kioskID!)
        return Response(status: .ok, headers: [.contentType: format.mediaType, .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // The phone: no signature, the token (256 random bits) is the key. A
    // wrong token is not counted against the address: phones in a lobby
    // may share one with the kiosks, whose requests must not be limited.
    router.get("upload/:token") { _, context in
        let token = context.parameters.get("token") ?? ""
        guard let slot = try await service.uploadPage(token: token) else { return UploadPage.closed(.unknown) }
        switch slot.state(at: service.clock.now) {
        case .waiting: return UploadPage.form(token: token, kind: slot.kind)
        case .expired, .closed: return UploadPage.closed(.expired)
        case .received, .taken: return UploadPage.closed(.used)
        }
    }
    router.post("upload/:token") { request, context in
        let token = context.parameters.get("token") ?? ""
        guard let slot = try await service.uploadPage(token: token) else { return UploadPage.closed(.unknown) }
        guard slot.state(at: service.clock.now) == .waiting else {
            return UploadPage.closed([.expired, .closed].contains(slot.state(at: service.clock.now)) ? .expired : .used)
        }
        let limit = DocumentParameters.standard.maxBytes + UploadPolicy.envelopeBytes
        // A declared length over the bound is refused before a byte is read.
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            return UploadPage.form(token: token, kind: slot.kind, error: UploadPage.text(.fileTooLarge, slot.kind), status: 413)
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: limit) } catch is NIOTooManyBytesError {
            return UploadPage.form(token: token, kind: slot.kind, error: UploadPage.text(.fileTooLarge, slot.kind), status: 413)
        }
        guard let boundary = Multipart.boundary(request.headers[.contentType]),
              let file = Multipart.file(named: "document", in: Array(body.readableBytesView), boundary: boundary), !file.isEmpty else {
            return UploadPage.form(token: token, kind: slot.kind, error: "Aucun fichier n’est arrivé : choisissez un fichier, puis « Envoyer ».",
                                   status: 400)
        }
        do {
            let arrival = try await service.receiveUpload(token: token, file: file)
            return arrival == .stored ? UploadPage.received() : UploadPage.closed(arrival)
        } catch let refusal as UploadRefusal {
            return UploadPage.form(token: token, kind: slot.kind, error: UploadPage.text(refusal.problem, slot.kind), status: refusal.status)
        }
    }
}
