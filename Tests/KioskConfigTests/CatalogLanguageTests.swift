import Foundation
import Testing
@testable import KioskConfig

/// `languages.offered` and `default` are checked against the catalogs
/// present (`Assets/i18n/*.json`): a third language is one file.
@Suite struct CatalogLanguageTests {
    /// A configuration directory from the valid fixture with its `languages`
    /// lines replaced, and an i18n folder with the given catalogs.
    func check(languages: String, catalogs: [String]) throws -> [String] {
        let fixtures = ConfigCheckTests.fixtures
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("langs-\(UUID().uuidString)")
        let dir = root.appendingPathComponent("cfg"), i18n = root.appendingPathComponent("i18n")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: i18n, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for file in ["kiosk.yaml", "central.yaml"] {
            var text = try String(contentsOf: fixtures.appendingPathComponent("valid/\(file)"), encoding: .utf8)
                .replacingOccurrences(of: "../keys", with: fixtures.appendingPathComponent("keys").path)
            if file == "kiosk.yaml" { text = text.replacingOccurrences(of: "  offered: [fr, en]", with: languages) }
            try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        for code in catalogs { try Data("{}".utf8).write(to: i18n.appendingPathComponent("\(code).json")) }
        try Data("notes".utf8).write(to: i18n.appendingPathComponent("README.md"))
        let found = try #require(CatalogLanguages.read(directory: i18n, shown: "Assets/i18n"))
        #expect(found.codes == catalogs.sorted())
        return KioskConfiguration.check(directory: dir, displayName: "cfg", catalogs: found).problems.map(\.description)
    }

    @Test func aThirdLanguageIsOneCatalogFile() throws {
        #expect(try check(languages: "  offered: [fr, en, es]\n  default: es", catalogs: ["fr", "en", "es"]) == [])
    }

    @Test func anOfferedLanguageWithoutItsCatalogSaysWhichFileToAdd() throws {
        let got = try check(languages: "  offered: [fr, de]", catalogs: ["fr", "en"])
        #expect(got == [
            #"cfg/kiosk.yaml:10:17: languages.offered[1]: found "de", expected a language with a catalog in Assets/i18n: en, fr (or add Assets/i18n/de.json)"#,
        ])
    }

    @Test func aMistypedCodeGetsItsCorrectionFromTheCatalogs() throws {
        let got = try check(languages: "  offered: [fr, en, ess]", catalogs: ["fr", "en", "es"])
        #expect(got == [
            #"cfg/kiosk.yaml:10:21: languages.offered[2]: found "ess", expected a language with a catalog in Assets/i18n: en, es, fr; did you mean "es"?"#,
        ])
    }

    @Test func aDefaultWithACatalogButNotOfferedSaysToOfferIt() throws {
        let got = try check(languages: "  offered: [fr, en]\n  default: es", catalogs: ["fr", "en", "es"])
        #expect(got == [
            #"cfg/kiosk.yaml:11:12: languages.default: found "es", expected one of the offered languages: fr, en (or add "es" to languages.offered)"#,
        ])
    }

    @Test func aDefaultWithoutACatalogSaysWhichFileToAdd() throws {
        let got = try check(languages: "  offered: [fr, en]\n  default: de", catalogs: ["fr", "en"])
        #expect(got == [
            #"cfg/kiosk.yaml:11:12: languages.default: found "de", expected one of the offered languages: fr, en (or add Assets/i18n/de.json and "de" to languages.offered)"#,
        ])
    }

    @Test func theRepositoryCatalogsAreFound() throws {
        // The tests run from the package: its Assets/i18n has fr and en at least.
        let installed = try #require(CatalogLanguages.installed())
        #expect(installed.codes.contains("fr") && installed.codes.contains("en"))
    }
}
