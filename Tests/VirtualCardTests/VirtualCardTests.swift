import CardProfile
import CardReader
import Crypto
import Domain
import Foundation
import Testing
@testable import VirtualCard

/// The virtual card's logic and the maker, in process (no pcscd): the card
/// a driver reads must be the card the file describes.
@Suite struct VirtualCardTests {
    static let issuer = CardMaker.TestKey()
    static let central = CardMaker.TestKey()
    static let today = CivilDate(year: 2026, month: 3, day: 1)!

    static func demo(rights: Bool = true, transport: String? = nil) throws -> CardSpec {
        var s = try CardMaker.makeCard(serial: "25010000000001", issueDate: CivilDate(year: 2025, month: 1, day: 15)!,
                                       persons: CardMaker.demoFoyer, issuerKey: issuer)
        if rights {
            s = try CardMaker.signRights(s, issuedAt: "20250115090000", start: CivilDate(year: 2025, month: 1, day: 1)!,
                                         end: CivilDate(year: 2026, month: 12, day: 31)!, centralKey: central)
        }
        s.transport = transport
        return s
    }

    static func read(_ spec: CardSpec, opposition: any CardOppositionList = NoOppositionList()) async throws -> CardReading {
        let service = CardService.standard(trust: CardMaker.trustStore(issuers: [issuer], central: [central]), opposition: opposition,
                                           clock: TestClock(day: today))
        return try await service.read(APDUTransport(channel: AppletChannel(applet: try CardApplet(spec: spec))), atr: [])
    }

    @Test(arguments: [nil, "T=0"])
    func demoCardIsAuthenticWithItsFoyer(transport: String?) async throws {
        let r = try await Self.read(try Self.demo(transport: transport))
        #expect(r.verdict == .authentic)
        let id = try #require(r.identity)
        #expect(id.serial == "25010000000001")
        #expect(id.foyer.persons.map(\.prenoms) == ["Jean", "Claire", "Léa", "Hugo"])
        #expect(id.foyer.persons[1].nomUsage == "DUPONT")
        #expect(id.foyer.persons[3].ownNIR == nil)
        #expect(id.rights.rights(forPersonAt: 3)?.amoEnd == CivilDate(year: 2026, month: 12, day: 31))
    }

