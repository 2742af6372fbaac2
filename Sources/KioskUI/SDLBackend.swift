import CSDL2
import Foundation

/// An SDL call failed; the message is SDL's own.
public struct SDLError: Error, CustomStringConvertible {
    public var call: String
    public var message: String
    public init(_ call: String) {
        self.call = call
        self.message = String(cString: SDL_GetError())
    }
    public var description: String { "\(call) failed: \(message)" }
}

/// Starts SDL once per process. Headless picks the dummy video driver
/// explicitly: without it SDL falls back to offscreen+GL, whose pixels differ.
@MainActor
public enum SDLRuntime {
    private static var started = false

    public static func start(headless: Bool) throws {
        guard !started else { return }
        if headless {
            // A hint, not setenv: other threads may be reading the environment.
            let current = ProcessInfo.processInfo.environment["SDL_VIDEODRIVER"]
            if current != "dummy" && current != "offscreen" {
                SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE)
            }
        }
        SDL_SetMainReady()
        guard SDL_Init(UInt32(SDL_INIT_VIDEO | SDL_INIT_EVENTS)) == 0 else { throw SDLError("SDL_Init") }
        started = true
        try startText()
    }

    private static var textStarted = false

    /// Fonts and PNG only: no video driver is chosen, so measuring text
    /// never decides between a window and a surface.
    public static func startText() throws {
        guard !textStarted else { return }
        guard TTF_Init() == 0 else { throw SDLError("TTF_Init") }
        _ = IMG_Init(Int32(IMG_INIT_PNG.rawValue))
        textStarted = true
    }
}

/// DejaVu Sans from Assets/fonts, opened once per size; text widths cached.
@MainActor
/// A font file's bytes, loaded once per path for the whole process and never
/// freed (a few hundred kilobytes each): fonts opened from them stay valid.
final class FontBytes: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let count: Int
    private init(_ data: Data) {
        count = data.count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(1, data.count), alignment: 16)
        data.copyBytes(to: pointer.assumingMemoryBound(to: UInt8.self), count: data.count)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: [String: FontBytes] = [:]

    static func load(_ path: String) throws -> FontBytes {
        try lock.withLock {
            if let b = loaded[path] { return b }
            guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
                throw SDLError(call: "font \(path)", message: "unreadable: copy DejaVu Sans into Assets/fonts/")
            }
            let b = FontBytes(data)
            loaded[path] = b
            return b
        }
    }
}

public final class FontLibrary: TextMeasurer {
    public let regularPath: String
    public let boldPath: String
    private var fonts: [FontSpec: OpaquePointer] = [:]
    /// The same faces opened again for right-to-left runs: HarfBuzz shapes
    /// them right to left as Arabic (joined letters, mirrored brackets).
    /// Separate handles, so a left-to-right run is shaped exactly as before.
    private struct RTLKey: Hashable { var font: FontSpec; var script: String }
    private var rtlFonts: [RTLKey: OpaquePointer] = [:]
    private struct WidthKey: Hashable { var text: String; var font: FontSpec; var direction: TextDirection }
    /// The direction of the paragraphs being measured or drawn: the
    /// screen's (its catalog's). The layout sets it before measuring, the
    /// renderer before drawing, so both cut a mixed line into the same runs.
    public var paragraphDirection: TextDirection = .leftToRight
    private var widths: [WidthKey: Int] = [:]

    public init(fontsDirectory: URL) throws {
        regularPath = fontsDirectory.appendingPathComponent("DejaVuSans.ttf").path
        boldPath = fontsDirectory.appendingPathComponent("DejaVuSans-Bold.ttf").path
        for p in [regularPath, boldPath] where !FileManager.default.fileExists(atPath: p) {
            throw SDLError(call: "font \(p)", message: "missing: copy DejaVu Sans into Assets/fonts/")
        }
        try SDLRuntime.startText()
        regular = try FontBytes.load(regularPath)
        bold = try FontBytes.load(boldPath)
        // Open both faces now: a damaged file is an error at start, not a crash later.
        for isBold in [false, true] {
            guard let f = open(bold: isBold, pixels: 20) else {
                throw SDLError(call: "TTF_OpenFontRW \(isBold ? boldPath : regularPath)", message: String(cString: SDL_GetError()))
            }
            fonts[FontSpec(pixels: 20, bold: isBold)] = f
        }
    }

