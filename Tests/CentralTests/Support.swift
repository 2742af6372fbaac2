import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

/// The engines every store test runs on.
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres
    var testDescription: String { rawValue }

    /// All by default; `CENTRAL_TEST_ENGINES=sqlite` narrows a local run.
    static var selected: [Engine] {
        guard let only = ProcessInfo.processInfo.environment["CENTRAL_TEST_ENGINES"] else { return allCases }
        return only.split(separator: ",").compactMap { Engine(rawValue: String($0)) }
    }
}

let demoSeedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Assets/demo/central-seed.json")

/// The demo day: Léa's CEAM (valid until 31/12/2026) is in its renewal window.
let demoDay = CivilDate(year: 2026, month: 11, day: 23)!
let holderSerial = "25010000000001"
let sophieSerial = "25010000000002"

func makeStore(_ engine: Engine) async throws -> SQLCentralStore {
    let store: SQLCentralStore
    switch engine {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("central-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try .sqlite(path: dir.appendingPathComponent("central.sqlite").path)
    case .postgres:
        let cluster = try await PostgresTestCluster.shared()
        store = try .postgres(url: try cluster.createDatabase(), maximumConnections: 8)
    }
    try await store.migrate()
    return store
}

/// A service over a fresh store with the demo data, and a clock on the demo day.
func makeService(_ engine: Engine, store givenStore: SQLCentralStore? = nil, sms: (any SMSGateway)? = nil,
                 clock: TestClock = TestClock(day: demoDay)) async throws -> CentralService {
    let store: SQLCentralStore
    if let given = givenStore { store = given } else { store = try await makeStore(engine) }
    try await DemoSeed.load(from: demoSeedURL).load(into: store, hasher: .fastForTests, at: clock.now)
    let smsLog = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
    return CentralService(store: store, clock: clock, hasher: .fastForTests,
                          sms: sms ?? LogFileSMSGatewayForDevelopment(path: smsLog),
                          smsRetry: RetryPolicy(attempts: 3, firstDelay: .milliseconds(10)))
}

/// A JPEG the rules take (60 kB), as a kiosk's scanner makes one.
func scannedJPEG(size: Int = 60_000) -> [UInt8] {
    let head: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0]
        + [0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02]
    return head + [UInt8](repeating: 0x5A, count: size - head.count - 2) + [0xFF, 0xD9]
}

/// A carte Vitale order's documents put in the store as `kiosk`'s scanner
/// puts them (`PUT /v1/uploads/{id}/document`), and the request naming them.
func orderRequest(_ service: CentralService, kiosk: String = "k1", useCase: VitaleOrderUseCase = .lossOrTheft,
                  sworn: Bool = true) async throws -> VitaleOrderRequest {
    var ids: [UUID] = []
    for kind in [DocumentKind.photo, .identityDocument] {
        let slot = try await service.createUpload(UploadSlotRequest(session: UUID(), kind: kind), kiosk: kiosk, base: "http://127.0.0.1")
        _ = try await service.putUpload(id: slot.id, kiosk: kiosk, file: scannedJPEG())
        ids.append(slot.id)
    }
    return VitaleOrderRequest(useCase: useCase, photo: ids[0], identityDocument: ids[1], swornStatement: sworn)
}

/// Reads codes the dev gateway wrote.
func codesSent(_ gateway: LogFileSMSGatewayForDevelopment) -> [String] {
    guard let text = try? String(contentsOfFile: gateway.path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
        guard let r = line.range(of: "ameli : ") else { return nil }
        return String(line[r.upperBound...].prefix(4))
    }
}
