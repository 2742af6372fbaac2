import Domain
import Foundation
import Testing

/// The change of address (seed 001 §5) as a command: kept for the foyer,
/// the NPAI lifted when it is applied, refused when it cannot be kept or a
/// démarche is open. Vectors written by hand.
@Suite struct AddressRulesTests {
    let today = CivilDate(year: 2026, month: 11, day: 23)!
    var now: Date { CivilDay.noonInParis(today) }

    func foyer(npai: Bool = true, demarche: Bool = false) throws -> FoyerState {
        let nir = try NIR("180057505612342")
        let jean = Person(ouvrantDroitNIR: nir, ownNIR: nir, nomFamille: "DUPONT", prenoms: "Jean",
                          birthDate: BirthDate(year: 1980, month: 5, day: 14)!, qualite: .assure)
        return FoyerState(situation: AssureSituation(npai: npai, demarcheEnCours: demarche),
                          address: PostalAddress(number: "3", street: "rue du Port", postalCode: "97400", commune: "SAINT-DENIS"),
                          beneficiaries: [.init(person: jean)], cards: ["25010000000001": .active])
    }

    func change(_ a: PostalAddress) -> KioskCommand {
        KioskCommand(serial: "25010000000001", personIndex: 0, action: .addressChange(a), confirmedAt: now)
    }

    @Test func anAddressThatCanBeKeptReplacesTheOldOneAndLiftsTheNPAI() throws {
        let typed = PostalAddress(number: "12  bis", street: " rue de la  paix ", complement: "", postalCode: "69003", commune: "LYON")
        guard case .applied(let a) = CommandRules().apply(change(typed), to: try foyer(), after: nil, now: now, today: today) else {
            Issue.record("refused"); return
        }
        #expect(a.foyer.address == PostalAddress(number: "12 bis", street: "rue de la paix", postalCode: "69003", commune: "LYON"),
                "tidied: single spaces, the empty complement dropped")
        #expect(a.foyer.situation.npai == false)
        #expect(a.cardStatusChanges.isEmpty && a.provisionalCertificate == nil)
    }

    @Test func anAddressThatCannotBeKeptIsRefusedWithItsFieldAndChangesNothing() throws {
        let f = try foyer()
        let outcome = CommandRules().apply(change(PostalAddress(postalCode: "96000", commune: "NULLE PART")), to: f, after: nil, now: now, today: today)
        guard case .refused(.address(let problem)) = outcome else { Issue.record("\(outcome)"); return }
        #expect(problem.field == .postalCode, "96 is no département: said on the postal code's field")
        guard case .refused(.address(.communeMissing)) = CommandRules().apply(change(PostalAddress(postalCode: "69003", commune: " ")), to: f,
                                                                            after: nil, now: now, today: today) else {
            Issue.record("commune"); return
        }
    }

    /// Seed 003: « une seule démarche à la fois »; the kiosk offers no change
    /// while one waits in its outbox either.
    @Test func oneDemarcheAtATime() throws {
        let outcome = CommandRules().apply(change(PostalAddress(number: "1", street: "place Bellecour", postalCode: "69002", commune: "LYON")),
                                           to: try foyer(demarche: true), after: nil, now: now, today: today)
        #expect(outcome == .refused(.demarcheEnCours))
        #expect(AddressRules.mayChange(situation: AssureSituation(), waitingInOutbox: false))
        #expect(!AddressRules.mayChange(situation: AssureSituation(), waitingInOutbox: true))
        #expect(!AddressRules.mayChange(situation: AssureSituation(demarcheEnCours: true), waitingInOutbox: false))
        // NPAI is what the change is for: it never holds it back.
        #expect(AddressRules.mayChange(situation: AssureSituation(npai: true), waitingInOutbox: false))
    }
}
