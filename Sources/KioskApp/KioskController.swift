import Domain
import Foundation
import KioskUI

/// The kiosk's flows: which screen follows which and what a tap asks of the
/// session. Holds no SDL handle: it hands `ScreenModel`s to the host.
@MainActor
public final class KioskController {
    public struct Settings: Equatable, Sendable {
        public var language: String
        public var contrast: Theme.Contrast
        public var fontScale: Double
        /// Speak each new screen.
        public var autoSpeech: Bool
        public init(language: String = "fr", contrast: Theme.Contrast = .normal, fontScale: Double = 1, autoSpeech: Bool = false) {
            self.language = language; self.contrast = contrast; self.fontScale = fontScale; self.autoSpeech = autoSpeech
        }
    }

    /// Screens outside the session: settings and, in smoke/dev runs, the gallery.
    public enum Overlay: Equatable, Sendable { case none, settings, gallery }

    public private(set) var session: KioskSession
    public let clock: Clock
    public let services: KioskServices
    public let catalogs: [String: Catalog]
    /// What a new session starts with (a technician's configuration).
    public let defaults: Settings
    public var settings: Settings
    public private(set) var overlay: Overlay = .none
    public private(set) var code = ""
    public private(set) var codeError: String?
    /// The services the configuration enables for this card (the menu shows
    /// those of them this terminal can perform: `offered`).
    private var enabled: [KioskService] = []
    /// The menu: never a service this terminal cannot perform for this card,
    /// as its configuration and its hardware stand now.
    public var offered: [KioskService] { enabled.filter(canPerform) }
    /// Said on the menu: a provisional certificate handed over at sign-in
    /// (or the printer that could not). Goes with the session.
    public private(set) var menuNotice: MenuNotice?

    /// Kept as catalog keys, not text: said in the language on screen, even
    /// after the assuré changes it.
    public struct MenuNotice: Sendable, Equatable {
        public struct Line: Sendable, Equatable {
            var key: String
            var name: String
            var date: CivilDate
            /// The service to open for more (a request that did not go through).
            var service: KioskService? = nil
        }
        public var kind: Banner.Kind
        var lines: [Line]
        @MainActor func text(_ t: Catalog) -> String {
            lines.map { l in
                var args = ["name": l.name, "date": FlowText.date(l.date, t)]
                if let s = l.service { args["service"] = t["service.\(s.rawValue)"] }
                return t.text(l.key, args)
            }.joined(separator: " ")
        }
    }
    /// The service in use, with its steps and data; nil outside a service,
    /// so a wipe drops everything a flow held.
    public private(set) var flow: (any Flow)?
    /// What a flow waits for (central store, card) while its screen shows a wait.
    private var pending: Task<Void, Never>?
    /// Prints attestations and récépissés; `NoPrinter` until one is configured.
    public var printer: any KioskPrinter = NoPrinter()
    /// Rows each list showed in the last frame, by list id: flows page by what was seen.
    public var listPageSizes: [String: Int] = [:]
    /// The first row of each page of each list in the last frame.
    public var listPageStarts: [String: [Int]] = [:]
    /// Where this terminal's card reader and printer tray stand beside the
    /// screen (kiosk.yaml `hardware:`): the card's and the paper's
    /// pictograms point there. Default: both under the screen.
    public var hardware = TerminalHardware()
    /// Writes EF.RIGHTS for the "mise à jour"; nil: not available on this kiosk.
    public var rightsWriter: (any CardRightsWriter)?
    /// The carte Vitale order's documents: the scanner (if any), previews, QR codes.
    public var documentDesk: any DocumentDesk = NoDocumentDesk()
    /// What a service hands the next one it leads to (the loss declaration's
    /// « Commander » to the order): read once when that service starts.
    var handOver: ServiceHandOver?
    /// A catalog key the attract screen shows after a card left too early
    /// (nothing personal); cleared by the next card.
    public var attractNotice: String?
    public internal(set) var warningVisible = false
    /// « Besoin d'aide ? » is open over the screen.
    public internal(set) var helpOpen = false
    /// What this session did (SessionRecap.swift): recorded from the
    /// effects' own answers, shown on « Terminer », gone with the session.
    public internal(set) var history = SessionHistory()
    /// The recap is on screen (« Terminer » was tapped after something was done).
    public internal(set) var recapOpen = false
    /// The recap list's page, and the recap's own print.
    var recapFirstRow = 0
    public internal(set) var recapPrint: RecapPrint?
    /// Bumped when a session is wiped: what an effect of an earlier session
    /// tells afterwards is not this one's.
    public private(set) var sessionToken = 0
    /// A key, or the speech controls, moved the focus this session: the
    /// ring shows from then on. A finger needs none.
    public private(set) var focusVisible = false
    /// Set when the kiosk cannot serve (bad configuration…): the reason for
    /// the technician. Cards are ignored meanwhile.
    public var outOfService: String? { didSet { changed() } }
    public var gallery = GalleryState()
    /// The page shown of a body or modal too long for the screen (Paging.swift).
    public var paging = PagingState()
    /// Requests to the host: speak now (Écouter), or stop.
    public var onListen: (() -> Void)?
    /// Bumped on every change that needs a new frame.
    public private(set) var revision = 0
    /// Gentle motion of the wait indicator; off in smoke runs (fixed frames).
    public var animates = false
    /// Frames a second while something moves.
    public static let animationFPS = 10
    public let codeLength = 4

