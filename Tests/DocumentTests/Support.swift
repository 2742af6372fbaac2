import DocumentCapture
import Foundation

/// SANE's own `test` backend, and nothing else: a private config folder
/// whose dll.conf names it. Set once for this test process, before the
/// first SANE call of any test: libsane reads SANE_CONFIG_DIR once and
/// keeps it for the life of the process.
let saneTestBackend: Void = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sane-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try? "test\n".write(to: dir.appendingPathComponent("dll.conf"), atomically: true, encoding: .utf8)
    setenv("SANE_CONFIG_DIR", dir.path, 1)
}()

func testScanner() -> SANEScanner {
    _ = saneTestBackend
    return SANEScanner(device: "test:0")
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func temporaryFolder(_ prefix: String) -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

/// Reproducible noise (xorshift): photos that do not compress away.
func noiseImage(width: Int, height: Int, dotsPerInch: Int, seed: UInt64 = 0x9E3779B97F4A7C15) -> RGBImage {
    var s = seed
    var p = [UInt8](repeating: 0, count: width * height * 3)
    for i in p.indices {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17
        // Mean mid-grey: the rules see neither dark nor light, nor blank.
        p[i] = UInt8(truncatingIfNeeded: s)
    }
    return RGBImage(width: width, height: height, dotsPerInch: dotsPerInch, pixels: p)
}
