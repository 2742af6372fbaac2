@testable import FrenchTypography
import PropertyBased
import Testing

@Suite struct FrenchTextTests {
    let nbsp = "\u{00A0}", thin = "\u{202F}"

    @Test func highPunctuationGetsItsFixedSpace() {
        #expect(FrenchText.apply("Attention : oui ! Vraiment ? Non ; si.")
            == "Attention\(nbsp): oui\(thin)! Vraiment\(thin)? Non\(thin); si.")
        #expect(FrenchText.apply("Statut: ouvert") == "Statut\(nbsp): ouvert")
        #expect(FrenchText.apply("Code oublié ?") == "Code oublié\(thin)?")
        // A digit before a colon that is not a time keeps the space.
        #expect(FrenchText.apply("Étape 3 : choisir") == "Étape 3\(nbsp): choisir")
        #expect(FrenchText.apply("Essais restants 3: 2") == "Essais restants 3\(nbsp): 2")
    }

    @Test func apostrophesAndGuillemets() {
        #expect(FrenchText.apply("l'accueil") == "l’accueil")
        #expect(FrenchText.apply("« carte Vitale »") == "«\(nbsp)carte Vitale\(nbsp)»")
        #expect(FrenchText.apply("«Vitale»") == "«\(nbsp)Vitale\(nbsp)»")
        #expect(FrenchText.apply("puis « Valider ».") == "puis «\(nbsp)Valider\(nbsp)».")
    }

    @Test func percentGetsANoBreakSpace() {
        #expect(FrenchText.apply("à 100 %") == "à 100\(nbsp)%")
        #expect(FrenchText.apply("à 70%") == "à 70\(nbsp)%")
    }

    @Test func aNumberStaysWithTheWordItCounts() {
        #expect(FrenchText.apply("Il vous reste 3 essais.") == "Il vous reste 3\(nbsp)essais.")
        #expect(FrenchText.apply("dans 20 secondes") == "dans 20\(nbsp)secondes")
        #expect(FrenchText.apply("Déjà 2 déclarations") == "Déjà 2\(nbsp)déclarations")
        #expect(FrenchText.apply("le 1er janvier 2027") == "le 1er\(nbsp)janvier 2027")
        #expect(FrenchText.apply("23 novembre") == "23\(nbsp)novembre")
        #expect(FrenchText.apply("12,50 €") == "12,50\(nbsp)€")
        #expect(FrenchText.apply("coûte 5 €") == "coûte 5\(nbsp)€")
        // A year, a phone number, a reference or a word ending in a digit: unchanged.
        #expect(FrenchText.apply("en 2026 pour") == "en 2026 pour")
        #expect(FrenchText.apply("le 36 46") == "le 36 46")
        #expect(FrenchText.apply("format A4 paysage") == "format A4 paysage")
        #expect(FrenchText.apply("06 •• 34") == "06 •• 34")
    }

    @Test func everyLanguageKeepsACountWithItsWord() {
        #expect(FrenchText.bindCounts("within 24 hours.") == "within 24\(nbsp)hours.")
        #expect(FrenchText.bindCounts("Wednesday 25 November 2026 at 12:00") == "Wednesday 25\(nbsp)November 2026 at 12:00")
        #expect(FrenchText.bindCounts("call 36 46") == "call 36 46", "a phone number is not a count")
        #expect(FrenchText.bindCounts("Question: yes?") == "Question: yes?", "no French spacing in English")
    }

    @Test func timesAndURLsStayAsWritten() {
        #expect(FrenchText.apply("https://www.ameli.fr à 10:30") == "https://www.ameli.fr à 10:30")
        #expect(FrenchText.apply("à 14:05 !") == "à 14:05\(thin)!")
        #expect(FrenchText.apply("Voir https://ameli.fr/droits?id=3&x=50%25 !") == "Voir https://ameli.fr/droits?id=3&x=50%25\(thin)!")
        #expect(FrenchText.apply("sur www.ameli.fr.") == "sur www.ameli.fr.")
        #expect(FrenchText.apply("(https://ameli.fr) ?") == "(https://ameli.fr)\(thin)?")
        #expect(FrenchText.apply("écrire à accueil@cpam.fr ?") == "écrire à accueil@cpam.fr\(thin)?")
    }

    @Test func noSpaceAtLineStartOrInARun() {
        #expect(FrenchText.apply("?") == "?")
        #expect(FrenchText.apply("Oui\n: non") == "Oui\n: non")
        #expect(FrenchText.apply("Quoi ?!") == "Quoi\(thin)?!")
        #expect(FrenchText.apply("Quoi ? !") == "Quoi\(thin)?!")
    }

    static let pieces = ["a", "é", "3", "0", " ", "  ", "\u{00A0}", "\u{202F}", ":", ";", "!", "?", "%", "«", "»", "'", "\n",
                         "(", ")", "https://a.fr/x?b=1", "www.ameli.fr", "14:05", "Valider", "x@y.fr", "."]
    static let texts = Gen.int(in: 0..<pieces.count).array(of: 0...14).map { $0.map { pieces[$0] }.joined() }

    @Test func idempotentOnAnyText() async {
        await propertyCheck(count: 3000, input: Self.texts) { text in
            let once = FrenchText.apply(text)
            #expect(FrenchText.apply(once) == once, "\(text.debugDescription)")
            #expect(FrenchText.isWellFormed(once))
        }
    }

    @Test func neverInsertsABreakableSpace() async {
        await propertyCheck(count: 3000, input: Self.texts) { text in
            let out = FrenchText.apply(text)
            #expect(out.filter { $0 == " " }.count <= text.filter { $0 == " " }.count, "\(text.debugDescription)")
            // No ordinary space left before high punctuation or a closing guillemet.
            let chars = Array(out)
            for i in 1..<max(chars.count, 1) where chars[i - 1] == " " && ";!?»".contains(chars[i]) {
                #expect(out.contains("://") || out.contains("@"), "\(text.debugDescription) → \(out.debugDescription)")
            }
        }
    }

    @Test func onlyAddsSpacesAndTheApostrophe() async {
        await propertyCheck(count: 2000, input: Self.texts) { text in
            let strip: (String) -> String = { String($0.filter { !FrenchText.isSpace($0) }.map { $0 == "’" ? "'" : $0 }) }
            #expect(strip(FrenchText.apply(text)) == strip(text), "\(text.debugDescription)")
        }
    }
}
