import CentralAPI
import Domain
import Foundation
import KioskStore
import NIOCore

/// What the kiosk's flows call: a confirmed command is made durable before
/// anything else, then sent if the central store answers; codes need the
/// central store and say so plainly when it is away.
public final class KioskSync: Sendable {
    public let store: KioskStore
    public let client: CentralClient
    public let relay: OutboxRelay

    public init(store: KioskStore, client: CentralClient, backoff: Backoff = .init()) {
        self.store = store
        self.client = client
        relay = OutboxRelay(store: store, client: client, backoff: backoff)
    }

    public enum SubmitOutcome: Sendable, Hashable {
        /// The central store applied it (or refused it by its rules).
        case acknowledged(CommandReceipt)
        /// Kept in the outbox: it will be sent when the central store answers.
        case queued(message: String)
    }

    /// Writes the command (fsync'd), then sends it at once when nothing is
    /// queued before it, waiting at most `immediateTimeout`: the screen
    /// answers within seconds either way. When this returns, the command is
    /// safe whatever happens next.
    public func submit(_ command: KioskCommand, immediateTimeout: TimeAmount = .seconds(3)) async throws -> SubmitOutcome {
        let now = client.clock.now
        // Already acknowledged (a second tap that reached here, a retry after
        // the answer came): the first receipt, and nothing sent again.
        if let done = try? store.entry(id: command.id), var receipt = done.receipt {
            receipt.duplicate = true
            return .acknowledged(receipt)
        }
        // The only step that may fail the request: once written, it is safe,
        // and nothing below may tell the assuré it was not recorded.
        try store.enqueue(command, at: now)
        let queued = SubmitOutcome.queued(message: OfflineMessages.queued)
        // Older commands first: the relay sends the queue in order.
        guard (try? store.pendingCount()) == 1 else { return queued }
        var quick = client
        quick.timeout = immediateTimeout
        do {
            let receipt = try await quick.submit(command)
            // Not marked (a disk error): the relay sends it again and the
            // central store repeats this same receipt.
            do { try store.markAcknowledged(id: command.id, receipt: receipt, at: client.clock.now) } catch {
                relay.logger.error("outbox: an acknowledged command stays pending", metadata: ["id": "\(command.id)", "error": "\(error)"])
            }
            return .acknowledged(receipt)
        } catch where DeliveryFailure(error) == .definitive {
            // Refused for good (malformed, unknown card…): resending will not
            // help, so the assuré is not told it "will be sent". Kept as a dead
            // letter, as the relay would, for the caisse to look at.
            do {
                if let entry = try store.entry(id: command.id) { try relay.park(entry, command: command, error: error) }
            } catch let parking {
                relay.logger.error("outbox: a refused command could not be parked", metadata: ["id": "\(command.id)", "error": "\(parking)"])
            }
            return .acknowledged(CommandReceipt(id: command.id, status: .refused, reason: "refused by the central store: \(error)"))
        } catch {
            // Still pending in the outbox: the relay retries it whatever this says.
            try? store.markRetry(id: command.id, error: "\(error)", next: now.addingTimeInterval(relay.backoff.delay(afterAttempts: 1)))
            return queued
        }
    }

    public enum CodeOutcome: Sendable, Hashable {
        case answered(ProvisionalCodeResponse)
        /// Codes cannot be queued: the assuré is told to come back.
        case unavailable(message: String)
    }

    public func requestProvisionalCode(serial: String) async -> CodeOutcome {
        do {
            return .answered(try await client.requestProvisionalCode(serial: serial))
        } catch {
            return .unavailable(message: OfflineMessages.codesUnavailable)
        }
    }

    /// Pulls reference data into the cache; false when the central store is away
    /// (the cache keeps its older copy and its age).
    @discardableResult
    public func refreshReference() async -> Bool {
        guard let data = try? await client.reference() else { return false }
        return (try? store.saveReference(data, fetchedAt: client.clock.now)) != nil
    }
}

/// What the screen says when the central store cannot be reached (French).
public enum OfflineMessages {
    public static let queued = "Votre demande est bien enregistrée. Elle sera transmise dès le retour de la connexion."
    public static let codesUnavailable = "Le code provisoire ne peut pas être demandé pour le moment : le service est momentanément indisponible. Veuillez réessayer plus tard."
}
