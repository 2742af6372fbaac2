import CardProfile
import CardReader
import Domain
import Foundation
import Testing
@testable import VirtualCard

/// The "mise à jour" against the virtual card in process: the card keeps
/// what UPDATE BINARY writes, and a card pulled at any write never reads
/// back as holding valid new rights.
@Suite struct RightsUpdateTests {
    typealias T = VirtualCardTests

    /// New rights for the demo card, signed by the test central key.
    static func newRights() throws -> [UInt8] {
        let signed = try CardMaker.signRights(try T.demo(), issuedAt: "20260301100000", start: CivilDate(year: 2026, month: 1, day: 1)!,
                                              end: CivilDate(year: 2027, month: 12, day: 31)!, centralKey: T.central)
        return try #require(try signed.files()[BMSVIT.FileID.rights.rawValue])
    }

    static var updater: RightsUpdater { RightsUpdater(trust: CardMaker.trustStore(issuers: [T.issuer], central: [T.central])) }

    static func rights(of applet: CardApplet) async throws -> CardRightsStatus? {
        let service = CardService.standard(trust: CardMaker.trustStore(issuers: [T.issuer], central: [T.central]), clock: TestClock(day: T.today))
        return try await service.read(APDUTransport(channel: AppletChannel(applet: applet)), atr: []).identity?.rights
    }

    @Test func writtenReadBackAndTrustedOnTheNextRead() async throws {
        let applet = try CardApplet(spec: try T.demo())
        let bytes = try Self.newRights()
        #expect(await Self.updater.write(bytes, serial: "25010000000001", transport: APDUTransport(channel: AppletChannel(applet: applet))) == .updated)
        guard case .trusted(let issuedAt, _)? = try await Self.rights(of: applet) else { Issue.record("not trusted"); return }
        #expect(issuedAt == "20260301100000")
    }

    @Test func anotherCardOrUnsignedRightsAreNotWritten() async throws {
        let applet = try CardApplet(spec: try T.demo())
        let before = applet.fileContent(BMSVIT.FileID.rights.rawValue)
        let t = APDUTransport(channel: AppletChannel(applet: applet))
        #expect(await Self.updater.write(try Self.newRights(), serial: "25019999999999", transport: t) == .otherCard)
        var forged = try Self.newRights()
        forged[forged.count - 3] ^= 0xFF
        guard case .failed = await Self.updater.write(forged, serial: "25010000000001", transport: t) else { Issue.record("forged rights written"); return }
        #expect(applet.fileContent(BMSVIT.FileID.rights.rawValue) == before)
    }

    @Test func onlyEFRightsTakesUpdateBinary() throws {
        let applet = try CardApplet(spec: try T.demo())
        applet.control(0x01)
        _ = applet.process(CommandAPDU.select(aid: BMSVIT.aid).bytes)
        _ = applet.process(CommandAPDU.select(fileID: BMSVIT.FileID.card.rawValue).bytes)
        #expect(applet.process(CommandAPDU.updateBinary(offset: 0, data: [0x00]).bytes) == .respond([0x69, 0x82]))
        _ = applet.process(CommandAPDU.select(fileID: BMSVIT.FileID.rights.rawValue).bytes)
        #expect(applet.process(CommandAPDU.updateBinary(offset: CardApplet.rightsCapacity, data: [0x00]).bytes) == .respond([0x6B, 0x00]))
        #expect(applet.process(CommandAPDU.updateBinary(offset: 2, data: [0xAB]).bytes) == .respond([0x90, 0x00]))
        #expect(applet.fileContent(BMSVIT.FileID.rights.rawValue)?[2] == 0xAB)
    }

    /// Pulled at every write in turn: before the first one the card keeps
    /// its old, genuine rights; after it, it reads as needing an update.
    @Test func pulledAtEachWriteNeverReadsAsValidNewRights() async throws {
        let bytes = try Self.newRights()
        let old = try #require(try T.demo().files()[BMSVIT.FileID.rights.rawValue])
        let writes = 2 + (max(old.count, bytes.count) - 1 + 127) / 128
        for n in 1...writes {
            var spec = try T.demo()
            spec.faults = [.pullAtUpdate(n: n)]
            let applet = try CardApplet(spec: spec)
            let outcome = await Self.updater.write(bytes, serial: "25010000000001", transport: APDUTransport(channel: AppletChannel(applet: applet)))
            #expect(outcome == .cardRemoved, "pulled at write \(n)")
            let status = try await Self.rights(of: applet)
            if n == 1 {
                guard case .trusted(let issuedAt, _)? = status else { Issue.record("write 1: \(String(describing: status))"); continue }
                #expect(issuedAt == "20250115090000", "nothing written: the old rights")
            } else {
                #expect(status?.needsUpdate == true, "pulled at write \(n): \(String(describing: status))")
            }
        }
    }
}
