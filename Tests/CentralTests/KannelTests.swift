import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

/// Real Kannel (bearerbox + smsbox + fakesmsc) on loopback.
@Suite("Provisional codes through Kannel")
struct KannelTests {
    func start(_ engine: Engine, password: String? = nil) async throws -> (KannelTestGateway, CentralTestServer, CentralService) {
        let kannel = try await KannelTestGateway.start()
        let port = try CentralTestServer.freePort()
        let store = try await makeStore(engine)
        // The delivery-report token lives in the store: read it before the gateway is made.
        let token = try await CentralService(store: store, sms: LogFileSMSGatewayForDevelopment(path: "/dev/null")).deliveryReportToken()
        let gateway = KannelSMSGateway(sendsmsURL: kannel.sendsmsURL, username: kannel.username, password: password ?? kannel.password,
                                       deliveryReportURL: "http://127.0.0.1:\(port)/v1/sms/delivery-report?token=\(token)",
                                       timeout: .seconds(10))
        let service = try await makeService(engine, store: store, sms: gateway, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service, port: port)
        return (kannel, server, service)
    }

    func smsRows(_ service: CentralService) async throws -> [(status: String, attempts: Int64, dlr: Int64?)] {
        try await (service.store as! SQLCentralStore).database.transaction { c in
            try c.query("SELECT status, attempts, dlr_status FROM sms_messages").map { (try $0.text(0), try $0.int(1), try $0.optionalInt(2)) }
        }
    }

    @Test(arguments: Engine.selected)
    func codeArrivesAtTheSMSCAndTheDeliveryReportIsRecorded(engine: Engine) async throws {
        let (kannel, server, service) = try await start(engine)
        defer { kannel.stop() }
        let answer = try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1")
        #expect(answer.status == .sent)
        let messages = try await kannel.waitForMessages(1)
        #expect(messages[0].to == "+33639980034")
        let text = messages[0].text
        let prefix = "Votre code provisoire ameli : "
        #expect(text.hasPrefix(prefix) && text.hasSuffix(". Valable 48 h."), "fake SMSC got: \(text)")
        #expect(GSM7.isSafe(text))
        let code = String(text.dropFirst(prefix.count).prefix(4))
        #expect(code.count == 4 && code.allSatisfy(\.isNumber))
        #expect(try await service.verifyProvisionalCode(serial: holderSerial, code: code))
        // Kannel calls back with the SMSC's acknowledgement (dlr type 8).
        var rows = try await smsRows(service)
        let deadline = Date().addingTimeInterval(10)
        while rows.first?.dlr == nil && Date() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
            rows = try await smsRows(service)
        }
        #expect(rows.count == 1 && rows[0].status == "accepted")
        #expect(rows[0].dlr != nil, "no delivery report")
        await server.stop()
    }

    @Test(arguments: Engine.selected)
    func kannelDownIsRetriedReportedAndTheAssureIsTold(engine: Engine) async throws {
        let (kannel, server, service) = try await start(engine)
        kannel.stop()
        let answer = try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1")
        #expect(answer.status == .smsFailed)
        #expect(answer.message.contains("n'a pas pu être envoyé"))
        let rows = try await smsRows(service)
        #expect(rows.count == 1 && rows[0].status == "failed" && rows[0].attempts == 3)
        // Not counted against the limit, no code left behind.
        let file = try #require(try await service.store.loadFoyer(serial: holderSerial))
        #expect(file.codes.provisional == nil && file.codes.provisionalRequests.isEmpty)
        await server.stop()
    }

    @Test func gatewayRefusalIsReported() async throws {
        let (kannel, server, service) = try await start(.sqlite, password: "wrong")
        defer { kannel.stop() }
        let answer = try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1")
        #expect(answer.status == .smsFailed)
        let error = try await (service.store as! SQLCentralStore).database.transaction { c in
            try c.query("SELECT last_error FROM sms_messages").first?.optionalText(0)
        }
        #expect(error?.contains("HTTP 403") == true)
        #expect(kannel.received().isEmpty)
        await server.stop()
    }
}
