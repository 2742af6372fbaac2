import CardReader
import DocumentCapture
import CentralAPI
import Crypto
import Domain
import Foundation
import KioskApp
import KioskConfig
import KioskStore
import Logging
import Printing
import SyncClient

/// The real parts of a kiosk, built from its configuration: the kiosk's
/// SQLite (outbox, reference cache, print ledger) in the state directory,
/// the central store's services, the PC/SC reader, the CUPS printer.
public final class KioskRuntimeParts: @unchecked Sendable {
    public let configuration: KioskConfiguration
    public let store: KioskStore
    public let services: CentralKioskServices
    public let cards: PCSCCardSource
    public let printer: any KioskPrinter
    /// The order's documents: the configured scanner (if any), previews, QR codes.
    public let documentDesk: KioskDocumentDesk
    let logger: Logger

    public struct BuildError: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - stateDirectory: `$STATE_DIRECTORY`, `--state`, or `.run/`.
    ///   - credentials: replaces the configuration's kiosk key (the demo registers a fresh one).
    public init(configuration c: KioskConfiguration, stateDirectory: URL, credentials: KioskCredentials? = nil,
                logger: Logger = Logger(label: "bms.kiosk.runtime")) throws {
        configuration = c
        self.logger = logger
        do { try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true) } catch {
            throw BuildError(description: "state directory \(stateDirectory.path) cannot be created: \(error.localizedDescription)")
        }
        do { store = try KioskStore(path: stateDirectory.appendingPathComponent("kiosk.sqlite").path) } catch {
            throw BuildError(description: "the kiosk's database in \(stateDirectory.path) cannot be opened: \(error)")
        }
        let creds = credentials ?? KioskCredentials(kioskID: c.central.keyFileKioskID ?? c.terminal.id, privateKey: c.central.privateKey)
        let client = CentralClient(baseURL: c.central.url, credentials: creds,
                                   timeout: .seconds(Int64(max(1, c.timeouts.centralRequestSeconds))))
        services = CentralKioskServices(sync: KioskSync(store: store, client: client), enabled: c.services, logger: logger)
        let trust = TrustStore(issuerKeys: c.trust.issuers.map { (id: $0.id, key: $0.publicKey) },
                               centralKeys: c.trust.central.map { (id: $0.id, key: $0.publicKey) })
        let choice: PCSCCardSource.ReaderChoice
        switch c.reader {
        case .any: choice = .any
        case .named(let prefix): choice = .named(prefix)
        }
        cards = PCSCCardSource(choice: choice, trust: TrustSource(configured: trust, store: store),
                               opposition: CachedOppositionList(store: store),
                               deadline: .seconds(Int64(max(1, min(c.timeouts.cardReadSeconds, 10)))))
        if let queue = c.printer.queue {
            printer = CUPSKioskPrinter(queue: CUPSPrinter(queue: queue), ledger: StorePrintJobLedger(store: store),
                                       caisse: Caisse(name: "Assurance Maladie", identifier: ""),
                                       followSeconds: Double(c.timeouts.printSeconds))
        } else {
            printer = NoPrinter()
        }
        documentDesk = KioskDocumentDesk(scanner: c.scanner.device.map { SANEScanner(device: $0) })
    }

    /// Reference data now, then the outbox relay and periodic refreshes in
    /// the background; the reader.
    public func start() async {
        cards.start()
        await services.start(syncInterval: TimeInterval(max(1, configuration.timeouts.syncIntervalSeconds)), waitForReference: false)
    }

    public func stop() {
        cards.stop()
        services.stop()
    }
}

extension KioskStore {
    /// Whether reference data was ever fetched (a kiosk that never reached
    /// its central store cannot check opposition offline).
    public var hasReference: Bool { ((try? reference()) ?? nil) != nil }
}
