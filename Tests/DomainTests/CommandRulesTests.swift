import Domain
import Foundation
import Testing

/// A command applied to a foyer: every effect, written by hand from the
/// seeds (`/work/shared/seeds/INDEX.md`: 000 carte Vitale order, 001 the
/// services catalogue, 003 CEAM, 004 loss/theft declaration).
@Suite("Commands: what a confirmed request does")
struct CommandRulesTests {
    let rules = CommandRules()
    /// Monday 23 November 2026, noon in Paris (UTC+1).
    let today = day(2026, 11, 23)
    let now = instant("2026-11-23T11:00:00Z")
    /// The inserted card (the assuré's) and Léa's own card.
    let holderCard = "25010000000001"
    let leaCard = "25010000000002"

    static let lea = Demo.withOwnNIR(Demo.person(.enfant, born: BirthDate(day(2012, 3, 1)), prenoms: "Léa"))
    static let hugo = Demo.person(.enfant, born: BirthDate(day(2018, 7, 9)), prenoms: "Hugo")
    /// The photo and the pièce d'identité the kiosk put in the central store.
    static let photo = UUID(uuidString: "00000000-0000-4000-8000-00000000f070")!
    static let identity = UUID(uuidString: "00000000-0000-4000-8000-0000000001d0")!
    /// A new card after a loss or theft, with both documents and the sworn statement.
    static let order = KioskCommand.Action.vitaleOrder(order: VitaleOrderRequest(useCase: .lossOrTheft, photo: photo,
                                                                                 identityDocument: identity, swornStatement: true))

    /// The assuré (card in use, CEAM valid), Léa, 14 (her own card), Hugo, 8 (none).
    func foyer(holderCEAM: CEAMRecord = CEAMRecord(state: .valid(until: day(2027, 6, 1))),
               situation: AssureSituation = .init(), cards: [String: CardSerialStatus]? = nil) -> FoyerState {
        FoyerState(situation: situation, beneficiaries: [
            .init(person: Demo.holder, ceam: holderCEAM, vitale: .active(serial: holderCard)),
            .init(person: Self.lea, vitale: .active(serial: leaCard)),
            .init(person: Self.hugo),
        ], cards: cards ?? [holderCard: .active, leaCard: .active], documents: [Self.photo: .photo, Self.identity: .identityDocument])
    }

    func command(_ action: KioskCommand.Action, person: Int = 0, serial: String? = nil) -> KioskCommand {
        KioskCommand(serial: serial ?? holderCard, personIndex: person, action: action, confirmedAt: now)
    }

    func applied(_ outcome: CommandOutcome, sourceLocation: SourceLocation = #_sourceLocation) throws -> AppliedCommand {
        guard case .applied(let a) = outcome else {
            Issue.record("refused: \(outcome)", sourceLocation: sourceLocation)
            throw Refused()
        }
        return a
    }
    struct Refused: Error {}

    // MARK: CEAM

    @Test("CEAM order, departure later: a first card, sent in 10 days, nothing to print")
    func ceamOrder() throws {
        let f = foyer()
        // Seed 001: « recevrez votre carte dans un délai de 10 jours ».
        let a = try applied(rules.apply(command(.ceam(CEAMRequest(action: .order, departureWithinUrgentDays: false)), person: 2),
                                        to: f, after: nil, now: now, today: today))
        let order = CEAMOrder(kind: .first, placedOn: day(2026, 11, 23), expectedBy: day(2026, 12, 3))
        #expect(a.personIndex == 2)
        #expect(a.foyer.beneficiaries[2].ceam == CEAMRecord(state: .ordered(order)))
        #expect(a.provisionalCertificate == nil)
        #expect(a.cardStatusChanges.isEmpty)
        // Nothing else moved.
        #expect(a.foyer.beneficiaries[0] == f.beneficiaries[0] && a.foyer.beneficiaries[1] == f.beneficiaries[1])
        #expect(a.foyer.cards == f.cards && a.foyer.situation == f.situation)
    }

