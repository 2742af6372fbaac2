import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

/// « Mes remboursements » and the attestation de paiement d'IJ as the central
/// store serves them from the demo data (Assets/demo/central-seed.json), on
/// SQLite and PostgreSQL.
@Suite("Central payments, on SQLite and PostgreSQL")
struct PaymentsTests {
    func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    @Test(arguments: Engine.selected)
    func theLastSixMonthsOfTheFoyerNewestFirstWithTheirExactTotal(engine: Engine) async throws {
        let service = try await makeService(engine)
        let r = try await service.payments(serial: holderSerial, kiosk: "k1", from: nil, to: nil, person: nil)
        #expect(r.from == day(2026, 5, 23) && r.to == demoDay && r.firstDay == day(2024, 11, 23))
        // Paid from 23 May to 23 November 2026: nine lines (the March, December 2025 and 2024 ones are older).
        #expect(r.payments.map(\.paidOn) == [day(2026, 11, 19), day(2026, 11, 10), day(2026, 11, 4), day(2026, 10, 15), day(2026, 10, 13),
                                             day(2026, 9, 23), day(2026, 8, 20), day(2026, 7, 10), day(2026, 6, 2)])
        // 18,20 + 12,47 + 67,20 + 21,00 + 8,61 + 34,56 + 1 284,30 + 93,60 + 45,00
        #expect(r.total == Money(cents: 158_494))
        #expect(r.total.french == "1\u{202F}584,94\u{00A0}€")
        #expect(r.payments[1].payee == .professional(name: "Pharmacie du Marché"))
        #expect(r.payments[0].payee == .assure)
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func oneBeneficiaryAndAChosenPeriod(engine: Engine) async throws {
        let service = try await makeService(engine)
        let hugo = try await service.payments(serial: holderSerial, kiosk: "k1", from: day(2026, 10, 13), to: day(2026, 10, 15), person: 3)
        #expect(hugo.payments.map(\.nature) == [.consultation, .pharmacie])
        #expect(hugo.total == Money(cents: 2961))
        let all = try await service.payments(serial: holderSerial, kiosk: "k1", from: day(2024, 11, 23), to: demoDay, person: nil)
        #expect(all.payments.count == 11, "the 2024 line is before the history kept")
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func aPeriodOutsideTheRulesIsRefusedAndSaysWhy(engine: Engine) async throws {
        let service = try await makeService(engine)
        for (from, to) in [(day(2026, 11, 1), day(2026, 10, 1)), (day(2026, 11, 1), day(2026, 11, 24)), (day(2024, 11, 22), demoDay)] {
            do {
                _ = try await service.payments(serial: holderSerial, kiosk: "k1", from: from, to: to, person: nil)
                Issue.record("\(from)…\(to) accepted")
            } catch let f as APIFailure {
                #expect(f.status == 400 && f.body.code == "bad_period")
            }
        }
        await #expect(throws: APIFailure.self) {
            try await service.payments(serial: holderSerial, kiosk: "k1", from: nil, to: nil, person: 7)
        }
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func anAssureWithNoPaymentsAndNoAllowancesGetsEmptyAnswers(engine: Engine) async throws {
        let service = try await makeService(engine)
        let p = try await service.payments(serial: sophieSerial, kiosk: "k1", from: nil, to: nil, person: nil)
        #expect(p.payments.isEmpty && p.total == .zero)
        let ij = try await service.dailyAllowances(serial: sophieSerial, kiosk: "k1", from: nil, to: nil)
        #expect(ij.allowances.isEmpty && ij.total == .zero && ij.assure.prenoms == "Sophie")
        try await service.store.close()
    }

    /// Seed 001 §4: IJ « dans les 8 ans qui précèdent la demande ».
    @Test(arguments: Engine.selected)
    func dailyAllowancesOverEightYearsOldestFirst(engine: Engine) async throws {
        let service = try await makeService(engine)
        let lastYear = try await service.dailyAllowances(serial: holderSerial, kiosk: "k1", from: nil, to: nil)
        #expect(lastYear.allowances.map(\.days) == [15, 7])
        #expect(lastYear.total == Money(cents: 94_864))
        #expect(lastYear.assure.prenoms == "Jean")
        let eight = try await service.dailyAllowances(serial: holderSerial, kiosk: "k1", from: day(2018, 11, 23), to: demoDay)
        #expect(eight.allowances.map(\.paidOn) == [day(2021, 6, 18), day(2026, 3, 20), day(2026, 3, 27)])
        await #expect(throws: APIFailure.self) {
            try await service.dailyAllowances(serial: holderSerial, kiosk: "k1", from: day(2018, 11, 22), to: demoDay)
        }
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func aRefusedCardReadsNoPayments(engine: Engine) async throws {
        let service = try await makeService(engine)
        await #expect(throws: APIFailure.self) {
            try await service.payments(serial: "99990000000001", kiosk: "k1", from: nil, to: nil, person: nil)
        }
        try await service.store.close()
    }
}
