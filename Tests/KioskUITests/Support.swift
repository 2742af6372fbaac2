import Foundation
import KioskUI

/// The repository's Assets/, found from this file.
let assetsURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Assets")

@MainActor
func makeFonts() throws -> FontLibrary {
    try SDLRuntime.start(headless: true)
    return try FontLibrary(fontsDirectory: assetsURL.appendingPathComponent("fonts"))
}

@MainActor
func makeRenderer(_ size: Size = Size(width: 1280, height: 800), fonts: FontLibrary) throws -> SDLRenderer {
    try SDLRenderer(mode: .headless(size), fonts: fonts)
}

func tempDir() -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("kioskui-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}
