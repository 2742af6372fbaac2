import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Mise à jour de la carte Vitale": the central store signs the rights
/// (EF.RIGHTS), the kiosk writes them on the card in the reader, reads them
/// back and checks them (`CardRightsWriter`). A card pulled mid-write reads
/// as needing an update next time, never as up to date.
@MainActor
final class UpdateFlow: Flow {
    enum Step: Equatable {
        /// No card writer on this kiosk.
        case notAvailable
        case intro
        case fetching
        /// "Ne retirez pas votre carte".
        case writing
        case updated
        /// The card left the reader during the write.
        case pulled
        /// Another card is in the reader: nothing written.
        case otherCard
        case failed
        /// The central store did not answer: nothing written.
        case unavailable
    }

    let service = KioskService.miseAJour
    /// Settable in this module: tests draw every step.
    var step = Step.intro

    var isWaiting: Bool { step == .fetching || step == .writing }

    func start(_ c: KioskController) {
        // Only BMS-VIT cards carry EF.RIGHTS; a Vitale 2 is updated elsewhere (pharmacy, caisse).
        step = c.rightsWriter == nil || c.session.identity?.profile != .bmsVit ? .notAvailable : .intro
    }

    /// A card taken out once the update was asked (before, during or just
    /// after the write): the next screen
    /// (the attract screen) says it was not updated.
    var noticeOnRemoval: String? { [.fetching, .writing, .pulled].contains(step) ? "update.pulled" : nil }

    func tap(_ id: String, _ c: KioskController) async -> Bool {
        guard id == "update.start" || id == "update.retry" else { return false }
        guard let writer = c.rightsWriter, let card = c.session.identity else { return true }
        switch step {
        case .intro, .failed, .unavailable, .otherCard: break
        default: return true // one write at a time
        }
        step = .fetching
        c.background { [weak self] in
            let rights: RightsResponse
            do { rights = try await c.services.rights(card: card) } catch {
                guard let self, c.isCurrent(self) else { return }
                self.step = .unavailable
                return
            }
            guard let self, c.isCurrent(self) else { return }
            self.step = .writing
            c.changed()
            let outcome = await writer.writeRights(rights.efRights, serial: card.serial)
            guard c.isCurrent(self) else {
                // Wiped meanwhile (card removed): say so on the next screen.
                if outcome != .updated { c.attractNotice = "update.pulled" }
                return
            }
            switch outcome {
            case .updated: self.step = .updated
            case .cardRemoved: self.step = .pulled
            case .otherCard: self.step = .otherCard
            case .failed: self.step = .failed
            }
        }
        return true
    }

    func screen(_ c: KioskController) -> ScreenModel {
        let t = c.catalog
        let title = t["update.title"]
        let footer = [FlowText.finish(t), FlowText.back(t)]
        func result(_ banner: Banner, _ what: String, retry: Bool = false) -> ScreenModel {
            var nodes: [Node] = [.text(Text(what, id: "update.what"))]
            if retry { nodes.append(.button(Button(id: "update.retry", label: t["flow.retry"], style: .primary))) }
            nodes.append(.flexible)
            return ScreenModel(id: "flow.miseAJour", title: title, banner: banner, body: .vstack(nodes, spacingMM: 5), footer: footer,
                               focusID: retry ? "update.retry" : nil)
        }
        switch step {
        case .notAvailable:
            return result(Banner(kind: .info, text: t["update.notAvailable"]), t["update.notAvailable.what"])
        case .intro:
            return ScreenModel(id: "flow.miseAJour", title: title, body: .vstack([
                .text(Text(t["update.about"], id: "update.about")),
                .text(Text(t["update.keepCard"], style: .title, id: "update.keepCard")),
                .flexible,
                .button(Button(id: "update.start", label: t["update.start"], style: .primary)),
            ], spacingMM: 6), footer: footer, focusID: "update.start")
        case .fetching:
            return ScreenModel(id: "flow.miseAJour", title: title, body: FlowText.wait("update.wait", t["update.fetching"], c), footer: [])
        case .writing:
            // No footer: nothing to tap while the card is written.
            return ScreenModel(id: "flow.miseAJour", title: title, body: .vstack([
                .flexible,
                .text(Text(t["update.writing.keep"], style: .display, alignment: .center, id: "update.writing.keep")),
                .progress(Progress(id: "update.wait", message: t["update.writing"], phase: c.animationPhase)),
                .flexible,
            ], spacingMM: 6))
        case .updated:
            return result(Banner(kind: .info, text: t["update.updated"]), t["update.updated.what"])
        case .pulled:
            return result(Banner(kind: .error, text: t["update.pulled"]), t["update.pulled.what"])
        case .otherCard:
            return result(Banner(kind: .error, text: t["update.otherCard"]), t["update.otherCard.what"], retry: true)
        case .failed:
            return result(Banner(kind: .error, text: t["update.failed"]), t["update.failed.what"], retry: true)
        case .unavailable:
            return result(Banner(kind: .error, text: t["flow.unavailable"]), t["update.unavailable.what"], retry: true)
        }
    }
}

/// A card writer for scenarios and tests, where no card is in a reader.
/// A fake: `CardReader` writes EF.RIGHTS over PC/SC.
public final class FakeCardRightsWriter: CardRightsWriter, @unchecked Sendable {
    public enum Mode: String, Sendable { case update, pull, fail, otherCard }
    private let lock = NSLock()
    private var _mode: Mode
    private var _written: [Data] = []

    public init(mode: Mode = .update) { _mode = mode }

    public var mode: Mode {
        get { lock.withLock { _mode } }
        set { lock.withLock { _mode = newValue } }
    }

    /// What was written and read back equal (`update` mode only).
    public var written: [Data] { lock.withLock { _written } }

    public func writeRights(_ efRights: Data, serial: String) async -> RightsWriteOutcome {
        lock.withLock {
            switch _mode {
            case .update: _written.append(efRights); return .updated
            case .pull: return .cardRemoved
            case .fail: return .failed(reason: "fake write refused")
            case .otherCard: return .otherCard
            }
        }
    }
}
