/// Every number the rules use, named, with the value the seeds give as
/// default. A caisse may tune them through the kiosk configuration; the
/// central store and the kiosk must apply the same set.
public struct RuleParameters: Hashable, Sendable, Codable {
    public var ceam: CEAMParameters
    public var carteVitale: CarteVitaleParameters
    public var codes: CodeParameters
    public var session: SessionParameters
    /// « Mes remboursements » and the IJ attestation: the history shown.
    public var payments: PaymentParameters = .init()
    /// At most this many persons on one card (card profile: 12).
    public var maxPersonsPerCard: Int

    public init(ceam: CEAMParameters = .init(), carteVitale: CarteVitaleParameters = .init(),
                codes: CodeParameters = .init(), session: SessionParameters = .init(), maxPersonsPerCard: Int = 12) {
        self.ceam = ceam
        self.carteVitale = carteVitale
        self.codes = codes
        self.session = session
        self.maxPersonsPerCard = maxPersonsPerCard
    }

    /// The values of the ameli documents (seeds 000, 001, 003).
    public static let standard = RuleParameters()

    enum CodingKeys: String, CodingKey { case ceam, carteVitale, codes, session, payments, maxPersonsPerCard }

    /// `payments` came later: a central store or a kiosk of before sends none (the standard values).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ceam = try c.decode(CEAMParameters.self, forKey: .ceam)
        carteVitale = try c.decode(CarteVitaleParameters.self, forKey: .carteVitale)
        codes = try c.decode(CodeParameters.self, forKey: .codes)
        session = try c.decode(SessionParameters.self, forKey: .session)
        payments = try c.decodeIfPresent(PaymentParameters.self, forKey: .payments) ?? .init()
        maxPersonsPerCard = try c.decode(Int.self, forKey: .maxPersonsPerCard)
    }
}

public struct CEAMParameters: Hashable, Sendable, Codable {
    /// A new CEAM is valid this many years.
    public var validityYears: Int = 2
    /// Early renewal is possible only from this many months before expiry.
    public var earlyRenewalMonthsBeforeExpiry: Int = 2
    /// A departure within this many days gets a provisional replacement certificate.
    public var urgentDepartureDays: Int = 15
    /// The provisional certificate is valid this many months.
    public var provisionalCertificateValidityMonths: Int = 3
    /// Announced delivery time of a new card, in days.
    public var deliveryDays: Int = 10
    /// Seed 003: « L'assuré qui a déjà déclaré **plus de 2 fois** la
    /// perte/le vol de sa CEAM au cours de l'année devra contacter sa
    /// caisse ». Once the declarations of the year number *more than* this,
    /// neither a new declaration nor an order is made at the kiosk (the
    /// caisse takes them); with exactly this many, one more is still made.
    public var caisseWhenLossDeclarationsExceed: Int = 2
    /// How "the year" is counted for the limit above.
    public var lossDeclarationYear: YearWindow = .calendar

    public init() {}
}

/// "In the year": the calendar year of today, or the 12 months up to today.
public enum YearWindow: String, Hashable, Sendable, Codable, CaseIterable {
    case calendar
    case rolling
}

public struct CarteVitaleParameters: Hashable, Sendable, Codable {
    /// A beneficiary may have their own card (and declare or order it) from this age.
    public var minimumAge: Int = 12
    /// After a loss/theft/malfunction declaration, the new card may be ordered
    /// during this many days.
    public var orderWindowDays: Int = 4
    /// Then ordering is refused during this many days (paper form being sent),
    /// and possible again afterwards.
    public var orderBlackoutDays: Int = 1
    /// Seed 000: « Un délai raccourci : 2 semaines pour recevoir sa carte
    /// vitale commandée en ligne » (« environ deux semaines »).
    public var deliveryDays: Int = 14
    /// Once the card is sent, the post's days until the letter box.
    public var postalDays: Int = 3
    /// Seed 000: the follow-up « dès 1 à 2 jour(s) après sa demande ».
    public var followUpAfterDays: Int = 2

    public init() {}

    enum CodingKeys: String, CodingKey { case minimumAge, orderWindowDays, orderBlackoutDays, deliveryDays, postalDays, followUpAfterDays }

    /// The delays came later: a central store or a kiosk of before sends none (the standard values).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minimumAge = try c.decode(Int.self, forKey: .minimumAge)
        orderWindowDays = try c.decode(Int.self, forKey: .orderWindowDays)
        orderBlackoutDays = try c.decode(Int.self, forKey: .orderBlackoutDays)
        deliveryDays = try c.decodeIfPresent(Int.self, forKey: .deliveryDays) ?? 14
        postalDays = try c.decodeIfPresent(Int.self, forKey: .postalDays) ?? 3
        followUpAfterDays = try c.decodeIfPresent(Int.self, forKey: .followUpAfterDays) ?? 2
    }
}

public struct CodeParameters: Hashable, Sendable, Codable {
    /// Digits of the code personnel.
    public var personalCodeDigits: Int = 4
    /// Wrong codes allowed before the code is locked.
    public var maxTries: Int = 3
    /// Digits of a provisional code.
    public var provisionalCodeDigits: Int = 4
    /// A provisional code is valid this many hours.
    public var provisionalCodeValidityHours: Int = 48
    /// At most this many provisional code requests…
    public var maxProvisionalRequests: Int = 3
    /// …in this many hours (rolling).
    public var provisionalRequestWindowHours: Int = 24

    public init() {}
}

public struct SessionParameters: Hashable, Sendable, Codable {
    /// Seconds without a touch before the session ends.
    public var inactivityTimeoutSeconds: Int = 90
    /// The warning shows this many seconds before the end.
    public var inactivityWarningSeconds: Int = 20
    /// One tap extends; at most this many times in a session.
    public var maxExtensions: Int = 10

    public init() {}
}
