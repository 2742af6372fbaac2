import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import KioskUI
import Testing
@testable import KioskApp

/// « Mes informations » on `reduce` and `screen` alone (the foyer is the
/// fake central store's, read once): what it shows, what NPAI blocks, the
/// print offered only where a printer is, one job per tap, a new one after
/// a print that came to nothing, answers that no longer fit dropped.
@Suite @MainActor struct MesInformationsMachineTests {
    typealias M = MesInformationsMachine

    /// Signed in with `card`; the machine's context and the foyer it would load.
    func kiosk(_ card: String = demoCard, language: String = "fr") async throws -> (FlowKiosk, FlowContext, FoyerResponse) {
        let k = try await FlowKiosk(language: language)
        try await k.signIn(card)
        let foyer = try await k.services.foyer(card: try #require(k.c.session.identity))
        var context = FlowContext(k.c)
        var ids = (1...9).map { UUID(uuidString: "00000000-0000-0000-0000-00000000000\($0)")! }
        context.newID = { ids.removeFirst() }
        return (k, context, foyer)
    }

    func reduce(_ s: M.State, _ events: [M.Event], _ context: FlowContext) -> M.State {
        events.reduce(s) { M.reduce($0, $1, context).state }
    }

    /// Every string of the screen, no-break spaces as spaces and ’ as ', as scenarios match.
    func text(_ s: M.State, _ context: FlowContext) -> String {
        ScreenText.strings(M.screen(s, context, TapTable())).joined(separator: "\n")
            .replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
            .replacingOccurrences(of: "’", with: "'")
    }

    func ids(_ s: M.State, _ context: FlowContext) -> Set<String> { ScreenText.ids(M.screen(s, context, TapTable())) }

    @Test func itReadsTheFoyerOnceThenShowsThePersonsThenTheContact() async throws {
        let (_, context, foyer) = try await kiosk()
        let start = M.start(context)
        #expect(start.effects == [.load] && start.state.step == .loading && M.isWaiting(start.state))
        let persons = M.reduce(start.state, .loaded(foyer), context)
        #expect(persons.effects.isEmpty && persons.state.step == .persons && M.step(persons.state) == 0)
        let shown = text(persons.state, context)
        #expect(shown.contains("Jean DUPONT · Assuré, 46 ans") && shown.contains("Droits ouverts jusqu'au 31 décembre 2026."))
        // A second answer (a late one) changes nothing.
        #expect(M.reduce(persons.state, .loaded(nil), context).state == persons.state)
        let contact = M.reduce(persons.state, .contact, context)
        #expect(contact.state.step == .contact && M.step(contact.state) == 1)
        let said = text(contact.state, context)
        #expect(said.contains("1• rue des L•••\nBâtiment B\n75019 PARIS") && said.contains("06 •• •• •• 12"))
        #expect(!said.contains("Lilas"))
        // « Retour » goes back a step, then leaves the service to the controller.
        let back = M.reduce(contact.state, .back, context)
        #expect(back.state.step == .persons && back.handled)
        #expect(!M.reduce(back.state, .back, context).handled)
    }

    @Test func theCentralStoreAwayIsSaidAndTriedAgainOnATap() async throws {
        let (_, context, foyer) = try await kiosk()
        let away = M.reduce(M.start(context).state, .loaded(nil), context)
        #expect(away.state.step == .unavailable && away.effects.isEmpty)
        #expect(text(away.state, context).contains("Le service est momentanément indisponible."))
        #expect(ids(away.state, context).contains("informations.retry"))
        let retry = M.reduce(away.state, .retry, context)
        #expect(retry.effects == [.load] && retry.state.step == .loading)
        #expect(M.reduce(retry.state, .retry, context).effects.isEmpty)
        #expect(M.reduce(retry.state, .loaded(foyer), context).state.step == .persons)
    }

    @Test func theRightsSayWhenTheyEndStartedOrAreNotKnown() async throws {
        let (_, context, foyer) = try await kiosk()
        let t = context.catalog
        var p = foyer.persons[0]
        let today = CivilDate(year: 2026, month: 11, day: 23)!
        #expect(M.rights(p, today: today, t) == "Droits ouverts jusqu’au 31\u{00A0}décembre\u{00A0}2026.")
        p.rights?.amoEnd = CivilDate(year: 2026, month: 6, day: 30)!
        #expect(M.rights(p, today: today, t) == "Droits terminés le 30\u{00A0}juin\u{00A0}2026\u{00A0}: renseignez-vous auprès de votre caisse.")
        p.rights?.amoStart = CivilDate(year: 2027, month: 1, day: 1)!
        p.rights?.amoEnd = CivilDate(year: 2027, month: 12, day: 31)!
        #expect(M.rights(p, today: today, t) == "Droits ouverts à partir du 1er\u{00A0}janvier\u{00A0}2027, jusqu’au 31\u{00A0}décembre\u{00A0}2027.")
        p.rights = nil
        #expect(M.rights(p, today: today, t).hasPrefix("Fin des droits inconnue à cette borne"))
    }

    /// NPAI: said as everywhere, and what it blocks is what the central
    /// store excluded `npai` in the persons' actions, nothing else.
    @Test func npaiSaysWhatItBlocksAsTheCentralStoreExcludedIt() async throws {
        let (_, context, foyer) = try await kiosk(assets.appendingPathComponent("demo/cards/ceam-npai.json").path)
        #expect(foyer.npai == true)
        #expect(M.blockedByNPAI(foyer) == ["informations.npai.block.vitaleOrder", "informations.npai.block.ceamOrder",
                                           "informations.npai.block.ceamLoss"])
        let persons = M.reduce(M.start(context).state, .loaded(foyer), context).state
        #expect(M.screen(persons, context, TapTable()).banner?.text == context.catalog["why.npai"])
        let said = text(M.reduce(persons, .contact, context).state, context)
        #expect(said.contains("vous ne pouvez pas : commander une carte Vitale ; commander ou renouveler une carte européenne ; déclarer la perte ou le vol d'une carte européenne."))
        #expect(said.contains("« Changement d'adresse »"))
        // Only the actions the answer excludes for NPAI: none excluded, none said.
        var lifted = foyer
        for i in lifted.persons.indices {
            lifted.persons[i].ceamActions = lifted.persons[i].ceamActions.filter { $0.exclusion != .npai }
            lifted.persons[i].vitaleActions = lifted.persons[i].vitaleActions.filter { $0.exclusion != .npai }
        }
        #expect(M.blockedByNPAI(lifted).isEmpty)
        #expect(!M.npaiTexts(lifted, context.catalog).what.contains("vous ne pouvez pas"))
        // No NPAI, none of it.
        let (_, c2, dupont) = try await kiosk()
        let contact = reduce(M.start(c2).state, [.loaded(dupont), .contact], c2)
        #expect(!text(contact, c2).contains("n'est plus valable"))
    }

    @Test func nothingOnFileIsSaidSo() async throws {
        let (_, context, foyer) = try await kiosk()
        var none = foyer
        none.address = nil
        none.maskedMobile = nil
        let said = text(reduce(M.start(context).state, [.loaded(none), .contact], context), context)
        #expect(said.contains("Aucune adresse enregistrée.") && said.contains("Aucun numéro enregistré."))
    }

    /// The consultation needs no printer; the print button is there only
    /// where a printer is, and a tap without it does nothing.
    @Test func thePrintIsOfferedOnlyWhereAPrinterIs() async throws {
        let (_, context, foyer) = try await kiosk()
        let contact = reduce(M.start(context).state, [.loaded(foyer), .contact], context)
        #expect(ids(contact, context).contains("informations.print"))
        var noPrinter = context
        noPrinter.canPrint = false
        #expect(M.isOffered(noPrinter))
        #expect(!ids(contact, noPrinter).contains("informations.print"))
        #expect(M.screen(contact, noPrinter, TapTable()).focusID == "footer.back")
        #expect(M.reduce(contact, .print, noPrinter).effects.isEmpty)
    }

    @Test func onePrintPerTapAndANewJobAfterOneThatCameToNothing() async throws {
        let (_, context, foyer) = try await kiosk()
        let contact = reduce(M.start(context).state, [.loaded(foyer), .contact], context)
        let first = M.reduce(contact, .print, context)
        guard case .print(let sheet, let job)? = first.effects.first, first.effects.count == 1 else { Issue.record("\(first.effects)"); return }
        #expect(job == "informations-00000000-0000-0000-0000-000000000001")
        #expect(sheet.kind == "mes-informations")
        #expect(first.state.step == .printing && M.isWaiting(first.state) && M.step(first.state) == 1)
        // A second tap while it prints sends nothing.
        #expect(M.reduce(first.state, .print, context).effects.isEmpty)
        // Out of paper: said, and the next try is another job.
        let away = M.reduce(first.state, .printed(.printerUnavailable(message: "plus de papier")), context)
        #expect(away.state.step == .contact && away.state.printed == .printerUnavailable)
        #expect(M.screen(away.state, context, TapTable()).banner?.text == context.catalog["informations.printerUnavailable"])
        #expect(ids(away.state, context).contains("informations.print"))
        let again = M.reduce(away.state, .print, context)
        guard case .print(_, let second)? = again.effects.first else { Issue.record("\(again.effects)"); return }
        #expect(second == "informations-00000000-0000-0000-0000-000000000002")
        // Printed: said, and no second copy offered.
        let printed = M.reduce(again.state, .printed(.printed), context)
        #expect(printed.state.printed == .printed)
        #expect(M.screen(printed.state, context, TapTable()).banner?.text == context.catalog["informations.printed"])
        #expect(!ids(printed.state, context).contains("informations.print"))
        #expect(M.reduce(printed.state, .print, context).effects.isEmpty)
        // A print answer out of turn changes nothing.
        #expect(M.reduce(printed.state, .printed(.failed(message: "x")), context).state == printed.state)
    }

    /// The page is an Assurance Maladie document: in French whatever the
    /// screen's language, masked as the screen is.
    @Test func thePrintedPageIsInFrenchAndMaskedAsTheScreen() async throws {
        let (_, context, foyer) = try await kiosk(language: "en")
        #expect(context.catalog.language == "en")
        let sheet = M.sheet(foyer, context)
        #expect(sheet.title == "Mes informations")
        let words = sheet.blocks.map { b -> String in
            switch b {
            case .title(let s), .subtitle(let s), .heading(let s), .paragraph(let s), .note(let s): s
            case .field(let l, let v): l + " " + v
            case .space: ""
            }
        }.joined(separator: "\n")
        #expect(words.contains("Relevé édité le 23\u{00A0}novembre\u{00A0}2026 à la borne multiservices"))
        #expect(words.contains("Jean DUPONT Assuré, 46\u{00A0}ans. Droits ouverts jusqu’au 31\u{00A0}décembre\u{00A0}2026."))
        #expect(words.contains("Adresse postale 1• rue des L•••, Bâtiment B, 75019 PARIS"))
        #expect(words.contains("Téléphone portable 06 •• •• •• 12"))
        #expect(!words.contains("Lilas") && !words.contains("Covered"))
    }
}
