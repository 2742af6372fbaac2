import Domain
import Testing

/// The documents' rules on hand-written numbers and bytes (issue 13, seed 000).
@Suite struct DocumentRulesTests {
    let rules = DocumentRules()

    /// A photo d'identité scanned at 300 dpi: 35 × 45 mm is 413 × 531 pixels.
    func photo(mean: Double = 150, spread: Double = 40, width: Int = 413, height: Int = 531, dpi: Int = 300) -> ImageMeasures {
        ImageMeasures(widthPixels: width, heightPixels: height, dotsPerInch: dpi, meanLuminance: mean, luminanceStdDev: spread)
    }

    @Test func aGoodPhotoPasses() {
        #expect(rules.problems(.photo, photo()).isEmpty)
        // An identity card lies flat: 85.6 × 54 mm at 300 dpi.
        #expect(rules.problems(.identityDocument, photo(width: 1011, height: 638)).isEmpty)
    }

    @Test func darkLightAndBlankAtTheirThresholds() {
        #expect(rules.problems(.photo, photo(mean: 44.9)).first == .tooDark)
        #expect(rules.problems(.photo, photo(mean: 45)).isEmpty)
        #expect(rules.problems(.photo, photo(mean: 240.1)).first == .tooLight)
        #expect(rules.problems(.photo, photo(mean: 240)).isEmpty)
        #expect(rules.problems(.photo, photo(spread: 7.9)) == [.blank])
        #expect(rules.problems(.photo, photo(spread: 8)).isEmpty)
        // A black page is said to be dark first, then blank.
        #expect(rules.problems(.photo, photo(mean: 0, spread: 0)) == [.tooDark, .blank])
    }

    @Test func bigEnoughInMillimetresAndInPixels() {
        // 29 mm wide at 300 dpi: 343 pixels, a speck rather than a photo.
        #expect(rules.problems(.photo, photo(width: 343, height: 531)).contains(.tooSmall))
        // 35 × 45 mm at 150 dpi: the right size on the glass, too few pixels (207).
        #expect(rules.problems(.photo, photo(width: 207, height: 266, dpi: 150)).contains(.tooSmall))
        #expect(!rules.problems(.photo, photo(width: 360, height: 480)).contains(.tooSmall))
    }

    @Test func aPhotoStandsUpAnIdentityCardNeedNot() {
        #expect(rules.problems(.photo, photo(width: 531, height: 413)) == [.notPortrait])
        // Square: not portrait enough (1.1 × the width at least).
        #expect(rules.problems(.photo, photo(width: 500, height: 540)) == [.notPortrait])
        #expect(rules.problems(.photo, photo(width: 500, height: 551)).isEmpty)
        #expect(rules.problems(.identityDocument, photo(width: 531, height: 413)).isEmpty)
    }

    @Test func filesByTheirBytesWithinFiftyKoAndTwoMo() {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let pdf = Array("%PDF-1.7\n".utf8)
        func sized(_ head: [UInt8], _ n: Int) -> [UInt8] { head + [UInt8](repeating: 0, count: n - head.count) }
        #expect(rules.check(file: sized(jpeg, 50 * 1024)) == .success(.jpeg))
        #expect(rules.check(file: sized(png, 2 * 1024 * 1024)) == .success(.png))
        #expect(rules.check(file: sized(pdf, 100_000)) == .success(.pdf))
        #expect(rules.check(file: sized(jpeg, 50 * 1024 - 1)) == .failure(.fileTooSmall))
        #expect(rules.check(file: sized(png, 2 * 1024 * 1024 + 1)) == .failure(.fileTooLarge))
        // A name or a declared type proves nothing: a GIF, an HTML page.
        #expect(rules.check(file: sized(Array("GIF89a".utf8), 60_000)) == .failure(.unsupportedFormat))
        #expect(rules.check(file: sized(Array("<html>".utf8), 60_000)) == .failure(.unsupportedFormat))
        #expect(DocumentFormat(mediaType: "image/png") == .png)
    }

    /// SOI, APP0 JFIF, APP1 Exif (with a "GPS" in it), COM, APP14 Adobe, DQT, SOS + data, EOI.
    static let jpegWithExif: [UInt8] = {
        var b: [UInt8] = [0xFF, 0xD8]
        b += [0xFF, 0xE0, 0x00, 0x07] + Array("JFIF\0".utf8)
        b += [0xFF, 0xE1, 0x00, 0x0C] + Array("Exif\0\0GPS\0".utf8)
        b += [0xFF, 0xFE, 0x00, 0x06] + Array("Anne".utf8)
        b += [0xFF, 0xEE, 0x00, 0x04, 0x41, 0x64]
        b += [0xFF, 0xDB, 0x00, 0x04, 0x01, 0x02]
        b += [0xFF, 0xDA, 0x00, 0x04, 0x03, 0x04, 0x55, 0xFF, 0x00, 0x66, 0xFF, 0xD0, 0x77]
        b += [0xFF, 0xD9]
        return b
    }()

