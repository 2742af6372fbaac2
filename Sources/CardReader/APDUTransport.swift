import Foundation
import CardProfile

/// Sends command APDUs and handles what T=0 cards ask for, on every
/// command and repeatedly: `61 XX` (fetch XX more bytes with GET RESPONSE)
/// and `6C XX` (resend with Le = XX). Both loops are bounded.
public struct APDUTransport: Sendable {
    public let channel: any CardChannel
    /// Most GET RESPONSE rounds for one command.
    public var maxGetResponse = 64
    /// Most `6C XX` retries for one command.
    public var maxWrongLe = 4
    /// Largest answer accepted across GET RESPONSE rounds.
    public var maxResponseBytes = 16 * 1024

    public init(channel: any CardChannel) { self.channel = channel }

    public func send(_ command: CommandAPDU) async throws(CardTransportError) -> ResponseAPDU {
        var command = command
        var retries = 0
        var response = try await exchange(command)
        while case .wrongLe(let exact) = response.sw.outcome {
            retries += 1
            guard retries <= maxWrongLe else { throw .runaway("6C XX repeated \(retries) times") }
            command.le = exact
            response = try await exchange(command)
        }
        var data = response.data
        var rounds = 0
        while case .moreData(let available) = response.sw.outcome {
            rounds += 1
            guard rounds <= maxGetResponse else { throw .runaway("61 XX repeated \(rounds) times") }
            var get = CommandAPDU.getResponse(available)
            response = try await exchange(get)
            var leRetries = 0
            while case .wrongLe(let exact) = response.sw.outcome {
                leRetries += 1
                guard leRetries <= maxWrongLe else { throw .runaway("6C XX repeated on GET RESPONSE") }
                get.le = exact
                response = try await exchange(get)
            }
            data += response.data
            guard data.count <= maxResponseBytes else { throw .runaway("answer longer than \(maxResponseBytes) bytes") }
        }
        return ResponseAPDU(data: data, sw: response.sw)
    }

    private func exchange(_ command: CommandAPDU) async throws(CardTransportError) -> ResponseAPDU {
        let raw = try await channel.transmit(command.bytes)
        do { return try ResponseAPDU(bytes: raw) } catch { throw .malformedResponse(error.description) }
    }
}

/// Records the raw commands sent through a channel (the benchmark replays
/// them to measure the floor). Commands may carry personal data: keep the
/// recording in memory, never log it.
public final class RecordingChannel: CardChannel, @unchecked Sendable {
    public let base: any CardChannel
    private let lock = NSLock()
    private var commands: [[UInt8]] = []
    public init(_ base: any CardChannel) { self.base = base }
    public var recorded: [[UInt8]] { lock.withLock { commands } }
    public func transmit(_ command: [UInt8]) async throws(CardTransportError) -> [UInt8] {
        lock.withLock { commands.append(command) }
        return try await base.transmit(command)
    }
}
