import Testing
@testable import CardProfile

@Suite struct TLVTests {
    let decoder = TLVDecoder(rules: .bmsVit)

    @Test func roundTripsNestedElements() throws {
        let tree = TLV(tag: 0xE0, children: [TLV(tag: 0xC0, value: [1]), TLV(tag: 0xC1, value: Array(repeating: 7, count: 300))])
        let decoded = try decoder.decode(tree.raw)
        #expect(decoded.count == 1)
        #expect(decoded[0].children.count == 2)
        #expect(decoded[0].child(0xC1)?.value.count == 300)
        #expect(decoded[0].raw == tree.raw)
    }

    @Test func lengthForms() throws {
        #expect(TLV.lengthBytes(0x7F) == [0x7F])
        #expect(TLV.lengthBytes(0x80) == [0x81, 0x80])
        #expect(TLV.lengthBytes(0x100) == [0x82, 0x01, 0x00])
        #expect(try decoder.decode([0xC0, 0x81, 0x01, 0xAA])[0].value == [0xAA])
        #expect(try decoder.decode([0xC0, 0x82, 0x00, 0x01, 0xAA])[0].value == [0xAA])
    }

    @Test func skipsZeroPadding() throws {
        let d = try decoder.decode([0x00, 0x00, 0xC0, 0x01, 0x05, 0x00, 0xFF])
        #expect(d.map(\.tag) == [0xC0])
    }

    @Test(arguments: [
        ([0xC0] as [UInt8], "tag without length"),
        ([0xC0, 0x05, 0x01], "value shorter than declared"),
        ([0xC0, 0x81], "long form without its byte"),
        ([0xC0, 0x82, 0x01], "two-byte length cut"),
        ([0xE0, 0x04, 0xC0, 0x05, 0x01, 0x02], "child overflows its parent"),
    ])
    func truncatedInputIsAnError(bytes: [UInt8], why: String) {
        #expect(throws: TLVError.self, "\(why)") { try decoder.decode(bytes) }
    }

    @Test func oversizedLengthIsRejectedWithoutAllocating() {
        #expect(throws: TLVError.lengthTooLarge(offset: 0, declared: 0xFFFF, available: 2)) {
            try decoder.decode([0xC0, 0x82, 0xFF, 0xFF, 0x01, 0x02])
        }
        // Three or four length bytes are beyond the profile.
        #expect(throws: TLVError.badLengthForm(offset: 1, firstByte: 0x84)) { try decoder.decode([0xC0, 0x84, 0x7F, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: TLVError.badLengthForm(offset: 1, firstByte: 0x80)) { try decoder.decode([0xC0, 0x80, 0x00, 0x00]) }
    }

    @Test func multiByteTagsOnlyWhereAllowed() throws {
        #expect(throws: TLVError.badTag(offset: 0)) { try decoder.decode([0x7F, 0x21, 0x00]) }
        let iso = TLVDecoder(rules: .iso7816)
        #expect(try iso.decode([0x7F, 0x21, 0x01, 0x00])[0].tag == 0x7F21)
        #expect(throws: TLVError.self) { try iso.decode([0x7F, 0xFF, 0xFF, 0xFF, 0x01, 0x00]) }
    }

    @Test func nestingAndCountAreBounded() {
        var bytes: [UInt8] = [0xC0, 0x00]
        for _ in 0..<20 { bytes = TLV.encode(tag: 0xE0, value: bytes) }
        #expect(throws: TLVError.self) { try decoder.decode(bytes) }
        var rules = TLVDecoder.Rules.bmsVit
        rules.maxElements = 10
        #expect(throws: TLVError.tooManyElements(limit: 10)) {
            try TLVDecoder(rules: rules).decode(Array(repeating: [0xC0, 0x00] as [UInt8], count: 11).flatMap { $0 })
        }
    }

    /// Every prefix and every single-byte corruption of a real file decodes
    /// or fails with a typed error, never a crash.
    @Test func everyPrefixAndBitFlipEndsCleanly() throws {
        let file = CardFile(serial: "25010000000001", issueDate: .init(year: 2025, month: 1, day: 15)!, generation: 2, issuer: "011751234").encode()
        for n in 0...file.count { _ = try? CardFile.decode(Array(file.prefix(n))) }
        for i in file.indices {
            for bit in 0..<8 {
                var b = file
                b[i] ^= UInt8(1 << bit)
                _ = try? CardFile.decode(b)
            }
        }
    }

    @Test func hexParsing() {
        #expect([UInt8](hex: "0a FF:10") == [0x0A, 0xFF, 0x10])
        #expect([UInt8](hex: "ABC") == nil)
        #expect([UInt8](hex: "zz") == nil)
        #expect([0x0A, 0xFF].hexString == "0AFF")
    }
}
