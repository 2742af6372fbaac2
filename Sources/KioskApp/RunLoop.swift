import Domain
import Foundation
import KioskUI

/// Card events from other threads, handed to the UI thread.
final class CardInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [CardEvent] = []
    func put(_ e: CardEvent) { lock.withLock { pending.append(e) }; InputMapper.pushWake() }
    func take() -> [CardEvent] { lock.withLock { defer { pending = [] }; return pending } }
}

/// The kiosk's main loop: waits for an event (the thread sleeps: no busy
/// loop), handles it, draws only when something changed. Ticks once a
/// second while a session counts inactivity.
@MainActor
public final class KioskRunLoop {
    public let host: KioskHost
    public let cards: CardEventSource
    /// F2 / F3 when the cards are real (a virtual card in vpcd for the demo).
    public var onCardKey: ((String) -> Void)?
    private let inbox = CardInbox()
    private var quit = false
    public var allowEscape = true
    /// Longest sleep between two checks of `until` (e.g. re-reading a
    /// configuration while out of service).
    public var maxSleepMS: Int32?

    public init(host: KioskHost, cards: CardEventSource) {
        self.host = host
        self.cards = cards
    }

    /// Runs until quit, or for `seconds` when given (benchmarks, tests), or
    /// until `until` holds.
    public func run(seconds: Double? = nil, until: (() -> Bool)? = nil) async {
        let inbox = self.inbox
        let stream = cards.events
        let reader = Task.detached {
            for await e in stream { inbox.put(e) }
        }
        defer { reader.cancel() }
        let end = seconds.map { monotonicNanos() + UInt64($0 * 1e9) }
        host.renderIfNeeded()
        while !quit {
            let now = monotonicNanos()
            if let end, now >= end { break }
            if let until, until() { break }
            var timeout: Int32 = host.controller.session.state.isInteractive ? 1000 : 60_000
            if host.controller.isAnimating { timeout = Int32(1000 / KioskController.animationFPS) }
            if let m = maxSleepMS { timeout = min(timeout, m) }
            if let end { timeout = min(timeout, Int32((end - now) / 1_000_000) + 1) }
            for input in InputMapper.waitInputs(timeoutMS: timeout, size: host.renderer.size) { await handle(input) }
            for c in inbox.take() { host.controller.handle(card: c) }
            host.controller.tick()
            host.renderIfNeeded()
            await Task.yield()
            // A flow's background work may have finished during the yield: draw its answer now, not after the next wait.
            host.renderIfNeeded()
        }
    }

    /// Taps run one after the other, but not inside the loop: a tap that
    /// waits for the central store or the printer must not stop the loop,
    /// which meanwhile draws, takes a pulled card at once and beats the
    /// watchdog. The widget is found when the finger lands, on the screen
    /// the assuré saw.
    private var taps: Task<Void, Never>?

    func perform(_ id: String) {
        let previous = taps
        let controller = host.controller
        taps = Task { @MainActor in
            await previous?.value
            await controller.tap(id)
            InputMapper.pushWake()
        }
    }

    /// Waits for the taps handed out so far (tests, benchmarks).
    public func settleTaps() async { await taps?.value }

    func handle(_ input: InputEvent) async {
        switch input {
        case .tap(let p):
            if let id = host.widgetID(at: p) { perform(id) }
        case .quit: quit = true
        case .redraw: host.renderIfNeeded(force: true)
        case .wake: break
        case .key(let k):
            if k != "F2", k != "F3", k != "F4" { host.controller.focusMovedByKey() }
            switch k {
            case "escape": if allowEscape { quit = true }
            case "backspace": perform("keypad.erase")
            case "return": perform("keypad.ok")
            case "F2", "F3": onCardKey?(k)
            case "F4": host.controller.openGallery()
            default: if k.count == 1 { perform("keypad.\(k)") }
            }
        }
    }
}