    /// The rules in force (the technician's rules.yaml): what a form offers
    /// (the loss-date window…) comes from them, never from a number here.
    public let rules: RuleParameters

    public init(clock: Clock, services: KioskServices, catalogs: [String: Catalog], settings: Settings = Settings(),
                sessionParameters: SessionParameters = .init(), rules: RuleParameters = .standard) {
        self.clock = clock
        self.rules = rules
        self.services = services
        self.catalogs = catalogs
        self.defaults = settings
        self.settings = settings
        self.session = KioskSession(parameters: sessionParameters, now: clock.now)
    }

    public var catalog: Catalog { catalogs[settings.language] ?? catalogs["fr"] ?? Catalog(language: "fr", strings: [:]) }
    public var languages: [String] { catalogs.keys.sorted { a, b in a == "fr" ? true : b == "fr" ? false : a < b } }

    public func changed() { revision &+= 1 }

    // MARK: events

    public func handle(card event: CardEvent) {
        if outOfService != nil, event != .removed { return }
        switch event {
        case .inserted: attractNotice = nil; apply(.cardInserted)
        case .read(let id, let verdict): apply(.cardRead(id, verdict))
        case .removed: apply(.cardRemoved)
        case .mute: apply(.cardUnreadable(reason: "mute"))
        }
    }

    /// Time passes: inactivity warning and end; a flow that waits for
    /// something outside (the phone's document) looks again.
    public func tick() {
        // The assuré on their phone (the QR code's page) touches nothing here: that is not inactivity.
        // The address lasts 10 minutes; then the screen offers a new code and the countdown runs again.
        if flow?.keepsSessionAwake == true, session.state.isInteractive, !warningVisible { apply(.activity) }
        apply(.tick)
        flow?.tick(self)
    }

    /// A tap on the widget `id` (from hit testing or a scenario).
    public func tap(_ id: String) async {
        // A tap while the code's tries are asked lands on the screen that follows.
        if session.state == .readingCard, session.identity != nil { await settle() }
        if session.state.isInteractive, !id.hasPrefix("warning.") { apply(.activity) }
        if id.hasPrefix("tool.") { tool(id); changed(); return }
        if id == "help.open" || id == "help.close" { helpOpen = id == "help.open"; changed(); return }
        if id.hasPrefix("settings.") || id.hasPrefix("lang.") { settingsTap(id); changed(); return }
        if paging.tap(id) { changed(); return }
        if overlay == .gallery { gallery.tap(id, catalog: catalog); if id == "footer.close" { overlay = .none }; changed(); return }
        // The recap covers the service it was opened from: its taps only (and the warning's).
        if recapOpen, id == "warning.finish" || !id.hasPrefix("warning.") { _ = recapTap(id); changed(); return }
        if let f = flow, !id.hasPrefix("warning."), await f.tap(id, self) { changed(); return }
        switch id {
        case "warning.extend": apply(.extend)
        case "warning.finish", "footer.finish": finish()
        case "footer.back": apply(.back)
        case "code.forgot": apply(.forgotCode)
        case _ where id.hasPrefix("keypad."):
            await keypad(String(id.dropFirst("keypad.".count)))
        case _ where id.hasPrefix("service."):
            // A stale tap never opens a service the menu does not show.
            if let s = KioskService(rawValue: String(id.dropFirst("service.".count))), offered.contains(s) { apply(.choose(s)) }
        default: break
        }
        changed()
    }

    /// Seconds before the session ends for inactivity, when it is counting.
    public var secondsLeft: Int? {
        session.deadline.map { max(0, Int($0.timeIntervalSince(clock.now).rounded(.up))) }
    }

    /// True while a screen shows motion (the wait indicator).
    public var isAnimating: Bool { animates && overlay == .none && (session.state == .readingCard || flow?.isWaiting == true) }

