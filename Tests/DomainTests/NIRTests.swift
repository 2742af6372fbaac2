import Domain
import PropertyBased
import Testing

@Suite("NIR")
struct NIRTests {
    @Test("a known NIR validates and exposes its parts")
    func knownNIR() throws {
        let nir = try NIR("1 80 05 75 056 123 42")
        #expect(nir.text == "180057505612342")
        #expect(nir.sex == .male)
        #expect(nir.birthYearTwoDigits == 80)
        #expect(nir.birthMonth == 5)
        #expect(nir.departement == "75")
        #expect(nir.commune == "056")
        #expect(nir.orderNumber == 123)
        #expect(nir.key == 42)
        #expect(nir.formatted == "1 80 05 75 056 123 42")
        #expect(!nir.isProvisional)
    }

    @Test("key = 97 − (number mod 97)")
    func keyFormula() {
        #expect(NIR.key(for: "1800575056123") == 97 - Int(1_800_575_056_123 % 97))
        #expect(NIR.key(for: "18005750561X3") == nil)
    }

    @Test("Corsica: 2A counts as 19 and 2B as 18 for the key")
    func corsica() throws {
        let a = try NIR(body: "275022A123012")
        #expect(a.key == 97 - Int(2_750_219_123_012 % 97))
        #expect(a.departement == "2A")
        let b = try NIR(body: "275022B123012")
        #expect(b.key == 97 - Int(2_750_218_123_012 % 97))
        #expect(try NIR("275022A12301293").sex == .female)
        // 2C is no département.
        #expect(throws: NIRError.character(position: 7, found: "C")) { try NIR(body: "275022C123012") }
        // A letter anywhere else is refused.
        #expect(throws: NIRError.character(position: 2, found: "A")) { try NIR(body: "2A5022A123012") }
    }

    @Test("overseas départements have 3 digits and a 2-digit commune")
    func overseas() throws {
        let nir = try NIR(body: "1850397105001")
        #expect(nir.departement == "971")
        #expect(nir.commune == "05")
        let pacific = try NIR(body: "1850398805001")
        #expect(pacific.departement == "988")
        #expect(throws: NIRError.departement(found: "979")) { try NIR(body: "1850397905001") }
        #expect(throws: NIRError.departement(found: "980")) { try NIR(body: "1850398005001") }
        #expect(throws: NIRError.commune(found: "00")) { try NIR(body: "1850397100001") }
    }

    @Test("born abroad: département 99, commune is the country")
    func abroad() throws {
        let nir = try NIR(body: "1850399135001")
        #expect(nir.isBornAbroad)
        #expect(nir.commune == "135")
    }

    @Test("birth month: 01–12 and placeholders 20–42, 50–99; not 00, 13–19, 43–49",
          arguments: [(0, false), (1, true), (12, true), (13, false), (19, false), (20, true), (42, true),
                      (43, false), (49, false), (50, true), (99, true)])
    func months(month: Int, valid: Bool) {
        let mm = month < 10 ? "0\(month)" : "\(month)"
        let body = "180\(mm)75056123"
        if valid {
            #expect((try? NIR(body: body)) != nil)
        } else {
            #expect(throws: NIRError.birthMonth(found: mm)) { try NIR(body: body) }
        }
    }

    @Test("placeholder month means an unknown month")
    func placeholderMonth() throws {
        #expect(try NIR(body: "1803075056123").birthMonth == nil)
    }

    @Test("each part's error names the part")
    func typedErrors() {
        #expect(throws: NIRError.length(found: 14)) { try NIR("18005750561234") }
        #expect(throws: NIRError.length(found: 16)) { try NIR("1800575056123421") }
        #expect(throws: NIRError.sex(found: "5")) { try NIR(body: "5800575056123") }
        #expect(throws: NIRError.sex(found: "0")) { try NIR(body: "0800575056123") }
        #expect(throws: NIRError.departement(found: "00")) { try NIR(body: "1800500056123") }
        #expect(throws: NIRError.commune(found: "000")) { try NIR(body: "1800575000123") }
        #expect(throws: NIRError.orderNumber(found: "000")) { try NIR(body: "1800575056000") }
        #expect(throws: NIRError.key(expected: 42, found: 43)) { try NIR("180057505612343") }
        #expect(throws: NIRError.character(position: 15, found: "X")) { try NIR("18005750561234X") }
    }

    @Test("provisional numbers (3, 4, 7, 8) keep the sex")
    func provisional() throws {
        #expect(try NIR(body: "7800575056123").sex == .male)
        #expect(try NIR(body: "8800575056123").sex == .female)
        #expect(try NIR(body: "7800575056123").isProvisional)
    }

    @Test("errors never carry the whole number")
    func errorsAreSafeToLog() {
        do {
            _ = try NIR("180057505612343")
            Issue.record("expected a key error")
        } catch {
            #expect(!error.description.contains("1800575056123"))
        }
    }

    // MARK: properties

    static let departements = (1...95).filter { $0 != 20 }.map { $0 < 10 ? "0\($0)" : "\($0)" }
        + ["2A", "2B", "99"] + (971...978).map(String.init) + (984...989).map(String.init)

    /// A random well-formed body: sex, year, month, département, commune, order.
    static let bodies = Gen.int(in: 0...Int.max).map { seed -> String in
        var r = seed
        func next(_ n: Int) -> Int { defer { r /= n }; return r % n }
        let sex = ["1", "2", "7", "8"][next(4)]
        let year = pad(next(100), 2)
        let monthChoices = Array(1...12) + Array(20...42) + Array(50...99)
        let month = pad(monthChoices[next(monthChoices.count)], 2)
        let dep = departements[next(departements.count)]
        let commune = dep.count == 3 ? pad(next(99) + 1, 2) : pad(next(999) + 1, 3)
        let order = pad(next(999) + 1, 3)
        return sex + year + month + dep + commune + order
    }

    static func pad(_ n: Int, _ w: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: w - s.count) + s
    }

    @Test("a NIR with its computed key always validates")
    func computedKeyValidates() async {
        await propertyCheck(count: 2000, input: Self.bodies) { body in
            let key = NIR.key(for: body)!
            let text = body + Self.pad(key, 2)
            let nir = try? NIR(text)
            #expect(nir?.text == text)
            #expect((1...97).contains(key))
        }
    }

    @Test("any one changed digit never validates")
    func oneChangedDigitFails() async {
        await propertyCheck(count: 2000, input: Self.bodies, Gen.int(in: 0...14), Gen.int(in: 1...9)) { body, position, delta in
            let text = Array(body + Self.pad(NIR.key(for: body)!, 2))
            guard text[position].isNumber, let digit = text[position].wholeNumberValue else { return }
            var changed = text
            changed[position] = Character(String((digit + delta) % 10))
            #expect((try? NIR(String(changed))) == nil)
        }
    }
}
