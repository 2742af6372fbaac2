import Foundation

/// What the assuré confirmed. Sent at least once; applied once by `id`.
/// Its effect is `CommandRules.apply`'s answer; on the wire (CentralAPI, the
/// kiosk's outbox) it is this type's JSON, unchanged.
public struct KioskCommand: Codable, Sendable, Hashable, Identifiable {
    public enum Action: Codable, Sendable, Hashable {
        case ceam(CEAMRequest)
        case vitaleDeclaration(reason: VitaleDeclarationReason, commitsToReturnFoundCard: Bool)
        /// A new carte Vitale (seed 000): the use case, the documents, the
        /// sworn statement. Nil only in an order of a kiosk from before the
        /// documents: refused (`documentMissing`).
        case vitaleOrder(order: VitaleOrderRequest?)
        /// The foyer's new postal address (seed 001 §5 « Déclarer un
        /// changement d'adresse »: « pour vous et vos ayants droit »).
        case addressChange(PostalAddress)

        /// A short name for logs and the audit trail (never the address).
        public var name: String {
            switch self {
            case .ceam(let r): return "ceam.\(r.action.rawValue)"
            case .vitaleDeclaration(let reason, _): return "vitale.declare.\(reason.rawValue)"
            case .vitaleOrder: return "vitale.order"
            case .addressChange: return "address.change"
            }
        }
    }

    public var id: UUID
    /// The card the session was opened with.
    public var serial: String
    /// Index of the person in EF.BENEF order.
    public var personIndex: Int
    public var action: Action
    /// The kiosk's clock when the assuré confirmed (informative: the central
    /// store decides on its own clock).
    public var confirmedAt: Date
    /// A command that must be applied first (an order after its declaration):
    /// until it is, the central store answers `dependency_pending`.
    public var after: UUID?

    public init(id: UUID = UUID(), serial: String, personIndex: Int, action: Action, confirmedAt: Date, after: UUID? = nil) {
        self.id = id
        self.serial = serial
        self.personIndex = personIndex
        self.action = action
        self.confirmedAt = confirmedAt
        self.after = after
    }
}
