import Foundation
import FrenchTypography

/// Every user-visible string, from `Assets/i18n/<code>.json`: a flat JSON
/// object of key → text, with `{name}` placeholders. A language is one
/// file; `_language.name` is how the language calls itself.
public struct Catalog: Sendable {
    public let language: String
    public let strings: [String: String]
    /// Keys asked for but absent: tests fail on any.
    public let fallback: [String: String]

    public enum LoadError: Error, CustomStringConvertible {
        case missingFile(path: String)
        case notAnObject(path: String, detail: String)

        public var description: String {
            switch self {
            case .missingFile(let p): "text catalog \(p) not found: add it under Assets/i18n/"
            case .notAnObject(let p, let d): "text catalog \(p) must be a JSON object of string → string (\(d))"
            }
        }
    }

    public init(language: String, strings: [String: String], fallback: [String: String] = [:]) {
        self.language = language
        self.strings = strings
        self.fallback = fallback
    }

    /// Loads `code.json`, with French as the fallback for a missing key
    /// (a third language may start incomplete; tests report what is missing).
    public static func load(directory: URL, language code: String) throws -> Catalog {
        let strings = try readFile(directory.appendingPathComponent("\(code).json"))
        let fallback = code == "fr" ? [:] : (try? readFile(directory.appendingPathComponent("fr.json"))) ?? [:]
        return Catalog(language: code, strings: strings, fallback: fallback)
    }

    public static func readFile(_ url: URL) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw LoadError.missingFile(path: url.path) }
        do {
            guard let dict = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw LoadError.notAnObject(path: url.path, detail: "top level is not an object")
            }
            var out: [String: String] = [:]
            for (k, v) in dict {
                guard let s = v as? String else { throw LoadError.notAnObject(path: url.path, detail: "value of \(k) is not a string") }
                out[k] = s
            }
            return out
        } catch let e as LoadError { throw e } catch {
            throw LoadError.notAnObject(path: url.path, detail: "\(error.localizedDescription)")
        }
    }

    /// The language codes present in the directory (one file each).
    public static func availableLanguages(in directory: URL) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let codes = files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        // French first: the kiosk's language; then alphabetical.
        return codes.sorted { a, b in a == "fr" ? true : b == "fr" ? false : a < b }
    }

    public var isFrench: Bool { language.hasPrefix("fr") }

    /// The comma between two parts the code joins (« Assuré, 46 ans »):
    /// Arabic writes « ، ».
    public var comma: String { language.hasPrefix("ar") ? "، " : ", " }

    /// Languages written right to left when their catalog does not say.
    public static let rightToLeftLanguages: Set<String> = ["ar", "he", "fa", "ur"]

    /// How the language writes: `_language.direction` (« rtl » or « ltr »)
    /// when the catalog says, else by its code. Right to left, the screens
    /// are mirrored and mixed lines ordered from the right.
    public var direction: TextDirection {
        if let d = strings["_language.direction"] { return d.lowercased() == "rtl" ? .rightToLeft : .leftToRight }
        return Self.rightToLeftLanguages.contains(String(language.prefix(2))) ? .rightToLeft : .leftToRight
    }

    /// The text for `key` with `{name}` replaced, French typography applied
    /// for French. An unknown key shows as `⟦key⟧`, never as an empty label.
    public func text(_ key: String, _ args: [String: String] = [:]) -> String {
        var s = strings[key] ?? fallback[key] ?? "⟦\(key)⟧"
        for (name, value) in args { s = s.replacingOccurrences(of: "{\(name)}", with: value) }
        return isFrench ? FrenchTypography.apply(s) : FrenchText.bindCounts(s.replacingOccurrences(of: "'", with: "’"))
    }

    public subscript(_ key: String) -> String { text(key) }

    public func has(_ key: String) -> Bool { strings[key] != nil }

    /// Keys of `reference` this catalog lacks.
    public func missingKeys(comparedTo reference: Catalog) -> [String] {
        reference.strings.keys.filter { strings[$0] == nil }.sorted()
    }
}