    @Test("CEAM order, departure within 15 days: a provisional certificate valid 3 months, to print")
    func ceamOrderUrgent() throws {
        // Seed 003: « Si le départ de l'assuré est dans moins de 15 jours, le
        // service lui propose d'obtenir un certificat provisoire qui sera valable 3 mois. »
        let a = try applied(rules.apply(command(.ceam(CEAMRequest(action: .order, departureWithinUrgentDays: true)), person: 2),
                                        to: foyer(), after: nil, now: now, today: today))
        let certificate = ProvisionalCertificate(issuedOn: day(2026, 11, 23), validUntil: day(2027, 2, 23))
        #expect(a.provisionalCertificate == certificate)
        #expect(a.foyer.beneficiaries[2].ceam.state.order?.provisionalCertificate == certificate)
        // « Il n'est téléchargeable qu'une seule fois »: a second order is refused.
        #expect(rules.apply(command(.ceam(CEAMRequest(action: .order, departureWithinUrgentDays: true)), person: 2),
                            to: a.foyer, after: nil, now: now, today: today)
                == .refused(.ceam(.notAllowed(.order, .orderInProgress))))
    }

    @Test("CEAM early renewal: from 2 months before expiry, not a day sooner")
    func ceamRenewal() throws {
        // Seed 001: « n'est possible qu'à partir de 2 mois avant la date d'expiration de la carte actuelle ».
        let f = foyer(holderCEAM: CEAMRecord(state: .valid(until: day(2027, 1, 23))))
        let renew = command(.ceam(CEAMRequest(action: .earlyRenewal)))
        #expect(rules.apply(renew, to: f, after: nil, now: now.addingTimeInterval(-86_400), today: day(2026, 11, 22))
                == .refused(.ceam(.notAllowed(.earlyRenewal, .renewalTooEarly(opensOn: day(2026, 11, 23))))))
        let a = try applied(rules.apply(renew, to: f, after: nil, now: now, today: today))
        #expect(a.foyer.beneficiaries[0].ceam.state
                == .ordered(CEAMOrder(kind: .earlyRenewal, placedOn: day(2026, 11, 23), expectedBy: day(2026, 12, 3))))
        // Renewing a card that is not there: the action does not apply.
        #expect(rules.apply(command(.ceam(CEAMRequest(action: .earlyRenewal)), person: 2), to: f, after: nil, now: now, today: today)
                == .refused(.ceam(.notApplicable(.earlyRenewal))))
    }

    @Test("CEAM loss or theft: the card cancelled, a replacement ordered, the declaration counted")
    func ceamLoss() throws {
        // Seed 003: « La carte est automatiquement invalidée suite à la déclaration ».
        let vol = CEAMRequest(action: .declareLossOrTheft, departureWithinUrgentDays: false,
                              loss: .init(kind: .vol, date: day(2026, 11, 20), swornStatement: true))
        let a = try applied(rules.apply(command(.ceam(vol)), to: foyer(), after: nil, now: now, today: today))
        let replacement = CEAMOrder(kind: .replacement, placedOn: day(2026, 11, 23), expectedBy: day(2026, 12, 3))
        #expect(a.foyer.beneficiaries[0].ceam
                == CEAMRecord(state: .declaredLost(on: day(2026, 11, 20), kind: .vol, replacement: replacement),
                              lossDeclarations: [day(2026, 11, 23)]))
        // A CEAM is not a carte Vitale: no card status changes.
        #expect(a.cardStatusChanges.isEmpty && a.foyer.cards == foyer().cards)
    }

    @Test("CEAM loss: a date after today, or no sworn statement, is refused")
    func ceamLossAnswers() {
        func declare(_ date: CivilDate, sworn: Bool = true) -> CommandOutcome {
            rules.apply(command(.ceam(CEAMRequest(action: .declareLossOrTheft,
                                                  loss: .init(kind: .perte, date: date, swornStatement: sworn)))),
                        to: foyer(), after: nil, now: now, today: today)
        }
        #expect(declare(day(2026, 11, 24)) == .refused(.ceam(.lossDateInFuture(latest: day(2026, 11, 23)))))
        // A card is valid 2 years: a loss before that is no loss of this card.
        #expect(declare(day(2024, 11, 22)) == .refused(.ceam(.lossDateTooOld(earliest: day(2024, 11, 23)))))
        #expect(declare(day(2026, 11, 23), sworn: false) == .refused(.ceam(.swornStatementNotTicked)))
        #expect(rules.apply(command(.ceam(CEAMRequest(action: .declareLossOrTheft))), to: foyer(), after: nil, now: now, today: today)
                == .refused(.ceam(.lossDetailsMissing)))
    }

    @Test("CEAM loss: a third declaration in the year is made; a fourth goes to the caisse")
    func ceamLossLimit() throws {
        // Seed 003: « L'assuré qui a déjà déclaré plus de 2 fois la perte/le vol
        // de sa CEAM au cours de l'année devra contacter sa caisse ».
        let loss = command(.ceam(CEAMRequest(action: .declareLossOrTheft,
                                             loss: .init(kind: .perte, date: day(2026, 11, 22), swornStatement: true))))
        let two = CEAMRecord(state: .valid(until: day(2027, 6, 1)), lossDeclarations: [day(2026, 2, 1), day(2026, 7, 14)])
        let a = try applied(rules.apply(loss, to: foyer(holderCEAM: two), after: nil, now: now, today: today))
        #expect(a.foyer.beneficiaries[0].ceam.lossDeclarations == [day(2026, 2, 1), day(2026, 7, 14), day(2026, 11, 23)])
        let three = CEAMRecord(state: .valid(until: day(2027, 6, 1)),
                               lossDeclarations: [day(2026, 2, 1), day(2026, 7, 14), day(2026, 9, 1)])
        #expect(rules.apply(loss, to: foyer(holderCEAM: three), after: nil, now: now, today: today)
                == .refused(.ceam(.notAllowed(.declareLossOrTheft, .tooManyLossDeclarations(count: 3, limit: 2)))))
        // Declarations of last year do not count (calendar year).
        let lastYear = CEAMRecord(state: .valid(until: day(2027, 6, 1)),
                                  lossDeclarations: [day(2025, 2, 1), day(2025, 7, 14), day(2025, 9, 1)])
        _ = try applied(rules.apply(loss, to: foyer(holderCEAM: lastYear), after: nil, now: now, today: today))
    }

    // MARK: carte Vitale

    @Test("carte Vitale lost: the person's card invalidated, its serial lost from now on",
          arguments: [(VitaleDeclarationReason.perte, CardSerialStatus.lost), (.vol, .stolen)])
    func vitaleLossOrTheft(reason: VitaleDeclarationReason, status: CardSerialStatus) throws {
        // Seed 004: « Sélectionnez le motif de renouvellement de l'ancienne carte
        // Vitale. … Cochez la case Je m'engage à restituer… »
        let a = try applied(rules.apply(command(.vitaleDeclaration(reason: reason, commitsToReturnFoundCard: true)),
                                        to: foyer(), after: nil, now: now, today: today))
        #expect(a.foyer.beneficiaries[0].vitale == .invalidated(serial: holderCard, reason: reason, declaredAt: now))
        #expect(a.cardStatusChanges == [CardStatusChange(serial: holderCard, status: status, at: now)])
        #expect(a.foyer.cards == [holderCard: status, leaCard: .active])
        #expect(a.provisionalCertificate == nil)
    }

    @Test("carte Vitale lost or stolen without the commitment to return it: refused")
    func vitaleCommitment() {
        // Seed 004: « Cochez la case Je m'engage à restituer… »
        for reason in [VitaleDeclarationReason.perte, .vol] {
            #expect(rules.apply(command(.vitaleDeclaration(reason: reason, commitsToReturnFoundCard: false)),
                                to: foyer(), after: nil, now: now, today: today)
                    == .refused(.vitale(.returnCommitmentMissing)))
        }
    }

    @Test("carte Vitale faulty: invalidated without a commitment (nothing to send back)")
    func vitaleDysfonctionnement() throws {
        // Seed 000: a new card « Lorsque la carte présente un dysfonctionnement ».
        let a = try applied(rules.apply(command(.vitaleDeclaration(reason: .dysfonctionnement, commitsToReturnFoundCard: false)),
                                        to: foyer(), after: nil, now: now, today: today))
        #expect(a.cardStatusChanges == [CardStatusChange(serial: holderCard, status: .invalidated, at: now)])
    }

    @Test("a beneficiary's card declared with the assuré's card: hers changes, the inserted card stays active")
    func vitaleBeneficiaryCard() throws {
        let a = try applied(rules.apply(command(.vitaleDeclaration(reason: .vol, commitsToReturnFoundCard: true), person: 1),
                                        to: foyer(), after: nil, now: now, today: today))
        #expect(a.foyer.cards == [holderCard: .active, leaCard: .stolen])
        #expect(a.foyer.beneficiaries[0].vitale == .active(serial: holderCard))
        #expect(a.foyer.beneficiaries[1].vitale == .invalidated(serial: leaCard, reason: .vol, declaredAt: now))
    }

    @Test("carte Vitale order after declaring the card in the reader: through, chained to that declaration")
    func vitaleOrderAfterDeclaration() throws {
        // Seed 000: « de la déclaration de perte de CV à la commande de sa nouvelle CV ».
        let declaration = command(.vitaleDeclaration(reason: .perte, commitsToReturnFoundCard: true))
        let declared = try applied(rules.apply(declaration, to: foyer(), after: nil, now: now, today: today))
        var order = command(Self.order)
        order.after = declaration.id
        let chained = CommandPredecessor(applied: true, invalidatedCard: holderCard)
        let a = try applied(rules.apply(order, to: declared.foyer, after: chained, now: now.addingTimeInterval(60), today: today))
        #expect(a.foyer.beneficiaries[0].vitale == .ordered(at: now.addingTimeInterval(60)))
        #expect(a.cardStatusChanges.isEmpty && a.foyer.cards[holderCard] == .lost)
        // The same order on the lost card, not after its declaration: refused.
        #expect(rules.apply(command(Self.order), to: declared.foyer, after: nil, now: now, today: today) == .refused(.cardInactive))
        #expect(rules.apply(order, to: declared.foyer, after: CommandPredecessor(applied: false, invalidatedCard: nil),
                            now: now, today: today) == .refused(.cardInactive))
        // Any other request with it, too (a CEAM order for Hugo).
        #expect(rules.apply(command(.ceam(CEAMRequest(action: .order)), person: 2), to: declared.foyer, after: nil, now: now, today: today)
                == .refused(.cardInactive))
    }

    @Test("carte Vitale order: 4 days after the declaration, then 1 day refused, then possible again")
    func vitaleOrderWindow() throws {
        // Seed 000: « il a 4 jours pour effectuer sa commande de carte Vitale en
        // ligne avant l'envoi du pli papier. Passé ce délai, il ne pourra pas
        // commander de carte Vitale pendant 1 journée seulement ».
        let declaredAt = instant("2026-11-23T11:00:00Z")
        var f = foyer(cards: [holderCard: .active, leaCard: .stolen])
        f.beneficiaries[1].vitale = .invalidated(serial: leaCard, reason: .vol, declaredAt: declaredAt)
        let order = command(Self.order, person: 1)
        func at(_ text: String) -> CommandOutcome {
            let t = instant(text)
            return rules.apply(order, to: f, after: nil, now: t, today: CivilDay.inParis(t))
        }
        _ = try applied(at("2026-11-27T10:59:59Z"))
        #expect(at("2026-11-27T11:00:00Z") == .refused(.vitale(.notAllowed(.order, .orderPausedUntil(instant("2026-11-28T11:00:00Z"))))))
        #expect(at("2026-11-28T10:59:59Z") == .refused(.vitale(.notAllowed(.order, .orderPausedUntil(instant("2026-11-28T11:00:00Z"))))))
        let a = try applied(at("2026-11-28T11:00:00Z"))
        #expect(a.foyer.beneficiaries[1].vitale == .ordered(at: instant("2026-11-28T11:00:00Z")))
    }

    @Test("carte Vitale order while the card is in use: declare it first")
    func vitaleOrderNeedsDeclaration() {
        // Seed 000: « Assuré qui n'a pas d'abord fait une déclaration de perte / vol ou dysfonctionnement quand nécessaire ».
        #expect(rules.apply(command(Self.order), to: foyer(), after: nil, now: now, today: today)
                == .refused(.vitale(.notAllowed(.order, .declarationRequired))))
    }

    @Test("carte Vitale for a child under 12: neither declared nor ordered")
    func vitaleTooYoung() {
        // Seed 000: « Bénéficiaire ayant droit de 12 ans et plus ».
        #expect(rules.apply(command(Self.order, person: 2), to: foyer(), after: nil, now: now, today: today)
                == .refused(.vitale(.notAllowed(.order, .tooYoung(minimumAge: 12)))))
        #expect(rules.apply(command(.vitaleDeclaration(reason: .perte, commitsToReturnFoundCard: true), person: 2),
                            to: foyer(), after: nil, now: now, today: today)
                == .refused(.vitale(.notAllowed(.declare, .tooYoung(minimumAge: 12)))))
    }

    // MARK: refusals before any rule of the service

    @Test("refused: an unknown card, a person not in the foyer, NPAI, a démarche en cours")
    func refusals() {
        #expect(rules.apply(command(Self.order, serial: "25019999999999"), to: foyer(), after: nil, now: now, today: today)
                == .refused(.unknownCard))
        #expect(rules.apply(command(.ceam(CEAMRequest(action: .order)), person: 3), to: foyer(), after: nil, now: now, today: today)
                == .refused(.noSuchPerson))
        // Seed 003, « Cas d'exclusion du téléservice »: « L'assuré en NPAI ».
        #expect(rules.apply(command(.ceam(CEAMRequest(action: .order)), person: 2), to: foyer(situation: AssureSituation(npai: true)),
                            after: nil, now: now, today: today) == .refused(.ceam(.notAllowed(.order, .npai))))
        // Seed 003: « Un assuré ne peut réaliser qu'une seule démarche à la fois ».
        #expect(rules.apply(command(.vitaleDeclaration(reason: .vol, commitsToReturnFoundCard: true)),
                            to: foyer(situation: AssureSituation(demarcheEnCours: true)), after: nil, now: now, today: today)
                == .refused(.vitale(.notAllowed(.declare, .demarcheEnCours))))
        // A card refused by the file (stolen), even with its own foyer's request.
        #expect(rules.apply(command(.ceam(CEAMRequest(action: .order)), person: 2, serial: leaCard),
                            to: foyer(cards: [holderCard: .active, leaCard: .stolen]), after: nil, now: now, today: today)
                == .refused(.cardInactive))
    }
}

