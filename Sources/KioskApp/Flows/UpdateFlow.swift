import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Mise à jour de la carte Vitale": the central store signs the rights
/// (EF.RIGHTS), the kiosk writes them on the card in the reader, reads them
/// back and checks them (`CardRightsWriter`). A card pulled mid-write reads
/// as needing an update next time, never as up to date.
enum UpdateMachine: ServiceMachine {
    enum State: Equatable {
        /// No card writer on this kiosk, or a card without EF.RIGHTS (the
        /// menu does not offer the service then: a fallback, said plainly).
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

    enum Event: MachineEvent {
        case start, retry
        /// Answers.
        case fetched(RightsResponse?)
        case written(RightsWriteOutcome)

        var widgetID: String? {
            switch self {
            case .start: "update.start"
            case .retry: "update.retry"
            case .fetched, .written: nil
            }
        }
    }

    enum Effect: Equatable {
        case fetchRights
        case write(Data)
    }

    static let service = KioskService.miseAJour
    static let steps = ["update.step.start", "update.step.write", "update.step.result"]
    static func step(_ s: State) -> Int {
        switch s {
        case .notAvailable, .intro: 0
        case .fetching, .writing: 1
        case .updated, .pulled, .otherCard, .failed, .unavailable: 2
        }
    }

    static func isWaiting(_ s: State) -> Bool { s == .fetching || s == .writing }

    /// A card taken out once the update was asked (before, during or just
    /// after the write): the next screen (the attract screen) says it was
    /// not updated.
    static func noticeOnRemoval(_ s: State) -> String? { [.fetching, .writing, .pulled].contains(s) ? "update.pulled" : nil }

    /// The mise à jour needs a card writer and a card that carries EF.RIGHTS
    /// (BMS-VIT; a Vitale 2 is updated elsewhere: pharmacy, caisse). The
    /// menu offers the service only then (`isOffered`).
    static func isPossible(canWriteRights: Bool, card: CardIdentity?) -> Bool {
        canWriteRights && card?.profile == .bmsVit
    }

    static func isOffered(_ context: FlowContext) -> Bool {
        isPossible(canWriteRights: context.canWriteRights, card: context.identity)
    }

    static func start(_ context: FlowContext) -> Transition<State, Effect> {
        Transition(state: isOffered(context) ? .intro : .notAvailable)
    }

    static func reduce(_ s: State, _ event: Event, _ context: FlowContext) -> Transition<State, Effect> {
        switch (s, event) {
        case (.intro, .start), (.failed, .retry), (.unavailable, .retry), (.otherCard, .retry):
            // One write at a time: only from a screen that offers it.
            return Transition(state: context.canWriteRights ? .fetching : .notAvailable, effects: context.canWriteRights ? [.fetchRights] : [])
        case (.fetching, .fetched(let rights?)):
            return Transition(state: .writing, effects: [.write(rights.efRights)])
        case (.fetching, .fetched(nil)):
            return Transition(state: .unavailable)
        case (.writing, .written(let outcome)):
            switch outcome {
            case .updated: return Transition(state: .updated)
            case .cardRemoved: return Transition(state: .pulled)
            case .otherCard: return Transition(state: .otherCard)
            case .failed: return Transition(state: .failed)
            }
        default:
            return Transition(state: s)
        }
    }

    static func run(_ effect: Effect, _ environment: EffectEnvironment) async -> Event? {
        guard let card = environment.card else { return nil }
        switch effect {
        case .fetchRights:
            return .fetched(try? await environment.services.rights(card: card))
        case .write(let efRights):
            guard let writer = environment.rightsWriter else { return .written(.failed(reason: "no card writer")) }
            return .written(await writer.writeRights(efRights, serial: card.serial))
        }
    }

    static func screen(_ s: State, _ context: FlowContext, _ taps: TapTable<Event>) -> ScreenModel {
        let t = context.catalog
        let title = t["update.title"]
        let footer = [FlowText.finish(t), FlowText.back(t)]
        func result(_ banner: Banner, _ what: String, retry: Bool = false) -> ScreenModel {
            var nodes: [Node] = [.text(Text(what, id: "update.what"))]
            if retry { nodes.append(.button(Button(id: taps.id(.retry), label: t["flow.retry"], style: .primary))) }
            nodes.append(.flexible)
            return ScreenModel(id: "flow.miseAJour", title: title, banner: banner, body: .vstack(nodes, spacing: .block), footer: footer,
                               focusID: retry ? Event.retry.widgetID : nil)
        }
        switch s {
        case .notAvailable:
            return result(Banner(kind: .info, text: t["update.notAvailable"]), t["update.notAvailable.what"])
        case .intro:
            return ScreenModel(id: "flow.miseAJour", title: title, body: .vstack([
                .text(Text(t["update.about"], id: "update.about")),
                .text(Text(t["update.keepCard"], style: .title, id: "update.keepCard")),
                .flexible,
                .button(Button(id: taps.id(.start), label: t["update.start"], style: .primary)),
            ], spacing: .group), footer: footer, focusID: Event.start.widgetID)
        case .fetching:
            return ScreenModel(id: "flow.miseAJour", title: title, body: context.wait("update.wait", t["update.fetching"]), footer: [])
        case .writing:
            // No footer: nothing to tap while the card is written.
            return ScreenModel(id: "flow.miseAJour", title: title, body: .vstack([
                .flexible,
                .text(Text(t["update.writing.keep"], style: .display, alignment: .center, id: "update.writing.keep")),
                .progress(Progress(id: "update.wait", message: t["update.writing"], phase: context.animationPhase)),
                .flexible,
            ], spacing: .group))
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
