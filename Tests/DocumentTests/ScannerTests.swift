import DocumentCapture
import Domain
import Testing

/// The scanner through the real libsane and SANE's `test` backend: a real
/// device, real option descriptors, real frames. Its pictures stand for
/// what an assuré puts on the glass.
@Suite struct ScannerTests {
    @Test func theTestBackendIsTheOnlyDevice() async throws {
        let devices = try await { _ = saneTestBackend; return try await SANEScanner.devices() }()
        #expect(devices.contains("test:0"))
        #expect(devices.allSatisfy { $0.hasPrefix("test:") }, "only the private dll.conf's backend: \(devices)")
    }

    @Test func aColourScanHasTheSizeAskedForAtTheResolutionAsked() async throws {
        let image = try await testScanner().scan(ScanRequest(dotsPerInch: 100, areaMM: (85, 54), options: ["test-picture": "Color pattern"]))
        // 85 mm at 100 dpi: 334 or 335 pixels depending on SANE's rounding.
        #expect((333...336).contains(image.width), "width \(image.width)")
        #expect((211...214).contains(image.height), "height \(image.height)")
        #expect(image.dotsPerInch == 100)
        let m = image.measures
        #expect(m.luminanceStdDev > 30, "a colour pattern has contrast: \(m)")
        // Not one grey: the three channels differ somewhere.
        #expect(stride(from: 0, to: image.pixels.count, by: 3).contains { image.pixels[$0] != image.pixels[$0 + 2] })
    }

    @Test(arguments: [("Solid black", DocumentProblem.tooDark), ("Solid white", DocumentProblem.tooLight)])
    func aBlackOrWhitePageIsRefusedWithWhatToDo(picture: String, problem: DocumentProblem) async throws {
        let scan = try await testScanner().scan(ScanRequest(dotsPerInch: 150, areaMM: (85, 54), options: ["test-picture": picture]))
        #expect(DocumentPreparation.prepare(scan, kind: .identityDocument) == .failure(problem))
    }

    @Test func aColourCardAtThreeHundredDotsIsCroppedCheckedAndSizedAsAJPEG() async throws {
        let scan = try await testScanner().scan(ScanRequest(dotsPerInch: 300, areaMM: (85, 54), options: ["test-picture": "Color pattern"]))
        let prepared = try DocumentPreparation.prepare(scan, kind: .identityDocument).get()
        #expect(prepared.image.width <= scan.width && prepared.image.height <= scan.height)
        #expect(prepared.image.width >= 300 && prepared.image.height >= 300)
        #expect((50 * 1024...2 * 1024 * 1024).contains(prepared.jpeg.count), "\(prepared.jpeg.count) bytes")
        #expect(!DocumentMetadata.jpegHasAPP1(prepared.jpeg))
        #expect(try JPEG.decode(prepared.jpeg).width == prepared.image.width)
    }

    /// An identity card at 100 dpi: the right size on the glass, too few pixels to be read.
    @Test func aGridAtOneHundredDotsIsTooSmallToRead() async throws {
        let scan = try await testScanner().scan(ScanRequest(dotsPerInch: 100, areaMM: (85, 54), options: ["test-picture": "Grid"]))
        #expect(DocumentPreparation.prepare(scan, kind: .identityDocument) == .failure(.tooSmall))
    }

    @Test func aScannerThatIsNotThereIsNamed() async throws {
        // SANE reads SANE_CONFIG_DIR once per process, at its first call: set before any.
        _ = saneTestBackend
        await #expect(throws: ScannerError.noDevice("test:9")) {
            try await SANEScanner(device: "test:9").scan(ScanRequest(dotsPerInch: 100, options: [:]))
        }
    }

    @Test func anOptionTheDeviceDoesNotHaveIsRefusedByName() async throws {
        await #expect(throws: ScannerError.option(name: "colour-of-the-sky", value: "blue")) {
            try await testScanner().scan(ScanRequest(dotsPerInch: 100, areaMM: (20, 20), options: ["colour-of-the-sky": "blue"]))
        }
    }
}
