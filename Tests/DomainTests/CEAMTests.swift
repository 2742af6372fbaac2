import Domain
import Testing

@Suite("CEAM rules")
struct CEAMTests {
    let rules = CEAMRules()
    let today = day(2026, 11, 23)
    let ok = AssureSituation()

    func options(_ state: CEAMState, declarations: [CivilDate] = [], situation: AssureSituation = .init(),
                 rights: Bool = true, on date: CivilDate? = nil) -> CEAMOptions {
        rules.options(record: CEAMRecord(state: state, lossDeclarations: declarations), situation: situation,
                      rightsSufficient: rights, today: date ?? today)
    }

    @Test("no card: order only")
    func noCard() {
        let o = options(.none)
        #expect(o.allowed == [.order])
        #expect(o.actions.count == 1)
    }

    @Test("a valid card: renewal (when open), loss/theft, view/print; never a second order")
    func validCard() {
        let o = options(.valid(until: day(2027, 1, 23)))
        #expect(o.allowed == [.earlyRenewal, .declareLossOrTheft, .viewPrint])
        #expect(o.availability(.order) == nil)
    }

    @Test("early renewal opens exactly 2 months before expiry")
    func renewalBoundary() {
        let until = day(2027, 1, 23)
        #expect(rules.renewalOpens(until: until) == day(2026, 11, 23))
        #expect(options(.valid(until: until), on: day(2026, 11, 22)).availability(.earlyRenewal)
                == .excluded(.renewalTooEarly(opensOn: day(2026, 11, 23))))
        #expect(options(.valid(until: until), on: day(2026, 11, 23)).availability(.earlyRenewal) == .allowed)
        #expect(options(.valid(until: until), on: day(2026, 11, 24)).availability(.earlyRenewal) == .allowed)
    }

    @Test("a card is valid through its last day, and counts as none the day after")
    func expiryBoundary() {
        let until = day(2026, 11, 23)
        #expect(options(.valid(until: until), on: until).availability(.viewPrint) == .allowed)
        let after = options(.valid(until: until), on: until.adding(days: 1))
        #expect(after.state == .none)
        #expect(after.allowed == [.order])
    }

    @Test("a new card is valid 2 years and arrives in about 10 days")
    func newCard() throws {
        let outcome = try rules.apply(CEAMRequest(action: .order), record: CEAMRecord(), situation: ok,
                                      rightsSufficient: true, today: today)
        guard case .ordered(let order) = outcome.record.state else { Issue.record("not ordered"); return }
        #expect(order.kind == .first)
        #expect(order.expectedBy == day(2026, 12, 3))
        #expect(order.provisionalCertificate == nil)
        #expect(outcome.provisionalCertificate == nil)
        let delivered = rules.delivered(outcome.record, on: day(2026, 12, 3))
        #expect(delivered.state == .valid(until: day(2028, 12, 2)))
        // While ordered: nothing else for this beneficiary.
        #expect(options(outcome.record.state).allowed.isEmpty)
        #expect(options(outcome.record.state).availability(.order) == .excluded(.orderInProgress))
    }

    @Test("departure within 15 days: a provisional certificate valid 3 months, issued once")
    func provisionalCertificate() throws {
        let outcome = try rules.apply(CEAMRequest(action: .order, departureWithinUrgentDays: true),
                                      record: CEAMRecord(), situation: ok, rightsSufficient: true, today: today)
        #expect(outcome.provisionalCertificate == ProvisionalCertificate(issuedOn: today, validUntil: day(2027, 2, 23)))
        #expect(outcome.record.state.order?.provisionalCertificate == outcome.provisionalCertificate)
        // Asking again for the same beneficiary is refused: the order is in progress.
        #expect(throws: CEAMRequestError.notAllowed(.order, .orderInProgress)) {
            try rules.apply(CEAMRequest(action: .order, departureWithinUrgentDays: true), record: outcome.record,
                            situation: ok, rightsSufficient: true, today: today)
        }
    }

    @Test("loss or theft: dated today or before, sworn, cancels the card and orders a replacement")
    func lossDeclaration() throws {
        let record = CEAMRecord(state: .valid(until: day(2027, 6, 1)))
        func declare(_ date: CivilDate, sworn: Bool = true) throws(CEAMRequestError) -> CEAMOutcome {
            try rules.apply(CEAMRequest(action: .declareLossOrTheft, loss: .init(kind: .vol, date: date, swornStatement: sworn)),
                            record: record, situation: ok, rightsSufficient: true, today: today)
        }
        #expect(throws: CEAMRequestError.lossDateInFuture(latest: today)) { try declare(today.adding(days: 1)) }
        #expect(throws: CEAMRequestError.swornStatementNotTicked) { try declare(today, sworn: false) }
        #expect(throws: CEAMRequestError.lossDetailsMissing) {
            try rules.apply(CEAMRequest(action: .declareLossOrTheft), record: record, situation: ok, rightsSufficient: true, today: today)
        }
        let outcome = try declare(today)
        guard case .declaredLost(let on, let kind, let replacement) = outcome.record.state else { Issue.record("not declared"); return }
        #expect(on == today && kind == .vol && replacement.kind == .replacement)
        #expect(outcome.record.lossDeclarations == [today])
        _ = try declare(today.adding(days: -1))
        // Cancelled with a new order in progress: neither a new declaration nor an order.
        let after = options(outcome.record.state, declarations: outcome.record.lossDeclarations)
        #expect(after.allowed.isEmpty)
        #expect(after.availability(.declareLossOrTheft) == .excluded(.cancelledWithOrderInProgress))
        #expect(after.availability(.order) == .excluded(.cancelledWithOrderInProgress))
    }

    // Seed 003: « L'assuré qui a déjà déclaré plus de 2 fois la perte/le vol
    // de sa CEAM au cours de l'année devra contacter sa caisse ».
    @Test("exactly 2 declarations this year: a third one is still made at the kiosk")
    func twoDeclarationsStillAllowed() {
        let valid = CEAMState.valid(until: day(2027, 1, 10))
        let two = [day(2026, 1, 5), day(2026, 6, 5)]
        #expect(options(valid, declarations: [day(2026, 1, 5)]).availability(.declareLossOrTheft) == .allowed)
        #expect(options(valid, declarations: two).availability(.declareLossOrTheft) == .allowed)
        #expect(options(valid, declarations: two).availability(.earlyRenewal) == .allowed)
        #expect(options(.none, declarations: two).availability(.order) == .allowed)
        // And it is applied: the third declaration of the year is recorded.
        let request = CEAMRequest(action: .declareLossOrTheft, departureWithinUrgentDays: false,
                                  loss: .init(kind: .perte, date: today, swornStatement: true))
        let outcome = try? rules.apply(request, record: CEAMRecord(state: valid, lossDeclarations: two),
                                       situation: ok, rightsSufficient: true, today: today)
        #expect(outcome?.record.lossDeclarations.count == 3)
    }

    @Test("3 declarations this year (plus de 2): the caisse; no declaration, no order, no renewal")
    func threeDeclarationsGoToTheCaisse() {
        let valid = CEAMState.valid(until: day(2027, 1, 10))
        let three = [day(2026, 1, 5), day(2026, 6, 5), day(2026, 9, 1)]
        let tooMany = CEAMAvailability.excluded(.tooManyLossDeclarations(count: 3, limit: 2))
        #expect(options(valid, declarations: three).availability(.declareLossOrTheft) == tooMany)
        // « Cas particulier … il ne pourra plus commander sa carte en ligne ».
        #expect(options(.none, declarations: three).availability(.order) == tooMany)
        #expect(options(valid, declarations: three).availability(.earlyRenewal) == tooMany)
        // Viewing the valid card is not a request: still offered.
        #expect(options(valid, declarations: three).availability(.viewPrint) == .allowed)
        // A request on a stale screen is refused with the reason.
        let request = CEAMRequest(action: .order, departureWithinUrgentDays: false, loss: nil)
        #expect(throws: CEAMRequestError.notAllowed(.order, .tooManyLossDeclarations(count: 3, limit: 2))) {
            try rules.apply(request, record: CEAMRecord(state: .none, lossDeclarations: three),
                            situation: ok, rightsSufficient: true, today: today)
        }
        // The calendar year turns on 1 January.
        #expect(options(valid, declarations: three, on: day(2026, 12, 31)).availability(.declareLossOrTheft) != .allowed)
        #expect(options(valid, declarations: three, on: day(2027, 1, 1)).availability(.declareLossOrTheft) == .allowed)
    }

    @Test("the limit is a parameter: 0 sends the second declaration of the year to the caisse")
    func limitIsAParameter() {
        var parameters = CEAMParameters()
        parameters.caisseWhenLossDeclarationsExceed = 0
        let strict = CEAMRules(parameters)
        let record = CEAMRecord(state: .valid(until: day(2027, 1, 10)), lossDeclarations: [day(2026, 2, 1)])
        #expect(strict.options(record: record, situation: ok, rightsSufficient: true, today: today)
                    .availability(.declareLossOrTheft) == .excluded(.tooManyLossDeclarations(count: 1, limit: 0)))
    }

    @Test("rolling year: a declaration counts for 12 months to the day")
    func declarationLimitRolling() {
        var parameters = CEAMParameters()
        parameters.lossDeclarationYear = .rolling
        let rolling = CEAMRules(parameters)
        let record = CEAMRecord(state: .valid(until: day(2028, 6, 1)), lossDeclarations: [day(2026, 3, 10), day(2026, 6, 1), day(2026, 11, 1)])
        func availability(_ d: CivilDate) -> CEAMAvailability? {
            rolling.options(record: record, situation: .init(), rightsSufficient: true, today: d).availability(.declareLossOrTheft)
        }
        #expect(availability(day(2027, 3, 9)) != .allowed)
        #expect(availability(day(2027, 3, 10)) == .allowed)
        #expect(availability(day(2027, 3, 11)) == .allowed)
    }

    @Test("exclusions block every request with their reason; viewing a valid card stays possible",
          arguments: [
            (AssureSituation(npai: true), true, CEAMExclusion.npai),
            (AssureSituation(demarcheEnCours: true), true, CEAMExclusion.demarcheEnCours),
            (AssureSituation(), false, CEAMExclusion.insufficientRights),
          ])
    func exclusions(situation: AssureSituation, rights: Bool, reason: CEAMExclusion) {
        #expect(options(.none, situation: situation, rights: rights).availability(.order) == .excluded(reason))
        let valid = options(.valid(until: day(2027, 1, 1)), situation: situation, rights: rights)
        #expect(valid.availability(.earlyRenewal) == .excluded(reason))
        #expect(valid.availability(.declareLossOrTheft) == .excluded(reason))
        #expect(valid.allowed == [.viewPrint])
    }

    @Test("a request is checked again when applied: no stale screen gets through")
    func applyRechecks() {
        #expect(throws: CEAMRequestError.notAllowed(.order, .npai)) {
            try rules.apply(CEAMRequest(action: .order), record: CEAMRecord(), situation: AssureSituation(npai: true),
                            rightsSufficient: true, today: today)
        }
        #expect(throws: CEAMRequestError.notApplicable(.earlyRenewal)) {
            try rules.apply(CEAMRequest(action: .earlyRenewal), record: CEAMRecord(), situation: ok, rightsSufficient: true, today: today)
        }
        #expect(throws: CEAMRequestError.notAllowed(.earlyRenewal, .renewalTooEarly(opensOn: day(2027, 4, 1)))) {
            try rules.apply(CEAMRequest(action: .earlyRenewal), record: CEAMRecord(state: .valid(until: day(2027, 6, 1))),
                            situation: ok, rightsSufficient: true, today: today)
        }
    }

    @Test("parameters change the rules: 3-month renewal window")
    func tunable() {
        var p = CEAMParameters()
        p.earlyRenewalMonthsBeforeExpiry = 3
        #expect(CEAMRules(p).renewalOpens(until: day(2027, 2, 23)) == today)
    }
}

