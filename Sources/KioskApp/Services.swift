import CentralAPI
import Domain
import Foundation

/// What the kiosk asks the central store during a session, in the central
/// API's own types (CentralAPI). `KioskRuntime.CentralKioskServices`
/// implements it over HTTP with the outbox; scenarios and tests run that
/// same one against the real central store in process
/// (`KioskAppTesting.ScenarioServices`).
public protocol KioskServices: Sendable {
    /// Checks the code personnel for the card's holder.
    func checkCode(_ code: String, card: CardIdentity) async throws -> CodeAttempts.Outcome
    /// The code personnel as the central store knows it, asked when the
    /// card is inserted: the code screen shows this count, a locked code
    /// goes straight to the locked screen. Nil when the central store does
    /// not answer: the screen then says no count rather than a wrong one.
    func codeStatus(card: CardIdentity) async -> CodeStatus?
    /// The services offered to this card today, in menu order.
    func services(for card: CardIdentity) async throws -> [KioskService]
    /// The foyer as the central store sees it today: each person's CEAM and
    /// carte Vitale state and the actions allowed today (or why not).
    func foyer(card: CardIdentity) async throws -> FoyerResponse
    /// Sends a provisional code by SMS to the mobile on file. Never throws:
    /// every way it can go wrong is an answer to show.
    func requestProvisionalCode(card: CardIdentity) async -> ProvisionalCodeOutcome
    /// A confirmed request: durable on the kiosk before this returns, sent
    /// at once when the central store answers, else queued.
    func submit(_ command: KioskCommand) async throws -> SubmitOutcome
    /// Signed EF.RIGHTS for the "mise à jour" of the card.
    func rights(card: CardIdentity) async throws -> RightsResponse
    /// What an attestation de droits prints.
    func attestation(card: CardIdentity) async throws -> AttestationResponse
    /// « Mes remboursements »: what the caisse paid within the period (nil:
    /// the default, the last months), for one person or the whole foyer.
    func payments(card: CardIdentity, from: CivilDate?, to: CivilDate?, person: Int?) async throws -> PaymentsResponse
    /// The indemnités journalières paid to the assuré within the period (nil: the last year).
    func dailyAllowances(card: CardIdentity, from: CivilDate?, to: CivilDate?) async throws -> DailyAllowancesResponse
    /// Countries where the CEAM is used (from the cached reference data).
    func ceamCountries() async -> [CEAMCountry]
    /// Requests confirmed with this card that wait on the kiosk (outbox),
    /// not yet acknowledged by the central store, oldest first. The central
    /// store's foyer does not show them yet: one démarche at a time means
    /// nothing else is offered meanwhile. Refused and parked ones are not
    /// pending. Never throws: a kiosk that cannot read its outbox says none.
    func pendingRequests(card: CardIdentity) async -> [PendingRequest]
    /// Provisional certificates the central store issued for requests this
    /// kiosk sent for the card, oldest first: the assuré may never have had
    /// one (card pulled while it was sent, or sent by the relay after they
    /// left). The CEAM flow prints each at most once (the command's job id).
    func issuedCertificates(card: CardIdentity) async -> [IssuedCertificate]
    /// Requests of this card the assuré was told were recorded, that the
    /// central store then refused by its rules, or that were parked, and
    /// that no screen has said yet: said once, at their next visit.
    func unsuccessfulRequests(card: CardIdentity) async -> [UnsuccessfulRequest]
    /// These were said on screen: not said again.
    func markTold(_ ids: [UUID]) async

    // The carte Vitale order's documents (issue 13) and its tracking.
    /// A one-time address for one document of this session: the phone's
    /// QR code, or where the scanner puts its image.
    func openUpload(session: UUID, kind: DocumentKind) async throws -> UploadSlotResponse
    func uploadState(id: UUID) async throws -> UploadStateResponse
    /// The document that arrived (the central store keeps its sealed copy for the order).
    func takeUpload(id: UUID) async throws -> ReceivedDocument
    /// The scanner's JPEG at the session's own address.
    func putDocument(id: UUID, jpeg: Data) async throws
    /// Card pulled, order abandoned: the address is closed, what arrived is dropped. Never throws.
    func closeUpload(id: UUID) async
    /// « Suivre ma commande de carte Vitale ».
    func vitaleOrders(card: CardIdentity) async throws -> VitaleOrdersResponse
}