    /// The faces' bytes, read once per process and shared: each size opened
    /// from memory holds no file descriptor (a kiosk opens a dozen sizes; a
    /// test process, hundreds of renderers).
    private let regular: FontBytes
    private let bold: FontBytes

    private func open(bold isBold: Bool, pixels: Int) -> OpaquePointer? {
        let bytes = isBold ? bold : regular
        guard let rw = SDL_RWFromConstMem(bytes.pointer, Int32(bytes.count)) else { return nil }
        // freesrc = 1: the RWops (not the shared bytes) goes with the font.
        return TTF_OpenFontRW(rw, 1, Int32(pixels))
    }

    isolated deinit {
        for f in Set(fonts.values).union(rtlFonts.values) { TTF_CloseFont(f) }
    }

    public func font(_ spec: FontSpec) -> OpaquePointer {
        if let f = fonts[spec] { return f }
        // Checked at init; if a size still fails, draw with the 20 px face rather than stop.
        let f = open(bold: spec.bold, pixels: spec.pixels) ?? fonts[FontSpec(pixels: 20, bold: spec.bold)]!
        fonts[spec] = f
        return f
    }

    /// The face for a run: right-to-left runs get their own handle, set
    /// to shape right to left in the Arabic script (Hebrew for Hebrew).
    public func font(_ spec: FontSpec, for run: DirectionalRun) -> OpaquePointer {
        guard run.direction == .rightToLeft else { return font(spec) }
        let hebrew = run.text.unicodeScalars.contains { (0x0590...0x05FF).contains($0.value) || (0xFB1D...0xFB4F).contains($0.value) }
        let key = RTLKey(font: spec, script: hebrew ? "Hebr" : "Arab")
        if let f = rtlFonts[key] { return f }
        guard let f = open(bold: spec.bold, pixels: spec.pixels) else { return font(spec) }
        TTF_SetFontDirection(f, TTF_DIRECTION_RTL)
        TTF_SetFontScriptName(f, key.script)
        rtlFonts[key] = f
        return f
    }

    /// One run's advance in pixels, shaped in its direction.
    public func runWidth(_ run: DirectionalRun, font spec: FontSpec) -> Int {
        var w: Int32 = 0, h: Int32 = 0
        _ = TTF_SizeUTF8(font(spec, for: run), shaped(run), &w, &h)
        return Int(w)
    }

    /// The text handed to SDL_ttf for a run: a right-to-left run's brackets
    /// and guillemets mirrored (UAX #9 L4) unless the shaper does it.
    public func shaped(_ run: DirectionalRun) -> String {
        run.direction == .rightToLeft && !shaperMirrors ? Bidi.mirroringBrackets(run.text) : run.text
    }

    /// Whether HarfBuzz, through this SDL_ttf, draws a right-to-left run's
    /// « ( » as « ) » by itself: found once by drawing both (Debian's
    /// SDL_ttf 2.20 does not), so brackets are mirrored exactly once.
    public private(set) lazy var shaperMirrors: Bool = {
        let spec = FontSpec(pixels: 40, bold: false)
        let white = SDL_Color(r: 255, g: 255, b: 255, a: 255)
        guard let a = TTF_RenderUTF8_Blended(font(spec, for: DirectionalRun("ب(", .rightToLeft)), "(", white),
              let b = TTF_RenderUTF8_Blended(font(spec), ")", white) else { return false }
        defer { SDL_FreeSurface(a); SDL_FreeSurface(b) }
        return Self.sameAlpha(a, b)
    }()

