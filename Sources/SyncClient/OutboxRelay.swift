import CentralAPI
import Domain
import Foundation
import KioskStore
import Logging

/// Exponential backoff with jitter, capped.
public struct Backoff: Sendable {
    public var first: TimeInterval
    public var maximum: TimeInterval

    public init(first: TimeInterval = 1, maximum: TimeInterval = 300) {
        self.first = first
        self.maximum = maximum
    }

    /// Delay before attempt `attempts + 1`.
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        let raw = first * pow(2, Double(min(max(attempts - 1, 0), 30)))
        return min(maximum, raw) * Double.random(in: 0.8...1.2)
    }
}

/// Sends the outbox to the central store at least once, in the order the
/// commands were confirmed. The central store applies each id once, so a
/// resend after a crash or a lost answer is harmless. A failure stops the
/// pass (order is kept) and schedules the next try with backoff; nothing is
/// ever dropped.
public final class OutboxRelay: Sendable {
    public let store: KioskStore
    public let client: CentralClient
    public let backoff: Backoff
    let logger: Logger

    public init(store: KioskStore, client: CentralClient, backoff: Backoff = .init(), logger: Logger = Logger(label: "bms-kiosk.sync")) {
        self.store = store
        self.client = client
        self.backoff = backoff
        self.logger = logger
    }

    public struct Report: Sendable, Hashable {
        public var delivered = 0
        public var duplicates = 0
        public var refused = 0
        /// Sent before the command they follow: retried shortly.
        public var waiting = 0
        /// The pass stopped on a failure (central down, dependency pending…).
        public var stoppedOn: String?
    }

    /// One pass over what is due now.
    @discardableResult
    public func drainOnce(batch: Int = 200) async throws -> Report {
        var report = Report()
        while true {
            let due = try store.due(at: client.clock.now, limit: batch, maxWait: backoff.maximum * 1.5)
            if due.isEmpty { return report }
            for entry in due {
                guard let command = entry.command else { continue }
                let receipt: CommandReceipt
                do {
                    receipt = try await client.submit(command)
                } catch let error where error.isDependencyPending {
                    // Its predecessor has not arrived yet (sent out of order):
                    // try it again shortly, go on with the others.
                    try store.markRetry(id: entry.id, error: error.description,
                                        next: client.clock.now.addingTimeInterval(backoff.delay(afterAttempts: 1)))
                    report.waiting += 1
                    continue
                } catch {
                    let next = client.clock.now.addingTimeInterval(backoff.delay(afterAttempts: entry.attempts + 1))
                    try store.markRetry(id: entry.id, error: error.description, next: next)
                    // Later commands wait too: they may depend on this one.
                    try store.postpone(after: entry.seq, until: next)
                    report.stoppedOn = error.description
                    logger.info("outbox paused", metadata: ["error": "\(error)", "attempts": "\(entry.attempts + 1)"])
                    return report
                }
                try store.markAcknowledged(id: entry.id, receipt: receipt, at: client.clock.now)
                if receipt.duplicate { report.duplicates += 1 }
                if receipt.status == .refused {
                    report.refused += 1
                    logger.warning("command refused by the central store", metadata: ["id": "\(entry.id)", "reason": "\(receipt.reason ?? "")"])
                } else {
                    report.delivered += 1
                }
            }
        }
    }

    /// Drains until cancelled, waking every `interval` seconds (or sooner when
    /// the next retry is due).
    public func run(interval: TimeInterval = 2) async {
        while !Task.isCancelled {
            do { try await drainOnce() } catch { logger.error("outbox relay: \(error)") }
            try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }
}
