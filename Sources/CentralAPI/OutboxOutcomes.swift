import Domain
import Foundation

/// A kiosk command that did not go through: refused by the central store's
/// rules, or parked as a dead letter, and not yet said to the assuré. Not on
/// the wire: the kiosk's outbox (`KioskStore`) keeps it and the services
/// seam (`KioskApp`) shows it, both in these words.
public struct UnsuccessfulRequest: Sendable, Hashable {
    public var id: UUID
    public var personIndex: Int
    /// The command's name (`KioskCommand.Action.name`): "ceam.order", "vitale.declare.perte"…
    public var action: String
    /// When the assuré confirmed it (the kiosk's clock).
    public var confirmedAt: Date
    /// Parked as a dead letter (not refused by the rules: a technician may still send it).
    public var parked: Bool

    public init(id: UUID, personIndex: Int, action: String, confirmedAt: Date, parked: Bool) {
        self.id = id; self.personIndex = personIndex; self.action = action; self.confirmedAt = confirmedAt; self.parked = parked
    }
}

/// A provisional certificate the central store issued for a command of this
/// kiosk. Not on the wire either: the outbox keeps it with the command's
/// receipt, the services seam hands it to the screens that print it.
public struct IssuedCertificate: Sendable, Hashable {
    /// The command's id, also its print job's: it prints once.
    public var commandID: UUID
    public var personIndex: Int
    public var certificate: ProvisionalCertificate

    public init(commandID: UUID, personIndex: Int, certificate: ProvisionalCertificate) {
        self.commandID = commandID; self.personIndex = personIndex; self.certificate = certificate
    }
}
