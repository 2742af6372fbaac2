import Domain
import Foundation
import KioskUI

/// The pictograms of `Assets/pictograms/` (vector data drawn for the
/// project, licence beside them): the services' tiles, the card into and
/// out of the reader, the paper out of the printer. Read once; a missing
/// or broken file leaves the screen with its words only (and is logged by
/// the tests, which read every file).
@MainActor
public enum Pictograms {
    /// Where they are (set by tests or a runtime with its own assets).
    public static var directory: URL? = AssetLocator.find()?.appendingPathComponent("pictograms")
    private static var cache: [String: Drawing?] = [:]

    /// `decorative`: it says again what the words say, and gives way first when room is short.
    public static func named(_ name: String, id: String? = nil, decorative: Bool = false) -> Drawing? {
        let d: Drawing?
        if let c = cache[name] { d = c } else {
            d = directory.flatMap { try? Drawing(id: name, json: Data(contentsOf: $0.appendingPathComponent("\(name).json"))) }
            cache[name] = d
        }
        guard var drawing = d else { return nil }
        if let id { drawing.id = id }
        drawing.decorative = decorative
        return drawing
    }

    /// A pictogram that points at a part of the terminal (the card reader,
    /// the printer's tray) on `side` of the screen: `<name>.json` for
    /// `below` (the reader or tray under the screen), `<name>.right.json`
    /// for `right`, and for `left` `<name>.left.json` when there is one,
    /// else the right one mirrored. A side without its file falls back on
    /// `<name>.json`: a pictogram, even pointing the wrong way, never
    /// leaves the screen without its picture.
    public static func named(_ name: String, toward side: TerminalHardware.Side, id: String? = nil, decorative: Bool = false) -> Drawing? {
        switch side {
        case .below:
            return named(name, id: id, decorative: decorative)
        case .right:
            return named("\(name).right", id: id ?? name, decorative: decorative) ?? named(name, id: id, decorative: decorative)
        case .left:
            if let own = named("\(name).left", id: id ?? name, decorative: decorative) { return own }
            return named("\(name).right", id: id ?? name, decorative: decorative)?.mirrored() ?? named(name, id: id, decorative: decorative)
        }
    }

    /// Every pictogram file's name (tests).
    public static var names: [String] {
        guard let dir = directory else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }
}
