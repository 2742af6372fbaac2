import CentralAPI
import Central
import CentralTesting
import Crypto
import Domain
import Foundation
import Testing

@Suite("Central service rules, on SQLite and PostgreSQL")
struct ServiceTests {
    @Test(arguments: Engine.selected)
    func foyerShowsStatesAndTheActionsAllowedToday(engine: Engine) async throws {
        let service = try await makeService(engine)
        let foyer = try await service.foyer(serial: holderSerial, kiosk: "k1")
        #expect(foyer.maskedMobile == "06 •• •• •• 34")
        #expect(foyer.codeTriesLeft == 3)
        let lea = foyer.persons[2]
        #expect(lea.ceamActions.first { $0.action == .earlyRenewal }?.exclusion == nil)
        let jean = foyer.persons[0]
        #expect(jean.ceamActions.first { $0.action == .earlyRenewal }?.exclusion
                == .renewalTooEarly(opensOn: CivilDate(year: 2027, month: 7, day: 30)!))
        let claire = foyer.persons[1]
        #expect(claire.ceamActions.map(\.action) == [.order])
        let hugo = foyer.persons[3]
        #expect(hugo.vitaleActions.allSatisfy { $0.exclusion == .tooYoung(minimumAge: 12) })
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func codePersonnelLocksAfterThreeWrongTries(engine: Engine) async throws {
        let service = try await makeService(engine)
        #expect(try await service.checkCode(serial: holderSerial, code: "0000", kiosk: "k1") == .init(outcome: .rejected, triesLeft: 2))
        #expect(try await service.checkCode(serial: holderSerial, code: "1234", kiosk: "k1") == .init(outcome: .accepted, triesLeft: 3))
        for _ in 0..<2 { _ = try await service.checkCode(serial: holderSerial, code: "9999", kiosk: "k1") }
        #expect(try await service.checkCode(serial: holderSerial, code: "12a4", kiosk: "k1").outcome == .locked)
        // Locked for every kiosk and every instance: the count is in the store.
        let other = CentralService(store: service.store, clock: service.clock, hasher: .fastForTests, sms: service.sms)
        #expect(try await other.checkCode(serial: holderSerial, code: "1234", kiosk: "k2").outcome == .locked)
        #expect(try await other.foyer(serial: holderSerial, kiosk: "k2").codeLocked)
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func codesAreStoredOnlyAsSaltedHashes(engine: Engine) async throws {
        let service = try await makeService(engine)
        let rows = try await (service.store as! SQLCentralStore).database.transaction { c in try c.query("SELECT codes_json FROM assures").map { try $0.text(0) } }
        #expect(rows.allSatisfy { !$0.contains("1234") && !$0.contains("5678") })
        let file = try #require(try await service.store.loadFoyer(serial: holderSerial))
        let other = try #require(try await service.store.loadFoyer(serial: sophieSerial))
        #expect(file.codes.personal?.salt != other.codes.personal?.salt)
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func provisionalCodeIsSentLimitedAndReplacesTheEarlierOne(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let gateway = LogFileSMSGatewayForDevelopment(path: FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID()).log").path)
        let service = try await makeService(engine, sms: gateway, clock: clock)
        let first = try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1")
        #expect(first.status == .sent)
        #expect(first.maskedMobile == "06 •• •• •• 34")
        #expect(first.validUntil == clock.now.addingTimeInterval(48 * 3600))
        clock.advance(hours: 1)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .sent)
        clock.advance(hours: 1)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k2").status == .sent)
        let codes = codesSent(gateway)
        #expect(codes.count == 3 && codes.allSatisfy { $0.count == 4 && $0.allSatisfy(\.isNumber) })
        // The last code replaced the earlier ones.
        if codes[0] != codes[2] { #expect(try await service.verifyProvisionalCode(serial: holderSerial, code: codes[0]) == false) }
        clock.advance(hours: 1)
        let fourth = try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1")
        #expect(fourth.status == .tooManyRequests)
        #expect(fourth.nextAllowedAt == clock.now.addingTimeInterval(21 * 3600))
        #expect(codesSent(gateway).count == 3)
        #expect(try await service.verifyProvisionalCode(serial: holderSerial, code: codes[2]))
        // Used once.
        #expect(try await service.verifyProvisionalCode(serial: holderSerial, code: codes[2]) == false)
        clock.advance(hours: 21)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .sent)
        let last = codesSent(gateway).last!
        clock.advance(hours: 48)
        #expect(try await service.verifyProvisionalCode(serial: holderSerial, code: last) == false)
        try await service.store.close()
    }

    /// The card-status answer at insertion carries the code's count: the
    /// kiosk's code screen says what the store knows, a locked code goes
    /// straight to the locked screen.
    @Test(arguments: Engine.selected)
    func cardStatusSaysTheCodesTriesLeft(engine: Engine) async throws {
        let service = try await makeService(engine)
        #expect(try await service.cardStatus(serial: holderSerial, kiosk: "k1") == .init(serial: holderSerial, status: .active, codeTriesLeft: 3, codeLocked: false))
        for _ in 0..<2 { _ = try await service.checkCode(serial: holderSerial, code: "9999", kiosk: "k1") }
        #expect(try await service.cardStatus(serial: holderSerial, kiosk: "k2").codeTriesLeft == 1)
        _ = try await service.checkCode(serial: holderSerial, code: "9999", kiosk: "k1")
        let locked = try await service.cardStatus(serial: holderSerial, kiosk: "k2")
        #expect(locked.codeLocked == true && locked.codeTriesLeft == 0)
        // Nothing about codes for a card that is not active, or unknown.
        let unknown = try await service.cardStatus(serial: "99990000000001", kiosk: "k1")
        #expect(unknown.status == .unknown && unknown.codeTriesLeft == nil && unknown.codeLocked == nil)
        try await service.store.close()
    }

    /// The provisional code is the way out of a locked code personnel (that is
    /// what « Code oublié ? » and the locked screen offer): accepted once;
    /// wrong codes count against it, 3 at most, then it is burned.
    @Test(arguments: Engine.selected)
    func aProvisionalCodeOpensALockedCodeOnceAndIsNotGuessed(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let gateway = LogFileSMSGatewayForDevelopment(path: FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID()).log").path)
        let service = try await makeService(engine, sms: gateway, clock: clock)
        func check(_ code: String) async throws -> CodeCheckResponse { try await service.checkCode(serial: holderSerial, code: code, kiosk: "k1") }
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .sent)
        let code = try #require(codesSent(gateway).last)
        let wrong = ["0000", "1111", "2222", "3333", "4444"].filter { $0 != code }
        _ = try await check(wrong[0])
        _ = try await check(wrong[1])
        #expect(try await check(wrong[2]) == .init(outcome: .locked, triesLeft: 0))
        // Locked: the right code personnel is refused; it counts against the SMS code.
        #expect(try await check("1234") == .init(outcome: .rejected, triesLeft: 2))
        #expect(try await check(code) == .init(outcome: .accepted, triesLeft: 3))
        #expect(try await service.cardStatus(serial: holderSerial, kiosk: "k1").codeLocked == false)
        // Used up: now an ordinary wrong code.
        if code != "1234" { #expect(try await check(code) == .init(outcome: .rejected, triesLeft: 2)) }

        // Locked again; a new SMS; three wrong codes burn it: the right one is then refused.
        clock.advance(hours: 1)
        for w in wrong.prefix(3) { _ = try await check(w) }
        #expect(try await service.cardStatus(serial: holderSerial, kiosk: "k1").codeLocked == true)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .sent)
        let second = try #require(codesSent(gateway).last)
        let others = ["5555", "6666", "7777", "8888"].filter { $0 != second }
        #expect(try await check(others[0]) == .init(outcome: .rejected, triesLeft: 2))
        #expect(try await check(others[1]) == .init(outcome: .rejected, triesLeft: 1))
        #expect(try await check(others[2]) == .init(outcome: .locked, triesLeft: 0))
        #expect(try await check(second) == .init(outcome: .locked, triesLeft: 0))
        // An expired SMS code is no way out either.
        clock.advance(hours: 1)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .sent)
        let third = try #require(codesSent(gateway).last)
        clock.advance(hours: 49)
        #expect(try await check(third).outcome == .locked)
        try await service.store.close()
    }

