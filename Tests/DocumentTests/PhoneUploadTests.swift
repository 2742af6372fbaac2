import Central
import CentralAPI
import CentralTesting
import DocumentCapture
import Domain
import Foundation
import SyncClient
import Testing

/// Issue 13, the assuré's phone, end to end on loopback: bms-central in
/// process gives the kiosk a one-time address; the kiosk's screen shows
/// it as a QR code; zbarimg reads it off the screenshot; a real headless
/// chromium opens the page and sends a photo that carries EXIF; the
/// kiosk's signed poll sees it arrive and takes it, opened, EXIF gone.
@Suite struct PhoneUploadTests {
    /// A phone's photo: a real JPEG with an APP1 Exif segment put in after
    /// SOI, as phones write it: orientation 6 (turn 90° clockwise) in IFD0,
    /// then a GPS position and the device's name.
    static func phonePhoto() throws -> [UInt8] {
        let jpeg = try JPEG.encode(noiseImage(width: 480, height: 600, dotsPerInch: 72), quality: 90)
        let ifd0: [UInt8] = [0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        let exif = Array("Exif\0\0MM\0\u{2A}".utf8) + [0, 0, 0, 8] + ifd0 + Array("GPS 48.8566N 2.3522E iPhone".utf8)
        let app1 = [0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif
        return Array(jpeg.prefix(2)) + app1 + Array(jpeg.dropFirst(2))
    }

    @Test(.enabled(if: HeadlessBrowser.unavailableReason == nil,
                   "skipped: chromium or chromedriver missing (Debian's chromium, chromium-driver; CI installs them)"),
          .timeLimit(.minutes(2)))
    func aPhotoFromThePhoneArrivesAtTheKioskWithoutItsEXIF() async throws {
        let folder = temporaryFolder("phone-upload")
        let store = try SQLCentralStore.sqlite(path: folder.appendingPathComponent("central.sqlite").path)
        try await store.migrate()
        let service = CentralService(store: store, hasher: .fastForTests,
                                     sms: LogFileSMSGatewayForDevelopment(path: folder.appendingPathComponent("sms.log").path))
        let server = try await CentralTestServer.start(service: service)
        let kiosk = CentralClient(baseURL: server.baseURL, credentials: try await server.addKiosk())
        let browser = try await HeadlessBrowser.start()
        do {
            // The kiosk asks for an address for this session, and shows it.
            let slot = try await kiosk.openUpload(session: UUID(), kind: .photo)
            #expect(slot.url.hasPrefix(server.baseURL.absoluteString + "/upload/"))
            #expect(try await kiosk.uploadState(id: slot.id).state == .waiting)
            let (png, _) = try await MainActor.run { try renderQRCode(slot.url, to: folder) }
            let read = try await zbarimg(png)
            #expect(read == slot.url)

            // The phone: the page, the file, « Envoyer ».
            let photo = try Self.phonePhoto()
            #expect(DocumentMetadata.jpegHasAPP1(photo))
            let file = folder.appendingPathComponent("photo.jpg")
            try Data(photo).write(to: file)
            try await browser.resize(width: 412, height: 915)
            try await browser.open(read)
            // Kept with the test's files, to be looked at.
            try await browser.screenshot(to: folder.appendingPathComponent("phone-form.png"))
            try await browser.type(try await browser.element("input[type=file][name=document]"), file.path)
            try await browser.click(try await browser.element("#send"))
            #expect(try await browser.text(try await browser.element("#received")).contains("Votre document est arrivé"))
            try await browser.screenshot(to: folder.appendingPathComponent("phone-received.png"))

            // The kiosk's poll sees it; taking it opens it, without its EXIF.
            let state = try await kiosk.uploadState(id: slot.id)
            #expect(state.state == .received)
            #expect(state.mediaType == "image/jpeg")
            #expect(state.orientation == 6, "the kiosk is told how to turn the picture upright")
            let sealed = try #require(try await store.sealedUpload(id: slot.id))
            #expect(sealed.range(of: Data("iPhone".utf8)) == nil && sealed.range(of: Data(photo.suffix(64))) == nil,
                    "stored sealed, not as sent")
            let taken = try await kiosk.takeUpload(id: slot.id)
            #expect(taken.format == .jpeg)
            #expect(!DocumentMetadata.jpegHasAPP1(Array(taken.bytes)))
            #expect(Array(taken.bytes) == DocumentMetadata.strip(photo, format: .jpeg))
            #expect(try JPEG.decode(Array(taken.bytes)).width == 480)

            // Taken: the address is spent; the central store keeps its sealed copy for the order
            // (deleted when the order is handled, or 30 days on when no order holds it), dropped when the kiosk closes it.
            #expect(try await store.sealedUpload(id: slot.id) == sealed)
            #expect(try await kiosk.uploadState(id: slot.id).state == .taken)
            try await browser.open(read)
            #expect(try await browser.pageSource().contains("déjà été envoyé"))
            try await kiosk.closeUpload(id: slot.id)
            #expect(try await store.sealedUpload(id: slot.id) == nil)
            #expect(try await kiosk.uploadState(id: slot.id).state == .closed)
        } catch {
            await browser.stop()
            await server.stop()
            throw error
        }
        await browser.stop()
        await server.stop()
    }
}