/// A document as the central store gave it back: its format by its bytes.
public struct ReceivedDocument: Sendable, Hashable {
    public var format: DocumentFormat
    public var bytes: Data
    public init(format: DocumentFormat, bytes: Data) { self.format = format; self.bytes = bytes }
}

/// A confirmed request waiting in the kiosk's outbox: what the screen needs
/// to say it is on its way, no more than the outbox already holds.
public struct PendingRequest: Sendable, Hashable {
    public var id: UUID
    /// The person, in EF.BENEF order.
    public var personIndex: Int
    public var action: KioskCommand.Action
    /// The kiosk's clock when the assuré confirmed.
    public var confirmedAt: Date

    public init(id: UUID, personIndex: Int, action: KioskCommand.Action, confirmedAt: Date) {
        self.id = id; self.personIndex = personIndex; self.action = action; self.confirmedAt = confirmedAt
    }

    public init(_ command: KioskCommand) {
        self.init(id: command.id, personIndex: command.personIndex, action: command.action, confirmedAt: command.confirmedAt)
    }

    /// The CEAM action, for a CEAM request.
    public var ceamAction: CEAMAction? {
        if case .ceam(let r) = action { return r.action }
        return nil
    }
}

/// The code personnel's tries, as the central store counts them.
public struct CodeStatus: Sendable, Hashable {
    public var triesLeft: Int
    public var locked: Bool
    public init(triesLeft: Int, locked: Bool) { self.triesLeft = triesLeft; self.locked = locked }
}

/// A provisional code request's answer, or why it could not be asked.
public enum ProvisionalCodeOutcome: Sendable, Hashable {
    /// The central store answered: sent, no mobile, too many, SMS failed.
    case answered(ProvisionalCodeResponse)
    /// The central store cannot be reached: codes cannot be queued.
    case unavailable(message: String)
}

/// A confirmed request's fate.
public enum SubmitOutcome: Sendable, Hashable {
    /// The central store applied it (or refused it by its rules: see the receipt's status).
    case acknowledged(CommandReceipt)
    /// Kept in the kiosk's outbox: sent when the central store answers.
    case queued(message: String)
}

/// Failures a service reports to the screen, with the words to show.
public struct ServiceFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The central store is away or slow: try again later.
        case unavailable
        /// The card is refused by the central store (lost, stolen…).
        case cardRefused
        /// Anything else: the request was not understood.
        case failed
    }
    public var kind: Kind
    /// For logs: no personal data.
    public var detail: String
    public init(_ kind: Kind, _ detail: String) { self.kind = kind; self.detail = detail }
    public var description: String { "\(kind.rawValue): \(detail)" }
}

/// Documents the kiosk prints. The printing part lays them out (PDF) and
/// sends them to CUPS; the kiosk only says what and for whom.
public enum KioskDocument: Sendable, Hashable {
    /// Attestation de droits for one person of the foyer.
    case attestation(AttestationResponse, personIndex: Int)
    /// CEAM certificat provisoire de remplacement.
    case ceamProvisionalCertificate(ProvisionalCertificate, person: Person)
    /// A paper copy of a valid CEAM ("Voir / imprimer"), for information.
    case ceamCardCopy(person: Person, validUntil: CivilDate, printedOn: CivilDate)
    /// Récépissé of a confirmed request (`what` in the assuré's words).
    case receipt(command: KioskCommand, person: Person, what: String, transmitted: Bool, nextStep: String?)
    /// Relevé de remboursements: the payments as the central store served them, the foyer's persons to name them.
    case paymentsStatement(PaymentsResponse, persons: [Person])
    /// Attestation de paiement des indemnités journalières.
    case dailyAllowancesAttestation(DailyAllowancesResponse)
    /// A page a service writes itself (« Mes informations »): printed like
    /// the documents above, under the caisse's name. A new service prints
    /// through it, with no case here nor in the printer.
    case sheet(DocumentSheet)
}

