import Domain
import Foundation
import Testing

/// The address on file: what makes a French address (the change-of-address
/// form's fields, seed 001 §5), and what a public screen may show of it.
/// Hand-written vectors: each says what it stands for.
@Suite("Postal address")
struct PostalAddressTests {
    static func address(_ number: String?, _ street: String?, _ complement: String? = nil, _ postalCode: String, _ commune: String) -> PostalAddress {
        PostalAddress(number: number, street: street, complement: complement, postalCode: postalCode, commune: commune)
    }

    // MARK: postal codes

    @Test(arguments: [
        ("75019", "75", "Paris"),
        ("01140", "01", "Ain: the seed's « 01140 ST DIDIER SUR CHALARONNE »"),
        ("95000", "95", "Val-d'Oise, the last metropolitan number"),
        ("20000", "20", "Ajaccio (Corse-du-Sud, 2A)"),
        ("20200", "20", "Bastia (Haute-Corse, 2B)"),
        ("97110", "971", "Guadeloupe"),
        ("97133", "971", "Saint-Barthélemy, on Guadeloupe's codes"),
        ("97150", "971", "Saint-Martin, on Guadeloupe's codes"),
        ("97200", "972", "Martinique"),
        ("97300", "973", "Guyane"),
        ("97400", "974", "La Réunion"),
        ("97500", "975", "Saint-Pierre-et-Miquelon"),
        ("97600", "976", "Mayotte"),
        ("98600", "986", "Wallis-et-Futuna"),
        ("98714", "987", "Polynésie française"),
        ("98800", "988", "Nouvelle-Calédonie"),
        (" 75 019 ", "75", "spaces typed inside do not count"),
    ])
    func existingDepartements(_ code: String, _ departement: String, _ what: String) {
        #expect(PostalCode.check(code) == .success(departement), "\(what)")
    }

    @Test(arguments: [
        ("", PostalAddressProblem.postalCodeMissing, "nothing typed"),
        ("7501", .postalCodeNotFiveDigits(length: 4), "a digit short"),
        ("750190", .postalCodeNotFiveDigits(length: 6), "a digit too many"),
        ("75O19", .postalCodeNotFiveDigits(length: 5), "the letter O for a zero"),
        ("2A000", .postalCodeNotFiveDigits(length: 5), "2A is Corsica's INSEE code, not its postal code"),
        ("00100", .noSuchDepartement(prefix: "00"), "no département 00"),
        ("96100", .noSuchDepartement(prefix: "96"), "no département 96"),
        ("99000", .noSuchDepartement(prefix: "99"), "99 is INSEE's « abroad », never a postal code"),
        ("97700", .noSuchDepartement(prefix: "977"), "Saint-Barthélemy has no 977 postal codes (97133)"),
        ("97900", .noSuchDepartement(prefix: "979"), "no 979"),
        ("98500", .noSuchDepartement(prefix: "985"), "no 985"),
        ("98000", .monaco, "Monaco: an address abroad"),
    ])
    func postalCodesThatDoNotExist(_ code: String, _ problem: PostalAddressProblem, _ what: String) {
        #expect(PostalCode.check(code) == .failure(problem), "\(what)")
        #expect(problem.field == .postalCode)
    }

    // MARK: the whole address

    @Test(arguments: [
        address("12", "rue des Lilas", nil, "75019", "PARIS"),
        address("12 bis", "rue des Lilas", nil, "75019", "PARIS"),
        address("12bis", "rue des Lilas", nil, "75019", "PARIS"),
        address("3 B", "allée des Tilleuls", "Bâtiment C, appartement 12", "13008", "MARSEILLE"),
        address("12-14", "boulevard de la République", nil, "97400", "SAINT-DENIS"),
        address("145 quinquies", "avenue Jean-Jaurès", nil, "69007", "LYON"),
        // The seed's lieu-dit: no number, no street type (seed 000, step 1).
        address(nil, "LA GARN", nil, "01140", "ST DIDIER SUR CHALARONNE"),
        // Only what is required: the postal code and the commune.
        address(nil, nil, nil, "20000", "AJACCIO"),
    ])
    func addressesThatCanBeKept(_ a: PostalAddress) throws {
        #expect(a.problems == [])
        #expect(try a.validated() == a)
    }

    @Test func theCommuneIsRequired() {
        let a = Self.address("12", "rue des Lilas", nil, "75019", "  ")
        #expect(a.problems == [.communeMissing])
        #expect(a.problems.first?.field == .commune)
        #expect(throws: PostalAddressProblem.communeMissing) { try a.validated() }
    }

    @Test(arguments: [
        ("12345", PostalAddressProblem.numberNotValid, "five digits"),
        ("douze", .numberNotValid, "in words"),
        ("12 bis ter", .numberNotValid, "two indices"),
        ("12 AB", .numberNotValid, "an indice of two letters"),
        ("-12", .numberNotValid, "a range without its start"),
    ])
    func numbersThatAreNotNumbers(_ number: String, _ problem: PostalAddressProblem, _ what: String) {
        #expect(Self.address(number, "rue des Lilas", nil, "75019", "PARIS").problems == [problem], "\(what)")
        #expect(problem.field == .number)
    }

    @Test func aNumberNeedsAStreet() {
        #expect(Self.address("5", nil, nil, "75019", "PARIS").problems == [.numberWithoutStreet])
    }

