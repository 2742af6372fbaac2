import CentralAPI
import Domain
import Foundation

/// The demo data `--demo-data` loads (Assets/demo/central-seed.json): the
/// demo foyer shared by every part. Fictional people. Personal codes are in
/// clear in the seed only because it is demo data; the store keeps hashes.
public struct DemoSeed: Codable, Sendable {
    public struct SeedPerson: Codable, Sendable {
        public var ownNIR: String?
        public var nomFamille: String
        public var nomUsage: String?
        public var prenoms: String
        /// `YYYYMMDD`, `00` for unknown parts.
        public var birthDate: String
        public var rang: Int?
        public var qualite: String
        public var ceamValidUntil: CivilDate?
        public var vitaleSerial: String?
        public var amoStart: CivilDate?
        public var amoEnd: CivilDate?
        public var ald: Bool?
        public var complementaireSanteSolidaireEnd: CivilDate?
    }

    public struct SeedCard: Codable, Sendable {
        public var serial: String
        public var personIndex: Int
        public var generation: Int?
        public var issuer: String?
        public var issueDate: CivilDate?
    }

    public struct SeedAssure: Codable, Sendable {
        public var nir: String
        public var mobile: String?
        /// The postal address on file (`Domain.PostalAddress`'s fields),
        /// checked as the kiosk would check a typed one.
        public var address: PostalAddress?
        public var personalCode: String?
        public var persons: [SeedPerson]
        public var cards: [SeedCard]
        /// Reimbursements paid (« Mes remboursements »); none: the foyer has none.
        public var payments: [SeedPayment]?
        /// Indemnités journalières paid to the assuré; none: never on sick leave.
        public var dailyAllowances: [SeedDailyAllowance]?
    }

    /// A reimbursement as people write it: amounts in euros (« 26,50 »),
    /// `to` "assure" or the professional paid directly.
    public struct SeedPayment: Codable, Sendable, Hashable {
        public var person: Int
        public var care: CivilDate
        public var nature: CareNature
        public var paid: String
        public var paidOn: CivilDate
        public var to: String

        public init(person: Int, care: CivilDate, nature: CareNature, paid: String, paidOn: CivilDate, to: String) {
            self.person = person; self.care = care; self.nature = nature; self.paid = paid; self.paidOn = paidOn; self.to = to
        }

        /// The payment, with an id from its place; an amount that is not euros
        /// and cents is refused (never rounded).
        public func payment(id: String) throws -> Payment {
            guard let amount = Money(euros: paid) else { throw Problem(description: "payment \(id): \"\(paid)\" is not an amount in euros (26,50)") }
            return Payment(id: id, personIndex: person, careDate: care, nature: nature, amountPaid: amount, paidOn: paidOn,
                           payee: to == "assure" ? .assure : .professional(name: to))
        }
    }

    /// IJ paid for one period of leave: `daily` in euros; `paid` the amount paid.
    public struct SeedDailyAllowance: Codable, Sendable, Hashable {
        public var from: CivilDate
        public var to: CivilDate
        public var daily: String
        public var paid: String
        public var paidOn: CivilDate

        public init(from: CivilDate, to: CivilDate, daily: String, paid: String, paidOn: CivilDate) {
            self.from = from; self.to = to; self.daily = daily; self.paid = paid; self.paidOn = paidOn
        }

        public func allowance(id: String) throws -> DailyAllowancePayment {
            guard let d = Money(euros: daily), let p = Money(euros: paid) else {
                throw Problem(description: "daily allowance \(id): amounts are euros (43,12)")
            }
            return DailyAllowancePayment(id: id, from: from, to: to, dailyAmount: d, amountPaid: p, paidOn: paidOn)
        }
    }

    public var assures: [SeedAssure]
    public var ceamCountries: [CEAMCountry]
    public var trustedIssuerKeys: [TrustedKey]?

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(from url: URL) throws -> DemoSeed {
        do {
            return try CentralJSON.decoder().decode(DemoSeed.self, from: Data(contentsOf: url))
        } catch {
            throw Problem(description: "demo seed \(url.path) does not load: \(error)")
        }
    }

    /// Seed payments with ids from the assuré and their place (stable across loads).
    public static func payments(_ seeds: [SeedPayment], nir: String) throws -> [Payment] {
        try seeds.enumerated().map { i, p in try p.payment(id: "\(nir)-p\(i + 1)") }
    }

    public static func allowances(_ seeds: [SeedDailyAllowance], nir: String) throws -> [DailyAllowancePayment] {
        try seeds.enumerated().map { i, a in try a.allowance(id: "\(nir)-ij\(i + 1)") }
    }

    /// The foyers, with codes hashed by `hasher`.
    public func foyers(hasher: CodeHasher) throws -> [FoyerFile] {
        try assures.map { a in
            let odNIR: NIR
            do { odNIR = try NIR(a.nir) } catch { throw Problem(description: "demo seed: assuré NIR: \(error)") }
            let persons = try a.persons.enumerated().map { i, p -> PersonFile in
                let own: NIR?
                do { own = try p.ownNIR.map { try NIR($0) } } catch { throw Problem(description: "demo seed: person \(i) NIR: \(error)") }
                guard let birth = BirthDate(compact: p.birthDate) else { throw Problem(description: "demo seed: person \(i) birth date") }
                let qualite: Qualite = switch p.qualite {
                case "assure": .assure
                case "conjoint": .conjoint
                case "enfant": .enfant
                default: .autreAyantDroit
                }
                let person = Person(ouvrantDroitNIR: odNIR, ownNIR: own, nomFamille: p.nomFamille, nomUsage: p.nomUsage,
                                    prenoms: p.prenoms, birthDate: birth, rangNaissance: p.rang ?? 1, qualite: qualite)
                var rights: PersonRights?
                if let s = p.amoStart, let e = p.amoEnd {
                    rights = PersonRights(index: i, amoStart: s, amoEnd: e, ald: p.ald ?? false,
                                          complementaireSanteSolidaireEnd: p.complementaireSanteSolidaireEnd)
                }
                return PersonFile(person: person, ceam: CEAMRecord(state: p.ceamValidUntil.map { .valid(until: $0) } ?? .none),
                                  vitale: p.vitaleSerial.map { .active(serial: $0) } ?? .none, rights: rights)
            }
            let cards = a.cards.map {
                CardRecord(serial: $0.serial, personIndex: $0.personIndex, generation: $0.generation, issuer: $0.issuer, issueDate: $0.issueDate)
            }
            let address: PostalAddress?
            do { address = try a.address?.validated() } catch { throw Problem(description: "demo seed: address: \(error)") }
            return FoyerFile(nir: odNIR.text, mobile: a.mobile.flatMap { MobileNumber($0) }, address: address, persons: persons,
                             codes: CodeFile(personal: try a.personalCode.map { try hasher.hash($0) }), cards: cards)
        }
    }

    /// Loads the seed into a store (replacing the same assurés).
    public func load(into store: any CentralStore, hasher: CodeHasher, at: Date) async throws {
        for f in try foyers(hasher: hasher) { try await store.insertFoyer(f, at: at) }
        for a in assures {
            try await store.setPayments(nir: a.nir, payments: try Self.payments(a.payments ?? [], nir: a.nir),
                                        allowances: try Self.allowances(a.dailyAllowances ?? [], nir: a.nir))
        }
        try await store.setReference(issuerKeys: trustedIssuerKeys ?? [], countries: ceamCountries)
    }
}
