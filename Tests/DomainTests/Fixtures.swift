import Domain
import Foundation

/// Shorthand for the tests: a civil date that must exist.
func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

/// The demo foyer's people (fictional; keys computed).
enum Demo {
    static let holderNIR = try! NIR("180057505612342")

    static func person(_ qualite: Qualite, born: BirthDate, prenoms: String = "Jean") -> Person {
        Person(ouvrantDroitNIR: holderNIR, nomFamille: "DUPONT", prenoms: prenoms, birthDate: born, qualite: qualite)
    }

    static let holder = person(.assure, born: BirthDate(day(1980, 5, 14)))

    /// An ayant droit with a NIR of their own (what a carte Vitale of their own needs).
    static func withOwnNIR(_ p: Person) -> Person {
        var p = p
        p.ownNIR = try! NIR("212033306301160")
        return p
    }
}
