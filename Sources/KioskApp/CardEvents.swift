import Domain
import Foundation

/// What a card reader tells the kiosk.
public enum CardEvent: Hashable, Sendable {
    case inserted
    case read(CardIdentity, CardVerdict)
    case removed
    /// A card is present but does not answer.
    case mute
}

/// A source of card events: the PC/SC reader in production (wired by the
/// flows work), `FakeCardSource` in smoke scenarios.
public protocol CardEventSource: AnyObject, Sendable {
    var events: AsyncStream<CardEvent> { get }
}

/// Writes the signed rights (EF.RIGHTS) on the card in the reader, reads
/// them back and checks them: the "mise à jour de la carte Vitale".
/// `CardReader` implements it over PC/SC (KioskRuntime wires it).
public protocol CardRightsWriter: Sendable {
    func writeRights(_ efRights: Data, serial: String) async -> RightsWriteOutcome
}

public enum RightsWriteOutcome: Sendable, Hashable {
    /// Written, read back equal, and the signature verifies.
    case updated
    /// The card left the reader during the write: it reads as needing an
    /// update next time, never as up to date.
    case cardRemoved
    /// Another card is in the reader (serial differs): nothing written.
    case otherCard
    /// The card refused the write or read back different data.
    case failed(reason: String)
}

/// A card described in a JSON file: `{"verdict": …, "identity": <Domain.CardIdentity>}`.
/// `verdict` is `authentic`, `identified`, `expired`, `unknownIssuer`,
/// `invalidated`, `unknownCard`, `forged` or `faulty` (the last two with an
/// optional `reason`); `mute: true` makes a card that never answers.
public struct CardFile: Codable, Sendable {
    public var verdict: String
    public var reason: String?
    public var mute: Bool?
    public var identity: CardIdentity?

    public enum Problem: Error, CustomStringConvertible {
        case unreadable(path: String, detail: String)
        case unknownVerdict(path: String, verdict: String)
        case missingIdentity(path: String)
        /// The `"central"` section names something the central store has no
        /// such thing as: the field (dotted path) and what it accepts.
        case invalidCentral(path: String, field: String, detail: String)

        public var description: String {
            switch self {
            case .invalidCentral(let p, let f, let d): "card file \(p): central.\(f): \(d)"
            case .unreadable(let p, let d): "card file \(p) cannot be read: \(d)"
            case .unknownVerdict(let p, let v):
                "card file \(p): verdict \"\(v)\" is not one of authentic, identified, forged, expired, unknownIssuer, invalidated, faulty, unknownCard"
            case .missingIdentity(let p): "card file \(p): a card that can be read needs an \"identity\""
            }
        }
    }

    public static func load(_ path: String) throws -> CardFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem.unreadable(path: path, detail: "no such file")
        }
        // A card holds a few kilobytes: anything much larger is not a card description.
        guard data.count <= 256 * 1024 else { throw Problem.unreadable(path: path, detail: "over 256 KB") }
        do { return try JSONDecoder().decode(CardFile.self, from: data) } catch {
            throw Problem.unreadable(path: path, detail: "\(error)")
        }
    }

    public func cardVerdict(path: String = "") throws -> CardVerdict {
        switch verdict {
        case "authentic": return .authentic
        case "identified": return .identified
        case "forged": return .forged(reason: reason ?? "signature")
        case "expired": return .expired
        case "unknownIssuer": return .unknownIssuer
        case "invalidated": return .invalidated
        case "faulty": return .faulty(reason: reason ?? "memory")
        case "unknownCard": return .unknownCard
        default: throw Problem.unknownVerdict(path: path, verdict: verdict)
        }
    }

    /// The events a reader would send for this card being inserted.
    public func insertionEvents(path: String = "") throws -> [CardEvent] {
        if mute == true { return [.inserted, .mute] }
        guard let identity else { throw Problem.missingIdentity(path: path) }
        return [.inserted, .read(identity, try cardVerdict(path: path))]
    }
}

/// No reader: a kiosk out of service reads no card.
public final class NoCardSource: CardEventSource {
    public let events = AsyncStream<CardEvent> { $0.finish() }
    public init() {}
}
