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

        // 1. EF.CARD, EF.BENEF, EF.CERT.
        var files: [BMSVIT.FileID: [UInt8]] = [:]
        for fid in [BMSVIT.FileID.card, .benef, .cert] {
            switch try await transport.readFile(fid.rawValue, name: fid.description, maxBytes: maxFileBytes) {
            case .success(let bytes?): files[fid] = bytes
            case .success(nil): return stop(.faulty(reason: "\(fid) not found on the card"))
            case .failure(.verdict(let v)): return stop(v)
            }
        }
        // 2. Parse them and check the certificate on the CPU while the card
        //    answers the next commands (the round trips dominate a read).
        async let checked = checkFiles(card: files[.card]!, benef: files[.benef]!, cert: files[.cert]!)
        // 3. EF.RIGHTS (absent on a card never updated).
        let rightsBytes: [UInt8]
        switch try await transport.readFile(BMSVIT.FileID.rights.rawValue, name: "EF.RIGHTS", maxBytes: maxFileBytes) {
        case .success(let bytes): rightsBytes = bytes ?? []
        case .failure(.verdict(let v)): _ = await checked; return stop(v)
        }
        async let rightsSignature = checkRightsSignature(rightsBytes)
        // 4. A fresh challenge, whatever the files say: answering it is the
        //    only proof that the chip holds the certified key.
        var rng = SystemRandomNumberGenerator()
        let challenge = (0..<4).flatMap { _ in withUnsafeBytes(of: rng.next() as UInt64) { Array($0) } }
        let answer = try await transport.send(.internalAuthenticate(challenge: challenge))

        let files3: CheckedFiles
        switch await checked {
        case .failure(let f): _ = await rightsSignature; return stop(f.verdict)
        case .success(let f): files3 = f
        }
        let rights = checkRights(await rightsSignature, foyer: files3.benef.foyer)
        let identity = CardIdentity(profile: .bmsVit, serial: files3.card.serial, issueDate: files3.card.issueDate,
                                    generation: files3.card.generation, issuer: files3.card.issuer, foyer: files3.benef.foyer, rights: rights)
        var verdict = files3.certificateVerdict
        if verdict == nil {
            switch answer.sw.outcome {
            case .success:
                if let proof = try? P256.Signing.ECDSASignature(rawRepresentation: answer.data), answer.data.count == 64,
                   files3.cardKey.isValidSignature(proof, for: BMSVIT.authenticationMessage(challenge: challenge, serial: files3.card.serial)) {
                    verdict = .authentic
                } else {
                    verdict = .forged(reason: "the card cannot sign with its certified key: a copy of another card's files")
                }
            case let other: verdict = other.verdict(during: "INTERNAL AUTHENTICATE")
            }
        }
        if verdict == .authentic, await opposition.isOpposed(serial: files3.card.serial) == true { verdict = .invalidated }
        return CardReading(identity: identity, verdict: verdict!, atr: atr, driver: name)
    }

    struct VerdictStop: Error { let verdict: CardVerdict; init(_ v: CardVerdict) { verdict = v } }
    struct RightsStop: Error { let status: CardRightsStatus; init(_ s: CardRightsStatus) { status = s } }

    struct CheckedFiles: Sendable {
        var card: CardFile
        var benef: BenefFile
        /// The card key the certificate vouches for (when it parses).
        var cardKey: P256.Signing.PublicKey
        /// nil when the certificate is good: the challenge decides.
        var certificateVerdict: CardVerdict?
    }

    /// The files against the profile, then the certificate: trusted issuer,
    /// signature, serial, dates.
    func checkFiles(card cardBytes: [UInt8], benef benefBytes: [UInt8], cert certBytes: [UInt8]) async -> Result<CheckedFiles, VerdictStop> {
        let card: CardFile, benef: BenefFile, cert: CertificateFile
        do {
            card = try CardFile.decode(cardBytes)
            benef = try BenefFile.decode(benefBytes)
            cert = try CertificateFile.decode(certBytes)
        } catch {
            logger.notice("card files do not follow the profile", metadata: ["error": "\(error)"])
            return .failure(VerdictStop(.faulty(reason: error.description)))
        }
        guard let cardKey = try? P256.Signing.PublicKey(x963Representation: cert.cardPublicKey) else {
            return .failure(VerdictStop(.forged(reason: "the certificate's card key is not a P-256 point")))
        }
        return .success(CheckedFiles(card: card, benef: benef, cardKey: cardKey, certificateVerdict: certificateVerdict(card: card, cert: cert)))
    }

    func certificateVerdict(card: CardFile, cert: CertificateFile) -> CardVerdict? {
        guard let keyID = TrustStore.KeyID(cert.issuerKeyID), let issuerKey = trust.issuers[keyID] else { return .unknownIssuer }
        guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: cert.signature),
              issuerKey.isValidSignature(sig, for: cert.signedBytes) else {
            return .forged(reason: "the certificate's signature does not verify under its issuer key")
        }
        guard cert.serial == card.serial else { return .forged(reason: "the certificate names another card serial") }
        let today = clock.today
        guard cert.notBefore <= today, today <= cert.notAfter else { return .expired }
        return nil
    }

    /// EF.RIGHTS parsed and its signature checked; the holder is checked
    /// once EF.BENEF is known.
    func checkRightsSignature(_ bytes: [UInt8]) async -> Result<RightsFile?, RightsStop> {
        let file: RightsFile?
        do { file = try RightsFile.decode(bytes) } catch {
            return .failure(RightsStop(.untrusted(reason: "rights are malformed: \(error)")))
        }
        guard let file else { return .success(nil) }
        guard let keyID = TrustStore.KeyID(file.keyID), let key = trust.central[keyID] else {
            return .failure(RightsStop(.untrusted(reason: "rights are signed by an unknown key")))
        }
        guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: file.signature),
              key.isValidSignature(sig, for: file.signedBytes) else {
            return .failure(RightsStop(.untrusted(reason: "the rights' signature does not verify")))
        }
        return .success(file)
    }

    /// EF.RIGHTS: absent, trusted, or untrusted (never shown as valid).
    func checkRights(_ signed: Result<RightsFile?, RightsStop>, foyer: Foyer) -> CardRightsStatus {
        let file: RightsFile
        switch signed {
        case .failure(let f): return f.status
        case .success(nil): return .absent
        case .success(let f?): file = f
        }
        guard file.holderNIR == foyer.holder.ouvrantDroitNIR else { return .untrusted(reason: "the rights belong to another assuré") }
        guard file.persons.allSatisfy({ $0.index < foyer.persons.count }) else {
            return .untrusted(reason: "the rights name a person who is not on the card")
        }
        return .trusted(issuedAt: file.issuedAt, persons: file.persons)
    }
}
