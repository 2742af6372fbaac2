import Foundation

/// The languages the kiosk can show: one text catalog per language,
/// `Assets/i18n/<code>.json` (a third language is one file). The
/// configuration is checked against these files rather than a fixed list.
public struct CatalogLanguages: Sendable, Hashable {
    /// Codes of the catalogs found, sorted.
    public var codes: [String]
    /// Where they were found, as shown in messages (`Assets/i18n`).
    public var shownDirectory: String

    public init(codes: [String], shownDirectory: String = "Assets/i18n") {
        self.codes = codes.sorted()
        self.shownDirectory = shownDirectory
    }

    /// The catalogs of `directory` (the `i18n` folder): every `<code>.json`
    /// whose name is a 2–3 letter lower-case code.
    public static func read(directory: URL, shown: String? = nil) -> CatalogLanguages? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
        let codes = names.compactMap { name -> String? in
            guard name.hasSuffix(".json") else { return nil }
            let code = String(name.dropLast(5))
            return (2...3).contains(code.count) && code.allSatisfy({ $0 >= "a" && $0 <= "z" }) ? code : nil
        }
        return codes.isEmpty ? nil : CatalogLanguages(codes: codes, shownDirectory: shown ?? directory.path)
    }

    /// The kiosk's `Assets/i18n`, found as the kiosk finds it: `$BMS_ASSETS`,
    /// then upwards from the working directory and from the executable, then
    /// `/usr/local/share/bms-kiosk/Assets` and `/usr/share/bms-kiosk/Assets`.
    /// nil when there is none on this machine.
    public static func installed() -> CatalogLanguages? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["BMS_ASSETS"] {
            return read(directory: URL(fileURLWithPath: env).appendingPathComponent("i18n"), shown: env + "/i18n")
        }
        var starts = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        if let exe = Bundle.main.executableURL { starts.append(exe.deletingLastPathComponent()) }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let i18n = dir.appendingPathComponent("Assets/i18n")
                if fm.fileExists(atPath: i18n.appendingPathComponent("fr.json").path) {
                    return read(directory: i18n, shown: "Assets/i18n")
                }
                dir.deleteLastPathComponent()
            }
        }
        // Where systemd/README installs them, then a packaged install.
        for system in ["/usr/local/share/bms-kiosk/Assets/i18n", "/usr/share/bms-kiosk/Assets/i18n"] {
            if let found = read(directory: URL(fileURLWithPath: system), shown: system) { return found }
        }
        return nil
    }
}
