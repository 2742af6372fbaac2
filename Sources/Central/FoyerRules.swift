import CentralAPI
import Domain
import Foundation

/// The assuré's file as the rules read it (`CommandRules.apply`), and
/// what they answer written back: the central store decides nothing of a
/// command itself.
extension FoyerFile {
    var ruleState: FoyerState {
        FoyerState(situation: situation, address: address,
                   beneficiaries: persons.map {
                       FoyerState.Beneficiary(person: $0.person, ceam: $0.ceam, vitale: $0.vitale, rightsSufficient: $0.rightsSufficient,
                                              cardVisualOutdated: $0.cardVisualOutdated ?? false)
                   },
                   // The first record of a serial, as `card(_:)` reads it.
                   cards: Dictionary(cards.map { ($0.serial, $0.status) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Stores what an applied command changed.
    mutating func store(_ applied: AppliedCommand) {
        situation = applied.foyer.situation
        address = applied.foyer.address
        for (i, b) in applied.foyer.beneficiaries.enumerated() where persons.indices.contains(i) {
            persons[i].ceam = b.ceam
            persons[i].vitale = b.vitale
        }
        if let order = applied.vitaleOrder { placedOrders.append(order) }
        for change in applied.cardStatusChanges {
            guard let k = cards.firstIndex(where: { $0.serial == change.serial }) else { continue }
            cards[k].status = change.status
            cards[k].statusChangedAt = change.at
        }
    }
}