    @Test func linesLongerThanLaPosteTakesAreRefused() {
        // 38 characters with the number: kept; one more: too long.
        let street38 = "rue " + String(repeating: "a", count: 31)           // "12 " + 35 = 38
        #expect(Self.address("12", street38, nil, "75019", "PARIS").problems == [])
        #expect(Self.address("12", street38 + "a", nil, "75019", "PARIS").problems == [.tooLong(.street, limit: 38)])
        let complement39 = String(repeating: "b", count: 39)
        #expect(Self.address(nil, nil, complement39, "75019", "PARIS").problems == [.tooLong(.complement, limit: 38)])
        // « 75019 » and a space take 6 of the last line's 38.
        #expect(Self.address(nil, nil, nil, "75019", String(repeating: "c", count: 32)).problems == [])
        #expect(Self.address(nil, nil, nil, "75019", String(repeating: "c", count: 33)).problems == [.tooLong(.commune, limit: 32)])
    }

    @Test func everyProblemIsSaidInTheFormsOrder() {
        let a = Self.address("douze", "rue des Lilas", nil, "96100", "")
        #expect(a.problems == [.numberNotValid, .noSuchDepartement(prefix: "96"), .communeMissing])
        #expect(a.problems.map(\.field) == [.number, .postalCode, .commune])
        #expect(throws: PostalAddressProblem.numberNotValid) { try a.validated() }
    }

    @Test func validatingTidiesTheSpaces() throws {
        let typed = Self.address("  12   bis ", " rue   des  Lilas ", "   ", " 75 019 ", " PARIS ")
        #expect(try typed.validated() == Self.address("12 bis", "rue des Lilas", nil, "75019", "PARIS"))
    }

    /// Problems go to logs: they say what is wrong, never the address.
    @Test func problemsNeverRepeatTheAddress() {
        let a = Self.address("12", "rue des Lilas", nil, "7501X", "")
        let said = a.problems.map(\.description).joined(separator: " ")
        #expect(said == "the postal code is not five digits (5 characters) the commune is missing")
        #expect(!said.contains("7501") && !said.contains("Lilas"))
    }

    // MARK: masked for a public screen

    @Test(arguments: [
        (address("12", "rue des Lilas", nil, "75019", "PARIS"), ["1• rue des L•••", "75019 PARIS"], "the number keeps its first digit, the street its type and small words"),
        (address("7 bis", "avenue Jean-Jaurès", nil, "69007", "LYON"), ["• bis avenue J•••", "69007 LYON"], "one digit: masked whole; the indice stays; a compound name is one word"),
        (address("145", "boulevard de la République", "Bâtiment B, appartement 12", "13008", "Marseille"),
         ["1•• boulevard de la R•••", "Bâtiment B, appartement 1•••", "13008 Marseille"], "the complement keeps its usual words and one-letter ones"),
        (address("3", "place de l'Église", nil, "20000", "AJACCIO"), ["• place de l'É•••", "20000 AJACCIO"], "an elided article stays"),
        (address("12-14", "RUE DU 8 MAI 1945", nil, "97400", "SAINT-DENIS"), ["1•-1• RUE DU 8 M••• 1•••", "97400 SAINT-DENIS"], "a range; capitals as on file"),
        (address(nil, "LA GARN", nil, "01140", "ST DIDIER SUR CHALARONNE"), ["LA G•••", "01140 ST DIDIER SUR CHALARONNE"], "the seed's lieu-dit"),
        (address("5", "chemin des Écoliers", "chez Mme Durand", "95000", "CERGY"), ["• chemin des É•••", "chez M••• D•••", "95000 CERGY"], "a name in the complement is masked"),
        (address(nil, nil, nil, "98800", "NOUMÉA"), ["98800 NOUMÉA"], "only the postal code and the commune"),
    ])
    func masked(_ a: PostalAddress, _ lines: [String], _ what: String) {
        #expect(a.masked.lines == lines, "\(what)")
        #expect(a.masked.postalCode == a.postalCode && a.masked.commune == a.commune)
    }

    @Test func theMaskHasAFixedLengthSoNamesAreNotMeasured() {
        let short = Self.address("1", "rue de Bry", nil, "75019", "PARIS").masked
        let long = Self.address("1", "rue de Bretonvilliers", nil, "75019", "PARIS").masked
        #expect(short.street == "• rue de B•••" && long.street == "• rue de B•••")
    }

    /// Printed in a log by accident, an address says no more than the screen.
    @Test func describingAnAddressMasksIt() {
        let a = Self.address("12", "rue des Lilas", "Bâtiment B", "75019", "PARIS")
        #expect("\(a)" == "1• rue des L•••, Bâtiment B, 75019 PARIS")
        #expect(!"\(a)".contains("Lilas") && !"\(a)".contains("12"))
    }

    @Test func storedAsItsFieldsAndReadBack() throws {
        let a = Self.address("12", "rue des Lilas", nil, "75019", "PARIS")
        let json = String(decoding: try JSONEncoder().encode(a), as: UTF8.self)
        #expect(json.contains("\"postalCode\":\"75019\"") && !json.contains("complement"))
        #expect(try JSONDecoder().decode(PostalAddress.self, from: Data(json.utf8)) == a)
    }
}
