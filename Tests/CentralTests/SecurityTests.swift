import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Issue #15: what an attacker, a confused operator or a restart could do to
/// the central store.
@Suite("Central store: failed authentication, command identity, operator commands")
struct SecurityTests {
    func metric(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") { return Double(line.dropFirst(series.count + 1)) }
        return nil
    }

    /// Forged requests under a registered kiosk's id: counted (metrics, one
    /// aggregated row per address and reason), never an audit row naming
    /// that kiosk; past the limit the address is refused at once (429).
    @Test(arguments: Engine.selected)
    func forgedRequestsCostACounterNotAnAuditRow(engine: Engine) async throws {
        let service = try await makeService(engine, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service)
        let victim = try await server.addKiosk("borne-victime")
        let before = try await service.store.auditLog(limit: 10_000).count
        // The victim's id, the current time, a fresh nonce, a signature by another key.
        let forger = SignedTestClient(baseURL: server.baseURL, credentials: KioskCredentials(kioskID: victim.kioskID, privateKey: .init()))
        var statuses: [Int] = []
        for _ in 0..<40 { statuses.append(try await forger.send("GET", "/v1/reference").status) }
        let limit = service.authFailures.limits.limitPerWindow
        #expect(statuses.prefix(limit).allSatisfy { $0 == 401 }, "\(statuses)")
        #expect(statuses.dropFirst(limit).allSatisfy { $0 == 429 }, "\(statuses)")
        // Refused before the body is read: the connection still serves the next request.
        let body = Data(repeating: 0x20, count: 60_000)
        #expect(try await forger.send("POST", "/v1/commands", body: body).error?.code == "too_many_auth_failures")
        #expect(try await forger.send("GET", "/v1/reference").status == 429)
        statuses += [429, 429]
        let audit = try await service.store.auditLog(limit: 10_000)
        #expect(audit.count == before, "audit rows written for unauthenticated requests")
        #expect(!audit.contains { $0.kioskID == victim.kioskID })
        let text = service.metrics.render()
        #expect(metric(text, #"bms_central_auth_failures_total{reason="bad_signature"}"#) == Double(limit))
        #expect(metric(text, #"bms_central_auth_failures_total{reason="rate_limited"}"#) == Double(statuses.count - limit))
        #expect(!text.contains(victim.kioskID))
        await service.flushAuthFailures()
        let rows = try await service.store.authFailures(since: .distantPast)
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.first { $0.reason == "bad_signature" }?.count == limit)
        #expect(rows.allSatisfy { $0.source == "127.0.0.1" })
        // A request signed by the kiosk is still audited under its id (another address would not be limited).
        let direct = try await service.foyer(serial: holderSerial, kiosk: victim.kioskID)
        #expect(direct.persons.count == 4)
        #expect(try await service.store.auditLog(limit: 5).contains { $0.kioskID == victim.kioskID && $0.action == "foyer.read" })
        await server.stop()
    }

    /// A new minute lifts the limit; counts of several windows add up.
    @Test func theLimitEndsWithTheMinuteAndCountsAreAggregated() async throws {
        let clock = TestClock(Date())
        let service = try await makeService(.sqlite, clock: clock)
        for _ in 0..<31 { await service.authenticationFailed(.unknownKiosk, source: "192.0.2.7") }
        await #expect(throws: APIFailure.self) { try await service.refuseIfTooManyFailures(source: "192.0.2.7") }
        try await service.refuseIfTooManyFailures(source: "192.0.2.8")
        clock.advance(seconds: 61)
        try await service.refuseIfTooManyFailures(source: "192.0.2.7")
        let rows = try await service.store.authFailures(since: .distantPast)
        #expect(rows.map(\.count).reduce(0, +) == 32 && rows.count == 2, "\(rows)")
    }

    /// IPv6 sources are counted by their /64: one host cannot rotate past the limit.
    @Test func sourcesAreAddressesAndIPv6Prefixes() {
        #expect(CentralRequestContext.sourceKey(ipAddress: "192.0.2.7") == "192.0.2.7")
        let a = CentralRequestContext.sourceKey(ipAddress: "2001:db8:1:2:aaaa::1")
        #expect(a == "2001:db8:1:2::/64" && a == CentralRequestContext.sourceKey(ipAddress: "2001:db8:1:2:bbbb::9"))
        #expect(CentralRequestContext.sourceKey(ipAddress: "2001:db8:1:3::1") != a)
        #expect(CentralRequestContext.sourceKey(ipAddress: "::ffff:192.0.2.7") != a)
        #expect(CentralRequestContext.sourceKey(ipAddress: "not an address") == "unknown")
    }

    /// `after` lets a command through on an inactive card only when it names
    /// the applied declaration that made this card inactive.
    @Test(arguments: Engine.selected)
    func afterCountsOnlyTheDeclarationThatMadeTheCardInactive(engine: Engine) async throws {
        let service = try await makeService(engine)
        let now = service.clock.now
        func receipt(_ c: KioskCommand, _ kiosk: String = "k1") async throws -> CommandReceipt {
            guard case .receipt(let r) = try await service.apply(c, kiosk: kiosk) else { throw HarnessError("dependency pending") }
            return r
        }
        // A refused command of another card (Hugo is too young for a carte Vitale).
        let refusedElsewhere = KioskCommand(serial: holderSerial, personIndex: 3, action: .vitaleOrder(order: nil), confirmedAt: now)
        #expect(try await receipt(refusedElsewhere, "k2").status == .refused)
        // An applied command of another card.
        let appliedElsewhere = KioskCommand(serial: holderSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: now)
        #expect(try await receipt(appliedElsewhere, "k2").status == .applied)
        // Sophie's card declared lost.
        let declaration = KioskCommand(serial: sophieSerial, personIndex: 0,
                                       action: .vitaleDeclaration(reason: .perte, commitsToReturnFoundCard: true), confirmedAt: now)
        #expect(try await receipt(declaration).status == .applied)
        for other in [refusedElsewhere, appliedElsewhere] {
            let sneaky = KioskCommand(serial: sophieSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .order)), confirmedAt: now, after: other.id)
            let r = try await receipt(sneaky)
            #expect(r.status == .refused && r.reason == RefusalReason.cardInactive.rawValue, "\(r)")
            #expect(r.person == nil)
        }
        let plain = KioskCommand(serial: sophieSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .order)), confirmedAt: now)
        #expect(try await receipt(plain).reason == "card_inactive")
        // The declaration explains it: the order of a new card follows.
        let order = KioskCommand(serial: sophieSerial, personIndex: 0, action: .vitaleOrder(order: try await orderRequest(service)),
                                 confirmedAt: now, after: declaration.id)
        #expect(try await receipt(order).status == .applied)
        let file = try #require(try await service.store.loadFoyer(serial: sophieSerial))
        #expect(file.persons[0].ceam.state == .none)
        try await service.store.close()
    }

    /// A command id is the kiosk's and its body's: reused with another body
    /// or by another kiosk, it is a conflict and the first receipt (a name,
    /// a NIR) goes nowhere.
    @Test(arguments: Engine.selected)
    func aReusedCommandIDIsAConflictNotTheFirstReceipt(engine: Engine) async throws {
        let service = try await makeService(engine)
        let now = service.clock.now
        let first = KioskCommand(serial: holderSerial, personIndex: 1, action: .ceam(CEAMRequest(action: .order)), confirmedAt: now)
        guard case .receipt(let r) = try await service.apply(first, kiosk: "k1") else { Issue.record("pending"); return }
        #expect(r.status == .applied && r.person != nil)
        var otherBody = first
        otherBody.personIndex = 2
        for (command, kiosk) in [(otherBody, "k1"), (first, "k2")] {
            do {
                _ = try await service.apply(command, kiosk: kiosk)
                Issue.record("the first receipt went to \(kiosk)")
            } catch let failure as APIFailure {
                #expect(failure.status == 409 && failure.body.code == "command_id_conflict")
            }
        }
        // The same kiosk resending the same command: the first receipt.
        guard case .receipt(let again) = try await service.apply(first, kiosk: "k1") else { Issue.record("pending"); return }
        #expect(again.duplicate && again.person == r.person)
        try await service.store.close()
    }

    /// The HTTP side of it, and the smaller checks of the request body.
    @Test func conflictsCodeLengthAndConfirmationInstantOverHTTP() async throws {
        let service = try await makeService(.sqlite, clock: TestClock(Date()))
        let server = try await CentralTestServer.start(service: service)
        let a = SignedTestClient(baseURL: server.baseURL, credentials: try await server.addKiosk("borne-a"))
        let b = SignedTestClient(baseURL: server.baseURL, credentials: try await server.addKiosk("borne-b"))
        let command = KioskCommand(serial: holderSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: Date())
        #expect(try await a.send("POST", "/v1/commands", body: try a.json(command)).status == 200)
        let stolen = try await b.send("POST", "/v1/commands", body: try b.json(command))
        #expect(stolen.status == 409 && stolen.error?.code == "command_id_conflict")
        #expect(!String(decoding: stolen.body, as: UTF8.self).contains("DUPONT"))
        // maxLength counts characters: 9 × « é » is 9 characters (18 bytes).
        let accented = try await a.send("POST", "/v1/cards/\(holderSerial)/code-check", body: try a.json(CodeCheckRequest(code: String(repeating: "é", count: 9))))
        #expect(accented.status == 200 && (try? accented.decode(CodeCheckResponse.self).outcome) == .rejected)
        let long = try await a.send("POST", "/v1/cards/\(holderSerial)/code-check", body: try a.json(CodeCheckRequest(code: String(repeating: "é", count: 17))))
        #expect(long.status == 400)
        // confirmedAt: year 1, year 9999 and two days ahead are refused, nothing applied.
        for instant in [Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 253_402_300_799),
                        Date().addingTimeInterval(2 * 86_400)] {
            let odd = KioskCommand(serial: holderSerial, personIndex: 0, action: .ceam(CEAMRequest(action: .viewPrint)), confirmedAt: instant)
            let answer = try await a.send("POST", "/v1/commands", body: try a.json(odd))
            #expect(answer.status == 400 && answer.error?.code == "bad_confirmed_at", "\(instant)")
        }
        // The lag figures keep only the real command's few milliseconds.
        let lagSum = metric(service.metrics.render(), #"bms_central_outbox_lag_seconds_sum{kiosk="borne-a"}"#)
        #expect(lagSum.map { $0 < 3600 } == true, "\(String(describing: lagSum))")
        await server.stop()
    }

    /// Refusals carry a plain code from a documented list, never a Swift dump.
    @Test(arguments: Engine.selected)
    func refusalsSayAStableCode(engine: Engine) async throws {
        let service = try await makeService(engine)
        let now = service.clock.now
        let order = { KioskCommand(serial: holderSerial, personIndex: 1, action: .ceam(CEAMRequest(action: .order)), confirmedAt: now) }
        _ = try await service.apply(order(), kiosk: "k1")
        guard case .receipt(let refused) = try await service.apply(order(), kiosk: "k1") else { Issue.record("pending"); return }
        #expect(refused.status == .refused && refused.reason == "not_allowed.order_in_progress", "\(refused.reason ?? "nil")")
        let young = KioskCommand(serial: holderSerial, personIndex: 3, action: .vitaleOrder(order: nil), confirmedAt: now)
        guard case .receipt(let r) = try await service.apply(young, kiosk: "k1") else { Issue.record("pending"); return }
        #expect(r.reason == "not_allowed.too_young")
        let unknown = KioskCommand(serial: "99990000000001", personIndex: 0, action: .vitaleOrder(order: nil), confirmedAt: now)
        guard case .receipt(let u) = try await service.apply(unknown, kiosk: "k1") else { Issue.record("pending"); return }
        #expect(u.reason == "unknown_card")
        try await service.store.close()
    }

    /// The OpenAPI document lists exactly the codes the server sends.
    @Test func theOpenAPIDocumentListsTheRefusalCodes() throws {
        let url = demoSeedURL.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/central-openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "RefusalReason:" }, "no RefusalReason schema")
        let enumLine = try #require(lines[start...].first { $0.contains("enum:") })
        let listed = enumLine.split(separator: "[").last!.split(separator: "]").first!
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Set(listed) == Set(RefusalReason.allCases.map(\.rawValue)))
        #expect(listed.count == RefusalReason.allCases.count)
    }
}

