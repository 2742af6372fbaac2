import Domain
import Testing
@testable import CardProfile

/// EF 2001 of a real carte Vitale 2, byte by byte. The vectors are written
/// by hand from card-profile.md, last section ("E0 { A0 { 82… } 80… }"),
/// not produced by the virtual card: the decoder and the emulator once
/// agreed with each other on a misreading (files inside A0, 10 bytes) and
/// not with a real card.
@Suite struct Vitale2MapTests {
    static let vitaleAID: [UInt8] = [0xD2, 0x50, 0x00, 0x00, 0x02, 0x56, 0x49, 0x54, 0x41, 0x4C, 0x45]
    static let mfVitaleAID: [UInt8] = [0xD2, 0x50, 0x00, 0x00, 0x02, 0x4D, 0x46, 0x5F, 0x56, 0x49, 0x54, 0x41, 0x4C, 0x45]

    /// Two applications, three files spread over them.
    static let map: [UInt8] = bytes("""
        E0 51                                              E0, 81 bytes: the map
           A0 25                                           A0, 37 bytes: the applications
              82 0F 0001 0000 D250000002564954414C45       82: entry 0001, reserved 0000, AID "VITALE" (11 bytes)
              82 12 0002 0000 D2500000024D465F564954414C45  82: entry 0002, reserved 0000, AID "MF_VITALE" (14 bytes)
           80 0C 4944454E54495445 0001 2004                80 after A0: "IDENTITE", application 0001, EF 2004
           80 0C 4341525445202020 0002 2002                80: "CARTE   " (space-padded), application 0002, EF 2002
           80 0C 44524F4954532020 0001 2005                80: "DROITS  ", application 0001, EF 2005
        """)

    /// The layout the driver and the emulator used to agree on: `80`
    /// entries of 10 bytes (name + file id) inside `A0`, after an `82`
    /// holding the text "VITALE".
    static let oldLayout: [UInt8] = bytes("""
        E0 16                                              E0, 22 bytes
           A0 14                                           A0, 20 bytes
              82 06 564954414C45                           82: "VITALE" (no entry number, no AID)
              80 0A 4944454E54495445 2004                  80 inside A0: "IDENTITE", EF 2004 (10 bytes)
        """)

    /// The same misreading with a well-formed `82`: files still inside A0.
    static let filesInsideA0: [UInt8] = bytes("""
        E0 21                                              E0, 33 bytes
           A0 1F                                           A0, 31 bytes
              82 0F 0001 0000 D250000002564954414C45       82: entry 0001, AID "VITALE"
              80 0C 4944454E54495445 0001 2004             80 inside A0 (12 bytes, but in the wrong place)
        """)

    /// Files after A0, but of 10 bytes (no application entry).
    static let tenByteEntries: [UInt8] = bytes("""
        E0 1F                                              E0, 31 bytes
           A0 11                                           A0, 17 bytes
              82 0F 0001 0000 D250000002564954414C45       82: entry 0001, AID "VITALE"
           80 0A 4944454E54495445 2004                     80: "IDENTITE", EF 2004, 10 bytes
        """)

    /// A file that names application 0003, which A0 does not list.
    static let unknownApplication: [UInt8] = bytes("""
        E0 21                                              E0, 33 bytes
           A0 11                                           A0, 17 bytes
              82 0F 0001 0000 D250000002564954414C45       82: entry 0001, AID "VITALE"
           80 0C 4944454E54495445 0003 2004                80: "IDENTITE", application 0003 (not listed), EF 2004
        """)

    /// The hex of each line, up to the comment (two spaces or more
    /// before it); single spaces inside the hex are ignored.
    static func bytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for line in text.split(separator: "\n") {
            let hex = line.trimmingPrefixSpaces.components(separatedBy: "  ").first ?? ""
            out += [UInt8](hex: hex)!
        }
        return out
    }

    @Test func vectorsAreWhatTheirCommentsSay() {
        #expect(Self.map.count == 2 + 0x51)
        #expect(Self.oldLayout.count == 2 + 0x16)
        #expect(Self.filesInsideA0.count == 2 + 0x21)
        #expect(Self.tenByteEntries.count == 2 + 0x1F)
        #expect(Self.unknownApplication.count == 2 + 0x21)
    }

    @Test func mapFromTheProfile() throws {
        let map = try Vitale2.decodeMap(Self.map)
        #expect(map.applications == [.init(entry: 1, aid: Self.vitaleAID), .init(entry: 2, aid: Self.mfVitaleAID)])
        #expect(map.files == [
            .init(name: Array("IDENTITE".utf8), application: 1, aid: Self.vitaleAID, fileID: 0x2004),
            .init(name: Array("CARTE   ".utf8), application: 2, aid: Self.mfVitaleAID, fileID: 0x2002),
            .init(name: Array("DROITS  ".utf8), application: 1, aid: Self.vitaleAID, fileID: 0x2005),
        ])
        #expect(map.files.map(\.label) == ["IDENTITE", "CARTE", "DROITS"])
        // Files padded with zeros after the map (a fixed-size EF) read the same.
        #expect(try Vitale2.decodeMap(Self.map + [UInt8](repeating: 0, count: 40)) == map)
        #expect(Vitale2.mapFileID == 0x2001)
        #expect(Vitale2.vitaleAID == Self.vitaleAID && Vitale2.mfVitaleAID == Self.mfVitaleAID)
    }

    @Test(arguments: [
        ("old layout", Vitale2MapTests.oldLayout), ("files inside A0", Vitale2MapTests.filesInsideA0),
        ("10-byte entries", Vitale2MapTests.tenByteEntries),
        ("unknown application", Vitale2MapTests.unknownApplication),
        ("no E0", Array(Vitale2MapTests.map.dropFirst(2))),
        ("two maps", Vitale2MapTests.map + Vitale2MapTests.map),
        ("E0 without A0", Vitale2MapTests.bytes("E0 0E 80 0C 4944454E54495445 0001 2004")),
        ("A0 naming nothing", Vitale2MapTests.bytes("E0 10 A0 00 80 0C 4944454E54495445 0001 2004")),
        ("AID too short", Vitale2MapTests.bytes("E0 1A A0 0A 82 08 0001 0000 D2500000 80 0C 4944454E54495445 0001 2004")),
    ])
    func otherLayoutsAreRefused(_ what: String, _ bytes: [UInt8]) {
        do {
            let map = try Vitale2.decodeMap(bytes)
            Issue.record("\(what): decoded as \(map)")
        } catch {
            guard case .unknownLayout = error else { Issue.record("\(what): \(error)"); return }
            #expect(error.description.hasPrefix("unknown Vitale 2 layout"), "\(what)")
        }
    }

    @Test func aMapListingNoFileSaysSo() {
        #expect(throws: Vitale2.Error.noFiles) { try Vitale2.decodeMap(Self.bytes("E0 13 A0 11 82 0F 0001 0000 D250000002564954414C45")) }
        #expect(throws: Vitale2.Error.self) { try Vitale2.decodeMap([]) }
        #expect(throws: Vitale2.Error.self) { try Vitale2.decodeMap([0xE0, 0x05, 0xA0]) }
    }
}

extension Substring {
    var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}
