import Foundation
import Yams

/// Collects every error of one file while the loader walks it, so that all
/// mistakes are reported at once instead of the first one only.
final class FileChecker {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) { self.file = file }

    func report(_ kind: ConfigError.Kind, at mark: Mark?, key: String, found: String? = nil,
                expected: String? = nil, didYouMean: String? = nil, warning: Bool = false) {
        errors.append(ConfigError(kind, file: file, line: mark?.line, column: mark?.column, key: key,
                                  found: found, expected: expected, didYouMean: didYouMean, isWarning: warning))
    }

    func append(_ error: ConfigError) { errors.append(error) }

    /// Reads and parses `url`. Nil (with the error recorded) when the file
    /// is missing, too big, not UTF-8 or not YAML.
    func parse(_ url: URL, maxBytes: Int = 1 << 20) -> Node? {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = attributes[.size] as? Int, size > maxBytes {
                report(.unreadable, at: nil, key: "", found: "a file of \(size) bytes",
                       expected: "a configuration file under \(maxBytes / 1024) KiB")
                return nil
            }
            data = try Data(contentsOf: url)
        } catch {
            report(.unreadable, at: nil, key: "", found: FileChecker.reason(error, path: url.path),
                   expected: "a readable file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report(.syntax, at: nil, key: "", found: "bytes that are not UTF-8", expected: "a UTF-8 text file")
            return nil
        }
        do {
            guard let root = try Yams.compose(yaml: text) else {
                // An empty file is an empty mapping: missing keys say the rest.
                return Node.mapping(Node.Mapping([]))
            }
            return root
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let ctx = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
                report(.syntax, at: mark, key: "", found: "invalid YAML: \(problem)\(ctx)",
                       expected: "YAML (key: value, two-space indentation, no tabs)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                report(.duplicateKey, at: context.mark, key: duplicates.joined(separator: ", "),
                       expected: "each key once in a mapping")
            case .reader(let problem, _, _, _):
                report(.syntax, at: nil, key: "", found: "unreadable text: \(problem)", expected: "a UTF-8 text file")
            default:
                report(.syntax, at: nil, key: "", found: "invalid YAML: \(error)", expected: "YAML")
            }
            return nil
        } catch {
            report(.syntax, at: nil, key: "", found: "invalid YAML: \(error)", expected: "YAML")
            return nil
        }
    }

    static func reason(_ error: Error, path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "a file this user cannot read" }
        return "a file that cannot be read (\((error as NSError).localizedDescription))"
    }
}

/// How a node reads in an error message: `"wide" (a string)`, `12`, `a list`.
func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let s):
        switch s.tagName {
        case .null: return "null (an empty value)"
        case .int: return "\(s.string) (a number)"
        case .float: return "\(s.string) (a decimal number)"
        case .bool: return "\(s.string) (a yes/no value)"
        default:
            let text = s.string.count > 60 ? String(s.string.prefix(57)) + "..." : s.string
            return "\"\(visible(text))\" (text)"
        }
    case .mapping: return "a mapping (key: value lines)"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
}

/// A YAML mapping being read: checks its keys against the allowed ones
/// (unknown keys are errors with a suggestion) and reads typed values,
/// recording wrong types, missing keys and out-of-range values.
struct Section {
    let checker: FileChecker
    /// Dotted path of this mapping ("" for the file's root).
    let path: String
    /// Where the mapping starts (missing keys point here).
    let mark: Mark?
    private let entries: [String: (key: Node, value: Node)]
    /// Allowed keys that an unknown key was taken for: not reported missing
    /// again ("widht" → did you mean "width" is enough).
    private let suggested: Set<String>

    /// Reads `node` as a mapping whose keys must be in `allowed`. A
    /// non-mapping records a type error and reads as empty; `nil` (the key
    /// is absent) reads as empty silently.
    init(_ node: Node?, path: String, allowed: [String], checker: FileChecker, parentMark: Mark? = nil) {
        self.checker = checker
        self.path = path
        var entries: [String: (key: Node, value: Node)] = [:]
        var suggested: Set<String> = []
        switch node {
        case .mapping(let mapping)?:
            mark = mapping.mark ?? parentMark
            for (k, v) in mapping {
                guard let name = k.scalar?.string else {
                    checker.report(.wrongType, at: k.mark, key: path, found: describe(k), expected: "a plain key name")
                    continue
                }
                let keyPath = Section.join(path, name)
                if !allowed.contains(name) {
                    let suggestion = Suggest.closest(to: name, in: allowed)
                    if let suggestion { suggested.insert(suggestion) }
                    checker.report(.unknownKey, at: k.mark, key: keyPath,
                                   expected: "one of: " + allowed.joined(separator: ", "),
                                   didYouMean: suggestion)
                    continue
                }
                entries[name] = (k, v)
            }
        case nil:
            mark = parentMark
        case .scalar(let s)? where s.tagName == .null:
            // `screen:` with nothing under it: every required key is missing.
            mark = s.mark ?? parentMark
        case let other?:
            mark = other.mark ?? parentMark
            checker.report(.wrongType, at: other.mark, key: path, found: describe(other),
                           expected: "a mapping with the keys " + allowed.joined(separator: ", "))
        }
        self.entries = entries
        self.suggested = suggested
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { entries[key] != nil }

    /// Records a missing required key, unless a misspelling of it was reported.
    func reportMissing(_ key: String, expected: String) {
        guard !suggested.contains(key) else { return }
        checker.report(.missingKey, at: mark, key: keyPath(key), expected: expected)
    }

    /// A required sub-mapping: reported missing when absent.
    func requiredSection(_ key: String, allowed: [String], expected: String) -> Section {
        if !has(key) { reportMissing(key, expected: expected) }
        return section(key, allowed: allowed)
    }
    func node(_ key: String) -> Node? { entries[key]?.value }
    func keyMark(_ key: String) -> Mark? { entries[key]?.key.mark }
    func keyPath(_ key: String) -> String { Section.join(path, key) }

    func section(_ key: String, allowed: [String]) -> Section {
        Section(node(key), path: keyPath(key), allowed: allowed, checker: checker, parentMark: keyMark(key) ?? mark)
    }

    /// The value, or a "missing" error when required and absent.
    private func value(_ key: String, required: Bool, expected: String) -> Node? {
        guard let v = node(key) else {
            if required { reportMissing(key, expected: expected) }
            return nil
        }
        return v
    }

    func int(_ key: String, in range: ClosedRange<Int>, unit: String = "", required: Bool = false) -> Int? {
        let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)\(unit.isEmpty ? "" : " (\(unit))")"
        guard let v = value(key, required: required, expected: expected) else { return nil }
        guard case .scalar(let s) = v, s.tagName == .int, let n = Int(s.string.replacingOccurrences(of: "_", with: "")) ?? v.int else {
            checker.report(.wrongType, at: v.mark, key: keyPath(key), found: describe(v), expected: expected)
            return nil
        }
        guard range.contains(n) else {
            checker.report(.outOfRange, at: v.mark, key: keyPath(key), found: s.string, expected: expected)
            return nil
        }
        return n
    }