    /// 0…1, back and forth every 2 s, from the clock (so tests can pin it).
    public var animationPhase: Double {
        guard isAnimating else { return 0.35 }
        let t = clock.now.timeIntervalSinceReferenceDate.truncatingRemainder(dividingBy: 2)
        return t < 1 ? t : 2 - t
    }

    /// Changes with every animation step, so the host redraws only then.
    public var animationStep: Int {
        isAnimating ? Int(clock.now.timeIntervalSinceReferenceDate * Double(Self.animationFPS)) : -1
    }

    public func openGallery() { overlay = .gallery; gallery = GalleryState(); changed() }

    /// A key moved the focus (a keyboard, the speech controls): the focus
    /// ring shows until the session ends.
    public func focusMovedByKey() {
        guard !focusVisible else { return }
        focusVisible = true
        changed()
    }

    // MARK: internals

    private func tool(_ id: String) {
        switch id {
        case "tool.listen":
            settings.autoSpeech = true
            focusVisible = true
            onListen?()
        case "tool.help": helpOpen.toggle()
        case "tool.language": overlay = overlay == .settings ? .none : .settings
        case "tool.contrast": settings.contrast = settings.contrast == .high ? .normal : .high
        case "tool.textsize":
            let scales = ScreenMetrics.fontScales
            let i = scales.firstIndex { abs($0 - settings.fontScale) < 0.01 } ?? 0
            settings.fontScale = scales[(i + 1) % scales.count]
        default: break
        }
    }

    private func settingsTap(_ id: String) {
        if id.hasPrefix("lang.") {
            let code = String(id.dropFirst(5))
            if catalogs[code] != nil { settings.language = code }
            return
        }
        switch id {
        case "settings.contrast": settings.contrast = settings.contrast == .high ? .normal : .high
        case "settings.speech": settings.autoSpeech.toggle()
        case "settings.done": overlay = .none
        case _ where id.hasPrefix("settings.scale."):
            if let v = Double(id.dropFirst("settings.scale.".count)) { settings.fontScale = v / 100 }
        default: break
        }
    }

    private func keypad(_ key: String) async {
        guard case .codeEntry = session.state else { return }
        switch key {
        case "erase": if !code.isEmpty { code.removeLast() }
        case "ok":
            guard code.count == codeLength, let card = session.identity else { return }
            let typed = code
            code = ""
            do {
                switch try await services.checkCode(typed, card: card) {
                case .accepted:
                    await signIn(card: card)
                case .rejected(let left):
                    codeError = catalog.text(left == 1 ? "code.wrong.one" : "code.wrong.many", ["n": String(left)])
                    apply(.codeRejected(triesLeft: left))
                case .locked:
                    apply(.codeLocked)
                }
            } catch {
                codeError = catalog["code.unavailable"]
            }
        default:
            if key.count == 1, key.first!.isASCII && key.first!.isNumber, code.count < codeLength { code.append(key) }
        }
    }

    /// The code (personal or provisional) was accepted: the menu.
    func signIn(card: CardIdentity) async {
        enabled = (try? await services.services(for: card)) ?? []
        // Requests that did not go through after the assuré left: the menu
        // points to the service, which says what happened (and marks it said).
        let refused = await services.unsuccessfulRequests(card: card).compactMap { r -> MenuNotice.Line? in
            let service: KioskService = r.action.hasPrefix("ceam.") ? .ceam : .carteVitaleLoss
            guard offered.contains(service), card.foyer.persons.indices.contains(r.personIndex) else { return nil }
            return MenuNotice.Line(key: "menu.later", name: card.foyer.persons[r.personIndex].displayName,
                                   date: CivilDay.inParis(r.confirmedAt), service: service)
        }
        menuNotice = refused.isEmpty ? nil : MenuNotice(kind: .error, lines: refused)
        codeError = nil
        apply(.codeAccepted)
        if offered.contains(.ceam) { handOverCertificates(card) }
    }

