import CardReader
import Central
import CentralAPI
import CentralTesting
import Domain
import Foundation
import KioskApp
import KioskRuntime
import KioskStore
import Printing
import PrintingTesting
import SyncClient
import Testing
import VirtualCard

/// The repository's root (Assets/, Tests/Scenarios/live/).
let repositoryRoot: URL = {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir.deleteLastPathComponent()
    }
    return dir
}()

func asset(_ path: String) -> String { repositoryRoot.appendingPathComponent(path).path }

/// A central store in process over SQLite with the demo foyers, sending SMS
/// through `sms` (Kannel in the live suite).
func startCentral(sms: any SMSGateway = LogFileSMSGatewayForDevelopment(path: "/dev/null"), directory: URL) async throws -> CentralTestServer {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLCentralStore.sqlite(path: directory.appendingPathComponent("central-\(UUID().uuidString.prefix(8)).sqlite").path)
    try await store.migrate()
    try await DemoSeed.load(from: URL(fileURLWithPath: asset("Assets/demo/central-seed.json")))
        .load(into: store, hasher: .fastForTests, at: Date())
    let service = CentralService(store: store, hasher: .fastForTests, sms: sms)
    return try await CentralTestServer.start(service: service)
}

func temporaryDirectory(_ name: String) -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bms-runtime-\(name)-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The demo TEST keys (Assets/demo/demo-trust.json): the demo cards' issuer.
func demoTrust() throws -> TrustStore { try TrustStore.load(paths: [asset("Assets/demo/demo-trust.json")]) }

/// The demo card of DUPONT Jean (serial 25010000000001), as a CardSpec.
func demoCardSpec() throws -> CardSpec { try CardSpec.load(path: asset("Assets/demo/demo-card.json")) }

/// Collects card events for a test.
actor CardEventLog {
    private(set) var events: [CardEvent] = []
    init(_ stream: AsyncStream<CardEvent>) { Task { await self.consume(stream) } }
    private func consume(_ s: AsyncStream<CardEvent>) async { for await e in s { events.append(e) } }

    func wait(from: Int = 0, timeout: Duration = .seconds(15), _ match: @Sendable (CardEvent) -> Bool) async -> CardEvent? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let e = events.dropFirst(from).first(where: match) { return e }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
    var count: Int { events.count }
}

func isRead(_ e: CardEvent) -> Bool { if case .read = e { return true }; return e == .mute }
