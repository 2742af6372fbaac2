import ArgumentParser
import Central
import CentralAPI
import Domain
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging
import ServiceSupport

/// Options every store-using subcommand shares.
struct StoreOptions: ParsableArguments {
    @Option(help: "sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: sqlite:bms-central.sqlite in $STATE_DIRECTORY under systemd, else in the current folder)")
    var store: String?

    var location: String {
        if let store { return store }
        let dir = ProcessInfo.processInfo.environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) } ?? "."
        return "sqlite:\(dir)/bms-central.sqlite"
    }

    func open() throws -> SQLCentralStore {
        do { return try SQLCentralStore.open(location: location) } catch { throw ValidationError("--store: \(error)") }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the kiosks' API (migrates the store first).")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "HOST:PORT to listen on.")
    var listen: String = "127.0.0.1:8080"

    @Flag(help: "Load the demo foyer (Assets/demo/central-seed.json) into an empty store; a store with data is left as it is (`bms-central demo reset` reloads it).")
    var demoData = false

    @Option(help: "The demo seed file for --demo-data.")
    var demoSeed: String = "Assets/demo/central-seed.json"

    @Option(help: "kannel:http://USER:PASSWORD@HOST:PORT/cgi-bin/sendsms, or log:FILE (development only: the file holds codes).")
    var sms: String = "log:bms-central-sms.log"

    @Option(help: "Public base URL of this service, for Kannel's delivery reports (e.g. http://10.0.0.5:8080).")
    var publicURL: String?

    @Option(help: "Base URL phones reach this service at, for the one-time upload addresses kiosks show as QR codes (e.g. https://bms.caisse.example); default: the host the kiosk called.")
    var phoneURL: String?

    @Option(help: "Connections open at once (more wait in the backlog); lowered to fit the descriptor limit.")
    var maxConnections: Int = 8192

    @Option(help: "Seconds a client has to send a request's headers (and then its body) before the connection is closed.")
    var headerTimeout: Double = 10

    @Option(help: "Seconds a kept-alive connection may stay without a request.")
    var idleTimeout: Double = 30

    func run() async throws {
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080")
        }
        guard maxConnections > 0, headerTimeout > 0, idleTimeout > 0 else {
            throw ValidationError("--max-connections, --header-timeout and --idle-timeout must be positive")
        }
        // Logs, READY=1 and watchdog pings for systemd (Type=notify).
        let runtime = ServiceRuntime.bootstrap(label: "bms-central", level: .info)
        let logger = runtime.logger
        let descriptors = raiseDescriptorLimit()
        let limits = ConnectionLimits(headerTimeout: .milliseconds(Int64(headerTimeout * 1000)),
                                      idleTimeout: .milliseconds(Int64(idleTimeout * 1000)),
                                      maxConnections: maxConnections).fitted(toDescriptorLimit: descriptors)
        if limits.maxConnections < maxConnections {
            logger.warning("connection cap lowered to fit the descriptor limit: raise LimitNOFILE (systemd) or ulimit -n",
                           metadata: ["max_connections": "\(limits.maxConnections)", "descriptor_limit": "\(descriptors)"])
        }
        let store = try storeOptions.open()
        let applied = try await store.migrate()
        if !applied.isEmpty { logger.info("migrations applied", metadata: ["versions": "\(applied)"]) }
        let hasher = CodeHasher()
        // Only into an empty store: a restart must not undo lock-outs, SMS
        // limits or a card declared lost (systemd restarts it at will).
        if demoData {
            if try await store.isEmpty() {
                try await DemoSeed.load(from: URL(fileURLWithPath: demoSeed)).load(into: store, hasher: hasher, at: Date())
                logger.info("demo data loaded into the empty store")
            } else {
                logger.info("demo data not loaded: the store already holds assurés (bms-central demo reset reloads them)")
            }
        }
        // The delivery-report URL needs the token, which lives in the store.
        let probe = CentralService(store: store, sms: LogFileSMSGatewayForDevelopment(path: "/dev/null"))
        let gateway: any SMSGateway
        if sms.hasPrefix("kannel:") {
            let base = publicURL ?? "http://\(listen)"
            let dlr = "\(base)\(APIVersion.prefix)/sms/delivery-report?token=\(try await probe.deliveryReportToken())"
            gateway = try KannelSMSGateway(spec: String(sms.dropFirst("kannel:".count)), deliveryReportURL: dlr)
        } else if sms.hasPrefix("log:") {
            gateway = LogFileSMSGatewayForDevelopment(path: String(sms.dropFirst("log:".count)))
            logger.warning("SMS go to a log file (development gateway): not for production")
        } else {
            throw ValidationError("--sms must be kannel:URL or log:FILE")
        }
        let service = CentralService(store: store, hasher: hasher, sms: gateway, logger: logger)
        let runLogger = logger
        let app = buildCentralApplication(service: service, configuration: .init(host: String(parts[0]), port: port, limits: limits,
                                                                                   publicBaseURL: phoneURL), logger: logger,
                                          onServerRunning: { p in
                                              runLogger.info("bms-central listening", metadata: ["port": "\(p)"])
                                              runtime.ready(status: "listening on port \(p)")
                                          })
        // The watchdog is fed only while the store answers: a wedged database restarts the service.
        let heartbeat = Task {
            while !Task.isCancelled {
                if (try? await store.opposedSerials()) != nil {
                    runtime.heartbeat()
                }
                try? await Task.sleep(nanoseconds: 5_000_000_000)
            }
        }
        try await app.runService()
        heartbeat.cancel()
        await service.flushAuthFailures()
        runtime.stopping()
        try await store.close()
    }
}

