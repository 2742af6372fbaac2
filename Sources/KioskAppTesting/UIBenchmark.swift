import Domain
import Foundation
import KioskApp
import KioskUI

/// `bench ui`: frame time of a busy screen beside raw SDL, tap-to-frame
/// latency, idle CPU and peak RSS. Prints figures; asserts nothing.
@MainActor
public enum UIBenchmark {
    public struct Figures: Sendable {
        public var frameMedianMS: Double
        public var frameP99MS: Double
        public var rawMedianMS: Double
        public var rawP99MS: Double
        public var tapMedianMS: Double
        public var tapP99MS: Double
        public var idleCPUPercent: Double
        public var idleFrames: Int
        public var peakRSSMB: Double
        public var items: Int
        public var texts: Int
    }

    public static func run(assets: URL, size: Size = Size(width: 1920, height: 1080), frames: Int = 300, idleSeconds: Double = 10,
                           log: (String) -> Void = { print($0) }) async throws -> Figures {
        try SDLRuntime.start(headless: true)
        let fonts = try FontLibrary(fontsDirectory: assets.appendingPathComponent("fonts"))
        let catalogs = try AssetLocator.catalogs(assets)
        let clock = TestClock(day: CivilDate(year: 2026, month: 11, day: 23)!)
        // The screens need no answer from the central store here, but the kiosk has one, as in a scenario.
        let services = try await ScenarioServices.start(clock: clock, assets: assets)
        let controller = KioskController(clock: clock, services: services, catalogs: catalogs)
        let renderer = try SDLRenderer(mode: .headless(size), fonts: fonts, assetsDirectory: assets)
        let metrics = ScreenMetrics(size: size, physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size))
        let host = KioskHost(controller: controller, renderer: renderer, metrics: metrics, speech: SpeechController(output: nil))

        // Busy screen: the AZERTY keyboard (≈ 50 keys) with text typed.
        controller.openGallery()
        await controller.tap("gallery.tab.keyboard")
        for k in ["kb.key.b", "kb.key.o", "kb.key.n", "kb.key.j", "kb.key.o", "kb.key.u", "kb.key.r"] { await controller.tap(k) }
        let list = host.layout()
        let texts = list.texts.count
        var layouts: [Double] = []
        for _ in 0..<max(10, frames / 3) {
            let t0 = monotonicNanos()
            _ = host.layout()
            layouts.append(Double(monotonicNanos() - t0) / 1e6)
        }
        let lay = percentiles(layouts)
        log("busy screen: \(list.screenID) at \(size), \(list.items.count) items, \(texts) text lines")

        renderer.draw(list)  // warm the text cache
        var ours: [Double] = []
        for _ in 0..<frames {
            let t0 = monotonicNanos()
            renderer.draw(list)
            ours.append(Double(monotonicNanos() - t0) / 1e6)
        }
        let raw = try RawSDLBaseline(list: list, fonts: fonts)
        raw.drawFrame()
        var rawTimes: [Double] = []
        for _ in 0..<frames {
            let t0 = monotonicNanos()
            raw.drawFrame()
            rawTimes.append(Double(monotonicNanos() - t0) / 1e6)
        }
        let o = percentiles(ours), r = percentiles(rawTimes)
        log(String(format: "layout (screen model → display list): median %.2f ms, p99 %.2f ms", lay.median, lay.p99))
        log(String(format: "frame (draw the display list): median %.2f ms, p99 %.2f ms", o.median, o.p99))
        log(String(format: "frame (raw SDL, same rects and texts): median %.2f ms, p99 %.2f ms  → ratio %.2f×", r.median, r.p99, o.median / max(r.median, 0.0001)))

        // Tap → frame: an injected finger event through the SDL queue, hit
        // testing, the controller, layout and drawing.
        host.renderIfNeeded(force: true)
        InputMapper.flush()
        var taps: [Double] = []
        let keys = ["kb.key.a", "kb.erase"]
        for i in 0..<100 {
            guard let target = host.list?.target(id: keys[i % 2]) else { break }
            let t0 = monotonicNanos()
            InputMapper.pushFingerTap(target.frame.center, size: size)
            for input in InputMapper.waitInputs(timeoutMS: 100, size: size) {
                if case .tap(let p) = input { await host.tap(at: p) }
            }
            host.renderIfNeeded()
            taps.append(Double(monotonicNanos() - t0) / 1e6)
        }
        let tp = percentiles(taps)
        log(String(format: "tap → frame shown: median %.2f ms, p99 %.2f ms (%d taps)", tp.median, tp.p99, taps.count))

        // Idle: the real loop on the attract screen.
        let idleController = KioskController(clock: SystemClock(), services: services, catalogs: catalogs)
        let idleHost = KioskHost(controller: idleController, renderer: renderer, metrics: metrics, speech: SpeechController(output: nil))
        let loop = KioskRunLoop(host: idleHost, cards: FakeCardSource())
        idleHost.renderIfNeeded(force: true)  // the first frame is not idle
        let cpu0 = cpuSeconds(), wall0 = monotonicNanos()
        await loop.run(seconds: idleSeconds)
        let cpu = cpuSeconds() - cpu0, wall = Double(monotonicNanos() - wall0) / 1e9
        let idle = 100 * cpu / wall
        log(String(format: "idle CPU over %.1f s on the attract screen: %.2f %% (%d frames drawn after the first)", wall, idle, idleHost.framesDrawn - 1))
        let rss = peakRSSMB()
        log(String(format: "peak RSS: %.1f MB", rss))
        await services.shutdown()
        return Figures(frameMedianMS: o.median, frameP99MS: o.p99, rawMedianMS: r.median, rawP99MS: r.p99, tapMedianMS: tp.median,
                       tapP99MS: tp.p99, idleCPUPercent: idle, idleFrames: idleHost.framesDrawn, peakRSSMB: rss,
                       items: list.items.count, texts: texts)
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    static func peakRSSMB() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_maxrss) / 1024  // kilobytes on Linux
    }
}
