import CentralAPI
import Domain
import Foundation
import KioskUI

/// "Attestation de droits": for one beneficiary or the whole foyer, printed
/// through the kiosk's printer; says printing, printed, or what to do.
@MainActor
final class AttestationFlow: Flow {
    enum Step: Equatable {
        case loading
        case choose
        case printing
        /// Printed for these persons; `failed` when the printer could not.
        case done(printed: Bool, unavailable: Bool)
        case unavailable
    }

    let service = KioskService.attestation
    /// Settable in this module: tests draw every step.
    var step = Step.loading
    private(set) var attestation: AttestationResponse?
    /// One job id per person and session: a double tap never prints twice.
    private let batch = UUID()
    private var firstRow = 0

    var isWaiting: Bool { step == .loading || step == .printing }

    func start(_ c: KioskController) { load(c) }

    private func load(_ c: KioskController) {
        guard let card = c.session.identity else { step = .unavailable; return }
        step = .loading
        c.background { [weak self] in
            let a = try? await c.services.attestation(card: card)
            guard let self, c.isCurrent(self) else { return }
            self.attestation = a
            self.step = a == nil ? .unavailable : .choose
        }
    }

    func tap(_ id: String, _ c: KioskController) async -> Bool {
        switch id {
        case "attestation.persons.previous": firstRow = max(0, firstRow - max(1, c.listPageSizes["attestation.persons"] ?? 1)); return true
        case "attestation.persons.next":
            firstRow = min(max(0, (attestation?.entries.count ?? 1) - 1), firstRow + max(1, c.listPageSizes["attestation.persons"] ?? 1))
            return true
        case "attestation.retry":
            if step == .unavailable { load(c) }
            return true
        case "attestation.all":
            guard let a = attestation, step == .choose || isDone else { return true }
            print(Array(a.entries.indices), c)
            return true
        case _ where id.hasPrefix("attestation.person."):
            guard let a = attestation, step == .choose || isDone, let i = Int(id.dropFirst("attestation.person.".count)),
                  a.entries.indices.contains(i) else { return true }
            print([i], c)
            return true
        case "footer.back":
            if isDone { step = .choose; return true }
            return false
        default:
            return false
        }
    }

    var isDone: Bool { if case .done = step { return true } else { return false } }

    private func print(_ indices: [Int], _ c: KioskController) {
        guard let a = attestation else { return }
        step = .printing
        let printer = c.printer, batch = self.batch
        c.background { [weak self] in
            var printed = true, unavailable = false
            for i in indices {
                // The assuré has left (card pulled, session over): nothing more of theirs is printed.
                guard let flow = self, c.isCurrent(flow) else { return }
                switch await printer.print(.attestation(a, personIndex: i), jobID: "attestation-\(batch.uuidString)-\(i)") {
                case .printed, .alreadyPrinted: break
                case .printerUnavailable: printed = false; unavailable = true
                case .failed: printed = false
                }
                if !printed { break }
            }
            guard let self, c.isCurrent(self) else { return }
            self.step = .done(printed: printed, unavailable: unavailable)
        }
    }

    func screen(_ c: KioskController) -> ScreenModel {
        let t = c.catalog
        let title = t["service.attestation"]
        let footer = [FlowText.finish(t), FlowText.back(t)]
        switch step {
        case .loading:
            return ScreenModel(id: "flow.attestation", title: title, body: FlowText.wait("attestation.wait", t["flow.loading"], c), footer: footer)
        case .printing:
            return ScreenModel(id: "flow.attestation", title: title, body: FlowText.wait("attestation.wait", t["attestation.printing"], c), footer: footer)
        case .unavailable:
            return ScreenModel(id: "flow.attestation", title: title, banner: Banner(kind: .error, text: t["flow.unavailable"]),
                               body: .vstack([.text(Text(t["attestation.unavailable.what"], id: "attestation.unavailable.what")),
                                              .button(Button(id: "attestation.retry", label: t["flow.retry"], style: .primary)), .flexible], spacingMM: 5),
                               footer: footer, focusID: "attestation.retry")
        case .done(let printed, let unavailable):
            let banner = printed ? Banner(kind: .info, text: t["attestation.printed"])
                : Banner(kind: .error, text: t[unavailable ? "attestation.printerUnavailable" : "attestation.printFailed"])
            return ScreenModel(id: "flow.attestation", title: title, banner: banner,
                               body: .vstack([.text(Text(t[printed ? "attestation.printed.what" : "attestation.notPrinted.what"], id: "attestation.done.what")),
                                              .flexible], spacingMM: 5),
                               footer: [FlowText.finish(t), FlowText.back(t)])
        case .choose:
            let entries = attestation?.entries ?? []
            let rows = entries.enumerated().map { i, e in
                ListView.Row(id: "attestation.row.\(i)", title: e.person.displayName,
                             detail: t.text("gallery.born", ["date": FlowText.birthDate(e.person.birthDate, t)]),
                             actions: [Button(id: "attestation.person.\(i)", label: t["attestation.print"], style: .secondary, width: .natural,
                                              speech: t["attestation.print"] + ", " + e.person.displayName)])
            }
            var nodes: [Node] = [.text(Text(t["attestation.choose"], id: "attestation.choose"))]
            if entries.count > 1 {
                nodes.append(.button(Button(id: "attestation.all", label: t["attestation.all"], style: .primary)))
            }
            nodes.append(.list(ListView(id: "attestation.persons", rows: rows, firstVisible: firstRow, visibleRows: 4,
                                        previousLabel: t["list.previous"], nextLabel: t["list.next"])))
            nodes.append(.flexible)
            return ScreenModel(id: "flow.attestation", title: title, body: .vstack(nodes, spacingMM: 5), footer: footer,
                               focusID: entries.count > 1 ? "attestation.all" : "attestation.person.0")
        }
    }
}