    static func sameAlpha(_ a: UnsafeMutablePointer<SDL_Surface>, _ b: UnsafeMutablePointer<SDL_Surface>) -> Bool {
        guard a.pointee.w == b.pointee.w, a.pointee.h == b.pointee.h else { return false }
        SDL_LockSurface(a); SDL_LockSurface(b)
        defer { SDL_UnlockSurface(a); SDL_UnlockSurface(b) }
        let w = Int(a.pointee.w), h = Int(a.pointee.h)
        let pa = a.pointee.pixels.assumingMemoryBound(to: UInt32.self), pb = b.pointee.pixels.assumingMemoryBound(to: UInt32.self)
        let sa = Int(a.pointee.pitch) / 4, sb = Int(b.pointee.pitch) / 4
        for y in 0..<h { for x in 0..<w where (pa[y * sa + x] >> 24) != (pb[y * sb + x] >> 24) { return false } }
        return true
    }

    /// The width of one line as drawn: the sum of its runs (a line mixing
    /// Arabic with a Latin name or a number is shaped run by run, in the
    /// paragraph's direction; see `Bidi`). A French or English line is one
    /// run, measured as it always was.
    public func width(of text: String, font spec: FontSpec) -> Int {
        let key = WidthKey(text: text, font: spec, direction: paragraphDirection)
        if let w = widths[key] { return w }
        let runs = Bidi.visualRuns(text, base: paragraphDirection)
        let w = runs.reduce(0) { $0 + runWidth($1, font: spec) }
        if widths.count > 50_000 { widths.removeAll(keepingCapacity: true) }
        widths[key] = w
        return w
    }

    public func lineHeight(_ spec: FontSpec) -> Int { Int(TTF_FontHeight(font(spec))) }

    /// True when the font has a glyph for every scalar of `text`.
    public func covers(_ text: String, bold: Bool = false) -> Bool {
        let f = font(FontSpec(pixels: 20, bold: bold))
        return text.unicodeScalars.allSatisfy { TTF_GlyphIsProvided32(f, $0.value) != 0 }
    }
}

extension SDLError {
    init(call: String, message: String) { self.call = call; self.message = message }
}

/// Pixels in XRGB8888, top-left first: what tests and reference images compare.
public struct PixelImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt32]

    public init(width: Int, height: Int, pixels: [UInt32]) { self.width = width; self.height = height; self.pixels = pixels }

    public func color(x: Int, y: Int) -> Color {
        let p = pixels[y * width + x]
        return Color(r: UInt8((p >> 16) & 0xFF), g: UInt8((p >> 8) & 0xFF), b: UInt8(p & 0xFF))
    }

    /// How many pixels of `rect` have exactly `color` (± tolerance).
    public func count(of color: Color, in rect: Rect, tolerance: Int = 0) -> Int {
        let r = rect.intersection(Rect(x: 0, y: 0, width: width, height: height))
        var n = 0
        for y in r.minY..<r.maxY { for x in r.minX..<r.maxX where self.color(x: x, y: y).distance(to: color) <= tolerance { n += 1 } }
        return n
    }

    /// The most frequent colour in `rect`.
    public func dominantColor(in rect: Rect) -> Color {
        var counts: [UInt32: Int] = [:]
        let r = rect.intersection(Rect(x: 0, y: 0, width: width, height: height))
        for y in r.minY..<r.maxY { for x in r.minX..<r.maxX { counts[pixels[y * width + x] & 0xFFFFFF, default: 0] += 1 } }
        let p = counts.max { $0.value < $1.value }?.key ?? 0
        return Color(hex: p)
    }
}

/// The one backend: draws a `DisplayList` with SDL onto a window or, headless,
/// onto a software XRGB8888 surface (identical pixels on every machine).
@MainActor
public final class SDLRenderer {
    public enum Mode: Sendable, Equatable {
        case window(Size, fullscreen: Bool)
        case headless(Size)
    }

    public let mode: Mode
    public private(set) var size: Size
    public let fonts: FontLibrary
    private var window: OpaquePointer?
    private let renderer: OpaquePointer
    private var surface: UnsafeMutablePointer<SDL_Surface>?
    private struct TextKey: Hashable { var text: String; var font: FontSpec; var color: Color; var direction: TextDirection }
    /// `top`: rows of the texture above the line's box (Arabic marks above
    /// a tall letter that SDL_ttf drew by growing the surface upwards).
    private struct CachedTexture { var texture: OpaquePointer; var width: Int; var height: Int; var lastUsed: Int; var top = 0 }
    private var textCache: [TextKey: CachedTexture] = [:]
    private var circles: [Int: OpaquePointer] = [:]
    private var images: [String: OpaquePointer] = [:]
    private var frame = 0
    /// Texts drawn from cache vs. rendered, for the benchmark.
    public private(set) var textCacheHits = 0
    public private(set) var textCacheMisses = 0
    public let assetsDirectory: URL?