/// A printed page as words in reading order: what a service gives the
/// printer when it has no form of its own. The printing part lays it out
/// (A4, French typography) under the caisse's line, as its own documents.
/// In French, whatever the screen's language (`FlowContext.documentCatalog`):
/// it is an Assurance Maladie document.
public struct DocumentSheet: Sendable, Hashable {
    public enum Block: Sendable, Hashable {
        case title(String)
        case subtitle(String)
        case heading(String)
        case paragraph(String)
        /// A label and its value side by side.
        case field(label: String, value: String)
        /// Small print at the end.
        case note(String)
        case space
    }

    /// What the document is, for the print job's id and the logs
    /// (« mes-informations »): never personal data.
    public var kind: String
    /// The PDF's title (also what logs call it): never personal data.
    public var title: String
    public var blocks: [Block]

    public init(kind: String, title: String, blocks: [Block]) {
        self.kind = kind
        self.title = title
        self.blocks = blocks
    }
}

/// What became of a print request, in words for the assuré.
public enum PrintOutcome: Sendable, Hashable {
    case printed
    /// Already printed for this request: not printed twice.
    case alreadyPrinted
    /// The printer cannot print now (paper out, stopped): nothing was sent.
    case printerUnavailable(message: String)
    case failed(message: String)
}

/// Prints each `jobID` at most once.
public protocol KioskPrinter: Sendable {
    func print(_ document: KioskDocument, jobID: String) async -> PrintOutcome
}

/// A printer that refuses everything: a kiosk with no printer configured.
public struct NoPrinter: KioskPrinter {
    public init() {}
    public func print(_ document: KioskDocument, jobID: String) async -> PrintOutcome {
        .printerUnavailable(message: "no printer")
    }
}

/// The services of a kiosk out of service (no valid configuration, no
/// runtime): nothing is offered, every call says the service is unavailable.
/// Not a central store: the out-of-service screen never reaches a service.
public struct OutOfServiceKioskServices: KioskServices {
    public init() {}
    static let failure = ServiceFailure(.unavailable, "out of service: no central store configured")
    public func checkCode(_ code: String, card: CardIdentity) async throws -> CodeAttempts.Outcome { throw Self.failure }
    public func codeStatus(card: CardIdentity) async -> CodeStatus? { nil }
    public func services(for card: CardIdentity) async throws -> [KioskService] { [] }
    public func foyer(card: CardIdentity) async throws -> FoyerResponse { throw Self.failure }
    public func requestProvisionalCode(card: CardIdentity) async -> ProvisionalCodeOutcome { .unavailable(message: Self.failure.detail) }
    public func submit(_ command: KioskCommand) async throws -> SubmitOutcome { throw Self.failure }
    public func rights(card: CardIdentity) async throws -> RightsResponse { throw Self.failure }
    public func attestation(card: CardIdentity) async throws -> AttestationResponse { throw Self.failure }
    public func payments(card: CardIdentity, from: CivilDate?, to: CivilDate?, person: Int?) async throws -> PaymentsResponse { throw Self.failure }
    public func dailyAllowances(card: CardIdentity, from: CivilDate?, to: CivilDate?) async throws -> DailyAllowancesResponse { throw Self.failure }
    public func ceamCountries() async -> [CEAMCountry] { [] }
    public func pendingRequests(card: CardIdentity) async -> [PendingRequest] { [] }
    public func issuedCertificates(card: CardIdentity) async -> [IssuedCertificate] { [] }
    public func unsuccessfulRequests(card: CardIdentity) async -> [UnsuccessfulRequest] { [] }
    public func markTold(_ ids: [UUID]) async {}
    public func openUpload(session: UUID, kind: DocumentKind) async throws -> UploadSlotResponse { throw Self.failure }
    public func uploadState(id: UUID) async throws -> UploadStateResponse { throw Self.failure }
    public func takeUpload(id: UUID) async throws -> ReceivedDocument { throw Self.failure }
    public func putDocument(id: UUID, jpeg: Data) async throws { throw Self.failure }
    public func closeUpload(id: UUID) async {}
    public func vitaleOrders(card: CardIdentity) async throws -> VitaleOrdersResponse { throw Self.failure }
}
