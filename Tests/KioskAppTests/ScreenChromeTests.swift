import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// Issue 12's chrome around every screen: the step of each service, help
/// everywhere, the focus ring only after a key, the countdown, the meaning
/// of the buttons that end or cannot be undone, the row that just changed.
@Suite @MainActor struct ScreenChromeTests {
    /// Every service with steps names each in both languages, and « Aide »
    /// has words for each step or for its service (a new service adds them).
    @Test func everyStepHasItsWordsAndItsHelp() throws {
        let catalogs = try AssetLocator.catalogs(assets)
        for service in KioskService.allCases {
            let keys = KioskController.machine(service).steps
            // A service of one screen needs no step indicator; every other names each step.
            #expect(KioskController.stepCount(of: service) == max(1, keys.count), "\(service)")
            for (code, t) in catalogs {
                for k in keys { #expect(t.has(k), "\(code): \(k)") }
                #expect(t.has("help.flow.\(service.rawValue)") || (!keys.isEmpty && keys.allSatisfy { t.has("help.\($0)") }), "\(code): help for \(service)")
            }
        }
    }

    /// A flow's screen carries « Étape n sur N » and its step's title.
    @Test func aFlowScreenSaysItsStep() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.carteVitaleLoss")
        var step = try #require(k.screen.step)
        #expect(step.number == 1 && step.count == 3 && step.title == "Choix de la personne" && step.position.normalizedSpaces == "Étape 1 sur 3")
        await k.tap("vitale.person.0")
        step = try #require(k.screen.step)
        #expect(step.number == 2 && step.title == "Motif")
        // The menu is no step of a service.
        await k.tap("footer.back")
        await k.tap("footer.back")
        #expect(k.screenID == "menu" && k.screen.step == nil)
    }

    /// The CEAM loss wizard: a step and a title per page; its date page
    /// says it asks for the date of the loss (or of the theft).
    @Test func theLossWizardSaysEachStep() async throws {
        let k = try await FlowKiosk()
        try await k.signIn(assets.appendingPathComponent("demo/cards/ceam-famille.json").path)
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        await k.tap("ceam.0.declareLossOrTheft")
        var m = try #require(k.screen.modal)
        #expect(m.step?.number == 1 && m.step?.count == 3 && m.title == "Perte ou vol de la carte")
        await k.tap("ceam.modal.loss.vol")
        await k.tap("ceam.modal.next")
        m = try #require(k.screen.modal)
        #expect(m.step?.number == 2 && m.title == "Date du vol" && m.step?.title == "Date")
        await k.tap("ceam.modal.previous")
        await k.tap("ceam.modal.loss.perte")
        await k.tap("ceam.modal.next")
        #expect(k.screen.modal?.title == "Date de la perte")
        await k.tap("ceam.modal.next")
        m = try #require(k.screen.modal)
        #expect(m.step?.number == 3)
        // Irreversible: its own style, and the button says what happens.
        let confirm = try #require(m.buttons.last)
        #expect(confirm.style == .destructive && confirm.label == "Déclarer et annuler la carte")
        #expect(k.text.contains("ne pourra plus servir"))
        // The answers are radio buttons and the sworn statement a checkbox, not toggles drawn like the primary.
        guard case .stack(let content)? = m.content, case .stack(let departure) = content.children[2] else { Issue.record("no content"); return }
        #expect(departure.children.contains { if case .stack(let s) = $0 { return s.children.contains { if case .button(let b) = $0 { return b.style == .radio(selected: false) }; return false } }; return false })
        #expect(content.children.contains { if case .button(let b) = $0 { return b.style == .checkbox(checked: false) }; return false })
    }

