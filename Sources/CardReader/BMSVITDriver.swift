import CardProfile
import Crypto
import Domain
import Foundation
import Logging

/// Driver 1: the open BMS-VIT profile (card-profile.md). Reads EF.CARD,
/// EF.BENEF, EF.CERT and EF.RIGHTS, then proves the card authentic with a
/// fresh INTERNAL AUTHENTICATE.
public struct BMSVITDriver: CardDriver {
    public let name = "BMS-VIT"
    public var trust: TrustStore
    public var opposition: any CardOppositionList
    public var clock: any Domain.Clock
    public var maxFileBytes = 8 * 1024
    let logger: Logger

    public init(trust: TrustStore, opposition: any CardOppositionList = NoOppositionList(), clock: any Domain.Clock = SystemClock(),
                logger: Logger = Logger(label: "bms.card.bmsvit")) {
        self.trust = trust; self.opposition = opposition; self.clock = clock; self.logger = logger
    }

    public func read(_ transport: APDUTransport, atr: [UInt8]) async throws(CardTransportError) -> CardReading? {
        let select = try await transport.send(.select(aid: BMSVIT.aid))
        switch select.sw.outcome {
        case .success: break
        case .notFound, .instructionNotSupported, .classNotSupported, .wrongLength, .unknown: return nil
        case let other: return CardReading(identity: nil, verdict: other.verdict(during: "SELECT BMS-VIT"), atr: atr, driver: name)
        }
        func stop(_ v: CardVerdict) -> CardReading { CardReading(identity: nil, verdict: v, atr: atr, driver: name) }

        // 1. The files.
        var files: [BMSVIT.FileID: [UInt8]] = [:]
        for fid in [BMSVIT.FileID.card, .benef, .cert, .rights] {
            switch try await transport.readFile(fid.rawValue, name: fid.description, maxBytes: maxFileBytes) {
            case .success(let bytes?): files[fid] = bytes
            case .success(nil) where fid == .rights: files[fid] = []
            case .success(nil): return stop(.faulty(reason: "\(fid) not found on the card"))
            case .failure(.verdict(let v)): return stop(v)
            }
        }
        let card: CardFile, benef: BenefFile, cert: CertificateFile
        do {
            card = try CardFile.decode(files[.card]!)
            benef = try BenefFile.decode(files[.benef]!)
            cert = try CertificateFile.decode(files[.cert]!)
        } catch {
            logger.notice("card files do not follow the profile", metadata: ["error": "\(error)"])
            return stop(.faulty(reason: error.description))
        }
        let rights = checkRights(files[.rights]!, foyer: benef.foyer)
        let identity = CardIdentity(profile: .bmsVit, serial: card.serial, issueDate: card.issueDate, generation: card.generation,
                                    issuer: card.issuer, foyer: benef.foyer, rights: rights)
        let verdict = try await authenticate(transport, card: card, cert: cert)
        if verdict == .authentic, await opposition.isOpposed(serial: card.serial) == true {
            return CardReading(identity: identity, verdict: .invalidated, atr: atr, driver: name)
        }
        return CardReading(identity: identity, verdict: verdict, atr: atr, driver: name)
    }

    /// Certificate under a trusted issuer, serial, dates, then a fresh
    /// challenge signed by the certified key.
    func authenticate(_ transport: APDUTransport, card: CardFile, cert: CertificateFile) async throws(CardTransportError) -> CardVerdict {
        guard let keyID = TrustStore.KeyID(cert.issuerKeyID), let issuerKey = trust.issuers[keyID] else { return .unknownIssuer }
        guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: cert.signature),
              issuerKey.isValidSignature(sig, for: cert.signedBytes) else {
            return .forged(reason: "the certificate's signature does not verify under its issuer key")
        }
        guard cert.serial == card.serial else { return .forged(reason: "the certificate names another card serial") }
        let today = clock.today
        guard cert.notBefore <= today, today <= cert.notAfter else { return .expired }
        guard let cardKey = try? P256.Signing.PublicKey(x963Representation: cert.cardPublicKey) else {
            return .forged(reason: "the certificate's card key is not a P-256 point")
        }
        var rng = SystemRandomNumberGenerator()
        let challenge = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let answer = try await transport.send(.internalAuthenticate(challenge: challenge))
        switch answer.sw.outcome {
        case .success: break
        case let other: return other.verdict(during: "INTERNAL AUTHENTICATE")
        }
        guard answer.data.count == 64, let proof = try? P256.Signing.ECDSASignature(rawRepresentation: answer.data),
              cardKey.isValidSignature(proof, for: BMSVIT.authenticationMessage(challenge: challenge, serial: card.serial)) else {
            return .forged(reason: "the card cannot sign with its certified key: a copy of another card's files")
        }
        return .authentic
    }

    /// EF.RIGHTS: absent, trusted, or untrusted (never shown as valid).
    func checkRights(_ bytes: [UInt8], foyer: Foyer) -> CardRightsStatus {
        let file: RightsFile?
        do { file = try RightsFile.decode(bytes) } catch {
            return .untrusted(reason: "rights are malformed: \(error)")
        }
        guard let file else { return .absent }
        guard let keyID = TrustStore.KeyID(file.keyID), let key = trust.central[keyID] else {
            return .untrusted(reason: "rights are signed by an unknown key")
        }
        guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: file.signature),
              key.isValidSignature(sig, for: file.signedBytes) else {
            return .untrusted(reason: "the rights' signature does not verify")
        }
        guard file.holderNIR == foyer.holder.ouvrantDroitNIR else { return .untrusted(reason: "the rights belong to another assuré") }
        guard file.persons.allSatisfy({ $0.index < foyer.persons.count }) else {
            return .untrusted(reason: "the rights name a person who is not on the card")
        }
        return .trusted(issuedAt: file.issuedAt, persons: file.persons)
    }
}