    public init(mode: Mode, fonts: FontLibrary, assetsDirectory: URL? = nil) throws {
        self.mode = mode
        self.fonts = fonts
        self.assetsDirectory = assetsDirectory
        switch mode {
        case .headless(let s):
            try SDLRuntime.start(headless: true)
            size = s
            guard let surf = SDL_CreateRGBSurfaceWithFormat(0, Int32(s.width), Int32(s.height), 32, bms_format_xrgb8888()) else {
                throw SDLError("SDL_CreateRGBSurfaceWithFormat")
            }
            surface = surf
            guard let r = SDL_CreateSoftwareRenderer(surf) else { throw SDLError("SDL_CreateSoftwareRenderer") }
            renderer = r
        case .window(let s, let fullscreen):
            try SDLRuntime.start(headless: false)
            size = s
            var flags = SDL_WINDOW_SHOWN.rawValue | SDL_WINDOW_ALLOW_HIGHDPI.rawValue
            if fullscreen { flags |= SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue }
            guard let w = SDL_CreateWindow("BMS", bms_windowpos_centered(), bms_windowpos_centered(), Int32(s.width), Int32(s.height), flags) else {
                throw SDLError("SDL_CreateWindow")
            }
            window = w
            // Software on the window too: the same pixels as headless and the
            // smoke references, no GL context bound to one thread (main-actor
            // jobs may run on a dispatch worker), ~1 ms a frame at 1080p.
            guard let r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE.rawValue) else {
                throw SDLError("SDL_CreateRenderer")
            }
            renderer = r
            var ow: Int32 = 0, oh: Int32 = 0
            SDL_GetRendererOutputSize(r, &ow, &oh)
            if fullscreen { size = Size(width: Int(ow), height: Int(oh)) }
            if fullscreen { SDL_ShowCursor(0) }
        }
        SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND)
    }

    isolated deinit {
        for t in textCache.values { SDL_DestroyTexture(t.texture) }
        for t in circles.values { SDL_DestroyTexture(t) }
        for t in images.values { SDL_DestroyTexture(t) }
        SDL_DestroyRenderer(renderer)
        if let s = surface { SDL_FreeSurface(s) }
        if let w = window { SDL_DestroyWindow(w) }
    }

    public var isHeadless: Bool { surface != nil }

    // MARK: drawing

    public func draw(_ list: DisplayList) {
        frame += 1
        // Mixed lines are cut into runs in the screen's direction, as the layout measured them.
        fonts.paragraphDirection = list.direction
        setColor(list.background)
        SDL_RenderClear(renderer)
        for item in list.items { draw(item) }
        SDL_RenderFlush(renderer)
        evictTexts()
    }

    /// Shows the frame on the window (no-op headless).
    public func present() { SDL_RenderPresent(renderer) }

    private func draw(_ item: DisplayItem) {
        let f = item.frame
        switch item.kind {
        case .rect(let fill, let border, let bw, let radius):
            if let b = border, bw > 0 {
                if fill.a == 0 {
                    ring(f, width: bw, color: b)
                } else {
                    fillRounded(f, radius: radius, color: b)
                    fillRounded(f.inset(by: bw), radius: max(0, radius - bw), color: fill)
                }
            } else if fill.a > 0 {
                fillRounded(f, radius: radius, color: fill)
            }
        case .text(let s, let font, let color):
            guard !s.isEmpty, let t = textTexture(s, font: font, color: color) else { return }
            var dst = SDL_Rect(x: Int32(f.x), y: Int32(f.y - t.top), w: Int32(t.width), h: Int32(t.height))
            if item.flipsHorizontally {
                // An arrow that means a direction, in a right-to-left screen.
                SDL_RenderCopyEx(renderer, t.texture, nil, &dst, 0, nil, SDL_FLIP_HORIZONTAL)
            } else {
                SDL_RenderCopy(renderer, t.texture, nil, &dst)
            }
        case .image(let path):
            guard let tex = image(path) else { return }
            var dst = sdlRect(f)
            SDL_RenderCopy(renderer, tex, nil, &dst)
        }
    }

    private var blending = true

    /// Opaque fills skip blending: the software renderer's blended fill is
    /// several times slower than a plain one.
    private func setColor(_ c: Color) {
        let blend = c.a < 255
        if blend != blending {
            SDL_SetRenderDrawBlendMode(renderer, blend ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE)
            blending = blend
        }
        SDL_SetRenderDrawColor(renderer, c.r, c.g, c.b, c.a)
    }
    private func sdlRect(_ r: Rect) -> SDL_Rect { SDL_Rect(x: Int32(r.x), y: Int32(r.y), w: Int32(r.width), h: Int32(r.height)) }

    private func fillRect(_ r: Rect) {
        guard !r.isEmpty else { return }
        var s = sdlRect(r)
        SDL_RenderFillRect(renderer, &s)
    }

    private func ring(_ r: Rect, width w: Int, color: Color) {
        setColor(color)
        fillRect(Rect(x: r.x, y: r.y, width: r.width, height: w))
        fillRect(Rect(x: r.x, y: r.maxY - w, width: r.width, height: w))
        fillRect(Rect(x: r.x, y: r.y + w, width: w, height: r.height - 2 * w))
        fillRect(Rect(x: r.maxX - w, y: r.y + w, width: w, height: r.height - 2 * w))
    }

    /// Three rectangles and four anti-aliased quarter discs.
    private func fillRounded(_ r: Rect, radius: Int, color: Color) {
        let rad = min(radius, r.width / 2, r.height / 2)
        setColor(color)
        guard rad >= 2, let disc = circle(rad) else { fillRect(r); return }
        fillRect(Rect(x: r.x, y: r.y + rad, width: r.width, height: r.height - 2 * rad))
        fillRect(Rect(x: r.x + rad, y: r.y, width: r.width - 2 * rad, height: rad))
        fillRect(Rect(x: r.x + rad, y: r.maxY - rad, width: r.width - 2 * rad, height: rad))
        SDL_SetTextureColorMod(disc, color.r, color.g, color.b)
        SDL_SetTextureAlphaMod(disc, color.a)
        let corners = [(0, 0, r.x, r.y), (rad, 0, r.maxX - rad, r.y), (0, rad, r.x, r.maxY - rad), (rad, rad, r.maxX - rad, r.maxY - rad)]
        for (sx, sy, dx, dy) in corners {
            var src = SDL_Rect(x: Int32(sx), y: Int32(sy), w: Int32(rad), h: Int32(rad))
            var dst = SDL_Rect(x: Int32(dx), y: Int32(dy), w: Int32(rad), h: Int32(rad))
            SDL_RenderCopy(renderer, disc, &src, &dst)
        }
    }

    /// A white disc of radius r with 4×4 supersampled edges.
    private func circle(_ r: Int) -> OpaquePointer? {
        if let c = circles[r] { return c }
        let d = 2 * r
        guard let s = SDL_CreateRGBSurfaceWithFormat(0, Int32(d), Int32(d), 32, bms_format_argb8888()) else { return nil }
        defer { SDL_FreeSurface(s) }
        let pitch = Int(s.pointee.pitch) / 4
        let px = s.pointee.pixels.assumingMemoryBound(to: UInt32.self)
        let rr = Double(r)
        for y in 0..<d {
            for x in 0..<d {
                var inside = 0
                for sy in 0..<4 { for sx in 0..<4 {
                    let fx = Double(x) + (Double(sx) + 0.5) / 4 - rr, fy = Double(y) + (Double(sy) + 0.5) / 4 - rr
                    if fx * fx + fy * fy <= rr * rr { inside += 1 }
                } }
                let a = UInt32(inside * 255 / 16)
                px[y * pitch + x] = (a << 24) | 0xFFFFFF
            }
        }
        guard let t = SDL_CreateTextureFromSurface(renderer, s) else { return nil }
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND)
        circles[r] = t
        return t
    }

    private func textTexture(_ s: String, font: FontSpec, color: Color) -> CachedTexture? {
        let key = TextKey(text: s, font: font, color: color, direction: fonts.paragraphDirection)
        if var t = textCache[key] {
            t.lastUsed = frame
            textCache[key] = t
            textCacheHits += 1
            return t
        }
        textCacheMisses += 1
        guard let (surf, top) = renderLine(s, font: font, color: color) else { return nil }
        defer { SDL_FreeSurface(surf) }
        guard let tex = SDL_CreateTextureFromSurface(renderer, surf) else { return nil }
        let t = CachedTexture(texture: tex, width: Int(surf.pointee.w), height: Int(surf.pointee.h), lastUsed: frame, top: top)
        textCache[key] = t
        return t
    }

    /// One line of text onto a surface: a single run as SDL_ttf renders it;
    /// a line of several directions (Arabic with a Latin name, a number)
    /// run by run, each shaped in its direction, side by side in visual
    /// order at the offsets the measurer gave (so layout and drawing agree).
    ///
    /// Returns the surface and its rows above the line's box: every run
    /// sits on one baseline (SDL_ttf grows a run's surface upwards for the
    /// marks above a tall Arabic letter, « طُ »).
    private func renderLine(_ s: String, font: FontSpec, color: Color) -> (UnsafeMutablePointer<SDL_Surface>, Int)? {
        let c = SDL_Color(r: color.r, g: color.g, b: color.b, a: color.a)
        let runs = Bidi.visualRuns(s, base: fonts.paragraphDirection)
        if runs.count == 1, let run = runs.first {
            guard let surf = TTF_RenderUTF8_Blended(fonts.font(font, for: run), fonts.shaped(run), c) else { return nil }
            return (surf, rowsAbove(surf, run: run, font: font, color: c))
        }
        var parts: [(surface: UnsafeMutablePointer<SDL_Surface>, width: Int, top: Int)] = []
        defer { for p in parts { SDL_FreeSurface(p.surface) } }
        for run in runs {
            guard let p = TTF_RenderUTF8_Blended(fonts.font(font, for: run), fonts.shaped(run), c) else { continue }
            parts.append((p, fonts.runWidth(run, font: font), rowsAbove(p, run: run, font: font, color: c)))
        }
        let top = parts.map(\.top).max() ?? 0
        let width = max(1, parts.reduce(0) { $0 + $1.width })
        let height = max(1, parts.map { top - $0.top + Int($0.surface.pointee.h) }.max() ?? fonts.lineHeight(font))
        guard let line = SDL_CreateRGBSurfaceWithFormat(0, Int32(width), Int32(height), 32, bms_format_argb8888()) else { return nil }
        SDL_FillRect(line, nil, 0)
        var x = 0
        for p in parts {
            SDL_SetSurfaceBlendMode(p.surface, SDL_BLENDMODE_NONE)
            var src = SDL_Rect(x: 0, y: 0, w: min(p.surface.pointee.w, Int32(p.width)), h: p.surface.pointee.h)
            var dst = SDL_Rect(x: Int32(x), y: Int32(top - p.top), w: src.w, h: p.surface.pointee.h)
            SDL_UpperBlit(p.surface, &src, line, &dst)
            x += p.width
        }
        return (line, top)
    }

    /// The rows SDL_ttf added above the line's box for a right-to-left run
    /// taller than the font's line (a mark over a tall letter, « طُ », a
    /// hamza over an alef in a ligature, « لأ »). Arabic letters join on
    /// the baseline: the row with the most ink. The shift is where that row
    /// falls compared with a plain joining stroke (« ـــ ») drawn at the
    /// line's height. 0 for any other run.
    private func rowsAbove(_ surf: UnsafeMutablePointer<SDL_Surface>, run: DirectionalRun, font: FontSpec, color c: SDL_Color) -> Int {
        let extra = Int(surf.pointee.h) - fonts.lineHeight(font)
        guard run.direction == .rightToLeft, extra > 0, let reference = baselineRow(font: font, color: c) else { return 0 }
        let byInk = min(extra, max(0, Self.inkiestRow(surf) - reference))
        // With marks (harakat): exactly, against the run drawn without them,
        // whose own rows above (a hamza's, if any) are found by ink.
        let bareScalars = run.text.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        let bare = DirectionalRun(String(String.UnicodeScalarView(bareScalars)), .rightToLeft)
        guard !bare.text.isEmpty, bare.text != run.text,
              let b = TTF_RenderUTF8_Blended(fonts.font(font, for: bare), fonts.shaped(bare), c) else { return byInk }
        defer { SDL_FreeSurface(b) }
        let bareExtra = Int(b.pointee.h) - fonts.lineHeight(font)
        let bareTop = bareExtra > 0 ? min(bareExtra, max(0, Self.inkiestRow(b) - reference)) : 0
        guard extra >= bareTop else { return byInk }
        SDL_LockSurface(surf); SDL_LockSurface(b)
        defer { SDL_UnlockSurface(surf); SDL_UnlockSurface(b) }
        let pa = surf.pointee.pixels.assumingMemoryBound(to: UInt32.self), pb = b.pointee.pixels.assumingMemoryBound(to: UInt32.self)
        let sa = Int(surf.pointee.pitch) / 4, sb = Int(b.pointee.pitch) / 4
        let w = min(Int(surf.pointee.w), Int(b.pointee.w))
        var best = 0, bestScore = -1
        for shift in 0...(extra - bareTop) {
            var score = 0
            for y in 0..<min(Int(b.pointee.h), Int(surf.pointee.h) - shift) {
                for x in 0..<w { score += Int(min(pa[(y + shift) * sa + x] >> 24, pb[y * sb + x] >> 24)) }
            }
            if score > bestScore { bestScore = score; best = shift }
        }
        return bareTop + best
    }

    private var baselineRows: [FontSpec: Int] = [:]

    /// The baseline's row in a line-high surface of this face: a joining stroke's inkiest row.
    private func baselineRow(font: FontSpec, color c: SDL_Color) -> Int? {
        if let r = baselineRows[font] { return r }
        let stroke = DirectionalRun("ـــــ", .rightToLeft)
        guard let s = TTF_RenderUTF8_Blended(fonts.font(font, for: stroke), stroke.text, c) else { return nil }
        defer { SDL_FreeSurface(s) }
        let r = Self.inkiestRow(s)
        baselineRows[font] = r
        return r
    }

    static func inkiestRow(_ surf: UnsafeMutablePointer<SDL_Surface>) -> Int {
        SDL_LockSurface(surf)
        defer { SDL_UnlockSurface(surf) }
        let p = surf.pointee.pixels.assumingMemoryBound(to: UInt32.self), pitch = Int(surf.pointee.pitch) / 4
        var best = 0, bestInk = -1
        for y in 0..<Int(surf.pointee.h) {
            var ink = 0
            for x in 0..<Int(surf.pointee.w) { ink += Int(p[y * pitch + x] >> 24) }
            if ink > bestInk { bestInk = ink; best = y }
        }
        return best
    }

    /// Drops text textures unused for 60 frames once the cache is large.
    private func evictTexts() {
        guard textCache.count > 600 else { return }
        for (k, t) in textCache where frame - t.lastUsed > 60 {
            SDL_DestroyTexture(t.texture)
            textCache[k] = nil
        }
    }

    public var cachedTextCount: Int { textCache.count }

    private func image(_ path: String) -> OpaquePointer? {
        if let t = images[path] { return t }
        let full = path.hasPrefix("/") ? path : (assetsDirectory?.appendingPathComponent(path).path ?? path)
        guard let surf = IMG_Load(full) else { return nil }
        defer { SDL_FreeSurface(surf) }
        guard let t = SDL_CreateTextureFromSurface(renderer, surf) else { return nil }
        images[path] = t
        return t
    }

    // MARK: reading pixels

    /// The current frame's pixels.
    public func snapshot() throws -> PixelImage {
        SDL_RenderFlush(renderer)
        if let s = surface {
            let w = Int(s.pointee.w), h = Int(s.pointee.h), pitch = Int(s.pointee.pitch) / 4
            let src = s.pointee.pixels.assumingMemoryBound(to: UInt32.self)
            var out = [UInt32](repeating: 0, count: w * h)
            for y in 0..<h { for x in 0..<w { out[y * w + x] = src[y * pitch + x] & 0xFFFFFF } }
            return PixelImage(width: w, height: h, pixels: out)
        }
        var buf = [UInt32](repeating: 0, count: size.width * size.height)
        let rc = buf.withUnsafeMutableBytes { p in
            SDL_RenderReadPixels(renderer, nil, bms_format_xrgb8888(), p.baseAddress, Int32(size.width * 4))
        }
        guard rc == 0 else { throw SDLError("SDL_RenderReadPixels") }
        return PixelImage(width: size.width, height: size.height, pixels: buf.map { $0 & 0xFFFFFF })
    }

    public func pixel(x: Int, y: Int) throws -> Color { try snapshot().color(x: x, y: y) }

    public func savePNG(to path: String) throws { try PNGFile.write(try snapshot(), to: path) }
}

