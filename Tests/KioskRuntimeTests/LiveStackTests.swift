import CardProfile
import CardReader
import Central
import CentralAPI
import CentralTesting
import Domain
import Foundation
import KioskAppTesting
import KioskApp
import KioskRuntime
import KioskStore
import KioskUI
import Printing
import PrintingTesting
import SyncClient
import Testing
import VirtualCard

/// Through a real pcscd with vpcd's reader (one per machine: serialized,
/// and `PCSCDaemon` waits its turn against other targets' suites).
@Suite(.serialized) struct LiveStackSuite {
    /// pcscd, a central store (SQLite, demo foyers) and the kiosk's card
    /// source with the central's rights key from the reference cache.
    final class CardBench: @unchecked Sendable {
        let daemon: PCSCDaemon
        let server: CentralTestServer
        let services: CentralKioskServices
        let source: PCSCCardSource
        let log: CardEventLog

        init() async throws {
            daemon = try await PCSCDaemon.start()
            let dir = temporaryDirectory("card")
            server = try await startCentral(directory: dir)
            services = try await CentralKioskServicesTests.services(server, dir: dir)
            // The rights signing key comes with the reference data: without it no write verifies.
            guard await services.sync.refreshReference() else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "reference data not fetched from the central store"]) }
            source = PCSCCardSource(trust: TrustSource(configured: try demoTrust(), store: services.store),
                                    opposition: CachedOppositionList(store: services.store))
            log = CardEventLog(source.events)
            source.start()
        }

        func stop() async {
            source.stop()
            await server.stop()
            await daemon.stop()
        }

        /// Inserts the applet's card and waits until it is read.
        func insert(_ applet: CardApplet) async throws -> (VirtualCardConnection, CardEvent?) {
            let mark = await log.count
            let c = VirtualCardConnection(applet: applet, port: daemon.port)
            try c.insert()
            return (c, await log.wait(from: mark, isRead))
        }

        func pull(_ c: VirtualCardConnection) async {
            let mark = await log.count
            c.pull()
            _ = await log.wait(from: mark) { $0 == .removed }
        }
    }

    static func rights(_ e: CardEvent?) -> CardRightsStatus? {
        if case .read(let id, _)? = e { return id.rights }
        return nil
    }

    @Test func rightsAreWrittenReadBackAndVerifiedOnTheNextRead() async throws {
        let bench = try await CardBench()
        let applet = try CardApplet(spec: try demoCardSpec())
        let (card, first) = try await bench.insert(applet)
        guard case .read(let id, let verdict)? = first else { Issue.record("no read: \(String(describing: first))"); await bench.stop(); return }
        #expect(verdict == .authentic)
        let signed = try await bench.services.rights(card: id)
        #expect(await bench.source.writeRights(signed.efRights, serial: "25019999999999") == .otherCard)
        #expect(await bench.source.writeRights(signed.efRights, serial: id.serial) == .updated)
        let stored = try #require(applet.fileContent(BMSVIT.FileID.rights.rawValue))
        #expect(Array(stored.prefix(signed.efRights.count)) == Array(signed.efRights))
        // Out and in again: the card now carries the central store's rights.
        await bench.pull(card)
        let (again, second) = try await bench.insert(applet)
        guard case .trusted(let issuedAt, let persons)? = Self.rights(second) else {
            Issue.record("rights after the update: \(String(describing: Self.rights(second)))"); await bench.stop(); return
        }
        #expect(issuedAt == signed.issuedAt)
        #expect(persons.count == 4)
        await bench.pull(again)
        await bench.stop()
    }

    @Test func aCardPulledMidWriteReadsAsNeedingAnUpdateNeverValid() async throws {
        let bench = try await CardBench()
        // Pulled at the second UPDATE BINARY (the first chunk), the last chunk
        // and the very last write (the `E2` tag). Pulled at the first, nothing was written yet: the
        // card keeps its old signed rights, which is no update but no harm.
        let spec0 = try demoCardSpec()
        let oldLength = try #require(try spec0.files()[BMSVIT.FileID.rights.rawValue]).count
        let signedLength = try await bench.services.rights(card: try CentralKioskServicesTests.card()).efRights.count
        // Clear the tag, the chunks of 128 bytes after it, the tag again.
        let writes = 2 + (max(oldLength, signedLength) - 1 + 127) / 128
        for n in [2, writes - 1, writes] {
            var spec = spec0
            spec.faults = [.pullAtUpdate(n: n)]
            let applet = try CardApplet(spec: spec)
            let (card, first) = try await bench.insert(applet)
            guard case .read(let id, _)? = first else { Issue.record("no read at n=\(n)"); continue }
            let signed = try await bench.services.rights(card: id)
            let mark = await bench.log.count
            #expect(await bench.source.writeRights(signed.efRights, serial: id.serial) == .cardRemoved, "pulled at update \(n)")
            #expect(await bench.log.wait(from: mark) { $0 == .removed } != nil)
            card.pull()
            let (again, second) = try await bench.insert(applet)
            let status = Self.rights(second)
            #expect(status != nil && status?.needsUpdate == true, "pulled at update \(n): \(String(describing: status))")
            await bench.pull(again)
        }
        await bench.stop()
    }

    /// Every live scenario against one stack: pcscd + vpcd, the central
    /// store with Kannel (fakesmsc), a private cupsd.
    @Test func liveScenarios() async throws {
        let daemon = try await PCSCDaemon.start()
        let kannel = try await KannelTestGateway.start()
        let cups = try await CUPSTestServer.start()
        try cups.addQueue("kiosk")
        let dir = temporaryDirectory("live")
        let server = try await startCentral(sms: KannelSMSGateway(sendsmsURL: kannel.sendsmsURL, username: kannel.username,
                                                                  password: kannel.password), directory: dir)
        let credentials = try await server.addKiosk()
        var setup = LiveSmokeSetup(centralURL: server.baseURL, credentials: credentials, trust: try demoTrust(),
                                   vpcdPort: daemon.port, stateDirectory: dir)
        setup.printQueue = cups.printer(queue: "kiosk")
        setup.requestSeconds = 30
        // Each `type sms` takes the next message the fake SMSC receives.
        let taken = SMSCounter()
        setup.smsCode = {
            let n = await taken.next()
            let messages = try await kannel.waitForMessages(n, timeout: 15)
            guard let code = SMSCode.extract(from: messages[n - 1].text) else { throw SMSCounter.NoCode() }
            return code
        }
        // The failures the scenarios act out on the real parts.
        let port = server.port
        let centralAway = Flag()
        setup.control = { key, value in
            switch (key, value) {
            case ("printer", "paper-out"): try cups.setFault(.mediaEmpty, queue: "kiosk")
            case ("printer", "ready"):
                try cups.setFault(nil, queue: "kiosk")
                try cups.enable(queue: "kiosk")
                _ = try await cups.waitForHealth(queue: "kiosk") { $0.isReady }
            case ("central", "away"):
                if await centralAway.set(true) == false { await server.stop() }
            case ("central", "up"):
                if await centralAway.set(false) == true { try await server.start(port: port) }
            default: return false
            }
            return true
        }
        let stack = setup
        let out = URL(fileURLWithPath: asset("out/live-screens"))
        let runner = try await MainActor.run { () throws -> SmokeRunner in
            let r = try SmokeRunner(options: SmokeRunner.Options(outputDirectory: out, assets: URL(fileURLWithPath: asset("Assets"))))
            r.makeKit = { scenario, _ in try await stack.makeKit(for: scenario) }
            return r
        }
        let folder = asset("Tests/Scenarios/live")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".scenario") }.sorted()
        #expect(!files.isEmpty)
        for f in files {
            let scenario = try Scenario.load("\(folder)/\(f)")
            let ok = await runner.run(scenario)
            let failures = await MainActor.run { runner.failures.map(\.description) }
            #expect(ok, "\(f): \(failures)")
            // A scenario that stopped half-way leaves the stack as the next one expects it.
            if !ok {
                _ = try await stack.control?("central", "up")
                _ = try await stack.control?("printer", "ready")
            }
        }
        // The attestation, « Mes informations », the relevé de remboursements,
        // the IJ attestation, the carte Vitale order's récapitulatif and the
        // récépissé printed, once each; nothing came out of the job given up
        // when the paper ran out.
        let printed = cups.printedFiles(queue: "kiosk")
        #expect(printed.count == 6, "\(printed.map(\.lastPathComponent))")
        #expect(try printed.contains {
            let t = try PDFText.extract($0).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return t.contains("Récapitulatif de la commande de carte Vitale") && t.contains("numérisée à la borne")
        })
        #expect(try printed.contains {
            // Lines wrap anywhere: the text as one line.
            let t = try PDFText.extract($0).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return t.contains("Attestation de paiement des indemnités journalières") && t.contains("646,80")
        })
        #expect(try printed.contains { try PDFText.extract($0).contains("Attestation") && PDFText.extract($0).contains("DUPONT") })
        #expect(try printed.contains {
            let t = try PDFText.extract($0)
            return t.contains("Relevé de remboursements") && t.contains("Total payé sur la période") && t.contains("Pharmacie du Marché")
        })
        // The address as the central store masked it, never whole.
        let informations = try printed.map { try PDFText.extract($0) }.filter { $0.contains("Mes informations") }
        #expect(informations.count == 1)
        #expect(informations.allSatisfy { $0.contains("1• rue des L•••") && $0.contains("75019 PARIS") && !$0.contains("Lilas") })
        await server.stop()
        cups.stop()
        kannel.stop()
        await daemon.stop()
    }
}

actor SMSCounter {
    struct NoCode: Error {}
    private var taken = 0
    func next() -> Int { taken += 1; return taken }
}

/// A flag shared with the scenarios' settings.
actor Flag {
    private var value = false
    /// Sets it; the value before.
    func set(_ v: Bool) -> Bool { defer { value = v }; return value }
}
