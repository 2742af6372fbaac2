import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `GET /metrics` after real requests: what operators of hundreds of kiosks
/// watch, with no personal data in any label.
@Suite("Metrics: Prometheus text on bms-central")
struct MetricsTests {
    /// The sample value of the series `series` (name and labels as printed), nil when absent.
    func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func requestsAreCountedByServiceOutcomeKioskAndRoute() async throws {
        let service = try await makeService(.sqlite, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service)
        let creds = try await server.addKiosk("kiosk-metrics-1")
        let client = SignedTestClient(baseURL: server.baseURL, credentials: creds)
        #expect(try await client.send("GET", "/v1/cards/\(holderSerial)/status").status == 200)
        #expect(try await client.send("GET", "/v1/cards/\(holderSerial)/foyer").status == 200)
        #expect(try await client.send("GET", "/v1/cards/99990000000001/foyer").status == 404)
        let wrong = try await client.send("POST", "/v1/cards/\(holderSerial)/code-check", body: try client.json(CodeCheckRequest(code: "0000")))
        #expect(try wrong.decode(CodeCheckResponse.self).outcome == .rejected)
        #expect(try await client.send("POST", "/v1/cards/\(holderSerial)/code-check", body: try client.json(CodeCheckRequest(code: "1234"))).status == 200)
        #expect(try await client.send("POST", "/v1/cards/\(holderSerial)/provisional-code").decode(ProvisionalCodeResponse.self).status == .sent)
        // Confirmed 90 s ago on the kiosk (it was offline): lag between 30 s and 120 s.
        let command = KioskCommand(serial: holderSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)),
                                   confirmedAt: Date().addingTimeInterval(-90))
        #expect(try await client.send("POST", "/v1/commands", body: try client.json(command)).decode(CommandReceipt.self).status == .applied)
        #expect(try await client.send("POST", "/v1/commands", body: try client.json(command)).decode(CommandReceipt.self).duplicate)
        #expect(try await SignedTestClient(baseURL: server.baseURL, credentials: nil).send("GET", "/v1/reference").status == 401)

        // Unsigned, as Prometheus scrapes.
        let (data, response) = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("metrics"))
        let http200 = try #require(response as? HTTPURLResponse)
        #expect(http200.statusCode == 200)
        #expect(http200.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(decoding: data, as: UTF8.self)
        #expect(value(text, #"bms_central_card_reads_total{kiosk="kiosk-metrics-1",read="status"}"#) == 1)
        #expect(value(text, #"bms_central_card_reads_total{kiosk="kiosk-metrics-1",read="foyer"}"#) == 1)
        #expect(value(text, #"bms_central_code_checks_total{outcome="rejected"}"#) == 1)
        #expect(value(text, #"bms_central_code_checks_total{outcome="accepted"}"#) == 1)
        #expect(value(text, #"bms_central_sms_total{outcome="sent"}"#) == 1)
        #expect(value(text, #"bms_central_provisional_codes_total{outcome="sent"}"#) == 1)
        #expect(value(text, #"bms_central_commands_total{action="ceam.viewPrint",outcome="applied"}"#) == 1)
        #expect(value(text, #"bms_central_commands_total{action="ceam.viewPrint",outcome="duplicate"}"#) == 1)
        #expect(value(text, #"bms_central_outbox_lag_seconds_count{kiosk="kiosk-metrics-1"}"#) == 1)
        #expect(value(text, #"bms_central_outbox_lag_seconds_bucket{kiosk="kiosk-metrics-1",le="30.0"}"#) == 0)
        #expect(value(text, #"bms_central_outbox_lag_seconds_bucket{kiosk="kiosk-metrics-1",le="120.0"}"#) == 1)
        // Routes by pattern and final status (the error middleware's).
        let http = text.split(separator: "\n").filter { $0.hasPrefix("bms_central_http_requests_total{") }
        #expect(http.contains { $0.contains("foyer") && $0.contains(#"status="404""#) && $0.hasSuffix(" 1") }, "\(http)")
        #expect(http.contains { $0.contains("reference") && $0.contains(#"status="401""#) }, "\(http)")
        #expect(http.contains { $0.contains("code-check") && $0.contains(#"method="POST""#) && $0.contains(#"status="200""#) && $0.hasSuffix(" 2") }, "\(http)")
        // No personal data: no serial, no NIR, no phone number anywhere.
        for secret in [holderSerial, "99990000000001", "180057505612342", "0639980034"] {
            #expect(!text.contains(secret), "\(secret) in /metrics")
        }
        await server.stop()
    }

    @Test func smsGiveUpIsCountedAsFailed() async throws {
        let gateway = KannelSMSGateway(sendsmsURL: URL(string: "http://127.0.0.1:\(try CentralTestServer.freePort())/cgi-bin/sendsms")!,
                                       username: "u", password: "p", timeout: .milliseconds(500))
        let service = try await makeService(.sqlite, sms: gateway)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .smsFailed)
        let text = service.metrics.render()
        #expect(value(text, #"bms_central_sms_total{outcome="failed"}"#) == 1)
        #expect(value(text, #"bms_central_sms_total{outcome="sent"}"#) == nil)
    }
}