@Suite("What a CEAM modal asks")
struct CEAMFormTests {
    let rules = CEAMRules()
    let today = day(2026, 11, 23)

    @Test("order and renewal ask the departure only; « Voir / imprimer » asks nothing")
    func orderForm() throws {
        // Seed 001: « Je précise si mon départ est dans les 15 jours et je clique sur Valider ».
        let form = try #require(rules.form(for: .order, today: today))
        #expect(form.asksDeparture && form.urgentDepartureDays == 15 && form.loss == nil)
        #expect(form.request(.init()) == nil)
        #expect(form.request(.init(departureWithinUrgentDays: false)) == CEAMRequest(action: .order, departureWithinUrgentDays: false))
        #expect(rules.form(for: .earlyRenewal, today: today)?.request(.init(departureWithinUrgentDays: true))
                == CEAMRequest(action: .earlyRenewal, departureWithinUrgentDays: true))
        #expect(rules.form(for: .viewPrint, today: today) == nil)
    }

    @Test("loss: perte or vol, a date from 2 years ago to today (proposed: today), the sworn statement")
    func lossForm() throws {
        // Seed 003: « L'assuré clique sur l'icône calendrier et sélectionne la
        // date correspondant à la perte ou au vol de sa CEAM ».
        let loss = rules.lossForm(today: today)
        #expect(loss.kinds == [.perte, .vol])
        #expect(loss.dates == day(2024, 11, 23)...day(2026, 11, 23))
        #expect(loss.proposedDate == day(2026, 11, 23))
        #expect(loss.swornStatementRequired)
        let form = try #require(rules.form(for: .declareLossOrTheft, today: today))
        #expect(form.loss == loss && form.asksDeparture)
        var answers = CEAMForm.Answers(departureWithinUrgentDays: false, lossKind: .vol, lossDate: day(2026, 11, 20))
        #expect(form.request(answers) == nil) // not sworn
        answers.swornStatement = true
        #expect(form.request(answers) == CEAMRequest(action: .declareLossOrTheft, departureWithinUrgentDays: false,
                                                     loss: .init(kind: .vol, date: day(2026, 11, 20), swornStatement: true)))
        answers.lossDate = day(2026, 11, 24)
        #expect(form.request(answers) == nil) // after today
        answers.lossDate = day(2024, 11, 22)
        #expect(form.request(answers) == nil) // before the card's 2 years
        answers.lossDate = day(2024, 11, 23)
        answers.lossKind = nil
        #expect(form.request(answers) == nil)
        answers.lossKind = .perte
        answers.departureWithinUrgentDays = nil
        #expect(form.request(answers) == nil)
    }

    @Test("what the form makes, the rules apply")
    func formAndApplyAgree() throws {
        let form = try #require(rules.form(for: .declareLossOrTheft, today: today))
        for date in [form.loss!.dates.lowerBound, form.loss!.dates.upperBound] {
            let request = try #require(form.request(.init(departureWithinUrgentDays: true, lossKind: .perte, lossDate: date, swornStatement: true)))
            _ = try rules.apply(request, record: CEAMRecord(state: .valid(until: day(2027, 6, 1))), situation: .init(),
                                rightsSufficient: true, today: today)
        }
    }

    @Test("a provisional certificate is handed over through its last day")
    func certificateValidity() {
        let certificate = ProvisionalCertificate(issuedOn: day(2026, 11, 23), validUntil: day(2027, 2, 23))
        #expect(certificate.isValid(on: day(2027, 2, 23)))
        #expect(!certificate.isValid(on: day(2027, 2, 24)))
    }
}

