import CardProfile
import CardReader
import Domain
import Foundation
import Testing
@testable import VirtualCard

/// The emulated carte Vitale 2 against card-profile.md's last section, and
/// the Vitale 2 driver reading it in process (the same through pcscd:
/// CardReaderTests).
@Suite struct Vitale2CardTests {
    /// The demo foyer and four more children: EF "IDENTITE" is then longer
    /// than 256 bytes, so it takes two READ BINARY.
    static var largeFoyer: [CardSpec.PersonSpec] {
        CardMaker.demoFoyer + [("Théo", "20130102"), ("Manon", "20140203"), ("Lucas", "20150304"), ("Chloé", "20160405")].map {
            .init(ouvrantDroitNIR: CardMaker.demoHolderNIR, nomFamille: "DUPONT", prenoms: $0.0, birthDate: $0.1, qualite: "enfant")
        }
    }

    static let validity = CivilDate(year: 2020, month: 1, day: 1)!

    /// EF 2001 of the emulated card, written by hand from the profile.
    static let expectedMap: [UInt8] = [UInt8](hex: """
        E0 43
          A0 25
            82 0F 0001 0000 D250000002564954414C45
            82 12 0002 0000 D2500000024D465F564954414C45
          80 0C 4944454E54495445 0002 2004
          80 0C 4341525445202020 0001 2002
        """)!
    // E0, 67 bytes: A0 (37 bytes: 82 entry 0001 → AID VITALE, 82 entry 0002
    // → AID MF_VITALE), then after A0 two 12-byte 80 entries: "IDENTITE" in
    // application 0002 EF 2004, "CARTE   " in application 0001 EF 2002.

    @Test func emulatedMapIsTheProfilesLayout() throws {
        let apps = try CardMaker.vitale2Card(persons: CardMaker.demoFoyer, validityStart: Self.validity).applications()
        #expect(apps[Vitale2.vitaleAID]?[0x2001] == Self.expectedMap)
        #expect(apps[Vitale2.mfVitaleAID]?[0x2004] != nil)
        #expect(apps[Vitale2.vitaleAID]?[0x2004] == nil, "the beneficiaries are in the other application")
    }

    static func read(_ applet: CardApplet) async throws -> CardReading {
        try await CardService.standard(trust: TrustStore(issuers: [:], central: [:]))
            .read(APDUTransport(channel: AppletChannel(applet: applet)), atr: Vitale2.atr)
    }

    @Test func driverSelectsEachApplicationThenItsFilesInSteps() async throws {
        let spec = CardMaker.vitale2Card(persons: Self.largeFoyer, validityStart: Self.validity)
        #expect(try #require(try spec.applications()[Vitale2.mfVitaleAID]?[0x2004]).count > 256)
        let applet = try CardApplet(spec: spec)
        let reading = try await Self.read(applet)
        #expect(reading.verdict == .identified)
        #expect(reading.identity?.foyer.persons.map(\.prenoms) == Self.largeFoyer.map(\.prenoms))
        #expect(reading.identity?.issueDate == Self.validity, "EF 2002, in the VITALE application, was read")
        #expect(Self.vitale2Commands(applet.commandsReceived) == Self.expectedCommands)
    }

    /// What the driver sends once BMS-VIT's SELECT was refused: VITALE, the
    /// map; MF_VITALE, EF 2004 in two 256-byte steps (the second answer is
    /// short); VITALE again, EF 2002.
    static let expectedCommands = [
        "00A404000BD250000002564954414C4500", "00A4020C022001", "00B0000000",
        "00A404000ED2500000024D465F564954414C4500", "00A4020C022004", "00B0000000", "00B0010000",
        "00A404000BD250000002564954414C4500", "00A4020C022002", "00B0000000",
    ]

    static func vitale2Commands(_ received: [[UInt8]]) -> [String] {
        let hex = received.map(\.hexString)
        guard let start = hex.firstIndex(of: "00A404000BD250000002564954414C4500") else { return hex }
        return Array(hex[start...])
    }

    @Test(arguments: [
        // The layout the driver once expected: 10-byte 80 entries inside A0.
        "E0 16 A0 14 82 06 564954414C45 80 0A 4944454E54495445 2004",
        // 12-byte entries, but inside A0.
        "E0 21 A0 1F 82 0F 0001 0000 D250000002564954414C45 80 0C 4944454E54495445 0001 2004",
    ])
    func anotherLayoutIsRefusedNotGuessed(map: String) async throws {
        let applet = try CardApplet(spec: CardMaker.vitale2Card(persons: CardMaker.demoFoyer, validityStart: Self.validity))
        applet.applications[Vitale2.vitaleAID]![0x2001] = [UInt8](hex: map)!
        let reading = try await Self.read(applet)
        #expect(reading.identity == nil)
        guard case .faulty(let reason) = reading.verdict else { Issue.record("\(reading.verdict)"); return }
        #expect(reason.hasPrefix("unknown Vitale 2 layout"))
        #expect(!applet.commandsReceived.map(\.hexString).contains("00A4020C022004"), "no file is read from a map not understood")
    }

    /// A file named in the map whose application is not on the card.
    @Test func missingApplicationIsAFaultyCard() async throws {
        let applet = try CardApplet(spec: CardMaker.vitale2Card(persons: CardMaker.demoFoyer, validityStart: Self.validity))
        applet.applications[Vitale2.mfVitaleAID] = nil
        let reading = try await Self.read(applet)
        guard case .faulty(let reason) = reading.verdict else { Issue.record("\(reading.verdict)"); return }
        #expect(reason.contains("IDENTITE"))
    }
}