    /// "Code oublié ?" at the kiosk: the SMS code signs in once, in place of
    /// the code personnel; expired or used, it is a wrong code.
    @Test(arguments: Engine.selected)
    func aProvisionalCodeSignsInAtTheKioskOnce(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let gateway = LogFileSMSGatewayForDevelopment(path: FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID()).log").path)
        let service = try await makeService(engine, sms: gateway, clock: clock)
        #expect(try await service.checkCode(serial: holderSerial, code: "0000", kiosk: "k1").outcome == .rejected)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .sent)
        let code = try #require(codesSent(gateway).last)
        let first = try await service.checkCode(serial: holderSerial, code: code, kiosk: "k1")
        #expect(first.outcome == .accepted)
        #expect(first.triesLeft == 3)
        // Used up.
        if code != "1234" { #expect(try await service.checkCode(serial: holderSerial, code: code, kiosk: "k1").outcome == .rejected) }
        // Expired after 48 hours.
        clock.advance(hours: 24)
        #expect(try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1").status == .sent)
        let later = try #require(codesSent(gateway).last)
        clock.advance(hours: 49)
        if later != "1234" { #expect(try await service.checkCode(serial: holderSerial, code: later, kiosk: "k1").outcome == .rejected) }
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func noMobileOnFileIsSaidPlainly(engine: Engine) async throws {
        let service = try await makeService(engine)
        let answer = try await service.requestProvisionalCode(serial: sophieSerial, kiosk: "k1")
        #expect(answer.status == .noMobileOnFile)
        #expect(answer.message.contains("conseiller"))
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func smsGatewayDownIsRetriedReportedAndNotCounted(engine: Engine) async throws {
        // Nothing listens on this port: every attempt fails.
        let port = try await { () async throws -> Int in
            let s = try await CentralTestServer.start(service: try await makeService(.sqlite))
            let p = s.port
            await s.stop()
            return p
        }()
        let gateway = KannelSMSGateway(sendsmsURL: URL(string: "http://127.0.0.1:\(port)/cgi-bin/sendsms")!, username: "u", password: "p",
                                       timeout: .milliseconds(500))
        let service = try await makeService(engine, sms: gateway)
        for _ in 0..<4 {
            let answer = try await service.requestProvisionalCode(serial: holderSerial, kiosk: "k1")
            #expect(answer.status == .smsFailed)
            #expect(answer.message.contains("aucun code"))
        }
        let file = try #require(try await service.store.loadFoyer(serial: holderSerial))
        #expect(file.codes.provisional == nil)
        #expect(file.codes.provisionalRequests.isEmpty)
        let audit = try await service.store.auditLog(limit: 10)
        #expect(audit.contains { $0.action == "code.provisional" && $0.outcome == "sms_failed" })
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func commandIsAppliedOnceAndRepeatedAsDuplicate(engine: Engine) async throws {
        let service = try await makeService(engine)
        let command = KioskCommand(serial: holderSerial, personIndex: 1, action: .ceam(CEAMRequest(action: .order)), confirmedAt: service.clock.now)
        guard case .receipt(let first) = try await service.apply(command, kiosk: "k1") else { Issue.record("pending"); return }
        #expect(first.status == .applied && !first.duplicate)
        guard case .receipt(let again) = try await service.apply(command, kiosk: "k1") else { Issue.record("pending"); return }
        #expect(again.duplicate && again.status == .applied)
        let file = try #require(try await service.store.loadFoyer(serial: holderSerial))
        guard case .ordered(let order) = file.persons[1].ceam.state else { Issue.record("not ordered"); return }
        #expect(order.kind == .first)
        // A second, different order for the same person is refused by the rules.
        let second = KioskCommand(serial: holderSerial, personIndex: 1, action: .ceam(CEAMRequest(action: .order)), confirmedAt: service.clock.now)
        guard case .receipt(let refused) = try await service.apply(second, kiosk: "k1") else { Issue.record("pending"); return }
        #expect(refused.status == .refused)
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func sameCommandSentConcurrentlyIsAppliedOnce(engine: Engine) async throws {
        let service = try await makeService(engine)
        let command = KioskCommand(serial: holderSerial, personIndex: 2,
                                   action: .ceam(CEAMRequest(action: .earlyRenewal, departureWithinUrgentDays: true)), confirmedAt: service.clock.now)
        let receipts = try await withThrowingTaskGroup(of: CommandReceipt?.self) { group in
            for _ in 0..<8 {
                group.addTask { if case .receipt(let r) = try await service.apply(command, kiosk: "k1") { return r }; return nil }
            }
            return try await group.reduce(into: [CommandReceipt]()) { if let r = $1 { $0.append(r) } }
        }
        #expect(receipts.count == 8)
        #expect(receipts.filter { !$0.duplicate }.count == 1)
        #expect(receipts.allSatisfy { $0.status == .applied && $0.provisionalCertificate != nil })
        let audit = try await service.store.auditLog(limit: 50)
        #expect(audit.filter { $0.commandID == command.id && $0.outcome == "applied" }.count == 1)
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func outOfOrderCommandWaitsForTheOneItFollows(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let service = try await makeService(engine, clock: clock)
        let declaration = KioskCommand(serial: sophieSerial, personIndex: 0,
                                       action: .vitaleDeclaration(reason: .perte, commitsToReturnFoundCard: true), confirmedAt: clock.now)
        let order = KioskCommand(serial: sophieSerial, personIndex: 0, action: .vitaleOrder(order: try await orderRequest(service)),
                                 confirmedAt: clock.now, after: declaration.id)
        guard case .dependencyPending = try await service.apply(order, kiosk: "k1") else { Issue.record("order applied first"); return }
        guard case .receipt(let d) = try await service.apply(declaration, kiosk: "k1"), d.status == .applied else { Issue.record("declaration"); return }
        // The receipt says what may follow, as the foyer can no longer be read with this card.
        #expect(d.person?.index == 0)
        #expect(d.person?.vitaleActions.first { $0.action == .order }?.exclusion == nil)
        #expect(d.person?.vitaleActions.first { $0.action == .declare }?.exclusion != nil)
        guard case .receipt(let o) = try await service.apply(order, kiosk: "k1") else { Issue.record("still pending"); return }
        #expect(o.status == .applied)
        let status = try await service.cardStatus(serial: sophieSerial, kiosk: "k1")
        #expect(status.status == .lost)
        #expect(try await service.reference().opposedSerials == [sophieSerial])
        await #expect(throws: APIFailure.self) { try await service.foyer(serial: sophieSerial, kiosk: "k1") }
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func rightsAreSignedAsTheCardProfileSays(engine: Engine) async throws {
        let service = try await makeService(engine)
        let rights = try await service.rights(serial: holderSerial, kiosk: "k1")
        let bytes = [UInt8](rights.efRights)
        #expect(bytes[0] == 0xE2)
        // E2 content: everything up to CF is signed.
        let (contentStart, contentLength) = bytes[1] == 0x82 ? (4, Int(bytes[2]) << 8 | Int(bytes[3]))
            : bytes[1] == 0x81 ? (3, Int(bytes[2])) : (2, Int(bytes[1]))
        let content = Array(bytes[contentStart..<(contentStart + contentLength)])
        #expect(content.count == bytes.count - contentStart)
        let sigTag = content.count - 66
        #expect(content[sigTag] == 0xCF && content[sigTag + 1] == 64)
        let signed = Data(content[..<sigTag])
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: Data(content[(sigTag + 2)...]))
        let key = try P256.Signing.PublicKey(x963Representation: try await service.reference().rightsSigningKeys[0].publicKey)
        #expect(key.isValidSignature(signature, for: signed))
        #expect(Array(content[0..<3]) == [0xC0, 0x01, 0x01])
        #expect(String(decoding: content[5..<19], as: UTF8.self) == rights.issuedAt)
        #expect(String(decoding: content[21..<36], as: UTF8.self) == "180057505612342")
        // Four persons, each an E0.
        #expect(content.filter { $0 == 0xE0 }.count >= 4)
        var tampered = signed
        tampered[tampered.count - 1] ^= 1
        #expect(!key.isValidSignature(signature, for: tampered))
        try await service.store.close()
    }
}