/// PNG in and out through SDL2_image.
public enum PNGFile {
    public static func write(_ image: PixelImage, to path: String) throws {
        var px = image.pixels
        let rc: Int32 = px.withUnsafeMutableBytes { p in
            guard let s = SDL_CreateRGBSurfaceWithFormatFrom(p.baseAddress, Int32(image.width), Int32(image.height), 32,
                                                             Int32(image.width * 4), bms_format_xrgb8888()) else { return -1 }
            defer { SDL_FreeSurface(s) }
            return IMG_SavePNG(s, path)
        }
        guard rc == 0 else { throw SDLError("IMG_SavePNG \(path)") }
    }

    public static func read(_ path: String) throws -> PixelImage {
        guard let raw = IMG_Load(path) else { throw SDLError("IMG_Load \(path)") }
        defer { SDL_FreeSurface(raw) }
        guard let s = SDL_ConvertSurfaceFormat(raw, bms_format_xrgb8888(), 0) else { throw SDLError("SDL_ConvertSurfaceFormat") }
        defer { SDL_FreeSurface(s) }
        let w = Int(s.pointee.w), h = Int(s.pointee.h), pitch = Int(s.pointee.pitch) / 4
        let src = s.pointee.pixels.assumingMemoryBound(to: UInt32.self)
        var out = [UInt32](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { out[y * w + x] = src[y * pitch + x] & 0xFFFFFF } }
        return PixelImage(width: w, height: h, pixels: out)
    }
}

