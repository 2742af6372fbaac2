import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

@Suite("HTTP API v1: kiosk authentication and bad input")
struct HTTPTests {
    /// A server over SQLite unless told; the clock is the real one (signatures carry real time).
    func start(_ engine: Engine = .sqlite) async throws -> (CentralTestServer, SignedTestClient) {
        let service = try await makeService(engine, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service)
        let creds = try await server.addKiosk()
        return (server, SignedTestClient(baseURL: server.baseURL, credentials: creds))
    }

    @Test(arguments: Engine.selected)
    func signedRequestIsServed(engine: Engine) async throws {
        let (server, client) = try await start(engine)
        let answer = try await client.send("GET", "/v1/cards/\(holderSerial)/foyer")
        #expect(answer.status == 200)
        let foyer = try answer.decode(FoyerResponse.self)
        #expect(foyer.persons.count == 4)
        let status = try await client.send("GET", "/v1/cards/99999999999999/status").decode(CardStatusResponse.self)
        #expect(status.status == .unknown && status.status.isRefused)
        let audit = try await server.service.store.auditLog(limit: 20)
        #expect(audit.contains { $0.kioskID == client.credentials?.kioskID && $0.action == "foyer.read" })
        // No NIR in clear in the audit trail.
        #expect(!audit.contains { ($0.subject ?? "").contains("180057505612342") })
        await server.stop()
    }

    @Test func unsignedUnknownAndForgedRequestsAreRefused() async throws {
        let (server, client) = try await start()
        var anonymous = client
        anonymous.credentials = nil
        #expect(try await anonymous.send("GET", "/v1/reference").error?.code == "missing_auth_header")
        var stranger = client
        stranger.credentials = KioskCredentials(kioskID: "unknown-kiosk", privateKey: .init())
        let unknown = try await stranger.send("GET", "/v1/reference")
        #expect(unknown.status == 401 && unknown.error?.code == "unknown_kiosk")
        // Signed with another key under a registered id.
        var impostor = client
        impostor.credentials = KioskCredentials(kioskID: client.credentials!.kioskID, privateKey: .init())
        #expect(try await impostor.send("GET", "/v1/reference").error?.code == "bad_signature")
        // A body changed after signing.
        let body = try client.json(CodeCheckRequest(code: "1234"))
        let tampered = try await client.send("POST", "/v1/cards/\(holderSerial)/code-check", body: body,
                                             signBody: try client.json(CodeCheckRequest(code: "0000")))
        #expect(tampered.error?.code == "bad_signature")
        #expect(try await client.send("GET", "/v1/health", headers: [RequestSignature.signatureHeader: ""]).status == 200)
        await server.stop()
    }

    @Test func replayedRequestIsRefused() async throws {
        let (server, client) = try await start()
        let nonce = KioskCredentials.freshNonce()
        let now = Date()
        #expect(try await client.send("GET", "/v1/reference", signedAt: now, nonce: nonce).status == 200)
        let replay = try await client.send("GET", "/v1/reference", signedAt: now, nonce: nonce)
        #expect(replay.status == 401 && replay.error?.code == "replay")
        await server.stop()
    }

    @Test func clockSkewIsRefusedBeyondTheWindowAndToleratedWithin() async throws {
        let (server, client) = try await start()
        #expect(try await client.send("GET", "/v1/reference", signedAt: Date().addingTimeInterval(240)).status == 200)
        #expect(try await client.send("GET", "/v1/reference", signedAt: Date().addingTimeInterval(-240)).status == 200)
        let ahead = try await client.send("GET", "/v1/reference", signedAt: Date().addingTimeInterval(900))
        #expect(ahead.status == 401 && ahead.error?.code == "clock_skew")
        let serverTime = try #require(ahead.error?.serverTime)
        #expect(abs(serverTime.timeIntervalSinceNow) < 60)
        #expect(try await client.send("GET", "/v1/reference", signedAt: Date().addingTimeInterval(-900)).error?.code == "clock_skew")
        await server.stop()
    }

    @Test func corruptAndOversizedBodiesGetClearErrors() async throws {
        let (server, client) = try await start()
        let garbage = try await client.send("POST", "/v1/commands", body: Data("{\"id\": 12, \u{1}".utf8))
        #expect(garbage.status == 400 && garbage.error?.code == "bad_request")
        let wrongShape = try await client.send("POST", "/v1/commands", body: Data("{\"id\": \"x\"}".utf8))
        #expect(wrongShape.status == 400)
        let big = Data(repeating: 0x20, count: 200_000)
        let oversized = try await client.send("POST", "/v1/commands", body: big)
        #expect(oversized.status == 413 && oversized.error?.code == "body_too_large")
        let badSerial = try await client.send("GET", "/v1/cards/12ab/foyer")
        #expect(badSerial.status == 400 && badSerial.error?.code == "bad_serial")
        // The server is still fine.
        #expect(try await client.send("GET", "/v1/reference").status == 200)
        await server.stop()
    }

    @Test func commandsOverHTTPAreIdempotentAndDependencyIsRetryable() async throws {
        let (server, client) = try await start()
        let declaration = KioskCommand(serial: sophieSerial, personIndex: 0,
                                       action: .vitaleDeclaration(reason: .vol, commitsToReturnFoundCard: true), confirmedAt: Date())
        // The documents through the kiosk's scanner's way in (signed PUT): the order names them.
        var ids: [UUID] = []
        for kind in [DocumentKind.photo, .identityDocument] {
            let slot = try await client.send("POST", "/v1/uploads", body: try client.json(UploadSlotRequest(session: UUID(), kind: kind)))
                .decode(UploadSlotResponse.self)
            let put = try await client.send("PUT", "/v1/uploads/\(slot.id.uuidString)/document", body: Data(scannedJPEG()))
            #expect(put.status == 200 && (try? put.decode(UploadStateResponse.self).state) == .taken, "\(put.status) \(put.error?.code ?? "")")
            ids.append(slot.id)
        }
        let request = VitaleOrderRequest(useCase: .lossOrTheft, photo: ids[0], identityDocument: ids[1], swornStatement: true)
        let order = KioskCommand(serial: sophieSerial, personIndex: 0, action: .vitaleOrder(order: request), confirmedAt: Date(),
                                 after: declaration.id)
        let early = try await client.send("POST", "/v1/commands", body: try client.json(order))
        #expect(early.status == 409 && early.error?.code == "dependency_pending")
        let first = try await client.send("POST", "/v1/commands", body: try client.json(declaration)).decode(CommandReceipt.self)
        let again = try await client.send("POST", "/v1/commands", body: try client.json(declaration)).decode(CommandReceipt.self)
        #expect(first.status == .applied && !first.duplicate && again.duplicate)
        #expect(try await client.send("POST", "/v1/commands", body: try client.json(order)).decode(CommandReceipt.self).status == .applied)
        #expect(try await client.send("GET", "/v1/cards/\(sophieSerial)/status").decode(CardStatusResponse.self).status == .stolen)
        #expect(try await client.send("GET", "/v1/cards/\(sophieSerial)/foyer").error?.code == "card_refused")
        await server.stop()
    }
}
