import AsyncHTTPClient
import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The phone's one-time upload addresses (issue 13) on each engine: one
/// file per address, ten minutes, bounds and type on arrival, EXIF out,
/// sealed at rest, taken once, purged after 30 days.
@Suite("Documents sent from a phone")
struct DocumentUploadTests {
    /// A JPEG as the rules read it: SOI, an APP1 Exif with a place in it,
    /// scan data padded to `size` bytes, EOI.
    static func jpeg(size: Int = 60_000) -> [UInt8] {
        let exif = Array("Exif\0\0GPS 48.85N 2.35E".utf8)
        let head: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif
            + [0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02]
        return head + [UInt8](repeating: 0x55, count: size - head.count - 2) + [0xFF, 0xD9]
    }

    static func token(_ slot: UploadSlotResponse) -> String { String(slot.url.split(separator: "/").last!) }

    func open(_ service: CentralService, kiosk: String = "kiosk-a", kind: DocumentKind = .photo) async throws -> UploadSlotResponse {
        try await service.createUpload(UploadSlotRequest(session: UUID(), kind: kind), kiosk: kiosk, base: "https://bms.example/")
    }

    @Test(arguments: Engine.selected)
    func oneFilePerAddressSealedAtRestTakenOnce(engine: Engine) async throws {
        let service = try await makeService(engine, clock: TestClock(Date()))
        let slot = try await open(service)
        #expect(slot.url.hasPrefix("https://bms.example/upload/") && Self.token(slot).count == 43)
        #expect(slot.expiresAt.timeIntervalSince(service.clock.now) == 600)
        #expect(try await service.uploadState(id: slot.id, kiosk: "kiosk-a").state == .waiting)

        let file = Self.jpeg()
        #expect(try await service.receiveUpload(token: Self.token(slot), file: file) == .stored)
        #expect(try await service.receiveUpload(token: Self.token(slot), file: file) == .used)
        #expect(try await service.receiveUpload(token: String(repeating: "A", count: 43), file: file) == .unknown)

        let state = try await service.uploadState(id: slot.id, kiosk: "kiosk-a")
        #expect(state == UploadStateResponse(id: slot.id, state: .received, mediaType: "image/jpeg",
                                             byteCount: DocumentMetadata.strip(file, format: .jpeg)!.count))
        // At rest: neither the place nor the picture's bytes in clear.
        let sealed = try #require(try await (service.store as! SQLCentralStore).sealedUpload(id: slot.id))
        #expect(sealed.range(of: Data("GPS".utf8)) == nil && sealed.range(of: Data(repeating: 0x55, count: 32)) == nil)

        // Another kiosk sees nothing of it.
        let other = await #expect(throws: APIFailure.self) { try await service.uploadState(id: slot.id, kiosk: "kiosk-b") }
        #expect(other?.status == 404)
        #expect(await (try? service.takeUpload(id: slot.id, kiosk: "kiosk-b")) == nil)

        let taken = try await service.takeUpload(id: slot.id, kiosk: "kiosk-a")
        #expect(taken.format == .jpeg)
        #expect(Array(taken.bytes) == DocumentMetadata.strip(file, format: .jpeg))
        #expect(!DocumentMetadata.jpegHasAPP1(Array(taken.bytes)))
        // Taken for the preview: the store keeps its sealed copy for the order (phase 2); the kiosk may read it again.
        #expect(try await service.uploadState(id: slot.id, kiosk: "kiosk-a").state == .taken)
        #expect(try await (service.store as! SQLCentralStore).sealedUpload(id: slot.id) == sealed)
        #expect(try await service.takeUpload(id: slot.id, kiosk: "kiosk-a").bytes == taken.bytes)
        // Not an order's: closing it drops it.
        try await service.closeUpload(id: slot.id, kiosk: "kiosk-a")
        #expect(try await service.uploadState(id: slot.id, kiosk: "kiosk-a").state == .closed)
        let again = await #expect(throws: APIFailure.self) { try await service.takeUpload(id: slot.id, kiosk: "kiosk-a") }
        #expect(again?.status == 404)
        #expect(try await (service.store as! SQLCentralStore).sealedUpload(id: slot.id) == nil)
        // The audit says what happened, with no file, name or token.
        let audit = try await service.store.auditLog(limit: 10).map(\.action)
        #expect(audit.contains("upload.receive") && audit.contains("upload.take"))
    }

    @Test(arguments: Engine.selected)
    func boundsAndTypeOnArrivalThenTenMinutes(engine: Engine) async throws {
        let clock = TestClock(Date())
        let service = try await makeService(engine, clock: clock)
        let slot = try await open(service, kind: .identityDocument)
        let token = Self.token(slot)
        func refusal(_ file: [UInt8]) async -> UploadRefusal? {
            await #expect(throws: UploadRefusal.self) { try await service.receiveUpload(token: token, file: file) }
        }
        let big = await refusal(Self.jpeg(size: 2 * 1024 * 1024 + 1))
        #expect(big?.status == 413 && big?.problem == .fileTooLarge)
        #expect(await refusal(Self.jpeg(size: 50 * 1024 - 1))?.problem == .fileTooSmall)
        #expect(await refusal(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 60_000))?.status == 415)
        // A JPEG whose segments run past its end: refused, not stored.
        #expect(await refusal([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 60_000))?.problem == .unreadable)
        // Refusals spend nothing: the address still takes a good file, until ten minutes are up.
        #expect(try await service.uploadState(id: slot.id, kiosk: "kiosk-a").state == .waiting)
        clock.advance(seconds: 600)
        #expect(try await service.uploadState(id: slot.id, kiosk: "kiosk-a").state == .expired)
        #expect(try await service.receiveUpload(token: token, file: Self.jpeg()) == .expired)
    }

    @Test(arguments: Engine.selected)
    func purgedAfterThirtyDaysIfNeverTaken(engine: Engine) async throws {
        let clock = TestClock(Date())
        let service = try await makeService(engine, clock: clock)
        let old = try await open(service)
        #expect(try await service.receiveUpload(token: Self.token(old), file: Self.jpeg()) == .stored)
        clock.advance(days: 30)
        clock.advance(seconds: 1)
        let fresh = try await open(service)
        let gone = await #expect(throws: APIFailure.self) { try await service.uploadState(id: old.id, kiosk: "kiosk-a") }
        #expect(gone?.status == 404)
        #expect(try await (service.store as! SQLCentralStore).sealedUpload(id: old.id) == nil)
        #expect(try await service.uploadState(id: fresh.id, kiosk: "kiosk-a").state == .waiting)
    }

    /// Card pulled: the kiosk closes its address; what arrived is dropped, nothing arrives after.
    @Test(arguments: Engine.selected)
    func theKioskClosesItsAddressWhenTheCardIsPulled(engine: Engine) async throws {
        let service = try await makeService(engine, clock: TestClock(Date()))
        let sql = service.store as! SQLCentralStore
        let arrived = try await open(service)
        #expect(try await service.receiveUpload(token: Self.token(arrived), file: Self.jpeg()) == .stored)
        try await service.closeUpload(id: arrived.id, kiosk: "kiosk-a")
        #expect(try await sql.sealedUpload(id: arrived.id) == nil)
        #expect(try await service.uploadState(id: arrived.id, kiosk: "kiosk-a").state == .closed)
        let none = await #expect(throws: APIFailure.self) { try await service.takeUpload(id: arrived.id, kiosk: "kiosk-a") }
        #expect(none?.status == 404)

        let waiting = try await open(service)
        try await service.closeUpload(id: waiting.id, kiosk: "kiosk-a")
        try await service.closeUpload(id: waiting.id, kiosk: "kiosk-a")  // again: harmless
        #expect(try await service.uploadState(id: waiting.id, kiosk: "kiosk-a").state == .closed)
        #expect(try await service.receiveUpload(token: Self.token(waiting), file: Self.jpeg()) == .expired)
        #expect(try await sql.sealedUpload(id: waiting.id) == nil)
        let stranger = await #expect(throws: APIFailure.self) { try await service.closeUpload(id: waiting.id, kiosk: "kiosk-b") }
        #expect(stranger?.status == 404)
    }

    // MARK: over HTTP: the phone's page and the kiosk's signed poll

    func post(_ url: String, file: [UInt8], contentType: String = "image/jpeg") async throws -> (Int, String) {
        let boundary = "----bms\(UUID().uuidString.prefix(8))"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"p.jpg\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    func get(_ url: String) async throws -> (Int, String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    @Test func thePhonesPageAndTheKiosksSignedPoll() async throws {
        let service = try await makeService(.sqlite, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service)
        let client = SignedTestClient(baseURL: server.baseURL, credentials: try await server.addKiosk())
        let opened = try await client.send("POST", "/v1/uploads", body: try client.json(UploadSlotRequest(session: UUID(), kind: .photo)))
        #expect(opened.status == 201)
        let slot = try opened.decode(UploadSlotResponse.self)
        // No public address configured: the one the kiosk called.
        #expect(slot.url.hasPrefix(server.baseURL.absoluteString + "/upload/"))

        let (status, page) = try await get(slot.url)
        #expect(status == 200)
        #expect(page.contains("<html lang=\"fr\">") && page.contains("accept=\"image/jpeg,image/png,application/pdf\""))
        #expect(page.contains("photo d’identité") && !page.contains("<script"))
        #expect(try await get(server.baseURL.absoluteString + "/upload/" + String(repeating: "x", count: 43)).0 == 404)

        let tooBig = try await post(slot.url, file: Self.jpeg(size: 2 * 1024 * 1024 + 100))
        #expect(tooBig.0 == 413 && tooBig.1.contains("plus de 2\u{00A0}Mo"))
        #expect(try await post(slot.url, file: Array("%PDF-1.4".utf8)).1.contains("moins de 50\u{00A0}Ko"))
        #expect(try await post(slot.url, file: Self.jpeg()).0 == 200)
        #expect(try await post(slot.url, file: Self.jpeg()).0 == 410)

        let polled = try await client.send("GET", "/v1/uploads/\(slot.id)").decode(UploadStateResponse.self)
        #expect(polled.state == .received)
        var anonymous = client
        anonymous.credentials = nil
        #expect(try await anonymous.send("GET", "/v1/uploads/\(slot.id)/document").status == 401)
        let document = try await client.send("GET", "/v1/uploads/\(slot.id)/document")
        #expect(document.status == 200)
        #expect(Array(document.body) == DocumentMetadata.strip(Self.jpeg(), format: .jpeg))
        // Kept (sealed) for the order until the kiosk closes it: then gone.
        #expect(try await client.send("GET", "/v1/uploads/\(slot.id)").decode(UploadStateResponse.self).state == .taken)
        #expect(try await client.send("DELETE", "/v1/uploads/\(slot.id)").status == 204)
        #expect(try await client.send("GET", "/v1/uploads/\(slot.id)/document").status == 404)

        // Closed by the kiosk: the phone is told the link is no longer valid.
        let other = try await client.send("POST", "/v1/uploads", body: try client.json(UploadSlotRequest(session: UUID(), kind: .photo)))
            .decode(UploadSlotResponse.self)
        #expect(try await client.send("DELETE", "/v1/uploads/\(other.id)").status == 204)
        let closed = try await get(other.url)
        #expect(closed.0 == 410 && closed.1.contains("plus valable"))
        #expect(try await post(other.url, file: Self.jpeg()).0 == 410)
        await server.stop()
    }
}

