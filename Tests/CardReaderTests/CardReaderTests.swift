import CardProfile
import CardReader
import Domain
import Foundation
import Testing
import VirtualCard

/// Through a real pcscd with vpcd and the virtual card. pcscd's socket is
/// machine-wide: everything that starts one is in this one serialized suite.
@Suite(.serialized) struct PCSCDaemonSuite {
    @Test func authenticCardAndItsEvents() async throws {
        let bench = try await Bench()
        let r = try await bench.insertAndRead(try Bench.demo())
        let reading = try r.get()
        #expect(reading.verdict == .authentic)
        #expect(reading.atr == BMSVIT.atr)
        #expect(reading.identity?.foyer.persons.count == 4)
        #expect(reading.identity?.rights.rights(forPersonAt: 2) != nil)
        await bench.stop()
    }

    @Test func t0CardWith61And6C() async throws {
        let bench = try await Bench()
        let r = try await bench.insertAndRead(try Bench.demo(transport: "T=0"))
        #expect(verdict(r) == .authentic)
        #expect(try r.get().atr == BMSVIT.atrT0)
        await bench.stop()
    }

    /// The read is SELECT AID, 4 × (SELECT file + READ BINARY, two for
    /// EF.BENEF), then INTERNAL AUTHENTICATE: 11 commands. Pulled at each of
    /// them, and on a T=0 card (18 commands) in 6C XX and GET RESPONSE chains.
    @Test func cardPulledAtEachStep() async throws {
        let bench = try await Bench()
        let steps = (1...11).map { ($0, nil as String?) } + [2, 5, 9, 16, 17, 18].map { ($0, "T=0" as String?) }
        for (n, transport) in steps {
            let r = try await bench.insertAndRead(try Bench.demo(faults: [.pullAtCommand(n: n)], transport: transport))
            switch r {
            case .failure(.cardRemoved): break
            case .success(let reading): Issue.record("pulled at command \(n) (\(transport ?? "T=1")) but got \(reading.verdict)")
            case .failure(let other): Issue.record("pulled at command \(n) (\(transport ?? "T=1")): \(other)")
            }
        }
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    @Test func muteCard() async throws {
        let bench = try await Bench()
        let mark = await bench.log.count
        let card = try bench.daemon.insert(try Bench.demo(faults: [.mute]))
        let reader = bench.daemon.readerName
        #expect(await bench.log.wait(from: mark) { $0 == .cardMute(reader: reader) } != nil)
        // Reading it anyway ends in a verdict, not a hang.
        let r = try? await bench.service.read(reader: reader)
        if let r { #expect({ if case .faulty = r.verdict { return true }; return false }()) }
        card.pull()
        #expect(await bench.log.wait(from: mark) { $0 == .cardRemoved(reader: reader) } != nil)
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    @Test func badATR() async throws {
        let bench = try await Bench()
        let r = try await bench.insertAndRead(try Bench.demo(faults: [.badATR]))
        #expect(isFaulty(r), "\(r)")
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    @Test func unknownApplication() async throws {
        let bench = try await Bench()
        let r = try await bench.insertAndRead(try Bench.demo(faults: [.noApplication]))
        #expect(verdict(r) == .unknownCard)
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    /// Every status word of the profile, where it can happen, ends in its verdict.
    @Test func everyStatusWord() async throws {
        let bench = try await Bench()
        let card = BMSVIT.FileID.card.rawValue, benef = BMSVIT.FileID.benef.rawValue, rights = BMSVIT.FileID.rights.rawValue
        let cases: [(Fault, String, @Sendable (Result<CardReading, CardReadError>) -> Bool)] = [
            (.statusWord(ins: 0xA4, fileID: nil, sw: 0x6283), "blocked card on SELECT", { verdict($0) == .invalidated }),
            (.statusWord(ins: 0xB0, fileID: benef, sw: 0x6283), "blocked on READ", { verdict($0) == .invalidated }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6581), "memory failure", { isFaulty($0) }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6700), "wrong length", { isFaulty($0) }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6D00), "ins not supported", { isFaulty($0) }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6E00), "class not supported", { isFaulty($0) }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6982), "security status", { isFaulty($0) }),
            (.statusWord(ins: 0xA4, fileID: card, sw: 0x6A82), "EF.CARD not found", { isFaulty($0) }),
            (.statusWord(ins: 0xA4, fileID: rights, sw: 0x6A82), "EF.RIGHTS not found: never updated",
             { verdict($0) == .authentic && (try? $0.get().identity?.rights) == .absent }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6B00), "offset beyond end at 0: empty file", { isFaulty($0) }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6282), "end of file with no data", { isFaulty($0) }),
            (.statusWord(ins: 0xB0, fileID: card, sw: 0x6F00), "unknown error", { isFaulty($0) }),
            (.statusWord(ins: 0x88, fileID: nil, sw: 0x6982), "authenticate refused", { isFaulty($0) }),
            (.statusWord(ins: 0x88, fileID: nil, sw: 0x6283), "authenticate on a blocked card", { verdict($0) == .invalidated }),
            (.statusWord(ins: 0xA4, fileID: nil, sw: 0x6E00), "SELECT AID class not supported: not this application", { verdict($0) == .unknownCard }),
        ]
        for (fault, why, check) in cases {
            let r = try await bench.insertAndRead(try Bench.demo(faults: [fault]))
            #expect(check(r), "\(why): got \(r)")
        }
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    @Test func malformedFiles() async throws {
        let bench = try await Bench()
        for fid in BMSVIT.FileID.allCases {
            for fault in [Fault.truncatedFile(fileID: fid.rawValue), .oversizedLength(fileID: fid.rawValue), .garbageFile(fileID: fid.rawValue)] {
                let r = try await bench.insertAndRead(try Bench.demo(faults: [fault]))
                if fid == .rights {
                    // Bad rights never block the card; they are untrusted.
                    #expect(verdict(r) == .authentic, "\(fault)")
                    if case .untrusted? = try? r.get().identity?.rights {} else { Issue.record("\(fault): rights should be untrusted") }
                } else {
                    #expect(isFaulty(r), "\(fault): \(r)")
                }
            }
        }
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    @Test func certificateProblems() async throws {
        let bench = try await Bench()
        let issued = CivilDate(year: 2025, month: 1, day: 15)!
        // Signed by a key the kiosk does not trust.
        let stranger = try CardMaker.makeCard(serial: "25010000000001", issueDate: issued, persons: CardMaker.demoFoyer, issuerKey: CardMaker.TestKey())
        #expect(verdict(try await bench.insertAndRead(stranger)) == .unknownIssuer)
        // Expired.
        let expired = try CardMaker.makeCard(serial: "25010000000001", issueDate: CivilDate(year: 2019, month: 1, day: 1)!, persons: CardMaker.demoFoyer,
                                             issuerKey: Bench.issuer, notAfter: CivilDate(year: 2026, month: 2, day: 28)!)
        #expect(verdict(try await bench.insertAndRead(expired)) == .expired)
        // Not yet valid.
        let early = try CardMaker.makeCard(serial: "25010000000001", issueDate: issued, persons: CardMaker.demoFoyer, issuerKey: Bench.issuer,
                                           notBefore: CivilDate(year: 2026, month: 3, day: 2)!)
        #expect(verdict(try await bench.insertAndRead(early)) == .expired)
        // The certificate names another serial (validly signed).
        var mismatch = try Bench.demo()
        let key = try mismatch.privateKey()!
        mismatch = try CardMaker.certify(mismatch, serial: "25010000000099", cardPublicKey: Array(key.publicKey.x963Representation),
                                         notBefore: issued, notAfter: issued.adding(years: 5), issuerKey: Bench.issuer)
        #expect(isForged(try await bench.insertAndRead(mismatch)))
        // The certificate's signature was tampered with.
        var tampered = try Bench.demo()
        tampered.certificate!.notAfter = "20990101"
        #expect(isForged(try await bench.insertAndRead(tampered)))
        // A copy of the files onto a chip with another key.
        #expect(isForged(try await bench.insertAndRead(CardMaker.copyOntoAnotherChip(try Bench.demo()))))
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    @Test func rightsWithABadSignatureAreUntrusted() async throws {
        let bench = try await Bench()
        var spec = try Bench.demo()
        spec.rights!.persons[0].amoEnd = "20991231" // content changed after signing
        let reading = try await bench.insertAndRead(spec).get()
        #expect(reading.verdict == .authentic)
        #expect(reading.identity?.rights.needsUpdate == true)
        #expect(reading.identity?.rights.rights(forPersonAt: 0) == nil)
        await bench.stop()
    }

    @Test func opposedSerialIsInvalidated() async throws {
        let bench = try await Bench()
        let r = try await bench.insertAndRead(try Bench.demo(), service: bench.service(opposition: StaticOppositionList(["25010000000001"])))
        #expect(verdict(r) == .invalidated)
        await bench.stop()
    }

    @Test func vitale2ClearZone() async throws {
        let bench = try await Bench()
        let r = try await bench.insertAndRead(CardMaker.vitale2Card(persons: CardMaker.demoFoyer, validityStart: CivilDate(year: 2020, month: 1, day: 1)!))
        let reading = try r.get()
        #expect(reading.verdict == .identified)
        #expect(reading.identity?.foyer.holder.nomFamille == "DUPONT")
        #expect(Vitale2.isKnownATR(reading.atr))
        await bench.stop()
    }

    /// A carte Vitale 2 laid out as card-profile.md says (E0 { A0 { 82… }
    /// 80… }, 12-byte file entries, files in two applications, a
    /// beneficiary file over 256 bytes), through pcscd: the driver selects
    /// the application each entry names, then the file, and reads it in
    /// 256-byte steps until a short answer.
    @Test func vitale2ApplicationsAndLongFile() async throws {
        let bench = try await Bench()
        let children = [("Théo", "20130102"), ("Manon", "20140203"), ("Lucas", "20150304"), ("Chloé", "20160405")].map {
            CardSpec.PersonSpec(ouvrantDroitNIR: CardMaker.demoHolderNIR, nomFamille: "DUPONT", prenoms: $0.0, birthDate: $0.1, qualite: "enfant")
        }
        let spec = CardMaker.vitale2Card(persons: CardMaker.demoFoyer + children, validityStart: CivilDate(year: 2020, month: 1, day: 1)!)
        #expect(try #require(try spec.applications()[Vitale2.mfVitaleAID]?[0x2004]).count > 256)
        let reading = try await bench.insertAndRead(spec).get()
        #expect(reading.verdict == .identified)
        #expect(reading.identity?.foyer.persons.count == 8)
        #expect(reading.identity?.issueDate == CivilDate(year: 2020, month: 1, day: 1))
        let sent = try #require(bench.lastCard).applet.commandsReceived.map(\.hexString)
        let vitale = "00A404000BD250000002564954414C4500", mfVitale = "00A404000ED2500000024D465F564954414C4500"
        let start = try #require(sent.firstIndex(of: vitale))
        #expect(Array(sent[start...]) == [
            vitale, "00A4020C022001", "00B0000000",                          // VITALE, the map
            mfVitale, "00A4020C022004", "00B0000000", "00B0010000",          // MF_VITALE, EF 2004: 256 bytes, then a short answer
            vitale, "00A4020C022002", "00B0000000",                          // VITALE again, EF 2002
        ])
        await bench.stop()
    }

    /// A card that stops answering: the deadline ends the read, nothing
    /// hangs, and the reader works for the next card.
    @Test func cardThatStopsAnswering() async throws {
        let bench = try await Bench()
        let start = ContinuousClock.now
        let r = try await bench.insertAndRead(try Bench.demo(faults: [.stopAnsweringAtCommand(n: 4)]), service: bench.service(deadline: .milliseconds(800)))
        #expect(ContinuousClock.now - start < .seconds(8))
        if case .faulty(let reason)? = verdict(r) { #expect(reason.contains("did not answer")) } else { Issue.record("\(r)") }
        try await bench.expectNextCardWorks()
        await bench.stop()
    }

    /// The reader goes away (pcscd stops: its readers leave) and comes back
    /// on the same port; the monitor follows and the next card reads.
    @Test func readerUnpluggedAndPluggedBack() async throws {
        let first = try await PCSCDaemon.start()
        let port = first.port
        let monitor = ReaderMonitor(pollMs: 300)
        let log = EventLog(monitor)
        defer { monitor.stop() }
        let reader = first.readerName
        #expect(await log.wait { $0 == .readerArrived(reader: reader) } != nil)
        let mark = await log.count
        await first.stop()
        #expect(await log.wait(from: mark) { $0 == .readerLeft(reader: reader) } != nil)
        let second = try await PCSCDaemon.start(port: port)
        #expect(await log.wait(from: mark) { $0 == .readerArrived(reader: reader) } != nil)
        let mark2 = await log.count
        let card = try second.insert(try Bench.demo())
        #expect(await log.wait(from: mark2) { if case .cardInserted(reader, _) = $0 { return true }; return false } != nil)
        let service = CardService.standard(trust: CardMaker.trustStore(issuers: [Bench.issuer], central: [Bench.central]), clock: TestClock(day: Bench.today))
        #expect(try await service.read(reader: reader).verdict == .authentic)
        card.pull()
        monitor.stop()
        await second.stop()
    }

    /// vpcd's second slot is a second reader: events and reads stay per reader.
    @Test func twoReadersAtOnce() async throws {
        let bench = try await Bench()
        let first = bench.daemon.readerName
        let second = first.replacingOccurrences(of: " 00 00", with: " 00 01")
        #expect(await bench.log.wait { $0 == .readerArrived(reader: second) } != nil)
        let mark = await bench.log.count
        let a = try bench.daemon.insert(try Bench.demo())
        let b = VirtualCardConnection(applet: try CardApplet(spec: CardMaker.vitale2Card(persons: CardMaker.demoSecondFoyer,
                                                                                        validityStart: CivilDate(year: 2020, month: 1, day: 1)!)),
                                      port: bench.daemon.port + 1)
        try b.insert()
        #expect(await bench.log.wait(from: mark) { if case .cardInserted(first, _) = $0 { return true }; return false } != nil)
        #expect(await bench.log.wait(from: mark) { if case .cardInserted(second, _) = $0 { return true }; return false } != nil)
        async let readA = bench.service.read(reader: first)
        async let readB = bench.service.read(reader: second)
        let (ra, rb) = try await (readA, readB)
        #expect(ra.verdict == .authentic)
        #expect(rb.verdict == .identified)
        #expect(rb.identity?.foyer.holder.nomFamille == "BERNARD")
        b.pull()
        #expect(await bench.log.wait(from: mark) { $0 == .cardRemoved(reader: second) } != nil)
        #expect(a.isInserted, "the other reader's card stays")
        a.pull()
        await bench.stop()
    }
}
