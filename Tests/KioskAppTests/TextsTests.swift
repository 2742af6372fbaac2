import Domain
import Foundation
import KioskAppTesting
import Testing
@testable import KioskApp
@testable import KioskUI

/// The words on screen (issue 10, § 8): each rule of wording checked on the
/// catalogs or on a screen, so that a later edit cannot bring the old text back.
@Suite @MainActor struct TextsTests {
    let catalogs: [String: Catalog]
    init() throws { catalogs = try AssetLocator.catalogs(assets) }
    var fr: Catalog { catalogs["fr"]! }
    var en: Catalog { catalogs["en"]! }

    @Test func theFirstOfTheMonthIsWrittenAsFrenchWritesIt() {
        let nbsp = "\u{00A0}"
        #expect(FlowText.date(CivilDate(year: 2027, month: 1, day: 1)!, fr) == "1er\(nbsp)janvier\(nbsp)2027")
        #expect(FlowText.date(CivilDate(year: 2027, month: 1, day: 2)!, fr) == "2\(nbsp)janvier\(nbsp)2027")
        #expect(FlowText.date(CivilDate(year: 2027, month: 1, day: 1)!, en) == "1\(nbsp)January\(nbsp)2027")
        // Date and time too (« le 1er décembre »).
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Europe/Paris")!
        let first = cal.date(from: DateComponents(year: 2026, month: 12, day: 1, hour: 9, minute: 5))!
        #expect(FlowText.dateTime(first, fr).contains("1er\(nbsp)décembre"), "\(FlowText.dateTime(first, fr))")
    }

    /// Amounts as each language writes them, from its catalog (a language
    /// added later brings its own words, no code): never rounded.
    @Test func amountsAreWrittenAsTheLanguageWritesThem() {
        let m = Money(cents: 123_456)
        #expect(money(m, fr) == m.french && money(m, fr) == "1\u{202F}234,56\u{00A0}€")
        #expect(money(m, en) == "€1,234.56")
        for (code, t) in catalogs {
            #expect(money(Money(cents: 5), t).contains("05"), "\(code): \(money(Money(cents: 5), t))")
        }
    }

    @Test func aNumberNeverEndsALineApartFromWhatItCounts() {
        let nbsp = "\u{00A0}"
        #expect(fr.text("code.tries", ["n": "3"]).contains("3\(nbsp)essais"))
        #expect(fr.text("warning.message", ["n": "20"]).contains("20\(nbsp)secondes"))
        #expect(fr.text("ceam.why.tooMany", ["n": "3"]).contains("3\(nbsp)déclarations"))
        #expect(fr.text("sms.tooMany", ["n": "3", "hours": "24"]).contains("3\(nbsp)codes"))
        #expect(fr.text("sms.tooMany", ["n": "3", "hours": "24"]).contains("24\(nbsp)heures"))
        // English too: « within 24 / hours » never splits.
        #expect(en.text("sms.tooMany", ["n": "3", "hours": "24"]).contains("24\(nbsp)hours"))
    }

    @Test func theSMSCodeIsSaidToServeOnceAndToLast48HoursFromItsSending() {
        #expect(fr["summary.consequence.sms"].contains("une seule fois"))
        #expect(en["summary.consequence.sms"].contains("once"))
        #expect(fr["sms.tooMany.what"].contains("à partir de son envoi"))
        #expect(en["sms.tooMany.what"].contains("from when it was sent"))
    }

    /// Seed 003's delivery time (« délai moyen de 10 jours ») is the rule's,
    /// everywhere a delivery time is said; no stray « 15 jours » for a delivery.
    @Test func everyDeliveryTimeIsTheRules() throws {
        let days = CEAMParameters().deliveryDays
        let regex = try NSRegularExpression(pattern: "délai moyen de (\\d+)")
        var seen = 0
        for (key, text) in fr.strings {
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                seen += 1
                #expect(Int((text as NSString).substring(with: m.range(at: 1))) == days, "\(key)")
            }
            #expect(!text.contains("sous 15 jours"), "\(key)")
        }
        #expect(seen >= 3)
        #expect(fr.text("ceam.done.order", ["name": "X"]).hasPrefix("Votre demande a bien été prise en compte"))
    }

    /// NPAI is said one way, whatever the service (ameli: update the address with the caisse).
    @Test func npaiIsSaidOneWayInEveryService() async throws {
        let k = try await FlowKiosk()
        try await k.signIn(assets.appendingPathComponent("demo/cards/ceam-npai.json").path)
        await k.tap("service.ceam")
        await k.tap("ceam.continue")
        let said = fr["why.npai"].replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
        #expect(k.text.contains(said))
        #expect(VitaleLossMachine.exclusionText(.npai, fr) == fr["why.npai"])
        #expect(VitaleLossMachine.exclusionText(.npai, en) == en["why.npai"])
        #expect(fr["why.npai"].contains("caisse"))
    }

    /// The order's words are the seed's (000): « transmise à l'Assurance
    /// Maladie », the sworn statement and the fraud warning whole, the delay
    /// « environ deux semaines »; never « rien d'autre à faire ».
    @Test func theOrderSaysTheSeedsWords() {
        func plain(_ s: String) -> String { s.replacingOccurrences(of: "’", with: "'") }
        #expect(plain(fr["order.done"]).hasPrefix("Votre commande de carte Vitale a bien été transmise à l'Assurance Maladie"))
        #expect(plain(fr["order.sworn"]) == "J'atteste sur l'honneur que les informations fournies sont exactes et conformes aux exigences.")
        #expect(fr["order.fraud"].contains("L. 114-13") && fr["order.fraud.same"].contains("déclaration mensongère"))
        #expect(fr["order.delay"].contains("environ deux semaines"))
        for (key, text) in fr.strings { #expect(!text.contains("rien d'autre à faire") && !text.contains("rien d’autre à faire"), "\(key)") }
    }

    /// Domain says a document's problem as a case; the catalogs word every one, in each language, what then what to do.
    @Test func everyDocumentProblemIsWorded() {
        for p in DocumentProblem.allCases {
            for kind in DocumentKind.allCases {
                for c in [fr, en] {
                    let text = VitaleOrderMachine.problemText(p, kind, c)
                    #expect(c.has("document.problem.\(p.rawValue)") && !text.contains("{retake}") && text.contains(":"), "\(p) \(kind)")
                }
            }
        }
        #expect(VitaleOrderMachine.problemText(.tooDark, .photo, fr).replacingOccurrences(of: "’", with: "'")
                    .replacingOccurrences(of: "\u{202F}", with: " ").replacingOccurrences(of: "\u{00A0}", with: " ")
                    .hasPrefix("Reprenez la photo : l'image est trop sombre"))
    }

    @Test func englishEndsTheSessionWithOneLabelAndFullStops() {
        #expect(en["footer.finish"] == "End session")
        #expect(en["warning.finish"] == en["footer.finish"])
        for (key, text) in en.strings where text.contains("“") && text.lowercased().contains("finish") {
            Issue.record("\(key) names another label than “End session”: \(text)")
        }
        // A French sentence ends with a full stop: so does its English.
        for (key, f) in fr.strings where f.hasSuffix(".") && f.contains(" ") && !key.hasPrefix("ceam.month.") {
            let e = en.strings[key] ?? ""
            #expect(e.hasSuffix(".") || e.hasSuffix(".”") || e.hasSuffix("?") || e.hasSuffix("!"), "\(key): \(e)")
        }
    }
}