    func double(_ key: String, in range: ClosedRange<Double>, unit: String = "", required: Bool = false) -> Double? {
        let expected = "a number from \(Section.format(range.lowerBound)) to \(Section.format(range.upperBound))\(unit.isEmpty ? "" : " (\(unit))")"
        guard let v = value(key, required: required, expected: expected) else { return nil }
        guard case .scalar(let s) = v, s.tagName == .int || s.tagName == .float, let x = Double(s.string) else {
            checker.report(.wrongType, at: v.mark, key: keyPath(key), found: describe(v), expected: expected)
            return nil
        }
        guard range.contains(x) else {
            checker.report(.outOfRange, at: v.mark, key: keyPath(key), found: s.string, expected: expected)
            return nil
        }
        return x
    }

    static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        let expected = "true or false"
        guard let v = value(key, required: required, expected: expected) else { return nil }
        guard case .scalar(let s) = v, s.tagName == .bool, let b = v.bool else {
            checker.report(.wrongType, at: v.mark, key: keyPath(key), found: describe(v), expected: expected)
            return nil
        }
        return b
    }

    /// Any non-empty scalar read as text: `id: 0042` stays "0042", and a
    /// language `no` stays "no" (YAML 1.1 would make it false).
    func string(_ key: String, expected: String, required: Bool = false) -> (String, Mark?)? {
        guard let v = value(key, required: required, expected: expected) else { return nil }
        return Section.text(v, keyPath: keyPath(key), expected: expected, checker: checker)
    }

    static func text(_ v: Node, keyPath: String, expected: String, checker: FileChecker) -> (String, Mark?)? {
        guard case .scalar(let s) = v, s.tagName != .null, !s.string.trimmingCharacters(in: .whitespaces).isEmpty else {
            checker.report(.wrongType, at: v.mark, key: keyPath, found: describe(v), expected: expected)
            return nil
        }
        return (s.string, s.mark)
    }

    /// One of `choices`, with a suggestion when close to one.
    func choice(_ key: String, _ choices: [String], required: Bool = false) -> String? {
        let expected = "one of: " + choices.joined(separator: ", ")
        guard let (s, m) = string(key, expected: expected, required: required) else { return nil }
        guard choices.contains(s) else {
            checker.report(.invalidValue, at: m, key: keyPath(key), found: "\"\(visible(s))\"", expected: expected,
                           didYouMean: Suggest.closest(to: s, in: choices))
            return nil
        }
        return s
    }

    /// A list of text items (a single scalar is not accepted: the file
    /// should look like what it means).
    func stringList(_ key: String, expected: String, required: Bool = false) -> [(String, Mark?, String)]? {
        guard let v = value(key, required: required, expected: "a list of \(expected)") else { return nil }
        guard case .sequence(let seq) = v else {
            checker.report(.wrongType, at: v.mark, key: keyPath(key), found: describe(v), expected: "a list of \(expected)")
            return nil
        }
        var items: [(String, Mark?, String)] = []
        for (i, item) in seq.enumerated() {
            let p = "\(keyPath(key))[\(i)]"
            if let (s, m) = Section.text(item, keyPath: p, expected: expected, checker: checker) { items.append((s, m, p)) }
        }
        return items
    }
}

extension Node.Scalar {
    /// The YAML type of the scalar (str, int, float, bool, null): an
    /// explicit tag, else text when quoted, else what the plain text reads as.
    var tagName: Tag.Name {
        let explicit = tag.rawValue
        if !explicit.isEmpty, explicit != "!" { return Tag.Name(rawValue: explicit) }
        if style != .plain && style != .any { return .str }
        return Resolver.default.resolveTag(of: Node.scalar(self))
    }
}

/// Control characters shown as escapes, so a tab or newline in a value is
/// visible in a one-line message.
func visible(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        switch u {
        case "\t": out += "\\t"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\"": out += "\\\""
        case _ where u.value < 0x20 || u.value == 0x7F: out += String(format: "\\u{%02X}", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out
}
