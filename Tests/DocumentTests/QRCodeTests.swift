import CentralTesting
import Foundation
import KioskUI
import QRCode
import Testing

/// Draws a code on the kiosk's screen headless, saves the PNG, and has
/// zbarimg (what a phone's reader does) read the address back off it.
@MainActor
func renderQRCode(_ text: String, to folder: URL, theme: Theme = .normal) throws -> (png: URL, list: DisplayList) {
    let code = try QRCode(encoding: text)
    let matrix = ModuleMatrix(size: code.size, dark: code.modules)
    try SDLRuntime.start(headless: true)
    let fonts = try FontLibrary(fontsDirectory: repositoryRoot.appendingPathComponent("Assets/fonts"))
    let screen = ScreenModel(id: "upload.phone", title: "Envoyer une photo avec votre téléphone", brand: "Assurance Maladie",
                             body: .vstack([
                                 .text(Text("Scannez ce code avec l’appareil photo de votre téléphone.", id: "upload.phone.intro")),
                                 .drawing(.modules(matrix, id: "upload.phone.qr", sideMM: 60)),
                             ]))
    let list = LayoutEngine(metrics: .development, theme: theme, measurer: fonts).layout(screen)
    let renderer = try SDLRenderer(mode: .headless(ScreenMetrics.development.size), fonts: fonts)
    renderer.draw(list)
    let png = folder.appendingPathComponent("qr.png")
    try renderer.savePNG(to: png.path)
    return (png, list)
}

func zbarimg(_ png: URL) async throws -> String {
    let out = try await runProgram("/usr/bin/zbarimg", ["-q", "--raw", "--nodbus", png.path])
    return out.trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite struct QRCodeTests {
    @Test func libqrencodeGivesASquareOfModulesWithItsFinderPatterns() throws {
        let code = try QRCode(encoding: "https://bms.example/upload/abc")
        #expect(code.size >= 21 && (code.size - 21) % 4 == 0)
        #expect(code.modules.count == code.size * code.size)
        // The top-left finder: a dark 7-module ring, light ring, dark 3×3 core.
        #expect((0..<7).allSatisfy { code.isDark(x: $0, y: 0) && code.isDark(x: 0, y: $0) && code.isDark(x: $0, y: 6) })
        #expect(!code.isDark(x: 1, y: 1) && code.isDark(x: 3, y: 3))
        #expect(!code.isDark(x: 7, y: 0), "the separator is light")
    }

    @Test(arguments: [Theme.normal, Theme.high])
    @MainActor func theCodeOnTheKiosksScreenReadsBackToTheAddress(theme: Theme) async throws {
        let url = "http://127.0.0.1:8080/upload/" + String(repeating: "Ab9_-", count: 8) + "xyz"
        let (png, list) = try renderQRCode(url, to: temporaryFolder("qr"), theme: theme)
        // Rectangles in the display list under the widget's id, dark on white in either theme.
        let items = list.items.filter { $0.widgetID == "upload.phone.qr" }
        #expect(items.count > 20)
        #expect(items.first.map { if case .rect(let fill, _, _, _) = $0.kind { fill == Color(hex: 0xFFFFFF) } else { false } } == true)
        #expect(try await zbarimg(png) == url)
    }
}