@Suite("One démarche at a time")
struct OneDemarcheAtATimeTests {
    // Seed 003: « Un assuré ne peut réaliser qu'une seule démarche à la fois,
    // pour lui ou un de ses ayants droit. »
    let all: [CEAMAction] = [.earlyRenewal, .declareLossOrTheft, .viewPrint]

    @Test("nothing waits: what the rules allow today")
    func nothingWaits() {
        #expect(OneDemarcheAtATime.ceamActions(all, for: 0, waiting: []) == all)
        #expect(OneDemarcheAtATime.ceamHold(for: 0, waiting: []) == nil)
    }

    @Test("a CEAM request waits: no other for the foyer; others may still view their card")
    func ceamWaits() {
        #expect(OneDemarcheAtATime.ceamActions(all, for: 1, waiting: [1]) == [])
        #expect(OneDemarcheAtATime.ceamActions(all, for: 0, waiting: [1]) == [.viewPrint])
        #expect(OneDemarcheAtATime.ceamActions([.order], for: 2, waiting: [1]) == [])
        #expect(OneDemarcheAtATime.ceamHold(for: 1, waiting: [1]) == .ownRequestWaits)
        #expect(OneDemarcheAtATime.ceamHold(for: 0, waiting: [1]) == .anotherRequestWaits)
    }

