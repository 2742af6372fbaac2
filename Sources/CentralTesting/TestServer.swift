import CentralAPI
import Central
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `bms-central` in process on 127.0.0.1 and an ephemeral port (or a given
/// one, to come back on the same address after `stop()`).
public final class CentralTestServer: @unchecked Sendable {
    public let service: CentralService
    public private(set) var port: Int = 0
    private var task: Task<Void, any Error>?
    private var group: ServiceGroup?
    private let lock = NSLock()

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Time-outs and the connection cap (the production defaults unless given).
    public let limits: ConnectionLimits

    public init(service: CentralService, limits: ConnectionLimits = .init()) {
        self.service = service
        self.limits = limits
    }

    public static func start(service: CentralService, port: Int = 0, limits: ConnectionLimits = .init()) async throws -> CentralTestServer {
        let s = CentralTestServer(service: service, limits: limits)
        try await s.start(port: port)
        return s
    }

    public func start(port wanted: Int? = nil) async throws {
        // A restart on the same port (the central store coming back) may find
        // it taken for a moment by another test's socket: wait for it, bounded.
        var attempt = 0
        while true {
            do { return try await startOnce(port: wanted) } catch let e as HarnessError where wanted != nil && attempt < 40
                && "\(e)".contains("Address already in use") {
                attempt += 1
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    private func startOnce(port wanted: Int?) async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "bms-central.test")
        logger.logLevel = .warning
        let app = buildCentralApplication(service: service, configuration: .init(host: "127.0.0.1", port: wanted ?? port, limits: limits),
                                          logger: logger, onServerRunning: { p in continuation.yield(p); continuation.finish() })
        // A server that cannot bind ends its task at once: the stream ends
        // with it, so start() throws instead of waiting for ever.
        // In a service group, so that stop() shuts down gracefully: idle
        // keep-alive connections are closed and a client sees the server gone
        // at once (a cancelled server leaves them open: requests on them
        // would wait for the client's whole time-out).
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        lock.withLock { self.task = task; self.group = group }
        var it = stream.makeAsyncIterator()
        guard let p = await it.next() else {
            let why: String
            switch await task.result {
            case .failure(let error): why = "\(error)"
            case .success: why = "it stopped at once"
            }
            lock.withLock { self.task = nil }
            throw HarnessError("bms-central test server did not start on port \(wanted ?? port): \(why)")
        }
        lock.withLock { port = p }
    }

    /// Stops serving (connections refused until `start()` again).
    public func stop() async {
        let (t, g) = lock.withLock { let both = (task, group); task = nil; group = nil; return both }
        guard let t else { return }
        await g?.triggerGracefulShutdown()
        // A request still in flight may hold the graceful shutdown: 5 s, then cancel.
        let watchdog = Task { try await Task.sleep(for: .seconds(5)); t.cancel() }
        _ = await t.result
        watchdog.cancel()
    }

    /// Registers a new kiosk and returns its credentials.
    public func addKiosk(_ id: String = "kiosk-\(UUID().uuidString.prefix(8).lowercased())") async throws -> KioskCredentials {
        let creds = KioskCredentials(kioskID: id, privateKey: .init())
        try await service.store.registerKiosk(id: id, publicKey: creds.publicKey, at: service.clock.now)
        return creds
    }
}

extension CentralTestServer {
    /// A loopback port free now, to know the server's address before it starts.
    public static func freePort() throws -> Int { try Harness.freePort() }
}
