import Testing
@testable import CardProfile

@Suite struct APDUTests {
    @Test func commandEncodings() {
        #expect(CommandAPDU.select(aid: BMSVIT.aid).bytes == [0x00, 0xA4, 0x04, 0x00, 0x08] + BMSVIT.aid + [0x00])
        #expect(CommandAPDU.select(fileID: 0x2F01).bytes == [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x2F, 0x01])
        #expect(CommandAPDU.readBinary(offset: 0x0123, length: 256).bytes == [0x00, 0xB0, 0x01, 0x23, 0x00])
        #expect(CommandAPDU.readBinary(offset: 0x8000, length: 16).bytes[2] == 0x00, "offset high byte keeps 7 bits")
        #expect(CommandAPDU.getResponse(0x10).bytes == [0x00, 0xC0, 0x00, 0x00, 0x10])
        let challenge = [UInt8](repeating: 9, count: 32)
        #expect(CommandAPDU.internalAuthenticate(challenge: challenge).bytes == [0x00, 0x88, 0x00, 0x00, 0x20] + challenge + [0x00])
    }

    @Test func commandParsing() {
        #expect(CommandAPDU(bytes: [0x00, 0xB0, 0x00, 0x00, 0x00])?.le == 256)
        #expect(CommandAPDU(bytes: [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x2F, 0x01])?.data == [0x2F, 0x01])
        #expect(CommandAPDU(bytes: [0x00, 0xA4, 0x02, 0x0C, 0x05, 0x2F]) == nil)
        #expect(CommandAPDU(bytes: [0x00, 0xA4]) == nil)
        #expect(CommandAPDU(bytes: [0x00, 0xA4, 0x00, 0x00, 0x00, 0x01]) == nil)
    }

    @Test func responseNeedsAStatusWord() throws {
        #expect(throws: APDUError.responseTooShort(count: 1)) { try ResponseAPDU(bytes: [0x90]) }
        #expect(throws: APDUError.responseTooShort(count: 0)) { try ResponseAPDU(bytes: []) }
        let r = try ResponseAPDU(bytes: [0x01, 0x02, 0x90, 0x00])
        #expect(r.data == [1, 2])
        #expect(r.sw == .ok)
    }

    /// Every status word of the profile has its own outcome.
    @Test(arguments: [
        (0x9000, CardStatus.success),
        (0x6282, .endOfFile),
        (0x6283, .invalidated),
        (0x6581, .memoryFailure),
        (0x6700, .wrongLength),
        (0x6982, .securityNotSatisfied),
        (0x6A82, .notFound),
        (0x6B00, .offsetBeyondEnd),
        (0x6D00, .instructionNotSupported),
        (0x6E00, .classNotSupported),
        (0x6110, .moreData(available: 16)),
        (0x6100, .moreData(available: 256)),
        (0x6C20, .wrongLe(exact: 32)),
        (0x6F00, .unknown(StatusWord(0x6F00))),
        (0x9001, .unknown(StatusWord(0x9001))),
    ] as [(UInt16, CardStatus)])
    func statusWords(value: UInt16, outcome: CardStatus) {
        #expect(StatusWord(value).outcome == outcome)
        #expect(!outcome.description.isEmpty)
    }

    @Test func everyStatusWordHasAnOutcome() {
        for v in 0...0xFFFF { _ = StatusWord(UInt16(v)).outcome }
    }

    @Test func descriptionCarriesNoData() {
        let c = CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: Array("180057505612342".utf8))
        #expect(!c.description.contains("3138"))
        #expect(c.description.contains("Lc=15"))
    }

    @Test func atrsCarryTheHistoricalBytes() {
        #expect(BMSVIT.atr.suffix(9).prefix(8) == ArraySlice(BMSVIT.historicalBytes))
        #expect(BMSVIT.atr.dropFirst().reduce(0, ^) == 0, "TCK makes the XOR of T0…TCK zero")
        #expect(Vitale2.isKnownATR(Vitale2.atr))
        #expect(Vitale2.isKnownATR([0x3B, 0x75, 0x13, 0x00, 0x00, 0x45, 0x09, 0xEA, 0x90, 0x00]))
        #expect(!Vitale2.isKnownATR(BMSVIT.atr))
    }
}