    @Test func specRoundTripsThroughJSON() throws {
        let s = try Self.demo()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("card-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try s.write(path: url.path)
        #expect(try CardSpec.load(path: url.path) == s)
        #expect(throws: (any Error).self) { try CardSpec.load(path: url.path + ".missing") }
    }

    @Test func readBinaryFollowsTheProfile() throws {
        let applet = try CardApplet(spec: try Self.demo())
        applet.control(0x01)
        #expect(applet.process([0x00, 0xB0, 0x00, 0x00, 0x00]) == .respond([0x69, 0x82]), "no file selected")
        #expect(applet.process(CommandAPDU.select(aid: BMSVIT.aid).bytes) == .respond([0x6F, 0x03, 0x84, 0x01, 0x01, 0x90, 0x00]))
        #expect(applet.process(CommandAPDU.select(fileID: 0x2F09).bytes) == .respond([0x6A, 0x82]))
        #expect(applet.process(CommandAPDU.select(fileID: 0x2F01).bytes) == .respond([0x90, 0x00]))
        guard case .respond(let all) = applet.process(CommandAPDU.readBinary(offset: 0, length: 256).bytes) else { Issue.record(); return }
        #expect(all.suffix(2) == [0x62, 0x82], "fewer bytes than asked: end of file")
        let size = all.count - 2
        #expect(applet.process(CommandAPDU.readBinary(offset: size, length: 16).bytes) == .respond([0x6B, 0x00]))
        #expect(applet.process(CommandAPDU.updateBinary(offset: 0, data: [1]).bytes) == .respond([0x69, 0x82]))
        #expect(applet.process([0x80, 0xB0, 0, 0, 0]) == .respond([0x6E, 0x00]))
        #expect(applet.process([0x00, 0x12, 0, 0, 0]) == .respond([0x6D, 0x00]))
        #expect(applet.process([0x00, 0xA4, 0x02, 0x0C, 0x09, 0x01]) == .respond([0x67, 0x00]))
    }

    @Test func t0CardAsksForGetResponseAndExactLe() throws {
        let applet = try CardApplet(spec: try Self.demo(transport: "T=0"))
        applet.control(0x01)
        #expect(applet.process(CommandAPDU.select(aid: BMSVIT.aid).bytes) == .respond([0x61, 0x05]))
        #expect(applet.process(CommandAPDU.getResponse(2).bytes) == .respond([0x6C, 0x05]))
        #expect(applet.process(CommandAPDU.getResponse(5).bytes) == .respond([0x6F, 0x03, 0x84, 0x01, 0x01, 0x90, 0x00]))
        _ = applet.process(CommandAPDU.select(fileID: 0x2F01).bytes)
        guard case .respond(let r) = applet.process(CommandAPDU.readBinary(offset: 0, length: 256).bytes) else { Issue.record(); return }
        #expect(r.first == 0x6C)
    }

    @Test func faultsAreActedOut() throws {
        var s = try Self.demo()
        s.faults = [.pullAtCommand(n: 2), .statusWord(ins: 0xB0, fileID: 0x2F03, sw: 0x6581)]
        let applet = try CardApplet(spec: s)
        #expect(applet.process(CommandAPDU.select(aid: BMSVIT.aid).bytes) != .pull)
        #expect(applet.process(CommandAPDU.select(aid: BMSVIT.aid).bytes) == .pull)
        _ = applet.process(CommandAPDU.select(fileID: 0x2F03).bytes)
        #expect(applet.process(CommandAPDU.readBinary(offset: 0, length: 256).bytes) == .respond([0x65, 0x81]))
        applet.set(faults: [.stopAnsweringAtCommand(n: 1)])
        #expect(applet.process(CommandAPDU.select(aid: BMSVIT.aid).bytes) == .silence)
        #expect(applet.process(CommandAPDU.select(aid: BMSVIT.aid).bytes) == .silence)
    }

    @Test func badATRAndMuteATRs() throws {
        var s = try Self.demo()
        s.faults = [.mute]
        let mute = try CardApplet(spec: s)
        #expect(mute.answerATR() == BMSVIT.atr, "present when polled")
        mute.control(0x01)
        #expect(mute.answerATR().count > 33, "unusable right after power-on")
        s.faults = [.badATR]
        #expect(try CardApplet(spec: s).answerATR() == CardApplet.badATR)
    }

    // MARK: verdicts in process (the same cases run through pcscd in CardReaderTests)

    @Test func copiedFilesOnAnotherChipAreForged() async throws {
        let r = try await Self.read(CardMaker.copyOntoAnotherChip(try Self.demo()))
        guard case .forged = r.verdict else { Issue.record("\(r.verdict)"); return }
    }

    @Test func oppositionListInvalidates() async throws {
        let r = try await Self.read(try Self.demo(), opposition: StaticOppositionList(["25010000000001"]))
        #expect(r.verdict == .invalidated)
    }

    @Test func vitale2CardIsIdentified() async throws {
        let r = try await Self.read(CardMaker.vitale2Card(persons: CardMaker.demoFoyer, validityStart: CivilDate(year: 2020, month: 1, day: 1)!))
        #expect(r.verdict == .identified)
        #expect(r.identity?.foyer.holder.prenoms == "Jean")
        #expect(r.identity?.profile == .vitale2)
    }

    @Test func rightsSignedByAnotherKeyAreUntrusted() async throws {
        var s = try Self.demo()
        s = try CardMaker.signRights(s, issuedAt: "20250115090000", start: CivilDate(year: 2025, month: 1, day: 1)!,
                                     end: CivilDate(year: 2026, month: 1, day: 1)!, centralKey: CardMaker.TestKey())
        let r = try await Self.read(s)
        #expect(r.verdict == .authentic)
        #expect(r.identity?.rights.needsUpdate == true)
        #expect(r.identity?.rights.rights(forPersonAt: 0) == nil)
    }

    /// The committed demo assets: a TEST issuer, the demo foyer, NIRs valid.
    @Test func demoAssetsAreConsistent() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("Assets/demo")
        let spec = try CardSpec.load(path: dir.appendingPathComponent("demo-card.json").path)
        #expect(spec.serial == "25010000000001")
        #expect(spec.persons.count == 4)
        for p in spec.persons { _ = try p.person() }
        let trust = try TrustStore.load(paths: [dir.appendingPathComponent("demo-trust.json").path])
        let service = CardService.standard(trust: trust, clock: TestClock(day: Self.today))
        let r = try await service.read(APDUTransport(channel: AppletChannel(applet: try CardApplet(spec: spec))), atr: [])
        #expect(r.verdict == .authentic)
        #expect(r.identity?.rights.needsUpdate == false)
    }
}