    /// Deactivating a carte Vitale: a destructive confirmation that names it.
    @Test func deactivatingACarteVitaleSaysSo() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.carteVitaleLoss")
        await k.tap("vitale.person.0")
        await k.tap("vitale.reason.perte")
        await k.tap("vitale.commit")
        await k.tap("vitale.declare")
        let confirm = try #require(k.screen.modal?.buttons.last)
        #expect(confirm.style == .destructive && confirm.label == "Désactiver la carte" && confirm.id == "modal.confirm")
        #expect(k.text.contains("Conséquence : la carte sera désactivée"))
        // « Terminer » is neutral everywhere.
        #expect(k.screen.footer.first { $0.id == "footer.finish" }?.style == .neutral)
    }

    /// After an order, the row of the person it was for is marked, and the
    /// badges say each state.
    @Test func theRowThatChangedIsMarked() async throws {
        let k = try await FlowKiosk()
        try await k.signIn()
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        await k.tap("ceam.2.order")
        await k.tap("ceam.modal.departure.no")
        await k.tap("ceam.modal.confirm")
        guard case .stack(let body) = k.screen.body, case .list(let list) = body.children[0] else { Issue.record("no list"); return }
        #expect(list.rows.filter(\.highlighted).map(\.id) == ["ceam.person.2"])
        #expect(list.rows[2].badges.map(\.word) == ["Commandée"] && list.rows[2].badges.first?.tone == .pending)
        #expect(list.rows[0].badges.map(\.word) == ["Pas de carte"])
        // Row actions are choices among equals: none is the screen's primary.
        #expect(list.rows.flatMap(\.actions).allSatisfy { $0.style == .secondary })
    }

    /// « Aide » on every screen: what to do here, the accueil, the 36 46;
    /// a refused card's screen has it as its way on.
    @Test func helpIsEverywhere() async throws {
        let k = try await FlowKiosk()
        func helpFor(_ screen: String) async throws -> String {
            #expect(k.screen.tools.contains { $0.id == "tool.help" }, "\(screen)")
            await k.tap("tool.help")
            let m = try #require(k.screen.modal, "\(screen)")
            #expect(m.id == "help" && m.title.normalizedSpaces == "Besoin d'aide ?")
            let all = ScreenText.strings(k.screen).joined(separator: " ")
            #expect(all.contains("36\u{00A0}46") || all.contains("36 46"), "\(screen)")
            #expect(all.contains("accueil"), "\(screen)")
            await k.tap("help.close")
            #expect(k.screen.modal == nil)
            return m.message
        }
        #expect(try await helpFor("attract").contains("Insérez votre carte Vitale"))
        try await k.insert()
        #expect(try await helpFor("code").contains("Code oublié"))
        try await k.type("1234")
        await k.tap("keypad.ok")
        #expect(try await helpFor("menu").contains("démarche"))
        await k.tap("service.carteVitaleLoss")
        #expect(try await helpFor("vitale person").contains("Choisir"))
        await k.tap("vitale.person.0")
        #expect(try await helpFor("vitale reason").contains("Déclarer"))
        k.removeCard()
        let refused = try await FlowKiosk()
        try await refused.services.insert(cardFile: assets.appendingPathComponent("demo/cards/forged.json").path, into: refused.c)
        #expect(refused.screenID == "refused")
        let way = try #require(refused.screen.footer.first { $0.id == "help.open" })
        #expect(way.style == .primary)
        await refused.tap("help.open")
        #expect(refused.screen.modal?.id == "help" && refused.screen.modal?.message.contains("Reprenez la carte") == true)
    }

    /// No focus ring for a finger; a key or « Écouter » shows it, until the card leaves.
    @Test func theFocusRingShowsAfterAKeyOnly() async throws {
        let runner = try makeRunner("focus")
        let (h, _, services) = try await runner.makeHost(speechDirectory: nil)
        try await services.insert(cardFile: demoCard, into: h.controller)
        for d in "1234" { await h.controller.tap("keypad.\(d)") }
        await h.controller.tap("keypad.ok")
        await h.controller.tap("service.provisionalCode")
        await h.controller.settle()
        h.renderIfNeeded(force: true)
        #expect(h.list?.focusID == "sms.send")
        #expect(h.list?.items.contains { $0.role == .focusRing } == false)
        h.controller.focusMovedByKey()
        h.renderIfNeeded(force: true)
        #expect(h.list?.items.last { $0.role == .focusRing }?.widgetID == "sms.send")
        h.controller.handle(card: .removed)
        h.renderIfNeeded(force: true)
        #expect(!h.controller.focusVisible)
        // « Écouter » moves the focus too.
        h.listen()
        #expect(h.controller.focusVisible)
    }

    /// The inactivity warning counts down where it can be seen.
    @Test func theWarningCountsDown() async throws {
        let runner = try makeRunner("countdown")
        let (h, clock, services) = try await runner.makeHost(speechDirectory: nil)
        try await services.insert(cardFile: demoCard, into: h.controller)
        for d in "1234" { await h.controller.tap("keypad.\(d)") }
        await h.controller.tap("keypad.ok")
        let p = h.controller.session.parameters
        clock.advance(seconds: Double(p.inactivityTimeoutSeconds - p.inactivityWarningSeconds + 1))
        h.controller.tick()
        h.renderIfNeeded(force: true)
        func seconds() -> String { h.list?.label(of: "warning.countdown") ?? "" }
        func bar() -> Int { h.list?.items.filter { $0.widgetID == "warning.bar" }.map(\.frame.width).min() ?? 0 }
        let first = seconds(), wide = bar()
        #expect(first.hasSuffix("s") && Int(first.prefix { $0.isNumber }) == p.inactivityWarningSeconds - 1)
        clock.advance(seconds: 5)
        h.controller.tick()
        h.renderIfNeeded(force: true)
        #expect(Int(seconds().prefix { $0.isNumber }) == p.inactivityWarningSeconds - 6)
        #expect(bar() < wide)
    }
}