    @Test func exifAndCommentsLeaveAJPEGItsImageStays() throws {
        let stripped = try #require(DocumentMetadata.strip(Self.jpegWithExif, format: .jpeg))
        var expected: [UInt8] = [0xFF, 0xD8]
        expected += [0xFF, 0xE0, 0x00, 0x07] + Array("JFIF\0".utf8)
        expected += [0xFF, 0xEE, 0x00, 0x04, 0x41, 0x64]
        expected += [0xFF, 0xDB, 0x00, 0x04, 0x01, 0x02]
        expected += [0xFF, 0xDA, 0x00, 0x04, 0x03, 0x04, 0x55, 0xFF, 0x00, 0x66, 0xFF, 0xD0, 0x77, 0xFF, 0xD9]
        #expect(stripped == expected)
        #expect(DocumentMetadata.jpegHasAPP1(Self.jpegWithExif))
        #expect(!DocumentMetadata.jpegHasAPP1(stripped))
        // A segment longer than the file: refused, not guessed.
        var broken = Self.jpegWithExif
        broken[5] = 0xFF
        #expect(DocumentMetadata.strip(Array(broken.prefix(30)), format: .jpeg) == nil)
    }

    /// An APP1 Exif segment whose IFD0 holds Make (ASCII) then Orientation (SHORT).
    static func exif(littleEndian: Bool, orientation: UInt8, type: UInt8 = 3) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { littleEndian ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        var tiff: [UInt8] = Array((littleEndian ? "II" : "MM").utf8) + u16(42) + u32(8) + u16(2)
        tiff += u16(0x010F) + u16(2) + u32(6) + u32(38)
        tiff += u16(0x0112) + u16(Int(type)) + u32(1) + u16(Int(orientation)) + u16(0)
        tiff += u32(0) + Array("Apple\0".utf8)
        let payload = Array("Exif\0\0".utf8) + tiff
        return [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
    }

    @Test func theOrientationAPhoneWroteIsReadBeforeTheEXIFGoes() {
        let body: [UInt8] = [0xFF, 0xDA, 0x00, 0x02, 0x55, 0xFF, 0xD9]
        #expect(DocumentMetadata.jpegOrientation([0xFF, 0xD8] + Self.exif(littleEndian: false, orientation: 6) + body) == 6)
        #expect(DocumentMetadata.jpegOrientation([0xFF, 0xD8] + Self.exif(littleEndian: true, orientation: 8) + body) == 8)
        // After APP0, as most cameras write it.
        #expect(DocumentMetadata.jpegOrientation(Array(Self.jpegWithExif.prefix(11)) + Self.exif(littleEndian: true, orientation: 3) + body) == 3)
        // No tag, a value out of range, a LONG where a SHORT belongs: nothing guessed.
        #expect(DocumentMetadata.jpegOrientation(Self.jpegWithExif) == nil)
        #expect(DocumentMetadata.jpegOrientation([0xFF, 0xD8] + Self.exif(littleEndian: true, orientation: 9) + body) == nil)
        #expect(DocumentMetadata.jpegOrientation([0xFF, 0xD8] + Self.exif(littleEndian: true, orientation: 6, type: 4) + body) == nil)
        let stripped = DocumentMetadata.strip([0xFF, 0xD8] + Self.exif(littleEndian: false, orientation: 6) + body, format: .jpeg)!
        #expect(stripped == [0xFF, 0xD8] + body)
        #expect(DocumentMetadata.jpegOrientation(stripped) == nil)
    }

    @Test func textTimeAndExifChunksLeaveAPNG() throws {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let n = data.count
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + data + [0, 0, 0, 0]
        }
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let ihdr = chunk("IHDR", [UInt8](repeating: 1, count: 13)), idat = chunk("IDAT", [1, 2, 3]), iend = chunk("IEND", [])
        let png = signature + ihdr + chunk("tEXt", Array("Author\0Anne".utf8)) + chunk("eXIf", [1, 2]) + chunk("tIME", [0, 0, 0, 0, 0, 0, 0])
            + idat + iend
        #expect(DocumentMetadata.strip(png, format: .png) == signature + ihdr + idat + iend)
        #expect(DocumentMetadata.strip(Array(png.dropLast(3)), format: .png) == nil)
    }
}
