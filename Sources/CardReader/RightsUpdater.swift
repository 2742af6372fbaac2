import CardProfile
import Crypto
import Foundation
import Logging

/// What became of writing EF.RIGHTS.
public enum RightsUpdateResult: Hashable, Sendable {
    /// Written, read back equal, and the signature verifies.
    case updated
    /// The card left during the write.
    case cardRemoved
    /// The card in the reader has another serial: nothing written.
    case otherCard
    /// The card refused, answered late, or read back something else.
    case failed(reason: String)
}

/// The "mise à jour": writes the signed EF.RIGHTS the central store made,
/// through UPDATE BINARY in chunks, then reads it back and checks it.
///
/// Order of the writes: the first byte (the `E2` tag) is cleared first and
/// written last, so a card pulled at any moment holds either no rights
/// (reads as "needs an update") or rights whose bytes do not match their
/// signature (untrusted) — never the old rights shown as valid after a
/// failed update, and never a half-written file shown as valid.
public struct RightsUpdater: Sendable {
    public var trust: TrustStore
    /// Deadline of one exchange.
    public var deadline: Duration
    /// Bytes per UPDATE BINARY (short APDUs carry at most 255).
    public var chunkSize: Int
    let logger: Logger

    public init(trust: TrustStore, deadline: Duration = .seconds(3), chunkSize: Int = 128,
                logger: Logger = Logger(label: "bms.card.rights")) {
        self.trust = trust
        self.deadline = deadline
        self.chunkSize = max(1, min(chunkSize, 255))
        self.logger = logger
    }

    /// Connects to the card in `reader` and updates it.
    public func write(_ efRights: [UInt8], serial: String, reader: String) async -> RightsUpdateResult {
        let session: PCSCCardSession
        do { session = try await PCSCCardSession.connect(reader: reader, deadline: deadline) } catch {
            return error == .cardRemoved ? .cardRemoved : .failed(reason: error.description)
        }
        defer { session.close() }
        return await write(efRights, serial: serial, transport: APDUTransport(channel: session))
    }

    /// The same over any channel.
    public func write(_ efRights: [UInt8], serial: String, transport: APDUTransport) async -> RightsUpdateResult {
        // Refuse what would not verify before touching the card.
        if let problem = verify(efRights) { return .failed(reason: "the rights to write do not verify: \(problem)") }
        do {
            return try await writeChecked(efRights, serial: serial, transport)
        } catch {
            switch error {
            case .cardRemoved: return .cardRemoved
            default:
                logger.notice("rights update failed", metadata: ["error": "\(error)"])
                return .failed(reason: error.description)
            }
        }
    }

    private func writeChecked(_ bytes: [UInt8], serial: String, _ t: APDUTransport) async throws(CardTransportError) -> RightsUpdateResult {
        let select = try await t.send(.select(aid: BMSVIT.aid))
        guard select.sw.outcome == .success else { return .failed(reason: "the card has no BMS-VIT application (\(select.sw))") }
        // The serial is read from the card itself: another card swapped in
        // between the read and the update is left alone.
        let card: [UInt8]
        switch try await t.readFile(BMSVIT.FileID.card.rawValue, name: "EF.CARD", maxBytes: 4096) {
        case .success(let b?): card = b
        case .success(nil): return .failed(reason: "EF.CARD not found")
        case .failure(.verdict(let v)): return .failed(reason: "EF.CARD: \(v)")
        }
        guard let cardFile = try? CardFile.decode(card) else { return .failed(reason: "EF.CARD does not decode") }
        guard cardFile.serial == serial else { return .otherCard }

        let old: [UInt8]
        switch try await t.readFile(BMSVIT.FileID.rights.rawValue, name: "EF.RIGHTS", maxBytes: 4096) {
        case .success(let b?): old = b
        case .success(nil): return .failed(reason: "EF.RIGHTS not found")
        case .failure(.verdict(let v)): return .failed(reason: "EF.RIGHTS: \(v)")
        }
        // Zeros over what the old file held beyond the new one (padding the reader skips).
        let content = bytes + [UInt8](repeating: 0, count: max(0, old.count - bytes.count))

        // 1. Clear the tag: from now on the card reads as "no rights".
        try await update(offset: 0, [0x00], t)
        // 2. The rest, in chunks.
        var offset = 1
        while offset < content.count {
            let end = min(content.count, offset + chunkSize)
            try await update(offset: offset, Array(content[offset..<end]), t)
            offset = end
        }
        // 3. The tag last: the file is whole.
        try await update(offset: 0, [content[0]], t)

        // Read back and check what the card now holds.
        switch try await t.readFile(BMSVIT.FileID.rights.rawValue, name: "EF.RIGHTS", maxBytes: 4096) {
        case .success(let b?):
            guard Array(b.prefix(content.count)) == content else { return .failed(reason: "EF.RIGHTS read back differs from what was written") }
            if let problem = verify(b) { return .failed(reason: "EF.RIGHTS read back does not verify: \(problem)") }
            logger.info("rights updated", metadata: ["bytes": "\(bytes.count)"])
            return .updated
        case .success(nil): return .failed(reason: "EF.RIGHTS vanished")
        case .failure(.verdict(let v)): return .failed(reason: "EF.RIGHTS read back: \(v)")
        }
    }

    private func update(offset: Int, _ data: [UInt8], _ t: APDUTransport) async throws(CardTransportError) {
        guard offset < 0x8000 else { throw .malformedResponse("EF.RIGHTS offset beyond 15 bits") }
        let r = try await t.send(.updateBinary(offset: offset, data: data))
        guard r.sw.outcome == .success else { throw .malformedResponse("UPDATE BINARY at \(offset) answered \(r.sw)") }
    }

    /// nil when the bytes are one signed `E2` under a trusted central key;
    /// else why not.
    public func verify(_ bytes: [UInt8]) -> String? {
        let file: RightsFile?
        do { file = try RightsFile.decode(bytes) } catch { return "malformed: \(error)" }
        guard let file else { return "no rights in the file" }
        guard let id = TrustStore.KeyID(file.keyID), let key = trust.central[id] else { return "signed by an unknown key" }
        guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: file.signature),
              key.isValidSignature(sig, for: file.signedBytes) else { return "the signature does not verify" }
        return nil
    }
}
