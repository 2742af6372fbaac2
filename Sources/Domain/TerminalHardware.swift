/// Where the terminal's card reader and printer tray stand, seen from the
/// assuré facing the screen (kiosk.yaml `hardware:`): the pictograms point
/// there (« Insérez votre carte », « Reprenez votre carte », the paper to
/// take). A fact of the cabinet, not a rule: set by the technician.
public struct TerminalHardware: Sendable, Hashable {
    public enum Side: String, Sendable, Hashable, CaseIterable {
        /// Right of the screen.
        case right
        /// Left of the screen.
        case left
        /// Under the screen.
        case below
    }

    public var cardReader: Side
    public var printerTray: Side

    /// What the pictograms showed before the side could be set: the reader
    /// and the tray under the screen.
    public init(cardReader: Side = .below, printerTray: Side = .below) {
        self.cardReader = cardReader; self.printerTray = printerTray
    }
}