/// The pictograms of Assets/pictograms: each file reads, each service's
/// tile has its own, the card's screens theirs; a broken file says which
/// shape is wrong.
@Suite @MainActor struct PictogramTests {
    @Test func everyPictogramReadsAndEveryServiceHasOne() throws {
        Pictograms.directory = assets.appendingPathComponent("pictograms")
        let names = Pictograms.names
        #expect(names.count >= 8)
        for n in names {
            let url = assets.appendingPathComponent("pictograms/\(n).json")
            let d = try Drawing(id: n, json: Data(contentsOf: url))
            #expect(!d.shapes.isEmpty && d.widthMM > 0 && d.heightMM > 0, "\(n)")
        }
        for s in KioskService.allCases { #expect(names.contains("service.\(s.rawValue)"), "\(s)") }
        for n in ["card.insert", "card.take", "paper.take"] { #expect(names.contains(n)) }
        #expect(FileManager.default.fileExists(atPath: assets.appendingPathComponent("pictograms/LICENSE").path))
    }

    @Test func aBrokenShapeIsNamed() {
        let json = Data(#"{"width": 10, "height": 10, "shapes": [{"rect": [0, 0, 10, 10]}, {"glyph": "▲"}]}"#.utf8)
        #expect { try Drawing(id: "x", json: json) } throws: { "\($0)".contains("x: shape 2") }
    }

    @Test func theMenuTilesCarryTheirPictograms() async throws {
        Pictograms.directory = assets.appendingPathComponent("pictograms")
        let k = try await FlowKiosk()
        try await k.signIn()
        guard case .stack(let body) = k.screen.body else { Issue.record("no body"); return }
        let tiles = body.children.flatMap { n -> [Button] in
            guard case .stack(let row) = n else { return [] }
            return row.children.compactMap { if case .button(let b) = $0 { return b }; return nil }
        }
        #expect(tiles.count == k.c.offered.count)
        #expect(tiles.allSatisfy { $0.style == .tile && $0.pictogram != nil })
    }

    /// Every action that cannot be undone, in every service: the screen or
    /// modal that holds its confirmation says first what will happen, to
    /// whom, and the consequence (`FlowText.summary`); confirming it then
    /// does it (a request sent, an SMS asked). A new irreversible action
    /// adds its walk here.
    @Test(arguments: IrreversibleAction.allCases)
    func everyIrreversibleActionIsSummedUpBeforeItsConfirmation(_ action: IrreversibleAction) async throws {
        let k = try await FlowKiosk()
        let cards = assets.appendingPathComponent("demo/cards")
        try await k.signIn(cards.appendingPathComponent(action.card).path)
        for id in action.steps {
            await k.tap(id)
        }
        if action.handsOverToTheOrder {
            // « Commander » opens the order service; its documents come from a
            // phone or a scanner (the scenarios walk those): here the flow is
            // put at its last step with both documents taken.
            #expect(k.screenID.hasPrefix("flow.commandeCarteVitale"), "\(action): \(k.screenID)")
            let flow = try #require(k.c.flow as? MachineFlow<VitaleOrderMachine>, "\(action): not in the order service")
            var o = flow.state
            o.step = .summary
            o.useCase = o.useCase ?? .lossOrTheft
            o.photo = .init(upload: UUID(), source: .phone, format: .jpeg, preview: nil)
            o.identity = .init(upload: UUID(), source: .phone, format: .jpeg, preview: nil)
            o.opened = [o.photo!.upload, o.identity!.upload]
            o.sworn = true
            flow.state = o
        }
        let s = k.screen
        // The confirmation is on screen (in the modal when there is one, else the screen's primary).
        let buttons = s.modal.map(\.buttons) ?? (s.footer + ScreenText.buttons(s.body))
        let confirm = try #require(buttons.first { $0.id == action.confirm }, "\(action): no \(action.confirm) in \(buttons.map(\.id))")
        #expect(confirm.enabled, "\(action)")
        // What, to whom, the consequence: beside it, before it is tapped.
        let texts = s.modal.map { m in m.content.map(ScreenText.texts) ?? [] } ?? ScreenText.texts(s.body)
        for id in ["summary.what", "summary.who", "summary.consequence"] {
            // What will happen may be the modal's message itself.
            let message = s.modal.map(\.message).flatMap { $0.hasPrefix("Démarche") ? $0 : nil }
            let line = texts.first { $0.id == id }?.string ?? (id == "summary.what" ? message : nil) ?? ""
            #expect(line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces).count > 3 } == true,
                    "\(action): \(id) missing or empty: «\(line)»")
        }
        #expect(texts.first { $0.id == "summary.who" }?.string.contains(action.who) == true, "\(action): who")
        // And it is the irreversible act: confirming it sends it.
        let before = k.services.submitted.count
        await k.tap(action.confirm)
        if action == .sms {
            #expect(k.text.contains("Un SMS a été envoyé") || k.c.history.entries.count == 1, "\(action): \(k.text.prefix(200))")
        } else {
            #expect(k.services.submitted.count == before + 1, "\(action)")
        }
    }
}

/// The kiosk's actions that cannot be undone, each walked to its confirmation.
enum IrreversibleAction: String, CaseIterable, CustomStringConvertible {
    case ceamOrder, ceamRenewal, ceamLoss, vitaleDeclaration, vitaleOrderAfterDeclaration, vitaleOrderFromList, sms, addressChange

    var description: String { rawValue }

    var card: String {
        switch self {
        case .ceamRenewal: "ceam-renouvellement.json"
        case .ceamLoss: "ceam-famille.json"
        case .vitaleOrderFromList: "flows-vitale-declared.json"
        case .addressChange: "ceam-npai.json"
        default: "dupont-jean.json"
        }
    }

    /// The name (or number) the summary says it is for.
    var who: String {
        switch self {
        case .ceamOrder: "Léa DUPONT"
        case .ceamRenewal: "Camille"
        case .ceamLoss: "Paul"
        case .vitaleOrderFromList: "Claire DUPONT"
        case .sms: "••"
        case .addressChange: "ayants droit"
        default: "Jean DUPONT"
        }
    }

    var confirm: String {
        switch self {
        case .ceamOrder, .ceamRenewal, .ceamLoss: "ceam.modal.confirm"
        case .vitaleDeclaration: "modal.confirm"
        case .vitaleOrderAfterDeclaration, .vitaleOrderFromList: "order.send"
        case .sms: "sms.send"
        case .addressChange: "address.confirm"
        }
    }

    /// The carte Vitale's « Commander » hands over to the order service (issue 13).
    var handsOverToTheOrder: Bool { self == .vitaleOrderAfterDeclaration || self == .vitaleOrderFromList }

    var steps: [String] {
        let declare = ["service.carteVitaleLoss", "vitale.person.0", "vitale.reason.perte", "vitale.commit", "vitale.declare"]
        switch self {
        case .ceamOrder: return ["service.ceam", "ceam.continue", "ceam.2.order", "ceam.modal.departure.no"]
        case .ceamRenewal: return ["service.ceam", "ceam.continue", "ceam.0.earlyRenewal", "ceam.modal.departure.no"]
        case .ceamLoss:
            return ["service.ceam", "ceam.continue", "ceam.0.declareLossOrTheft", "ceam.modal.loss.perte", "ceam.modal.next", "ceam.modal.next",
                    "ceam.modal.departure.no", "ceam.modal.sworn"]
        case .vitaleDeclaration: return declare
        case .vitaleOrderAfterDeclaration: return declare + ["modal.confirm", "vitale.order"]
        case .vitaleOrderFromList: return ["service.carteVitaleLoss", "vitale.orderFor.1"]
        case .sms: return ["service.provisionalCode"]
        case .addressChange:
            return ["service.changementAdresse", "address.change"] + ["6", "9", "0", "0", "3", "ok"].map { "address.input.\($0)" }
                + ["l", "y", "o", "n"].map { "address.input.key.\($0)" } + ["address.input.ok"]
                + ["1", "2", "ok"].map { "address.input.\($0)" }
                + ["r", "u", "e"].map { "address.input.key.\($0)" } + ["address.input.space"] + ["p", "a", "i", "x"].map { "address.input.key.\($0)" }
                + ["address.input.ok", "address.skip"]
        }
    }
}