    @Test("a carte Vitale request waits: nothing more for that person")
    func vitaleWaits() {
        #expect(!OneDemarcheAtATime.vitaleOffered(to: 0, waiting: [0]))
        #expect(OneDemarcheAtATime.vitaleOffered(to: 1, waiting: [0]))
    }
}

@Suite("A declared carte Vitale")
struct DeclaredCardTests {
    @Test("perte: lost, vol: stolen, dysfonctionnement: invalidated")
    func status() {
        #expect(CardSerialStatus(declared: .perte) == .lost)
        #expect(CardSerialStatus(declared: .vol) == .stolen)
        #expect(CardSerialStatus(declared: .dysfonctionnement) == .invalidated)
        #expect(CardSerialStatus.allCases.filter { !$0.isRefused } == [.active])
    }

    @Test("a found card must be sent back, unless it was faulty")
    func commitment() {
        // Seed 004: « Cochez la case Je m'engage à restituer… »
        #expect(VitaleDeclarationReason.perte.requiresReturnCommitment)
        #expect(VitaleDeclarationReason.vol.requiresReturnCommitment)
        #expect(!VitaleDeclarationReason.dysfonctionnement.requiresReturnCommitment)
    }
}

@Suite("The sex a NIR says")
struct PersonSexTests {
    @Test("the first digit: 1 a man, 2 a woman; the assuré's own from the ouvrant droit's NIR")
    func firstDigit() throws {
        let woman = try NIR(body: "2850775056123")
        #expect(woman.sex == .female)
        #expect(Demo.holder.sex == .male) // 1 80 05 75 056 123 42
        let assuree = Person(ouvrantDroitNIR: woman, nomFamille: "DUPONT", prenoms: "Marie",
                             birthDate: BirthDate(day(1985, 7, 1)), qualite: .assure)
        #expect(assuree.sex == .female)
        let conjointe = Person(ouvrantDroitNIR: Demo.holderNIR, ownNIR: woman, nomFamille: "DUPONT", prenoms: "Marie",
                               birthDate: BirthDate(day(1985, 7, 1)), qualite: .conjoint)
        #expect(conjointe.sex == .female)
        // A beneficiary without a NIR of their own: the ouvrant droit's says nothing of them.
        #expect(Demo.person(.enfant, born: BirthDate(day(2012, 3, 1))).sex == nil)
    }

    @Test("provisional numbers: 3, 7 a man; 4, 8 a woman")
    func provisional() throws {
        #expect(try NIR(body: "3800575056123").sex == .male)
        #expect(try NIR(body: "4800575056123").sex == .female)
        #expect(try NIR(body: "7800575056123").sex == .male)
        #expect(try NIR(body: "8800575056123").sex == .female)
    }
}

/// An instant written as the seeds' examples are read: ISO 8601, UTC.
func instant(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)!
}
