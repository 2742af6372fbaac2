import Crypto
import Domain
import Foundation

/// Everything a terminal is told by its technician, read from the files of
/// one directory (`kiosk-config/`):
/// - `kiosk.yaml`: the terminal, its screen, languages, services, timeouts,
///   speech, printer, reader, where the reader and tray stand, logs and where its trusted keys are;
/// - `central.yaml`: the central store's URL and this kiosk's key file;
/// - `rules.yaml` (optional): the rule parameters a caisse may tune;
/// - trusted public keys (PEM), by default under `trust/issuers/` and `trust/central/`.
public struct KioskConfiguration: Sendable {
    public var terminal: Terminal
    public var screen: Screen
    public var languages: Languages
    /// In the order of the file: the menu shows them in this order.
    public var services: [KioskService]
    public var timeouts: Timeouts
    public var speech: Speech
    public var printer: Printer
    /// The document scanner of the carte Vitale order (optional).
    public var scanner: Scanner = Scanner(device: nil)
    public var reader: ReaderChoice
    /// Where the card reader and the printer's tray stand beside the screen
    /// (`hardware:`, optional): the pictograms' arrows point there.
    public var hardware: TerminalHardware
    public var logging: LogSettings
    public var central: Central
    public var trust: TrustedKeys
    public var rules: RuleParameters
    /// The directory the files were read from.
    public var directory: URL

    public struct Terminal: Sendable, Hashable {
        /// The kiosk id the central store knows (1–64 of letters, digits, `-`, `_`, `.`).
        public var id: String
        /// Where it stands, for operators ("CPAM de Paris, accueil Rue de Flandre").
        public var site: String
    }

    public struct Screen: Sendable, Hashable {
        public enum Orientation: String, Sendable, Hashable, CaseIterable { case landscape, portrait }
        /// Pixels as the user sees the screen.
        public var width: Int
        public var height: Int
        /// Visible width in millimetres, so that touch targets are ≥ 20 mm.
        public var physicalWidthMM: Double
        public var orientation: Orientation
        public var fullscreen: Bool
    }

    public struct Languages: Sendable, Hashable {
        /// ISO 639-1 codes, in the order of the language menu.
        public var offered: [String]
        /// The language of the attract screen and of every new session.
        public var `default`: String
    }

    public struct Timeouts: Sendable, Hashable {
        public var cardReadSeconds: Int
        public var centralRequestSeconds: Int
        public var printSeconds: Int
        /// While out of service, the kiosk retries (central, printer, config) this often.
        public var outOfServiceRetrySeconds: Int
        /// The outbox is pushed to the central store this often.
        public var syncIntervalSeconds: Int
    }

    public struct Speech: Sendable, Hashable {
        /// Speak each screen on change (the "Écouter" button works either way).
        public var enabled: Bool
        /// An espeak-ng voice name ("fr", "fr-fr", "en-gb"…).
        public var voice: String
        public var wordsPerMinute: Int
    }

    public struct Printer: Sendable, Hashable {
        /// The CUPS queue for attestations; nil: the kiosk has no printer.
        public var queue: String?
    }

    public struct Scanner: Sendable, Hashable {
        /// The SANE device name (`scanimage -L` lists them, e.g.
        /// "genesys:libusb:001:004"; "test:0" is SANE's test backend); nil:
        /// the kiosk has no scanner, documents come from the assuré's phone.
        public var device: String?
        public init(device: String?) { self.device = device }
    }

    public enum ReaderChoice: Sendable, Hashable {
        /// The first reader with a card.
        case any
        /// A PC/SC reader whose name starts with this text (the slot
        /// numbers at the end of a name change when readers are re-plugged).
        case named(String)
    }

    public struct LogSettings: Sendable, Hashable {
        /// trace, debug, info, notice, warning, error, critical.
        public var level: String
        /// A secret of at least 32 bytes for the keyed hashes that stand
        /// for a NIR in logs; nil: a random key per boot (hashes then
        /// correlate within one run only).
        public var redactionKey: Data?
    }

    public struct Central: Sendable {
        public var url: URL
        /// Where the kiosk's private key was read from.
        public var keyFile: URL
        /// The kiosk id written in the key file, when it is the JSON form.
        public var keyFileKioskID: String?
        public var privateKey: P256.Signing.PrivateKey
    }

    /// Every language the kiosk may offer; each needs its catalog in
    /// `Assets/i18n/<code>.json`.
    public static let knownLanguages = ["fr", "en", "es", "de", "it", "pt", "nl", "ar", "tr", "ro", "pl", "zh", "ru", "uk"]
}

/// Trusted public keys by 8-byte key id (the first 8 bytes of SHA-256 over
/// the uncompressed point, as the card profile and the test-card maker name them).
public struct TrustedKeys: Sendable {
    public struct Key: Sendable {
        /// 8 bytes.
        public var id: [UInt8]
        public var publicKey: P256.Signing.PublicKey
        /// The file it came from.
        public var file: URL
        public var idHex: String { id.map { String(format: "%02X", $0) }.joined() }
    }
    /// Issuers of card certificates (EF.CERT).
    public var issuers: [Key]
    /// Central stores that sign EF.RIGHTS.
    public var central: [Key]

    public init(issuers: [Key] = [], central: [Key] = []) { self.issuers = issuers; self.central = central }

    /// The card profile's key id for `key`.
    public static func keyID(for key: P256.Signing.PublicKey) -> [UInt8] {
        Array(SHA256.hash(data: key.x963Representation).prefix(8))
    }
}