/// Raises the soft descriptor limit to the hard one (systemd's
/// LimitNOFILE sets both; a shell often leaves the soft one at 1,024) and
/// returns it.
func raiseDescriptorLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
    if limit.rlim_cur < limit.rlim_max {
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
    }
    return Int(min(limit.rlim_cur, rlim_t(Int32.max)))
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the store's schema up to date.")
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let store = try storeOptions.open()
        let applied = try await store.migrate()
        print(applied.isEmpty ? "schema up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        try await store.close()
    }
}

struct KioskCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kiosk", abstract: "Register, list and revoke kiosks.",
                                                    subcommands: [KioskAdd.self, KioskList.self, KioskRevoke.self])
}

struct DemoCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "The demo data.", subcommands: [DemoReset.self])
}

struct DemoReset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset",
        abstract: "Reload the demo foyers as the seed has them: codes, lock-outs, SMS limits and card statuses back to the start (stop the server first).")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "The demo seed file.") var demoSeed: String = "Assets/demo/central-seed.json"

    func run() async throws {
        let store = try storeOptions.open()
        try await store.migrate()
        let seed = try DemoSeed.load(from: URL(fileURLWithPath: demoSeed))
        try await seed.load(into: store, hasher: CodeHasher(), at: Date())
        print("demo data reloaded: \(seed.assures.count) assuré(s) as in \(demoSeed)")
        try await store.close()
    }
}

struct KioskAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add",
        abstract: "Create a kiosk's key pair: the store keeps the public key, the private key goes to a file for the kiosk.")
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The kiosk's id: letters, digits, '-', '_', '.'.") var id: String
    @Option(help: "Folder for the key file.") var keyDir: String = "."

    func run() async throws {
        guard RequestSignature.isValidKioskID(id) else { throw ValidationError("kiosk id: 1–64 of letters, digits, '-', '_', '.'") }
        let store = try storeOptions.open()
        try await store.migrate()
        let creds = KioskCredentials(kioskID: id, privateKey: .init())
        let url = URL(fileURLWithPath: keyDir).appendingPathComponent("\(id).kiosk-key.json")
        let data = try CentralJSON.encoder().encode(KioskKeyFile(creds))
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(url.path)")
        }
        try await store.registerKiosk(id: id, publicKey: creds.publicKey, at: Date())
        print("kiosk \(id) registered; private key written to \(url.path) (mode 600): install it on the kiosk only")
        try await store.close()
    }
}

struct KioskList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The registered kiosks' ids, and which are revoked.")
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let store = try storeOptions.open()
        try await store.migrate()
        let iso = ISO8601DateFormatter()
        for k in try await store.kiosks() {
            print(k.revokedAt.map { "\(k.id)\trevoked \(iso.string(from: $0))" } ?? "\(k.id)\tactive")
        }
        try await store.close()
    }
}

struct KioskRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Refuse a kiosk's requests from now on.")
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The kiosk's id exactly as `kiosk add` registered it (case included).") var id: String

    func run() async throws {
        let store = try storeOptions.open()
        try await store.migrate()
        let outcome = try await store.revokeKiosk(id: id, at: Date())
        try await store.close()
        switch outcome {
        case .revoked:
            print("kiosk \(id) revoked: its requests are refused from now on")
        case .alreadyRevoked(let at):
            print("kiosk \(id) was already revoked (\(ISO8601DateFormatter().string(from: at)))")
        case .unknown:
            // Exit 1: the operator must not believe a stolen kiosk is cut off.
            FileHandle.standardError.write(Data("""
                no kiosk \(String(reflecting: id)) in this store: nothing revoked. Ids are matched exactly, case included; \
                `bms-central kiosk list` shows the registered ones (and check --store).\n
                """.utf8))
            throw ExitCode.failure
        }
    }
}