/// `bms-central` itself, as an operator runs it.
@Suite("bms-central commands: kiosk revoke, demo data")
struct OperatorCommandTests {
    /// The built `bms-central`, next to the test bundle.
    static func binary() throws -> URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("bms-central")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw HarnessError("bms-central is not built next to the tests (\(dir.path)): swift build --build-tests builds it")
    }

    struct Run { var status: Int32; var output: String }

    static func run(_ args: [String]) throws -> Run {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        p.currentDirectoryURL = demoSeedURL.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bms-central-\(UUID()).out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return Run(status: p.terminationStatus, output: (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    static func location(_ engine: Engine) async throws -> String {
        switch engine {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("central-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return "sqlite:\(dir.path)/central.sqlite"
        case .postgres:
            return try await PostgresTestCluster.shared().createDatabase()
        }
    }

    @Test(arguments: Engine.selected)
    func revokingAnIDThatDoesNotExistFails(engine: Engine) async throws {
        let store = try await Self.location(engine)
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID())").path
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        #expect(try Self.run(["kiosk", "add", "borne-cpam75-01", "--store", store, "--key-dir", keys]).status == 0)
        for wrong in ["BORNE-CPAM75-01", " borne-cpam75-01", "borne-cpam75-01 ", "borne-cpam75-01;--", "' OR 1=1 --"] {
            let r = try Self.run(["kiosk", "revoke", wrong, "--store", store])
            #expect(r.status == 1, "\(wrong): \(r.output)")
            #expect(r.output.contains("nothing revoked") && !r.output.contains(" revoked:"), "\(r.output)")
        }
        let central = try SQLCentralStore.open(location: store)
        #expect(try await central.kioskPublicKey(id: "borne-cpam75-01") != nil, "a wrong id revoked the kiosk")
        let right = try Self.run(["kiosk", "revoke", "borne-cpam75-01", "--store", store])
        #expect(right.status == 0 && right.output.contains("revoked"), "\(right.output)")
        #expect(try await central.kioskPublicKey(id: "borne-cpam75-01") == nil)
        #expect(try Self.run(["kiosk", "revoke", "borne-cpam75-01", "--store", store]).output.contains("already revoked"))
        #expect(try Self.run(["kiosk", "list", "--store", store]).output.contains("borne-cpam75-01\trevoked"))
        try await central.close()
    }

    /// `serve --demo-data` twice, as systemd restarts it: the second start
    /// keeps the lock-out and the lost card; `demo reset` brings them back.
    @Test(arguments: Engine.selected)
    func demoDataSeedsOnlyAnEmptyStore(engine: Engine) async throws {
        let store = try await Self.location(engine)
        let sms = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID()).log").path
        func serveOnce() async throws {
            let port = try CentralTestServer.freePort()
            let p = Process()
            p.executableURL = try Self.binary()
            p.arguments = ["serve", "--store", store, "--demo-data", "--listen", "127.0.0.1:\(port)", "--sms", "log:\(sms)"]
            p.currentDirectoryURL = demoSeedURL.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            defer { if p.isRunning { p.terminate() }; p.waitUntilExit() }
            let health = URL(string: "http://127.0.0.1:\(port)/v1/health")!
            for _ in 0..<300 {
                if let (_, r) = try? await URLSession.shared.data(from: health), (r as? HTTPURLResponse)?.statusCode == 200 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw HarnessError("bms-central serve did not answer on port \(port)")
        }
        try await serveOnce()
        let central = try SQLCentralStore.open(location: store)
        _ = try await central.updateFoyer(serial: holderSerial) { $0.codes.failures = 3 }
        _ = try await central.insertFoyer(try #require(try await central.loadFoyer(serial: sophieSerial)).lost(sophieSerial), at: Date())
        try await central.close()
        try await serveOnce()
        let after = try SQLCentralStore.open(location: store)
        #expect(try await after.loadFoyer(serial: holderSerial)?.codes.failures == 3, "the restart reset the lock-out")
        #expect(try await after.loadFoyer(serial: sophieSerial)?.card(sophieSerial)?.status == .lost, "the restart revived a lost card")
        try await after.close()
        let reset = try Self.run(["demo", "reset", "--store", store])
        #expect(reset.status == 0, "\(reset.output)")
        let reloaded = try SQLCentralStore.open(location: store)
        #expect(try await reloaded.loadFoyer(serial: holderSerial)?.codes.failures == 0)
        #expect(try await reloaded.loadFoyer(serial: sophieSerial)?.card(sophieSerial)?.status == .active)
        try await reloaded.close()
    }
}

extension FoyerFile {
    func lost(_ serial: String) -> FoyerFile {
        var f = self
        if let k = f.cards.firstIndex(where: { $0.serial == serial }) { f.cards[k].status = .lost }
        return f
    }
}