/// Reference images compared with a tolerance; the differences drawn in red.
public struct ImageComparison: Sendable {
    public var differingPixels: Int
    public var totalPixels: Int
    public var sameSize: Bool
    public var diff: PixelImage?

    public var differingFraction: Double { totalPixels == 0 ? 1 : Double(differingPixels) / Double(totalPixels) }

    /// `channelTolerance`: per-channel difference still counted as equal.
    public static func compare(_ a: PixelImage, _ b: PixelImage, channelTolerance: Int = 8) -> ImageComparison {
        guard a.width == b.width, a.height == b.height else {
            return ImageComparison(differingPixels: a.pixels.count, totalPixels: a.pixels.count, sameSize: false, diff: nil)
        }
        var n = 0
        var diff = [UInt32](repeating: 0, count: a.pixels.count)
        for i in a.pixels.indices {
            let p = a.pixels[i], q = b.pixels[i]
            let d = max(abs(Int((p >> 16) & 0xFF) - Int((q >> 16) & 0xFF)), abs(Int((p >> 8) & 0xFF) - Int((q >> 8) & 0xFF)),
                        abs(Int(p & 0xFF) - Int(q & 0xFF)))
            if d > channelTolerance {
                n += 1
                diff[i] = 0xFF0000
            } else {
                // Faded original, so the red stands out in context.
                let g = (((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF)) / 3
                let v = 160 + g * 95 / 255
                diff[i] = (v << 16) | (v << 8) | v
            }
        }
        return ImageComparison(differingPixels: n, totalPixels: a.pixels.count, sameSize: true,
                               diff: PixelImage(width: a.width, height: a.height, pixels: diff))
    }
}
