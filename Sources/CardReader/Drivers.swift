import CardProfile
import Domain

/// What reading a card produced: who is on it (when it could be read) and
/// the verdict.
public struct CardReading: Sendable, Hashable {
    public var identity: CardIdentity?
    public var verdict: CardVerdict
    public var atr: [UInt8]
    /// The driver that recognised the card, nil when none did.
    public var driver: String?
    public init(identity: CardIdentity?, verdict: CardVerdict, atr: [UInt8], driver: String?) {
        self.identity = identity; self.verdict = verdict; self.atr = atr; self.driver = driver
    }
}

/// A card profile the kiosk can read. `read` returns nil when the card does
/// not carry this driver's application (SELECT refused), so the next driver
/// is tried.
public protocol CardDriver: Sendable {
    var name: String { get }
    func read(_ transport: APDUTransport, atr: [UInt8]) async throws(CardTransportError) -> CardReading?
}

/// The outcome of a command that went wrong, in the profile's words.
enum DriverStop: Error {
    case verdict(CardVerdict)
}

extension CardStatus {
    /// The verdict for a status word that ends a read.
    func verdict(during step: String) -> CardVerdict {
        switch self {
        case .invalidated: return .invalidated
        case .memoryFailure: return .faulty(reason: "memory failure (6581) during \(step)")
        default: return .faulty(reason: "\(description) during \(step)")
        }
    }
}

extension APDUTransport {
    /// SELECT by FID, then READ BINARY in 256-byte steps until a short
    /// answer, `62 82` or `6B 00`. nil when the file does not exist.
    func readFile(_ fid: UInt16, name: String, maxBytes: Int) async throws(CardTransportError) -> Result<[UInt8]?, DriverStop> {
        let sel = try await send(.select(fileID: fid))
        switch sel.sw.outcome {
        case .success: break
        case .notFound: return .success(nil)
        case let other: return .failure(.verdict(other.verdict(during: "SELECT \(name)")))
        }
        var content: [UInt8] = []
        while true {
            let r = try await send(.readBinary(offset: content.count, length: 256))
            switch r.sw.outcome {
            case .success:
                guard r.data.count <= 256 else { return .failure(.verdict(.faulty(reason: "READ BINARY \(name) answered more bytes than asked"))) }
                content += r.data
                if r.data.count < 256 { return .success(content) }
            case .endOfFile:
                guard r.data.count <= 256 else { return .failure(.verdict(.faulty(reason: "READ BINARY \(name) answered more bytes than asked"))) }
                content += r.data
                return .success(content)
            case .offsetBeyondEnd:
                return .success(content)
            case let other:
                return .failure(.verdict(other.verdict(during: "READ BINARY \(name)")))
            }
            // Offsets are 15 bits; the profile's files are far smaller.
            guard content.count < maxBytes, content.count < 0x8000 else {
                return .failure(.verdict(.faulty(reason: "\(name) is longer than \(maxBytes) bytes")))
            }
        }
    }
}
