/// A request made with a card that is no longer active (seed 000: the order
/// of a new carte Vitale right after declaring the one in the reader lost).
///
/// The session was opened while the card was active; the declaration made
/// in it is what made the card inactive. Only that declaration lets a later
/// request of the same session through: any other command — of another card,
/// another foyer, or one that was refused — explains nothing.
public struct CommandPredecessor: Hashable, Sendable {
    /// The predecessor was applied (not refused by the rules).
    public var applied: Bool
    /// The card its declaration invalidated, nil when it invalidated none.
    public var invalidatedCard: String?

    public init(applied: Bool, invalidatedCard: String?) {
        self.applied = applied
        self.invalidatedCard = invalidatedCard
    }
}

public enum InactiveCardRule {
    /// Whether a request sent with `card` may be considered at all: the
    /// card is active, or the request follows the applied declaration that
    /// made this very card inactive.
    public static func mayProceed(card: String, cardActive: Bool, after predecessor: CommandPredecessor?) -> Bool {
        if cardActive { return true }
        guard let predecessor, predecessor.applied else { return false }
        return predecessor.invalidatedCard == card
    }
}
