import ArgumentParser
import Foundation
import KioskApp
import KioskUI

/// `bms-kiosk smoke`: scenarios headless, screenshots, exit 1 on any failure.
struct Smoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run UI scenarios headless (software renderer, virtual clock) and keep screenshots.",
        discussion: "Step syntax: docs/scenarios.md.")

    @Argument(help: "Scenario files (.scenario).") var scenarios: [String]
    @Option(help: "Where screenshots, diffs and speech files go.") var out: String
    @Option(help: "Surface size, WxH.") var size = "1280x800"
    @Option(help: "Screen diagonal in inches.") var diagonal = 15.6
    @Option(help: "Language at start.") var lang = "fr"
    @Option(help: "normal or high.") var contrast = "normal"
    @Option(help: "Text scale, 1 to 1.5.") var scale = 1.0

    func validate() throws {
        guard Size(parsing: size) != nil else { throw ValidationError("--size must look like 1280x800") }
        guard ["normal", "high"].contains(contrast) else { throw ValidationError("--contrast is normal or high") }
        guard (1...1.5).contains(scale) else { throw ValidationError("--scale is 1 to 1.5") }
    }

    func run() async throws {
        let ok = try await SmokeMain.run(scenarios: scenarios, out: out, size: Size(parsing: size)!, diagonal: diagonal, lang: lang,
                                         contrast: contrast == "high" ? .high : .normal, scale: scale)
        if !ok { throw ExitCode(1) }
    }
}

@MainActor
enum SmokeMain {
    static func run(scenarios: [String], out: String, size: Size, diagonal: Double, lang: String, contrast: Theme.Contrast,
                    scale: Double) async throws -> Bool {
        var options = SmokeRunner.Options(outputDirectory: URL(fileURLWithPath: out), assets: try AssetLocator.require())
        options.size = size
        options.physicalWidthMM = ScreenMetrics.physicalWidth(diagonalInches: diagonal, size: size)
        options.language = lang
        options.contrast = contrast
        options.fontScale = scale
        let runner = try SmokeRunner(options: options)
        for path in scenarios {
            let s = try Scenario.load(path)
            await runner.run(s)
        }
        if runner.failures.isEmpty {
            print("smoke: \(scenarios.count) scenario(s) passed")
            return true
        }
        for f in runner.failures { FileHandle.standardError.write(Data("smoke: \(f)\n".utf8)) }
        return false
    }
}
