import CentralAPI
import Domain
import Foundation
import KioskUI

/// A service's screens and steps while the session is in `.flow(service)`
/// (and its `.confirmation`). The controller creates one when the session
/// enters the service, hands it the taps it does not handle itself, asks it
/// for the screen, and drops it when the session leaves the service or is
/// wiped: whatever a flow holds (foyer, mobile, choices) goes with it.
@MainActor
public protocol Flow: AnyObject {
    var service: KioskService { get }
    /// True while the screen shows a wait (the indicator moves).
    var isWaiting: Bool { get }
    /// Called once, when the session enters the service: fetch what it
    /// shows (through `c.background`, so the wait is on screen meanwhile).
    func start(_ c: KioskController)
    /// A tap on `id`. Returns false to let the controller handle it
    /// (e.g. "footer.back" on a flow's first step goes back to the menu).
    func tap(_ id: String, _ c: KioskController) async -> Bool
    func screen(_ c: KioskController) -> ScreenModel
    /// A catalog key the attract screen shows when the card leaves during
    /// this flow (no personal data in it), e.g. a write cut short.
    var noticeOnRemoval: String? { get }
    /// The service's steps, as catalog keys (one or none: no step indicator).
    var stepKeys: [String] { get }
    /// Time passes (every second while a session runs).
    func tick(_ c: KioskController)
    /// The assuré is busy on another device for this screen: no inactivity countdown meanwhile.
    var keepsSessionAwake: Bool { get }
    /// The flow is dropped (back to the menu, card pulled, inactivity):
    /// close what it opened outside the kiosk. Its answers are not awaited.
    func end(_ c: KioskController)
}

extension Flow {
    public var noticeOnRemoval: String? { nil }
    public var stepKeys: [String] { [] }
    public var stepCount: Int { max(1, stepKeys.count) }
    public func tick(_ c: KioskController) {}
    public var keepsSessionAwake: Bool { false }
    public func end(_ c: KioskController) {}
}

/// What one service hands the next it leads to.
enum ServiceHandOver: Equatable {
    /// « Commander une nouvelle carte Vitale » after a declaration (or from
    /// the loss service's list): the foyer as it was read, the person as
    /// the declaration's receipt left them, the declaration to follow.
    case vitaleOrder(foyer: FoyerResponse?, person: PersonView, after: UUID?)
}

extension KioskController {
    /// How many steps a service declares (the screen audit: a service of
    /// more than one shows « Étape n sur N » on each of its screens).
    public static func stepCount(of service: KioskService) -> Int { max(1, machine(service).steps.count) }

    /// The machine of each service: the one place a service is registered
    /// (the compiler says when one is missing). The menu asks it whether the
    /// service is offered here (`isOffered`), the session runs it.
    static func machine(_ service: KioskService) -> any ServiceMachine.Type {
        switch service {
        case .ceam: CEAMMachine.self
        case .provisionalCode: ProvisionalCodeMachine.self
        case .carteVitaleLoss: VitaleLossMachine.self
        case .attestation: AttestationMachine.self
        case .miseAJour: UpdateMachine.self
        case .mesInformations: MesInformationsMachine.self
        case .remboursements: PaymentsMachine.self
        case .attestationIJ: DailyAllowancesMachine.self
        case .changementAdresse: AddressMachine.self
        case .commandeCarteVitale: VitaleOrderMachine.self
        case .suiviCarteVitale: VitaleTrackingMachine.self
        }
    }

    /// The flow of a service, in the state its machine starts from.
    static func makeFlow(_ service: KioskService, _ context: FlowContext) -> any Flow {
        func flow<M: ServiceMachine>(_: M.Type) -> any Flow { MachineFlow<M>(state: M.start(context).state) }
        return flow(machine(service))
    }
}

/// Words shared by the flows.
@MainActor
enum FlowText {
    /// The central store did not answer: what it means here, « Réessayer »
    /// (the way on), the footer's ways out. One look for every service.
    static func unavailable(id: String, title: String, what: String, whatID: String, retry: Button, footer: [Button],
                            _ t: Catalog) -> ScreenModel {
        ScreenModel(id: id, title: title, banner: Banner(kind: .error, text: t["flow.unavailable"]),
                    body: .vstack([.text(Text(what, id: whatID)), .button(retry), .flexible], spacing: .block),
                    footer: footer, focusID: retry.id)
    }

    /// "mercredi 25 novembre 2026 à 14 h 05" / "Wednesday 25 November 2026 at 14:05", in Paris time.
    static func dateTime(_ date: Date, _ t: Catalog) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        let c = cal.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        return t.text("datetime", [
            "weekday": t["weekday.\(c.weekday ?? 1)"], "day": day(c.day ?? 1, t), "month": t["month.\(c.month ?? 1)"],
            "year": String(c.year ?? 2000), "hour": String(c.hour ?? 0), "minute": String(format: "%02d", c.minute ?? 0),
        ])
    }

    /// "10 janvier 2027", « 1er janvier 2027 »: no-break spaces, so a line
    /// never ends inside a date.
    static func date(_ d: CivilDate, _ t: Catalog) -> String {
        "\(day(d.day, t))\u{00A0}\(t["month.\(d.month)"])\u{00A0}\(d.year)"
    }

    /// The day of the month as the language writes it: French says « 1er »
    /// (as the printed documents do), English "1".
    static func day(_ n: Int, _ t: Catalog) -> String { n == 1 ? t["date.firstOfMonth"] : String(n) }

    /// "14 mai 1980", "mai 1980" or "1980" when the card does not say more:
    /// in words, as numbers (03/05) read differently across languages.
    static func birthDate(_ b: BirthDate, _ t: Catalog) -> String {
        guard let m = b.month else { return String(b.year) }
        guard let d = b.day, let date = CivilDate(year: b.year, month: m, day: d) else { return "\(t["month.\(m)"])\u{00A0}\(b.year)" }
        return Self.date(date, t)
    }

    /// "14 h 05" / "14:05", in Paris time.
    static func time(_ date: Date, _ t: Catalog) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        let c = cal.dateComponents([.hour, .minute], from: date)
        return t.text("time", ["hour": String(c.hour ?? 0), "minute": String(format: "%02d", c.minute ?? 0)])
    }

    /// Ending is harmless: neutral, never the red of an irreversible act.
    static func finish(_ t: Catalog) -> Button {
        Button(id: "footer.finish", label: t["footer.finish"], style: .neutral, width: .natural)
    }

    /// What an irreversible confirmation is about, before its button: what
    /// will happen, to whom, and the consequence (« Démarche : … », « Pour : … »,
    /// « Conséquence : … »). Ids `summary.what`, `summary.who`,
    /// `summary.consequence`: `ScreenChromeTests` walks every irreversible
    /// action and finds them on the screen or modal of its confirmation.
    static func summary(what: String, who: String, consequence: String, _ t: Catalog) -> Node {
        .vstack(summaryLines(what: what, who: who, consequence: consequence, t), spacing: .related)
    }

    /// The same three lines, to go straight into a modal's content: each
    /// its own block, so that a modal paged at large text fills its pages.
    static func summaryLines(what: String, who: String, consequence: String, _ t: Catalog) -> [Node] {
        [
            .text(Text(t.text("summary.what", ["value": what]), id: "summary.what")),
            .text(Text(t.text("summary.who", ["value": who]), id: "summary.who")),
            .text(Text(t.text("summary.consequence", ["value": consequence]), id: "summary.consequence")),
        ]
    }

    static func back(_ t: Catalog) -> Button {
        Button(id: "footer.back", label: t["footer.back"], style: .secondary, width: .natural)
    }
}