/// The OpenAPI document (schemathesis tests the server against it) names
/// the upload routes and every field of their answers.
@Suite struct DocumentUploadOpenAPITests {
    @Test func theOpenAPIDocumentDescribesTheUploads() throws {
        let url = demoSeedURL.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/central-openapi.yaml")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for path in ["/v1/uploads", "/v1/uploads/{id}", "/v1/uploads/{id}/document", "/upload/{token}", "/v1/cards/{serial}/vitale-orders"] {
            #expect(lines.contains("  \(path):"), "\(path) is not in the OpenAPI document")
        }
        func properties(_ schema: String) throws -> Set<String> {
            let start = try #require(lines.firstIndex { $0 == "    \(schema):" }, "no \(schema) schema")
            let props = try #require(lines[start...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "properties:" })
            return Set(lines[(props + 1)...].prefix { $0.hasPrefix("        ") }.map { String($0.dropFirst(8).prefix { $0 != ":" }) })
        }
        func keys(_ value: some Encodable) throws -> Set<String> {
            Set(try #require(try JSONSerialization.jsonObject(with: try CentralJSON.encoder().encode(value)) as? [String: Any]).keys)
        }
        let id = UUID()
        #expect(try keys(UploadStateResponse(id: id, state: .received, mediaType: "image/jpeg", byteCount: 1, orientation: 6))
                == properties("UploadStateResponse"))
        #expect(try keys(UploadSlotResponse(id: id, url: "u", expiresAt: Date())) == properties("UploadSlotResponse"))
        #expect(try keys(UploadSlotRequest(session: id, kind: .photo)) == properties("UploadSlotRequest"))
        let order = VitaleOrderView(id: id, personIndex: 2, useCase: .ayantDroit, placedAt: Date(), stage: .sent, stageChangedAt: Date(),
                                    expectedBy: demoDay, followUpFrom: demoDay)
        #expect(try keys(order) == properties("VitaleOrderView"))
        #expect(try keys(VitaleOrdersResponse(serial: "1", today: demoDay, orders: [])) == properties("VitaleOrdersResponse"))
    }
}
