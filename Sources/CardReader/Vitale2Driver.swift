import CardProfile
import Domain
import Logging

/// Driver 2: the clear zone of a real carte Vitale 2, read-only and best
/// effort. Its certificate cannot be checked here, so the verdict is at
/// most `identified`: the code personnel then authenticates the assuré.
public struct Vitale2Driver: CardDriver {
    public let name = "VITALE-2"
    public var maxFileBytes = 4 * 1024
    let logger: Logger

    public init(logger: Logger = Logger(label: "bms.card.vitale2")) { self.logger = logger }

    public func read(_ transport: APDUTransport, atr: [UInt8]) async throws(CardTransportError) -> CardReading? {
        let select = try await transport.send(.select(aid: Vitale2.vitaleAID))
        switch select.sw.outcome {
        case .success: break
        case .invalidated: return CardReading(identity: nil, verdict: .invalidated, atr: atr, driver: name)
        default: return nil
        }
        func stop(_ v: CardVerdict) -> CardReading { CardReading(identity: nil, verdict: v, atr: atr, driver: name) }
        let map: Vitale2.Map
        switch try await transport.readFile(Vitale2.mapFileID, name: "EF 2001", maxBytes: maxFileBytes) {
        case .success(let bytes?):
            do { map = try Vitale2.decodeMap(bytes) } catch {
                // Only the shape of the map is logged: it names files, not people.
                logger.notice("Vitale 2 map refused", metadata: ["reason": "\(error)"])
                return stop(.faulty(reason: error.description))
            }
        case .success(nil): return stop(.faulty(reason: "Vitale 2 map EF 2001 not found"))
        case .failure(.verdict(let v)): return stop(v)
        }
        // Each file belongs to the application its entry names: select that
        // application (again only when it changes), then the file.
        var selected = Vitale2.vitaleAID
        var zone = Vitale2.ClearZone(beneficiaries: [], validityStart: nil)
        for entry in map.files {
            let fileName = "EF \(String(entry.fileID, radix: 16, uppercase: true)) (\(entry.label))"
            if entry.aid != selected {
                let app = try await transport.send(.select(aid: entry.aid))
                switch app.sw.outcome {
                case .success: selected = entry.aid
                case .notFound:
                    return stop(.faulty(reason: "the application of \(fileName), named in EF 2001, is not on the card"))
                case let other: return stop(other.verdict(during: "SELECT application of \(fileName)"))
                }
            }
            switch try await transport.readFile(entry.fileID, name: fileName, maxBytes: maxFileBytes) {
            case .success(let bytes?):
                do { try Vitale2.decodeFile(bytes, into: &zone) } catch { return stop(.faulty(reason: error.description)) }
            case .success(nil): continue
            case .failure(.verdict(let v)): return stop(v)
            }
        }
        do {
            let foyer = try zone.foyer()
            let identity = CardIdentity(profile: .vitale2, serial: "", issueDate: zone.validityStart, foyer: foyer, rights: .absent)
            return CardReading(identity: identity, verdict: .identified, atr: atr, driver: name)
        } catch {
            return stop(.faulty(reason: error.description))
        }
    }
}
