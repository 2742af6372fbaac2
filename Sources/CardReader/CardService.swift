import CardProfile
import Domain
import Foundation
import Logging

/// Why no reading came out of a card: it left, or the reader did.
public enum CardReadError: Error, Hashable, Sendable, CustomStringConvertible {
    case cardRemoved
    case readerUnavailable(reason: String)
    public var description: String {
        switch self {
        case .cardRemoved: return "the card was removed before it could be read: insert it again"
        case .readerUnavailable(let r): return "the card reader is not available: \(r)"
        }
    }
}

/// Reads a card with the drivers in order. Every exchange has a deadline;
/// everything ends in a reading with a verdict, or in `CardReadError`.
public struct CardService: Sendable {
    public var drivers: [any CardDriver]
    /// Deadline of one transmit (and of the connect).
    public var deadline: Duration
    let logger: Logger

    public init(drivers: [any CardDriver], deadline: Duration = .seconds(2), logger: Logger = Logger(label: "bms.card.service")) {
        self.drivers = drivers; self.deadline = deadline; self.logger = logger
    }

    /// BMS-VIT first, then the Vitale 2 clear zone.
    public static func standard(trust: TrustStore, opposition: any CardOppositionList = NoOppositionList(),
                                clock: any Domain.Clock = SystemClock()) -> CardService {
        CardService(drivers: [BMSVITDriver(trust: trust, opposition: opposition, clock: clock), Vitale2Driver()])
    }

    /// Connects to the card in `reader` and reads it. Pass the ATR of the
    /// `cardInserted` event when there is one: it saves a round trip.
    public func read(reader: String, atr knownATR: [UInt8]? = nil) async throws(CardReadError) -> CardReading {
        let session: PCSCCardSession
        do { session = try await PCSCCardSession.connect(reader: reader, knownATR: knownATR, deadline: deadline) } catch {
            switch error {
            case .cardRemoved: throw .cardRemoved
            case .closed where ReaderLayer.isShutDown: throw .readerUnavailable(reason: "the program is stopping")
            case .mute: return CardReading(identity: nil, verdict: .faulty(reason: "the card does not answer (mute)"), atr: [], driver: nil)
            case .badATR: return CardReading(identity: nil, verdict: .faulty(reason: "the card's ATR is not valid"), atr: [], driver: nil)
            case .pcsc(let e) where e.isServiceGone || e.code == PCSCError.unknownReader:
                throw .readerUnavailable(reason: e.description)
            default: return CardReading(identity: nil, verdict: .faulty(reason: error.description), atr: [], driver: nil)
            }
        }
        defer { session.close() }
        // The ATR is a hint only, and may be logged: it carries no personal data.
        logger.debug("card connected", metadata: ["atr": "\(session.atr.hexString)", "protocol": "T=\(session.activeProtocol == 1 ? 0 : 1)"])
        return try await read(APDUTransport(channel: session), atr: session.atr)
    }

    /// The drivers over any channel (the benchmark and tests use it too).
    public func read(_ transport: APDUTransport, atr: [UInt8]) async throws(CardReadError) -> CardReading {
        do {
            for driver in drivers {
                if let reading = try await driver.read(transport, atr: atr) {
                    logger.info("card read", metadata: ["driver": "\(driver.name)", "verdict": "\(reading.verdict.logLabel)"])
                    return reading
                }
            }
            return CardReading(identity: nil, verdict: .unknownCard, atr: atr, driver: nil)
        } catch {
            switch error {
            case .cardRemoved: throw .cardRemoved
            case .pcsc(let e) where e.isServiceGone: throw .readerUnavailable(reason: e.description)
            default:
                logger.notice("card read failed", metadata: ["error": "\(error)"])
                return CardReading(identity: nil, verdict: .faulty(reason: error.description), atr: atr, driver: nil)
            }
        }
    }
}

extension CardVerdict {
    /// A label with no personal data, for logs and metrics.
    public var logLabel: String {
        switch self {
        case .authentic: return "authentic"
        case .identified: return "identified"
        case .forged: return "forged"
        case .expired: return "expired"
        case .unknownIssuer: return "unknown-issuer"
        case .invalidated: return "invalidated"
        case .faulty: return "faulty"
        case .unknownCard: return "unknown-card"
        }
    }
}
