import Domain
import Foundation
import KioskUI

/// Where Assets/ is: `$BMS_ASSETS`, else the first `Assets` folder with
/// `i18n/fr.json` up from the working directory or from the executable.
public enum AssetLocator {
    public static func find() -> URL? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["BMS_ASSETS"] { return URL(fileURLWithPath: env) }
        var starts = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        if let exe = Bundle.main.executableURL { starts.append(exe.deletingLastPathComponent()) }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("Assets")
                if fm.fileExists(atPath: candidate.appendingPathComponent("i18n/fr.json").path) { return candidate }
                dir.deleteLastPathComponent()
            }
        }
        let system = URL(fileURLWithPath: "/usr/share/bms-kiosk/Assets")
        return fm.fileExists(atPath: system.path) ? system : nil
    }

    public enum Problem: Error, CustomStringConvertible {
        case notFound
        public var description: String {
            "Assets/ not found: run from the repository, or set BMS_ASSETS to the folder holding i18n/ and fonts/"
        }
    }

    public static func require() throws -> URL {
        guard let u = find() else { throw Problem.notFound }
        return u
    }

    public static func catalogs(_ assets: URL) throws -> [String: Catalog] {
        let dir = assets.appendingPathComponent("i18n")
        var out: [String: Catalog] = [:]
        for code in Catalog.availableLanguages(in: dir) { out[code] = try Catalog.load(directory: dir, language: code) }
        return out
    }
}

/// Glues the controller to the one SDL backend: layout, drawing, taps,
/// speech. Draws only when something changed.
@MainActor
public final class KioskHost {
    public let controller: KioskController
    public let renderer: SDLRenderer
    public let speech: SpeechController
    public var metricsBase: ScreenMetrics
    public private(set) var list: DisplayList?
    private var drawnRevision = -1
    private var drawnKey: String = ""
    private var lastSignature = ""
    /// Frames actually drawn (the idle benchmark checks it stays put).
    public private(set) var framesDrawn = 0
    /// Objects that live exactly as long as this host (a test harness's
    /// in-process central store, stopped when the host goes).
    public var owned: [AnyObject] = []

    public init(controller: KioskController, renderer: SDLRenderer, metrics: ScreenMetrics, speech: SpeechController) {
        self.controller = controller
        self.renderer = renderer
        self.metricsBase = metrics
        self.speech = speech
        controller.onListen = { [unowned self] in self.listen() }
    }

    public var metrics: ScreenMetrics {
        var m = metricsBase
        m.size = renderer.size
        m.fontScale = controller.settings.fontScale
        return m
    }

    public var theme: Theme { Theme.named(controller.settings.contrast) }

    /// The display list for the current state.
    public func layout() -> DisplayList {
        let l = LayoutEngine(metrics: metrics, theme: theme, measurer: renderer.fonts).layout(controller.screen())
        // Paging moves by the rows the assuré actually saw.
        if controller.overlay == .gallery { controller.gallery.pageSizes.merge(l.paging.listPageSizes) { $1 } }
        controller.listPageSizes.merge(l.paging.listPageSizes) { $1 }
        controller.listPageStarts.merge(l.paging.listPageStarts) { $1 }
        controller.paging.bodyPageCount = l.paging.bodyPageCount
        controller.paging.modalPageCount = l.paging.modalPageCount
        return l
    }

    /// Lays out and draws when the state changed (or `force`). Returns true when a frame was drawn.
    @discardableResult
    public func renderIfNeeded(force: Bool = false) -> Bool {
        let key = "\(controller.revision)|\(controller.secondsLeftIfWarning)|\(controller.animationStep)"
        guard force || key != drawnKey || list == nil else { return false }
        let l = layout()
        list = l
        renderer.draw(l)
        renderer.present()
        drawnKey = key
        framesDrawn += 1
        speech.language = controller.settings.language
        speech.enabled = controller.settings.autoSpeech
        // A flow's steps share a screen id: a new banner (an outcome) or focus is a new screen to say.
        let banner = l.items.first { $0.role == .banner && $0.speech != nil }?.speech ?? ""
        let signature = [l.screenID, l.items.last { $0.role == .modal }?.widgetID ?? "", controller.settings.language,
                         banner, l.focusID ?? "", "\(l.paging.bodyPage)/\(l.paging.modalPage)"].joined(separator: "|")
        if signature != lastSignature {
            lastSignature = signature
            // The inactivity warning is said aloud even without automatic
            // speech: whoever stepped away or cannot read it still hears it.
            if l.items.last(where: { $0.role == .modal })?.widgetID == "warning" {
                speech.say(SpeechController.utterance(for: l))
            } else {
                speech.screenChanged(l)
            }
        }
        return true
    }

    /// A tap at a point of the screen; returns the widget it reached.
    @discardableResult
    public func tap(at p: Point) async -> String? {
        guard let id = widgetID(at: p) else { return nil }
        await controller.tap(id)
        return id
    }

    /// The widget under `p` on the screen as last drawn.
    public func widgetID(at p: Point) -> String? {
        (list ?? layout()).hitTest(p)?.widgetID
    }

    /// "Écouter": says the title and the focused element; a second tap while
    /// speaking interrupts, the next repeats.
    public func listen() {
        // The speech controls move the focus: its ring shows from now on.
        controller.focusMovedByKey()
        let l = list ?? layout()
        if let out = speech.output, out.isSpeaking {
            speech.interrupt()
            return
        }
        speech.language = controller.settings.language
        speech.say(SpeechController.utterance(for: l))
    }
}

extension KioskController {
    /// Changes every second while the warning counts down, so the host redraws.
    public var secondsLeftIfWarning: Int { warningVisible ? (secondsLeft ?? -1) : -1 }
}
