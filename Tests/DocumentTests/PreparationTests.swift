import DocumentCapture
import Domain
import Testing

/// Crop, checks and JPEG on hand-made images whose answer is known.
@Suite struct PreparationTests {
    @Test func theCropIsTheDocumentsBoxOnTheLid() {
        // A grey card (luminance 128) at (100, 60), 420 × 540, on a white lid.
        let scan = RGBImage.filled(width: 800, height: 700, dotsPerInch: 300, (255, 255, 255),
                                   painting: PixelRect(x: 100, y: 60, width: 420, height: 540), with: (128, 128, 128))
        #expect(scan.documentBounds(distanceFromWhite: 40) == PixelRect(x: 100, y: 60, width: 420, height: 540))
        // A faint mark (luminance 230) is the lid's, not the document's.
        let faint = RGBImage.filled(width: 50, height: 50, dotsPerInch: 300, (255, 255, 255),
                                    painting: PixelRect(x: 5, y: 5, width: 3, height: 3), with: (230, 230, 230))
        #expect(faint.documentBounds(distanceFromWhite: 40) == nil)
        let cropped = scan.cropped(to: PixelRect(x: 100, y: 60, width: 420, height: 540))
        #expect(cropped.width == 420 && cropped.height == 540)
        #expect(cropped.pixels.allSatisfy { $0 == 128 })
    }

    @Test func aFlatGreyCardIsBlankThoughCroppedRight() {
        let scan = RGBImage.filled(width: 800, height: 700, dotsPerInch: 300, (255, 255, 255),
                                   painting: PixelRect(x: 100, y: 60, width: 420, height: 540), with: (128, 128, 128))
        #expect(DocumentPreparation.prepare(scan, kind: .photo) == .failure(.blank))
    }

    @Test func aLandscapePhotoIsToldToStandUp() {
        let photo = noiseImage(width: 540, height: 420, dotsPerInch: 300)
        #expect(DocumentPreparation.prepare(photo, kind: .photo) == .failure(.notPortrait))
        #expect(DocumentPreparation.prepare(photo, kind: .identityDocument).map(\.quality) == .success(95))
    }

    @Test func qualityStepsDownUntilTheFileIsUnderTwoMo() throws {
        // Noise barely compresses: at quality 95 this is well over 2 Mo.
        let big = noiseImage(width: 1500, height: 1800, dotsPerInch: 300)
        let ladder = DocumentParameters.standard.jpegQualities
        let sizes = try ladder.map { try JPEG.encode(big, quality: $0).count }
        #expect(sizes[0] > 2 * 1024 * 1024, "sizes by quality: \(sizes)")
        let prepared = try DocumentPreparation.prepare(big, kind: .photo).get()
        #expect(prepared.jpeg.count <= 2 * 1024 * 1024)
        // The best quality that fits was kept: every one above it was over.
        let index = try #require(ladder.firstIndex(of: prepared.quality))
        #expect(index > 0 && sizes[..<index].allSatisfy { $0 > 2 * 1024 * 1024 }, "sizes by quality: \(sizes)")
        #expect(prepared.jpeg.count == sizes[index])
    }

    @Test func aFreshJPEGCarriesNoMetadataAndReadsBack() throws {
        let image = noiseImage(width: 413, height: 531, dotsPerInch: 300)
        let jpeg = try JPEG.encode(image, quality: 90)
        #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF, 0xE0]), "SOI then JFIF's APP0")
        #expect(!DocumentMetadata.jpegHasAPP1(jpeg))
        #expect(!jpeg.indices.dropLast(4).contains { jpeg[$0] == 0x45 && jpeg[$0 + 1] == 0x78 && jpeg[$0 + 2] == 0x69 && jpeg[$0 + 3] == 0x66 },
                "no 'Exif' anywhere")
        let back = try JPEG.decode(jpeg)
        #expect(back.width == 413 && back.height == 531)
        #expect(abs(back.measures.meanLuminance - image.measures.meanLuminance) < 2)
        #expect(throws: JPEGError.self) { try JPEG.decode(Array("not a jpeg".utf8)) }
    }
}
