import CSDL2
import Dispatch

/// What the UI reacts to. Mouse clicks and finger touches both become a tap
/// (pushed SDL finger events do not synthesise mouse events).
public enum InputEvent: Equatable, Sendable {
    case tap(Point)
    case quit
    /// A key from a development keyboard: Escape, digits, Backspace, Return.
    case key(String)
    /// The window needs drawing again (exposed, resized).
    case redraw
    /// Another thread has something for the UI (a card event): see `pushWake`.
    case wake
}

@MainActor
public enum InputMapper {
    /// Maps one SDL event; nil for events the kiosk ignores.
    public static func map(_ e: SDL_Event, size: Size) -> InputEvent? {
        switch SDL_EventType(e.type) {
        case SDL_QUIT: return .quit
        case SDL_MOUSEBUTTONUP:
            // Touches also arrive as mouse events on real touch screens: take them once, as fingers.
            guard e.button.which != bms_touch_mouse_id(), e.button.button == UInt8(SDL_BUTTON_LEFT) else { return nil }
            return .tap(Point(x: Int(e.button.x), y: Int(e.button.y)))
        case SDL_FINGERUP:
            return .tap(Point(x: Int(e.tfinger.x * Float(size.width)), y: Int(e.tfinger.y * Float(size.height))))
        case SDL_KEYDOWN:
            let sym = e.key.keysym.sym
            switch sym {
            case Int32(SDLK_ESCAPE.rawValue): return .key("escape")
            case Int32(SDLK_BACKSPACE.rawValue): return .key("backspace")
            case Int32(SDLK_RETURN.rawValue), Int32(SDLK_KP_ENTER.rawValue): return .key("return")
            case Int32(SDLK_0.rawValue)...Int32(SDLK_9.rawValue): return .key(String(sym - Int32(SDLK_0.rawValue)))
            case Int32(SDLK_KP_1.rawValue)...Int32(SDLK_KP_9.rawValue): return .key(String(sym - Int32(SDLK_KP_1.rawValue) + 1))
            case Int32(SDLK_KP_0.rawValue): return .key("0")
            case Int32(SDLK_F2.rawValue): return .key("F2")
            case Int32(SDLK_F3.rawValue): return .key("F3")
            case Int32(SDLK_F4.rawValue): return .key("F4")
            default: return nil
            }
        case SDL_WINDOWEVENT: return .redraw
        case SDL_USEREVENT: return .wake
        default: return nil
        }
    }

    /// Waits up to `timeoutMS` for an event (no busy loop: the thread sleeps).
    public static func wait(timeoutMS: Int32) -> SDL_Event? {
        var e = SDL_Event()
        return SDL_WaitEventTimeout(&e, timeoutMS) == 1 ? e : nil
    }

    /// Sleeps until at least one event (or the timeout), then returns every
    /// pending event the kiosk reacts to.
    public static func waitInputs(timeoutMS: Int32, size: Size) -> [InputEvent] {
        let first: SDL_Event?
        if driverCanWait {
            first = wait(timeoutMS: timeoutMS)
        } else if let e = poll() {
            first = e
        } else {
            // dummy/offscreen drivers make SDL_WaitEventTimeout poll every
            // millisecond; sleep on our own signal instead (idle CPU ≈ 0).
            _ = wakeSignal.wait(timeout: .now() + .milliseconds(Int(timeoutMS)))
            first = poll()
        }
        guard let first else { return [] }
        var out = [map(first, size: size)]
        while let e = poll() { out.append(map(e, size: size)) }
        return out.compactMap { $0 }
    }

    public static func poll() -> SDL_Event? {
        var e = SDL_Event()
        return SDL_PollEvent(&e) == 1 ? e : nil
    }

    /// Injects a touch as a real touch screen would send it (tests, benchmark).
    public static func pushFingerTap(_ p: Point, size: Size) {
        for type in [SDL_FINGERDOWN, SDL_FINGERUP] {
            var e = SDL_Event()
            e.tfinger.type = type.rawValue
            e.tfinger.timestamp = SDL_GetTicks()
            e.tfinger.touchId = 1
            e.tfinger.fingerId = 1
            e.tfinger.x = Float(p.x) / Float(size.width) + 0.5 / Float(size.width)
            e.tfinger.y = Float(p.y) / Float(size.height) + 0.5 / Float(size.height)
            e.tfinger.pressure = 1
            SDL_PushEvent(&e)
        }
        wakeSignal.signal()
    }

    public static func pushMouseClick(_ p: Point) {
        for type in [SDL_MOUSEBUTTONDOWN, SDL_MOUSEBUTTONUP] {
            var e = SDL_Event()
            e.button.type = type.rawValue
            e.button.timestamp = SDL_GetTicks()
            e.button.which = 0
            e.button.button = UInt8(SDL_BUTTON_LEFT)
            e.button.state = UInt8(type == SDL_MOUSEBUTTONUP ? SDL_RELEASED : SDL_PRESSED)
            e.button.clicks = 1
            e.button.x = Int32(p.x)
            e.button.y = Int32(p.y)
            SDL_PushEvent(&e)
        }
        wakeSignal.signal()
    }

    /// Wakes the UI thread from `wait` (thread-safe: SDL_PushEvent may be
    /// called from any thread).
    nonisolated public static func pushWake() {
        var e = SDL_Event()
        e.user.type = SDL_USEREVENT.rawValue
        SDL_PushEvent(&e)
        wakeSignal.signal()
    }

    /// Signalled with every event the kiosk pushes itself.
    nonisolated static let wakeSignal = DispatchSemaphore(value: 0)

    /// True when the video driver really sleeps in SDL_WaitEventTimeout.
    static var driverCanWait: Bool {
        guard let d = SDL_GetCurrentVideoDriver() else { return false }
        let name = String(cString: d)
        return name != "dummy" && name != "offscreen"
    }

    /// Drops pending events.
    public static func flush() { SDL_FlushEvents(SDL_FIRSTEVENT.rawValue, SDL_LASTEVENT.rawValue) }
}
