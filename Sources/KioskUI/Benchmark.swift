import CSDL2
import Foundation

/// The baseline for the UI benchmark: the same rectangles and texts as a
/// display list, drawn by plain SDL calls (one fill per rectangle, border
/// as a second fill, text from textures made beforehand).
@MainActor
public final class RawSDLBaseline {
    private let renderer: OpaquePointer
    private let surface: UnsafeMutablePointer<SDL_Surface>
    private var textures: [(OpaquePointer, SDL_Rect)] = []
    private var rects: [(SDL_Rect, Color)] = []
    private let background: Color

    public init(list: DisplayList, fonts: FontLibrary) throws {
        try SDLRuntime.start(headless: true)
        guard let s = SDL_CreateRGBSurfaceWithFormat(0, Int32(list.size.width), Int32(list.size.height), 32, bms_format_xrgb8888()) else {
            throw SDLError("SDL_CreateRGBSurfaceWithFormat")
        }
        surface = s
        guard let r = SDL_CreateSoftwareRenderer(s) else { throw SDLError("SDL_CreateSoftwareRenderer") }
        renderer = r
        background = list.background
        SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND)
        for item in list.items {
            let f = item.frame
            switch item.kind {
            case .rect(let fill, let border, let bw, _):
                if let b = border, bw > 0 {
                    rects.append((SDL_Rect(x: Int32(f.x), y: Int32(f.y), w: Int32(f.width), h: Int32(f.height)), b))
                    let i = f.inset(by: bw)
                    if fill.a > 0 { rects.append((SDL_Rect(x: Int32(i.x), y: Int32(i.y), w: Int32(i.width), h: Int32(i.height)), fill)) }
                } else if fill.a > 0 {
                    rects.append((SDL_Rect(x: Int32(f.x), y: Int32(f.y), w: Int32(f.width), h: Int32(f.height)), fill))
                }
            case .text(let s, let font, let c):
                guard !s.isEmpty, let surf = TTF_RenderUTF8_Blended(fonts.font(font), s, SDL_Color(r: c.r, g: c.g, b: c.b, a: c.a)) else { continue }
                if let t = SDL_CreateTextureFromSurface(r, surf) {
                    textures.append((t, SDL_Rect(x: Int32(f.x), y: Int32(f.y), w: surf.pointee.w, h: surf.pointee.h)))
                }
                SDL_FreeSurface(surf)
            case .image: continue
            }
        }
    }

    isolated deinit {
        for (t, _) in textures { SDL_DestroyTexture(t) }
        SDL_DestroyRenderer(renderer)
        SDL_FreeSurface(surface)
    }

    public func drawFrame() {
        SDL_SetRenderDrawColor(renderer, background.r, background.g, background.b, 255)
        SDL_RenderClear(renderer)
        for (var r, c) in rects {
            SDL_SetRenderDrawBlendMode(renderer, c.a < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE)
            SDL_SetRenderDrawColor(renderer, c.r, c.g, c.b, c.a)
            SDL_RenderFillRect(renderer, &r)
        }
        for (t, var dst) in textures { SDL_RenderCopy(renderer, t, nil, &dst) }
        SDL_RenderFlush(renderer)
    }
}

/// Monotonic time in nanoseconds.
public func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Median and 99th percentile of samples.
public func percentiles(_ samples: [Double]) -> (median: Double, p99: Double) {
    guard !samples.isEmpty else { return (0, 0) }
    let s = samples.sorted()
    return (s[s.count / 2], s[min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)])
}
