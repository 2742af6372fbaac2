import KioskUI

/// The widget gallery (smoke and development only): every widget with
/// demo data, so scenarios can drive and photograph each one.
public struct GalleryState: Sendable {
    public enum Tab: String, CaseIterable, Sendable { case ceam, keyboard, date, scroll, wait }

    public struct Member: Sendable {
        public var id: String
        public var name: String
        public var born: String
        public var status: String
        public var actions: [String]
    }

    public var tab: Tab = .ceam
    /// The demo foyer (fictional), with what each may do: the per-row actions of the CEAM screen.
    public var members: [Member] = [
        Member(id: "jean", name: "Jean DUPONT", born: "14/05/1980", status: "none", actions: ["order"]),
        Member(id: "claire", name: "Claire DUPONT", born: "03/11/1982", status: "valid", actions: ["renew", "loss"]),
        Member(id: "lea", name: "Léa DUPONT", born: "21/03/2012", status: "none", actions: ["order"]),
        Member(id: "hugo", name: "Hugo DUPONT", born: "09/07/2018", status: "ordered", actions: []),
    ]
    /// Row and action of the open modal.
    public var modal: (member: String, action: String)?
    public var confirmed: String?
    public var keyboardText = ""
    public var uppercase = false
    public var typed: String?
    public var day = 14, month = 5, year = 1980
    public var firstCountry = 0
    public var selectedCountry: String?
    public var showError = false
    public var progress = 0.4
    /// Rows each list showed last time (set by the host after layout):
    /// paging moves by what the assuré saw.
    public var pageSizes: [String: Int] = [:]
    public var firstMember = 0

    public static let countries = ["DE", "AT", "BE", "BG", "CY", "HR", "DK", "ES", "EE", "FI", "FR", "GR", "HU", "IE", "IS", "IT",
                                   "LV", "LI", "LT", "LU", "MT", "NO", "NL", "PL", "PT", "CZ", "RO", "GB", "SK", "SI", "SE", "CH"]
    public static let visibleCountries = 4

    public init() {}

    mutating func tap(_ id: String, catalog: Catalog) {
        if id.hasPrefix("gallery.tab."), let t = Tab(rawValue: String(id.dropFirst("gallery.tab.".count))) {
            tab = t; modal = nil; return
        }
        if id.hasPrefix("ceam.") {
            // ceam.<member>.<action>
            let parts = id.split(separator: ".").map(String.init)
            if parts.count == 3 { modal = (parts[1], parts[2]) }
            return
        }
        switch id {
        case "modal.cancel": modal = nil
        case "modal.confirm":
            if let m = modal, let i = members.firstIndex(where: { $0.id == m.member }) {
                members[i].status = m.action == "loss" ? "lost" : "ordered"
                members[i].actions = m.action == "loss" ? ["order"] : []
                confirmed = members[i].name
            }
            modal = nil
        case "kb.shift": uppercase.toggle()
        case "kb.space": if keyboardText.count < 40 { keyboardText += " " }
        case "kb.erase": if !keyboardText.isEmpty { keyboardText.removeLast() }
        case "kb.ok": typed = keyboardText
        case "date.day.up": day = day % daysInMonth + 1
        case "date.day.down": day = day == 1 ? daysInMonth : day - 1
        case "date.month.up": month = month % 12 + 1; day = min(day, daysInMonth)
        case "date.month.down": month = month == 1 ? 12 : month - 1; day = min(day, daysInMonth)
        case "date.year.up": year = min(2100, year + 1); day = min(day, daysInMonth)
        case "date.year.down": year = max(1900, year - 1); day = min(day, daysInMonth)
        case "countries.next": firstCountry = min(Self.countries.count - 1, firstCountry + max(1, pageSizes["countries"] ?? 4))
        case "countries.previous": firstCountry = max(0, firstCountry - max(1, pageSizes["countries"] ?? 4))
        case "members.next": firstMember = min(members.count - 1, firstMember + max(1, pageSizes["members"] ?? 4))
        case "members.previous": firstMember = max(0, firstMember - max(1, pageSizes["members"] ?? 4))
        case "wait.error": showError.toggle()
        case "wait.more": progress = min(1, progress + 0.2)
        default:
            if id.hasPrefix("kb.key."), let c = id.dropFirst("kb.key.".count).first, keyboardText.count < 40 {
                keyboardText.append(uppercase ? Character(String(c).uppercased()) : c)
                uppercase = false
            } else if id.hasPrefix("country.") {
                selectedCountry = String(id.dropFirst("country.".count))
            }
        }
    }

    var daysInMonth: Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
