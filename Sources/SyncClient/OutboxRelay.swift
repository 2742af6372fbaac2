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

/// What to do with a command the central store did not take.
public enum DeliveryFailure: Sendable, Hashable {
    /// The central store, the network or this kiosk's clock: the whole queue
    /// waits (order is kept) and nothing is counted against the command.
    case queueWaits
    /// The kiosk itself is refused (unknown or revoked key, bad signature):
    /// nothing can be sent until it is enrolled again; the whole queue waits.
    case kioskRefused
    /// Sent before the command it follows: retried shortly, the others go on.
    case dependencyPending
    /// An answer that does not decode: may be this command's own; retried,
    /// and parked after `maxAttempts` such failures.
    case commandSuspect
    /// Refused for good at the HTTP level (malformed body, unknown card…):
    /// parked at once as a dead letter.
    case definitive

    public init(_ error: CentralClientError) {
        switch error {
        case .unreachable: self = .queueWaits
        case .badAnswer: self = .commandSuspect
        case .rejected(let status, let body):
            if error.isDependencyPending { self = .dependencyPending }
            // No error body of the central store's own: a proxy or a wrong
            // URL answered, not a verdict on this command.
            else if body.code.hasPrefix("http_") && status != 413 { self = .queueWaits }
            // A route the central store does not know (a wrong base URL, an
            // older central) and a request time-out say nothing of the command.
            else if body.code == "not_found" || status == 408 { self = .queueWaits }
            // The id was used by another kiosk or for another body: a verdict
            // on this command (sending it again gets the same 409), kept for
            // the caisse; the queue behind it goes on.
            else if status == 409 && body.code == "command_id_conflict" { self = .definitive }
            else if body.code == "clock_skew" || body.code == "replay" || status == 429 || status == 409 {
                self = .queueWaits
            } else if status == 401 { self = .kioskRefused }
            // 5xx is the central store's state (busy, down, a bug), not a
            // verdict on the command: only a 4xx that names it parks it.
            else if status >= 500 { self = .queueWaits }
            else { self = .definitive }
        }
    }
}

/// Sends the outbox to the central store at least once, in the order the
/// commands were confirmed. The central store applies each id once, so a
/// resend after a crash or a lost answer is harmless. A failure of the
/// central store or the network stops the pass (order is kept) and schedules
/// the next try with backoff. A command the central store refuses for good
/// is parked as a dead letter (kept in the kiosk's SQLite, reported in the
/// logs and by `bms-kiosk doctor`), so it does not block the queue; nothing
/// is ever dropped.
public final class OutboxRelay: Sendable {
    public let store: KioskStore
    public let client: CentralClient
    public let backoff: Backoff
    /// Failures of the command's own (`commandSuspect`, or waiting on a
    /// predecessor) after which it is parked. Waits of the whole queue (503,
    /// no answer…) are not counted (`OutboxEntry.failures`).
    public let maxAttempts: Int
    let logger: Logger

    public init(store: KioskStore, client: CentralClient, backoff: Backoff = .init(), maxAttempts: Int = 20,
                logger: Logger = Logger(label: "bms-kiosk.sync")) {
        self.store = store
        self.client = client
        self.backoff = backoff
        self.maxAttempts = maxAttempts
        self.logger = logger
    }

    /// Parks `entry` and says so in the logs: ids, action name and HTTP code only.
    func park(_ entry: KioskStore.OutboxEntry, command: KioskCommand, error: CentralClientError) throws {
        try store.markDeadLetter(id: entry.id, reason: error.description, at: client.clock.now)
        var code = "none"
        if case .rejected(let status, let body) = error { code = "\(status) \(body.code)" }
        logger.error("outbox command parked as a dead letter", metadata: [
            "id": "\(entry.id)", "action": "\(command.action.name)", "attempts": "\(entry.attempts + 1)", "answer": "\(code)",
        ])
    }

    public struct Report: Sendable, Hashable {
        public var delivered = 0
        public var duplicates = 0
        public var refused = 0
        /// Sent before the command they follow: retried shortly.
        public var waiting = 0
        /// Parked as dead letters during this pass.
        public var parked = 0
        /// The pass stopped on a failure (central down, kiosk refused…).
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
                } catch {
                    let failure = DeliveryFailure(error)
                    let own = failure == .commandSuspect || failure == .dependencyPending
                    let exhausted = entry.failures + 1 >= maxAttempts
                    if failure == .definitive || (exhausted && own) {
                        try park(entry, command: command, error: error)
                        report.parked += 1
                        continue
                    }
                    if failure == .dependencyPending {
                        // Its predecessor has not arrived yet (sent out of order):
                        // try it again shortly, go on with the others.
                        try store.markRetry(id: entry.id, error: error.description,
                                            next: client.clock.now.addingTimeInterval(backoff.delay(afterAttempts: 1)), countsAgainstCommand: true)
                        report.waiting += 1
                        continue
                    }
                    // Backoff on every try (a long outage is polled less and
                    // less often), at least what the central store asked for.
                    var wait = backoff.delay(afterAttempts: entry.attempts + 1)
                    if case .rejected(_, let body) = error, let asked = body.retryAfter { wait = max(wait, TimeInterval(asked)) }
                    let next = client.clock.now.addingTimeInterval(wait)
                    try store.markRetry(id: entry.id, error: error.description, next: next, countsAgainstCommand: own)
                    // Later commands wait too: they may depend on this one.
                    try store.postpone(after: entry.seq, until: next)
                    report.stoppedOn = error.description
                    if failure == .kioskRefused {
                        logger.error("outbox paused: kiosk key refused by the central store, re-enrol this kiosk",
                                     metadata: ["answer": "\(error)", "pending": "\((try? store.pendingCount()) ?? -1)"])
                    } else {
                        logger.info("outbox paused", metadata: ["error": "\(error)", "attempts": "\(entry.attempts + 1)"])
                    }
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
    /// How long an acknowledged entry stays in the kiosk's SQLite (to answer
    /// "was my request sent?" at the desk); dead letters stay until handled.
    public static let keepAcknowledged: TimeInterval = 7 * 86_400

    public func run(interval: TimeInterval = 2) async {
        var lastPurge = Date.distantPast
        while !Task.isCancelled {
            do { try await drainOnce() } catch { logger.error("outbox relay: \(error)") }
            let now = client.clock.now
            if now.timeIntervalSince(lastPurge) > 3600 {
                lastPurge = now
                do { try store.purgeAcknowledged(before: now.addingTimeInterval(-Self.keepAcknowledged)) } catch {
                    logger.error("outbox purge: \(error)")
                }
            }
            try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }
}