@Suite("Rights on the card")
struct RightsTests {
    let rights = PersonRights(index: 1, amoStart: day(2026, 1, 1), amoEnd: day(2026, 12, 31), ald: false,
                              complementaireSanteSolidaireEnd: day(2026, 6, 30))

    @Test("AMO rights are open from the first day through the last")
    func amoBounds() {
        #expect(!rights.amoOpen(on: day(2025, 12, 31)))
        #expect(rights.amoOpen(on: day(2026, 1, 1)))
        #expect(rights.amoOpen(on: day(2026, 12, 31)))
        #expect(!rights.amoOpen(on: day(2027, 1, 1)))
        #expect(rights.complementaireOpen(on: day(2026, 6, 30)))
        #expect(!rights.complementaireOpen(on: day(2026, 7, 1)))
    }

    @Test("untrusted or absent rights give nothing to show")
    func untrusted() {
        #expect(CardRightsStatus.trusted(issuedAt: "20261123120000", persons: [rights]).rights(forPersonAt: 1) == rights)
        #expect(CardRightsStatus.trusted(issuedAt: "20261123120000", persons: [rights]).rights(forPersonAt: 0) == nil)
        #expect(CardRightsStatus.untrusted(reason: "bad signature").rights(forPersonAt: 1) == nil)
        #expect(CardRightsStatus.untrusted(reason: "bad signature").needsUpdate)
        #expect(CardRightsStatus.absent.needsUpdate)
        #expect(!CardRightsStatus.trusted(issuedAt: "x", persons: []).needsUpdate)
    }
}
