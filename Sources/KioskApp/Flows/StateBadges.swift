import CentralAPI
import Domain
import KioskUI

/// Each beneficiary's CEAM and carte Vitale at a glance, in the services'
/// lists: a badge (pictogram, colour and word together, never the colour
/// alone), said by speech with the row. The sentence under it still says
/// the dates and why.
@MainActor
enum StateBadges {
    /// The CEAM: none, valid, ordered or renewal asked, lost or stolen; a
    /// request of this visit waiting in the outbox; nothing possible here.
    static func ceam(_ state: CEAMState, waiting: Bool, blocked: Bool, _ t: Catalog) -> [Badge] {
        var out: [Badge]
        if waiting {
            out = [Badge(.pending, t["badge.waiting"])]
        } else {
            switch state {
            case .none: out = [Badge(.inactive, t["badge.ceam.none"])]
            case .valid: out = [Badge(.ok, t["badge.ceam.valid"])]
            case .ordered(let o): out = [Badge(.pending, t[o.kind == .earlyRenewal ? "badge.ceam.renewed" : "badge.ceam.ordered"])]
            case .declaredLost(_, let kind, _): out = [Badge(.alert, t[kind == .vol ? "badge.ceam.stolen" : "badge.ceam.lost"])]
            }
        }
        if blocked { out.append(Badge(.blocked, t["badge.blocked"])) }
        return out
    }

    /// The carte Vitale: in service, none, deactivated (lost, stolen,
    /// faulty), ordered; a request waiting in the outbox; nothing possible here.
    static func vitale(_ state: VitaleCardState, waiting: Bool, blocked: Bool, _ t: Catalog) -> [Badge] {
        var out: [Badge]
        if waiting {
            out = [Badge(.pending, t["badge.waiting"])]
        } else {
            switch state {
            case .none: out = [Badge(.inactive, t["badge.vitale.none"])]
            case .active: out = [Badge(.ok, t["badge.vitale.active"])]
            case .invalidated(_, let reason, _): out = [Badge(.alert, t["badge.vitale.\(reason.rawValue)"])]
            case .ordered: out = [Badge(.pending, t["badge.vitale.ordered"])]
            }
        }
        if blocked { out.append(Badge(.blocked, t["badge.blocked"])) }
        return out
    }
}
