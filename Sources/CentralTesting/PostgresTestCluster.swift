import Foundation

/// A throw-away PostgreSQL cluster on 127.0.0.1 with a private port and
/// socket folder (initdb --no-sync, pg_ctl). As root it runs the server as
/// `postgres` through `runuser`. Needs Debian's `postgresql` package.
public final class PostgresTestCluster: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    let bin: String
    let asRoot: Bool

    public var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    /// The binaries of the newest installed major version.
    static func binaries() throws -> String {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap(Int.init).sorted()
        guard let v = versions.last, FileManager.default.isExecutableFile(atPath: "\(base)/\(v)/bin/initdb") else {
            throw HarnessError("PostgreSQL is not installed: apt-get install -y postgresql")
        }
        return "\(base)/\(v)/bin"
    }

    private init(port: Int, directory: URL, bin: String, asRoot: Bool) {
        self.port = port
        self.directory = directory
        self.bin = bin
        self.asRoot = asRoot
    }

    public static func start() async throws -> PostgresTestCluster {
        let bin = try binaries()
        let dir = try Harness.temporaryDirectory("bms-pg")
        let asRoot = getuid() == 0
        let cluster = PostgresTestCluster(port: try Harness.freePort(), directory: dir, bin: bin, asRoot: asRoot)
        try FileManager.default.createDirectory(at: cluster.socketDir, withIntermediateDirectories: true)
        if asRoot { try await Harness.run("/bin/chown", ["-R", "postgres:postgres", dir.path]) }
        try await cluster.pg("initdb", ["--no-sync", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "-D", cluster.dataDir.path])
        try await cluster.startServer()
        return cluster
    }

    var dataDir: URL { directory.appendingPathComponent("data") }
    var socketDir: URL { directory.appendingPathComponent("sock") }
    var logFile: URL { directory.appendingPathComponent("server.log") }

    @discardableResult
    func pg(_ tool: String, _ args: [String]) throws -> String {
        if asRoot { return try Harness.run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + args) }
        return try Harness.run("\(bin)/\(tool)", args)
    }

    /// `pg`, waiting without holding one of the concurrency pool's threads.
    @discardableResult
    func pg(_ tool: String, _ args: [String]) async throws -> String {
        if asRoot { return try await Harness.run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + args) }
        return try await Harness.run("\(bin)/\(tool)", args)
    }

    func startServer() async throws {
        let options = "-p \(port) -k \(socketDir.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        try await pg("pg_ctl", ["-D", dataDir.path, "-l", logFile.path, "-o", options, "-w", "-t", "30", "start"])
        try await Harness.waitForPort(port, timeout: 15, what: "PostgreSQL", log: logFile)
    }

    /// Fast shutdown then start: what a PostgreSQL restart looks like to clients.
    public func restart() async throws {
        try await pg("pg_ctl", ["-D", dataDir.path, "-m", "fast", "-w", "stop"])
        try await startServer()
    }

    /// The major version (the binaries' folder).
    public var version: String { URL(fileURLWithPath: bin).deletingLastPathComponent().lastPathComponent }

    /// `name=value, …` of server settings, for benchmark reports.
    public func settings(_ names: [String]) throws -> String {
        let list = names.map { "'\($0)'" }.joined(separator: ",")
        return try pg("psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-Atc",
                               "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN (\(list))"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A fresh database in this cluster (so parallel tests do not share tables).
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try pg("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name])
        return "postgres://postgres@127.0.0.1:\(port)/\(name)"
    }

    nonisolated(unsafe) private static var sharedTask: Task<PostgresTestCluster, any Error>?
    nonisolated(unsafe) private static var sharedCluster: PostgresTestCluster?
    private static let sharedLock = NSLock()

    /// One cluster per test process, started on first use and stopped at
    /// exit; each test takes its own database with `createDatabase()`.
    public static func shared() async throws -> PostgresTestCluster {
        let task = sharedLock.withLock {
            if let t = sharedTask { return t }
            let t = Task {
                let cluster = try await PostgresTestCluster.start()
                sharedLock.withLock { sharedCluster = cluster }
                return cluster
            }
            sharedTask = t
            // No async work at exit: only the synchronous pg_ctl stop.
            atexit { PostgresTestCluster.stopShared() }
            return t
        }
        return try await task.value
    }

    static func stopShared() {
        let cluster = sharedLock.withLock { sharedCluster }
        cluster?.stop()
    }

    public func stop() {
        _ = try? pg("pg_ctl", ["-D", dataDir.path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }
}