    /// A provisional certificate the central store issued after the assuré
    /// left (card pulled while the order was sent, or sent later by the
    /// relay) is printed as soon as they are back, and said on the menu:
    /// they need not guess that it waits under « Carte européenne ». Once
    /// only (the job id is the request's; the CEAM flow, which does the same
    /// for who goes there first, then finds it printed).
    private func handOverCertificates(_ card: CardIdentity) {
        let today = clock.today
        background { [weak self] in
            guard let self else { return }
            let owed = await self.services.issuedCertificates(card: card).filter { $0.certificate.isValid(on: today) }
            var said: [MenuNotice.Line] = [], trouble = false
            for i in owed {
                // The assuré may have left meanwhile: nothing more of theirs is printed.
                guard self.session.state.isInteractive, self.session.identity?.serial == card.serial,
                      card.foyer.persons.indices.contains(i.personIndex) else { return }
                let person = card.foyer.persons[i.personIndex]
                let told = await CEAMMachine.handOver(i, to: person, on: self.effectEnvironment(card: card).printer)
                guard self.session.identity?.serial == card.serial else { return }
                // Said on the menu only: an assuré already in a service
                // finds the paper in the tray; the CEAM flow says its own.
                guard self.session.state == .menu, let told else { continue }
                trouble = trouble || told.trouble
                said.append(MenuNotice.Line(key: told.key, name: person.displayName, date: i.certificate.validUntil))
                // After what the menu already says (a request that did not go through).
                let earlier = self.menuNotice?.lines.filter { $0.service != nil } ?? []
                self.menuNotice = MenuNotice(kind: trouble || !earlier.isEmpty ? .error : .info, lines: earlier + said)
            }
        }
    }

    /// The code's tries as the central store counts them, for the card
    /// just read: the reading screen stays until it answers (or not).
    private func askCodeStatus() {
        guard let card = session.identity else { return }
        background { [weak self] in
            guard let self else { return }
            let status = await self.services.codeStatus(card: card)
            // The card may have left, or another come, meanwhile.
            guard self.session.state == .readingCard, self.session.identity?.serial == card.serial else { return }
            self.apply(.codeStatus(triesLeft: status?.triesLeft, locked: status?.locked ?? false))
        }
    }

    /// What this terminal can do now for the card in it, as each service's
    /// machine says (`ServiceMachine.isOffered`): the mise à jour needs a
    /// card writer and a card with EF.RIGHTS, the attestation a printer.
    func canPerform(_ service: KioskService) -> Bool {
        Self.machine(service).isOffered(FlowContext(self))
    }

    /// A flow moves the session (back, confirmed, finish…).
    func send(_ event: SessionEvent) { apply(event) }

    /// Runs a flow's slow work after the current tap, so its wait screen
    /// shows meanwhile; one piece at a time, in order.
    func background(_ work: @escaping @MainActor () async -> Void) {
        let previous = pending
        let task = Task { @MainActor in
            await previous?.value
            await work()
            self.changed()
            // The loop may be asleep waiting for input: draw the answer now.
            InputMapper.pushWake()
        }
        pending = task
    }

    /// Waits until the flows' work is done (smoke runs and tests).
    public func settle() async {
        while let p = pending {
            await p.value
            if pending == p { pending = nil }
        }
    }

    /// True while `f` is still the flow on screen (the card may have left
    /// while it waited).
    func isCurrent(_ f: any Flow) -> Bool { flow === f }

    /// A flow for the service the session is in; none outside a service.
    private func followSession() {
        switch session.state {
        case .flow(let s), .confirmation(let s):
            if flow?.service != s {
                // The menu's notice was read: the service says its own.
                menuNotice = nil
                dropFlow()
                flow = Self.makeFlow(s, FlowContext(self))
                flow?.start(self)
            }
        default:
            dropFlow()
        }
    }

    /// The flow goes (back to the menu, card pulled, inactivity): what it
    /// left open outside the kiosk is closed (an upload address).
    private func dropFlow() {
        guard let f = flow else { return }
        flow = nil
        f.end(self)
    }

    func apply(_ event: SessionEvent) {
        let effects = session.handle(event, now: clock.now)
        for e in effects {
            switch e {
            case .showInactivityWarning: warningVisible = true
            case .hideInactivityWarning: warningVisible = false
            case .wipe: wipe(resetSettings: session.state == .attract)
            case .askCodeStatus: askCodeStatus()
            }
        }
        if !session.state.isInteractive { warningVisible = false }
        if case .attract = session.state, event == .cardRemoved { wipe(resetSettings: true) }
        followSession()
        if event != .tick || !effects.isEmpty { changed() }
    }

    /// The next person sees nothing of the last: code, errors, services go
    /// at once; language, contrast and text size stay until the card is
    /// taken, so "take your card" is read in the person's own choice.
    private func wipe(resetSettings: Bool) {
        code = ""
        codeError = nil
        enabled = []
        menuNotice = nil
        if let notice = flow?.noticeOnRemoval { attractNotice = notice }
        dropFlow()
        warningVisible = false
        helpOpen = false
        focusVisible = false
        if overlay == .settings { overlay = .none }
        paging = PagingState()
        history = SessionHistory()
        recapOpen = false
        recapFirstRow = 0
        recapPrint = nil
        sessionToken &+= 1
        if resetSettings { settings = defaults }
        changed()
    }
}
