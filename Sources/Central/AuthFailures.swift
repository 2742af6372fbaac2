import Foundation

/// Failed authentications, counted in memory per source address and reason
/// over one-minute windows; a closed window is written to the store as a few
/// aggregated rows (`auth_failures`). A forged request thus costs the server
/// a counter, not a durable write, and never names the kiosk id the sender
/// chose. A source past `limitPerWindow` failures is refused (429) until the
/// window ends, before its key is looked up or its body read.
public final class AuthFailureLedger: @unchecked Sendable {
    public struct Limits: Sendable {
        public var window: TimeInterval
        /// Failures from one source address in one window before it is refused.
        public var limitPerWindow: Int
        /// Distinct sources counted one by one in a window; more are counted
        /// together under `other`, so memory and rows stay bounded.
        public var maxSources: Int
        /// How long the aggregated rows are kept.
        public var retention: TimeInterval

        public init(window: TimeInterval = 60, limitPerWindow: Int = 30, maxSources: Int = 256, retention: TimeInterval = 90 * 86_400) {
            self.window = window
            self.limitPerWindow = limitPerWindow
            self.maxSources = maxSources
            self.retention = retention
        }
    }

    struct Key: Hashable {
        var source: String
        var reason: String
    }

    public let limits: Limits
    private let lock = NSLock()
    private var windowStart: Date?
    private var counts: [Key: Int] = [:]
    private var perSource: [String: Int] = [:]

    public init(limits: Limits = .init()) { self.limits = limits }

    static let otherSources = "other"

    private func start(of now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 / limits.window).rounded(.down) * limits.window)
    }

    /// The counts of a window that has ended (to write), and resets for `now`'s window.
    private func rollLocked(_ now: Date) -> [AuthFailureCount] {
        let current = start(of: now)
        guard let ws = windowStart, ws != current else {
            if windowStart == nil { windowStart = current }
            return []
        }
        let closed = counts.map { AuthFailureCount(windowStart: ws, source: $0.key.source, reason: $0.key.reason, count: $0.value) }
        windowStart = current
        counts = [:]
        perSource = [:]
        return closed
    }

    /// Whether `source` already failed too often in this window.
    func isLimited(_ source: String, now: Date) -> (limited: Bool, closed: [AuthFailureCount]) {
        lock.withLock {
            let closed = rollLocked(now)
            let bucket = perSource[source] != nil || perSource.count < limits.maxSources ? source : Self.otherSources
            // The shared bucket of the overflow is not limited: one flood
            // must not lock out every other address.
            return (bucket != Self.otherSources && (perSource[bucket] ?? 0) >= limits.limitPerWindow, closed)
        }
    }

    /// Counts one failure; returns the counts of a window that ended, to write.
    func record(_ source: String, reason: String, now: Date) -> [AuthFailureCount] {
        lock.withLock {
            let closed = rollLocked(now)
            let bucket = perSource[source] != nil || perSource.count < limits.maxSources ? source : Self.otherSources
            perSource[bucket, default: 0] += 1
            counts[Key(source: bucket, reason: reason), default: 0] += 1
            return closed
        }
    }

    /// Everything counted so far (the current window included), emptied.
    func drain() -> [AuthFailureCount] {
        lock.withLock {
            guard let ws = windowStart else { return [] }
            let all = counts.map { AuthFailureCount(windowStart: ws, source: $0.key.source, reason: $0.key.reason, count: $0.value) }
            counts = [:]
            // perSource stays: draining must not lift a limit.
            return all
        }
    }
}
