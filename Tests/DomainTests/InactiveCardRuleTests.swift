import Domain
import Testing

@Suite("A request on a card no longer active")
struct InactiveCardRuleTests {
    let card = "25010000000002"

    @Test func anActiveCardNeedsNoPredecessor() {
        #expect(InactiveCardRule.mayProceed(card: card, cardActive: true, after: nil))
        #expect(InactiveCardRule.mayProceed(card: card, cardActive: true, after: CommandPredecessor(applied: false, invalidatedCard: nil)))
    }

    @Test func onlyTheAppliedDeclarationOfThisCardExplainsIt() {
        #expect(InactiveCardRule.mayProceed(card: card, cardActive: false, after: CommandPredecessor(applied: true, invalidatedCard: card)))
        // No predecessor; one refused; one that invalidated nothing (a CEAM
        // request, of this card or another); one that invalidated another card.
        #expect(InactiveCardRule.mayProceed(card: card, cardActive: false, after: nil) == false)
        #expect(InactiveCardRule.mayProceed(card: card, cardActive: false, after: CommandPredecessor(applied: false, invalidatedCard: card)) == false)
        #expect(InactiveCardRule.mayProceed(card: card, cardActive: false, after: CommandPredecessor(applied: true, invalidatedCard: nil)) == false)
        #expect(InactiveCardRule.mayProceed(card: card, cardActive: false, after: CommandPredecessor(applied: true, invalidatedCard: "25010000000001")) == false)
    }
}
