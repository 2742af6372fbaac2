import Domain
import Foundation
import Printing
import PrintingTesting
import Testing

/// The relevé de remboursements and the attestation de paiement d'IJ, read
/// back from the PDF (lines may wrap anywhere: the text as one line).
@Suite struct PaymentDocumentsTests {
    let today = CivilDate(year: 2026, month: 11, day: 23)!
    func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }
    func text(_ d: some PrintableDocument) throws -> String {
        try PDFText.extract(try PDFRenderer().render(d.layout)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func theReleveListsEachPaymentToWhomAndTheExactTotal() throws {
        let payments = [
            Payment(id: "1", personIndex: 2, careDate: day(2026, 11, 9), nature: .pharmacie, amountPaid: Money(cents: 1247), paidOn: day(2026, 11, 10),
                    payee: .professional(name: "Pharmacie du Marché")),
            Payment(id: "2", personIndex: 1, careDate: day(2026, 8, 3), nature: .hospitalisation, amountPaid: Money(cents: 128_430),
                    paidOn: day(2026, 8, 20), payee: .assure),
        ]
        let releve = PaymentsStatement(assure: DemoDocuments.holder, persons: [DemoDocuments.holder, DemoDocuments.claire, DemoDocuments.lea],
                                       from: day(2026, 5, 23), to: today, person: nil, payments: payments,
                                       total: PaymentRules.total(payments), issuedOn: today, caisse: DemoDocuments.caisse)
        let t = try text(releve)
        #expect(t.contains("Relevé de remboursements"))
        #expect(t.contains("Remboursements payés du 23 mai 2026 au 23 novembre 2026"))
        #expect(t.contains("Tout le foyer"))
        #expect(t.contains("Pharmacie du 09/11/2026 — Léa DUPONT — versé à Pharmacie du Marché") && t.contains("12,47 €"))
        #expect(t.contains("Hospitalisation du 03/08/2026 — Claire DUPONT — versé à l’assuré(e)") && t.contains("1 284,30 €"))
        #expect(t.contains("Total payé sur la période") && t.contains("1 296,77 €"))
        #expect(t.contains(DemoDocuments.holder.ouvrantDroitNIR.formatted.split(whereSeparator: \.isWhitespace).joined(separator: " ")))
        #expect(releve.kind == "releve-remboursements")
    }

    @Test func anEmptyReleveSaysSoAndTotalsZero() throws {
        let releve = PaymentsStatement(assure: DemoDocuments.holder, persons: [DemoDocuments.holder], from: day(2026, 5, 23), to: today,
                                       person: 0, payments: [], total: .zero, issuedOn: today, caisse: DemoDocuments.caisse)
        let t = try text(releve)
        #expect(t.contains("Aucun remboursement n’a été payé sur cette période."))
        #expect(t.contains("0,00 €"))
        #expect(t.contains("Jean DUPONT"))
    }

    @Test func theIJAttestationGivesEachPeriodItsDaysAndTheTotal() throws {
        let ij = [
            DailyAllowancePayment(id: "a", from: day(2026, 2, 27), to: day(2026, 3, 13), dailyAmount: Money(cents: 4312), amountPaid: Money(cents: 64_680),
                                  paidOn: day(2026, 3, 20)),
            DailyAllowancePayment(id: "b", from: day(2026, 3, 14), to: day(2026, 3, 14), dailyAmount: Money(cents: 4312), amountPaid: Money(cents: 4312),
                                  paidOn: day(2026, 3, 27)),
        ]
        let a = DailyAllowancesAttestation(assure: DemoDocuments.holder, from: day(2025, 11, 23), to: today, allowances: ij,
                                           total: PaymentRules.total(ij), issuedOn: today, caisse: DemoDocuments.caisse)
        let t = try text(a)
        #expect(t.contains("Attestation de paiement des indemnités journalières"))
        #expect(t.contains("Arrêt du 27/02/2026 au 13/03/2026 — 15 jours à 43,12 € — payé le 20/03/2026") && t.contains("646,80 €"))
        #expect(t.contains("1 jour à 43,12 €"), "one day, singular")
        #expect(t.contains("689,92 €"))
        #expect(t.contains("affection de longue durée"))
        #expect(a.kind == "attestation-ij")
    }
}
