import Domain
import KioskUI

/// The screens as data. Every string comes from the catalog.
extension KioskController {
    public func screen() -> ScreenModel {
        let t = catalog
        var s: ScreenModel
        switch overlay {
        case .settings: s = settingsScreen()
        case .gallery: s = galleryScreen()
        case .none: s = outOfService.map(outOfServiceScreen) ?? (recapOpen && session.state.isInteractive ? recapScreen() : sessionScreen())
        }
        s.brand = t["brand"]
        s.shortBrand = t["brand.short"]
        s.tools = [
            Button(id: "tool.listen", label: t["tool.listen"], style: .toggle(on: settings.autoSpeech), width: .natural,
                   speech: t["tool.listen.speech"]),
            Button(id: "tool.language", label: t["tool.language"], style: .toggle(on: overlay == .settings), width: .natural,
                   speech: t["tool.language.speech"]),
            Button(id: "tool.contrast", label: t["tool.contrast"], style: .toggle(on: settings.contrast == .high), width: .natural),
            Button(id: "tool.textsize", label: t["tool.textsize"], style: .toggle(on: settings.fontScale > 1.01), width: .natural,
                   speech: t["tool.textsize.speech"]),
            // Help, the same corner of every screen, refusals included.
            Button(id: "tool.help", label: t["tool.help"], style: .toggle(on: helpOpen), width: .natural, speech: t["help.title"]),
        ]
        if helpOpen {
            s.modal = helpModal(for: s)
            s.focusID = "help.close"
        }
        if warningVisible, overlay == .none {
            let left = secondsLeft ?? 0
            let total = max(1, session.parameters.inactivityWarningSeconds)
            var buttons = [Button(id: "warning.finish", label: t["warning.finish"], style: session.canExtend ? .neutral : .primary)]
            if session.canExtend { buttons.append(Button(id: "warning.extend", label: t["warning.extend"], style: .primary)) }
            // A countdown one can see: the seconds, large, and a bar that empties.
            let width = 110.0, fraction = min(1, Double(left) / Double(total))
            s.modal = Modal(id: "warning", title: t["warning.title"],
                            message: t.text(left == 1 ? "warning.message.one" : "warning.message", ["n": String(left)]),
                            content: .vstack([
                                .text(Text(t.text("warning.countdown", ["n": String(left)]), style: .display, alignment: .center, id: "warning.countdown")),
                                .drawing(Drawing(id: "warning.bar", widthMM: width, heightMM: 5, shapes: [
                                    .rect(x: 0, y: 0, width: width, height: 5, radius: 2.5, fill: .track, border: nil),
                                    .rect(x: 0, y: 0, width: max(5, width * fraction), height: 5, radius: 2.5, fill: .primary, border: nil),
                                ])),
                            ], spacing: .related),
                            buttons: buttons)
            s.focusID = session.canExtend ? "warning.extend" : "warning.finish"
        }
        s.showsFocus = focusVisible
        s.direction = t.direction
        paging.apply(to: &s, settings: settings, catalog: t)
        return s
    }

    /// « Besoin d'aide ? »: what to do on this screen (the step's words,
    /// else the screen's, else the service's), then who helps: the accueil
    /// and the 36 46.
    func helpModal(for s: ScreenModel) -> Modal {
        let t = catalog
        let parts = s.id.split(separator: ".").map(String.init)
        let keys = [s.step.map { "help." + $0.key }] + (1...max(1, parts.count)).reversed().map { "help." + parts.prefix($0).joined(separator: ".") }
        let what = keys.compactMap { $0 }.first { t.has($0) }.map { t[$0] } ?? t["help.default"]
        return Modal(id: "help", title: t["help.title"], message: what,
                     content: .vstack([
                         .text(Text(t["help.accueil"], id: "help.accueil")),
                         .text(Text(t["help.phone"], id: "help.phone")),
                     ], spacing: .related),
                     buttons: [Button(id: "help.close", label: t["help.close"], style: .primary)])
    }

    func sessionScreen() -> ScreenModel {
        let t = catalog
        let finish = FlowText.finish(t)
        // Where there is nothing to do but take the card: help is the way on.
        let help = Button(id: "help.open", label: t["help.button"], style: .primary, width: .natural, speech: t["help.title"])
        let back = Button(id: "footer.back", label: t["footer.back"], style: .secondary, width: .natural)
        switch session.state {
        case .attract:
            // The languages offered, each by its own name: chosen before the card goes in.
            let languageRow: [Node] = languages.count > 1 ? [.hstack(languages.map { code in
                .button(Button(id: "lang.\(code)", label: catalogs[code]?["_language.name"] ?? code, style: .toggle(on: code == settings.language),
                               width: .natural))
            }, spacing: .block, align: .center)] : []
            return ScreenModel(id: "attract", title: t["attract.title"], banner: attractNotice.map { Banner(kind: .error, text: t[$0]) },
                               body: .vstack([
                .flexible,
                .drawing(Pictograms.named("card.insert", toward: hardware.cardReader, id: "attract.pictogram", decorative: true) ?? Self.insertCardPictogram),
                .text(Text(t["attract.insert"], style: .display, alignment: .center, id: "attract.insert")),
                .text(Text(t["attract.services"], style: .body, alignment: .center, muted: true, id: "attract.services")),
                .flexible,
            ] + languageRow, spacing: .section), focusID: "attract.insert")
        case .readingCard:
            return ScreenModel(id: "reading", title: t["reading.title"], body: .vstack([
                .flexible,
                .progress(Progress(id: "reading.progress", message: t["reading.message"], phase: animationPhase)),
                .flexible,
            ]))
        case .cardRefused(let verdict):
            return ScreenModel(id: "refused", title: t["refused.title"], banner: Banner(kind: .error, text: t[refusalKey(verdict)]),
                               body: .vstack([
                                   .text(Text(t[refusalKey(verdict) + ".what"], id: "refused.what")),
                                   .flexible,
                                   .drawing(Pictograms.named("card.take", toward: hardware.cardReader, id: "refused.pictogram", decorative: true) ?? Self.insertCardPictogram),
                                   // Not a carte Vitale: « this card » comes out, theirs goes in (one order, never both at once).
                                   .text(Text(t[verdict == .unknownCard ? "refused.unknownCard.takeCard" : "refused.takeCard"],
                                              style: .title, alignment: .center, id: "refused.takeCard")),
                                   .flexible,
                               ]), footer: [help])
        case .codeEntry(let left):
            // The error is in the banner; under the field, only the tries left (said once).
            // The central store's count; none said when it did not answer.
            let info = left.map { t.text($0 == 1 ? "code.tries.one" : "code.tries", ["n": String($0)]) }
            let field = Node.vstack([
                .text(Text(t["code.prompt"], id: "code.prompt")),
                .codeField(CodeField(id: "code.field", length: codeLength, entered: code.count,
                                     speech: t.text("code.entered", ["n": String(code.count), "total": String(codeLength)]))),
            // The last try is not said in grey: it is a warning.
            ] + (info.map { [Node.text(Text($0, style: .small, muted: codeError == nil && left != 1, id: "code.tries"))] } ?? []) + [
                .flexible,
                .button(Button(id: "code.forgot", label: t["code.forgot"], style: .secondary)),
            ], spacing: .block)
            let pad = Node.keypad(Keypad(id: "keypad", eraseLabel: t["keypad.erase"], okLabel: t["keypad.ok"],
                                         okEnabled: code.count == codeLength, digitSpeech: t["keypad.digit"]))
            return ScreenModel(id: "code", title: t["code.title"],
                               banner: codeError.map { Banner(kind: .error, text: $0) },
                               body: .adaptive([field, pad], minChildWidthMM: 110, spacing: .halves), footer: [finish],
                               focusID: code.count == codeLength ? "keypad.ok" : nil)
        case .codeLocked:
            return ScreenModel(id: "locked", title: t["locked.title"], banner: Banner(kind: .error, text: t["locked.banner"]),
                               body: .vstack([
                                   .text(Text(t["locked.what"], id: "locked.what")),
                                   .button(Button(id: "code.forgot", label: t["locked.sms"], style: .primary)),
                                   .flexible,
                                   .text(Text(t["locked.takeCard"], style: .title, alignment: .center, id: "locked.takeCard")),
                                   .flexible,
                               ]), footer: [finish])
        case .menu:
            let name = session.identity?.holder.prenoms.split(separator: " ").first.map(String.init) ?? ""
            // Choices among equals: tiles, none the primary.
            let buttons = offered.map { Button(id: "service.\($0.rawValue)", label: t["service.\($0.rawValue)"], style: .tile,
                                               pictogram: Pictograms.named("service.\($0.rawValue)")) }
            // At the usual text size, a grid: as many a row as fit at 90 mm and
            // with every label's longest word (three on a landscape screen, two
            // in portrait), so that the whole menu is on one screen. With large
            // text, rows of two that the body's pages may split between.
            var rows: [Node] = []
            if settings.fontScale < 1.2 {
                rows = [.adaptive(buttons.map { Node.button($0) }, minChildWidthMM: 90, spacing: .group)]
            } else {
                var i = 0
                while i < buttons.count {
                    let pair = buttons[i..<min(i + 2, buttons.count)].map { Node.button($0) }
                    // An odd last button keeps the width of the others.
                    rows.append(.hstack(pair.count == 2 ? pair : pair + [.vstack([])], spacing: .group))
                    i += 2
                }
            }
            // Rights absent or not trusted: the card is authentic, only its EF.RIGHTS needs the mise à jour
            // (BMS-VIT cards; a Vitale 2 is read in its clear zone only and never written here).
            let outdated = session.identity.map { $0.profile == .bmsVit && $0.rights.needsUpdate } == true && offered.contains(.miseAJour)
            // A certificate handed over at sign-in is said first; the mise à jour after it.
            let said = [menuNotice?.text(t), outdated ? t["menu.rightsOutdated"] : nil].compactMap { $0 }
            return ScreenModel(id: "menu", title: t.text("menu.title", ["name": name]),
                               banner: said.isEmpty ? nil : Banner(kind: menuNotice?.kind ?? .info, text: said.joined(separator: " ")),
                               // The banner takes the prompt's place: the menu still fits in large text.
                               body: .vstack((outdated ? [] : [.text(Text(t["menu.prompt"], id: "menu.prompt"))]) + rows + [.flexible], spacing: .group),
                               footer: [finish], focusID: buttons.first?.id)
        case .flow(let service):
            if let f = flow, f.service == service { return f.screen(self) }
            // Every service has its flow (makeFlow): this only shows what the service is.
            return ScreenModel(id: "flow.\(service.rawValue)", title: t["service.\(service.rawValue)"],
                               body: .vstack([.text(Text(t["service.\(service.rawValue).about"], id: "flow.about")), .flexible]),
                               footer: [finish, back])
        case .confirmation(let service):
            if let f = flow, f.service == service { return f.screen(self) }
            return ScreenModel(id: "confirmation.\(service.rawValue)", title: t["confirmation.title"],
                               body: .vstack([.text(Text(t["confirmation.done"], id: "confirmation.done")), .flexible]),
                               footer: [finish, back])
        case .ended(let reason):
            return ScreenModel(id: "ended", title: t["ended.title"], body: .vstack([
                .text(Text(t["ended.\(reason.rawValue)"], id: "ended.reason")),
                .flexible,
                .drawing(Pictograms.named("card.take", toward: hardware.cardReader, id: "ended.pictogram", decorative: true) ?? Self.insertCardPictogram),
                .text(Text(t["ended.takeCard"], style: .display, alignment: .center, id: "ended.takeCard")),
                .flexible,
            ], spacing: .group))
        }
    }

    /// A card going down into the reader's slot.
    static let insertCardPictogram = Drawing(id: "attract.pictogram", widthMM: 60, heightMM: 48, shapes: [
        .rect(x: 15, y: 0, width: 30, height: 40, radius: 3, fill: .surface, border: .primary),
        .rect(x: 20, y: 6, width: 9, height: 7, radius: 1.2, fill: .accent, border: nil),
        .rect(x: 20, y: 22, width: 20, height: 2, radius: 1, fill: .primary, border: nil),
        .rect(x: 20, y: 27, width: 14, height: 2, radius: 1, fill: .primary, border: nil),
        .glyph("▼", x: 53, y: 24, size: 9, paint: .primary),
        .rect(x: 4, y: 43, width: 52, height: 5, radius: 2.5, fill: .text, border: nil),
    ])

    /// The public sees a plain message; the reason is the technician's (the
    /// log, `doctor`, systemd's STATUS), never on the screen.
    func outOfServiceScreen(reason _: String) -> ScreenModel {
        let t = catalog
        return ScreenModel(id: "outOfService", title: t["outOfService.title"], body: .vstack([
            .text(Text(t["outOfService.message"], id: "outOfService.message")),
            .flexible,
        ], spacing: .group))
    }

    func refusalKey(_ v: CardVerdict) -> String {
        switch v {
        case .authentic, .identified: "refused.unknown"
        case .forged: "refused.forged"
        case .expired: "refused.expired"
        case .unknownIssuer: "refused.unknownIssuer"
        case .invalidated: "refused.invalidated"
        case .faulty: "refused.faulty"
        case .unknownCard: "refused.unknownCard"
        }
    }

    func settingsScreen() -> ScreenModel {
        let t = catalog
        let langs = languages.map { code in
            Button(id: "lang.\(code)", label: catalogs[code]?["_language.name"] ?? code, style: .radio(selected: code == settings.language))
        }
        let scales = ScreenMetrics.fontScales.map { v in
            Button(id: "settings.scale.\(Int((v * 100).rounded()))", label: t["settings.scale.\(Int((v * 100).rounded()))"],
                   style: .radio(selected: abs(v - settings.fontScale) < 0.01))
        }
        return ScreenModel(id: "settings", title: t["settings.title"], body: .vstack([
            .text(Text(t["settings.language"], style: .small, muted: true, id: "settings.language")),
            // Side by side while each keeps its words whole, else one under the other.
            .adaptive(langs.map { .button($0) }, minChildWidthMM: 60, spacing: .block),
            .text(Text(t["settings.textsize"], style: .small, muted: true, id: "settings.textsize")),
            .adaptive(scales.map { .button($0) }, minChildWidthMM: 60, spacing: .block),
            .adaptive([
                .button(Button(id: "settings.contrast", label: t["settings.contrast"], style: .checkbox(checked: settings.contrast == .high))),
                .button(Button(id: "settings.speech", label: t["settings.speech"], style: .checkbox(checked: settings.autoSpeech))),
            ], minChildWidthMM: 90, spacing: .block),
            .flexible,
        ], spacing: .related), footer: [Button(id: "settings.done", label: t["settings.done"], style: .primary, width: .natural)],
        focusID: "lang.\(settings.language)")
    }

    func galleryScreen() -> ScreenModel {
        let t = catalog
        let g = gallery
        // Tabs and "close" on one row: the widgets get the rest of the height.
        let tabs = Node.adaptive(GalleryState.Tab.allCases.map { tab in
            .button(Button(id: "gallery.tab.\(tab.rawValue)", label: t["gallery.tab.\(tab.rawValue)"], style: .toggle(on: g.tab == tab)))
        } + [.button(Button(id: "footer.close", label: t["gallery.close"], style: .secondary))], minChildWidthMM: 40, spacing: .grid)
        var banner: Banner?
        var modal: Modal?
        let body: Node
        switch g.tab {
        case .ceam:
            let rows = g.members.map { m in
                ListView.Row(id: "member.\(m.id)", title: m.name,
                             detail: t.text("gallery.born", ["date": m.born]) + " — " + t["ceam.status.\(m.status)"],
                             actions: m.actions.map { a in
                                 Button(id: "ceam.\(m.id).\(a)", label: t["ceam.action.\(a)"], style: a == "loss" ? .secondary : .primary,
                                        width: .natural, speech: t["ceam.action.\(a)"] + ", " + m.name)
                             })
            }
            body = .vstack([tabs, .list(ListView(id: "members", rows: rows, firstVisible: g.firstMember, visibleRows: 4, previousLabel: t["list.previous"],
                                                 nextLabel: t["list.next"]))], spacing: .block)
            if let c = g.confirmed { banner = Banner(kind: .info, text: t.text("ceam.confirmed", ["name": c])) }
            if let m = g.modal, let member = g.members.first(where: { $0.id == m.member }) {
                modal = Modal(id: "modal", title: t["ceam.dialog.\(m.action).title"],
                              message: t.text("ceam.dialog.\(m.action).message", ["name": member.name]),
                              buttons: [Button(id: "modal.cancel", label: t["modal.cancel"], style: .secondary),
                                        Button(id: "modal.confirm", label: t["modal.confirm"], style: .primary)])
            }
        case .keyboard:
            body = .vstack([tabs, .keyboard(Keyboard(id: "kb", text: g.keyboardText, placeholder: t["keyboard.placeholder"],
                                                     uppercase: g.uppercase, spaceLabel: t["keyboard.space"], okLabel: t["keyboard.ok"],
                                                     eraseLabel: "⌫", shiftLabel: "⇧"))], spacing: .related)
            // No banner here: the keyboard needs the room; the field shows what was typed.
        case .date:
            let months = (1...12).map { t["month.\($0)"] }
            body = .vstack([tabs,
                            .text(Text(t["date.prompt"], id: "date.prompt")),
                            .datePicker(DatePicker(id: "date",
                                day: .init(label: t["date.day"], value: String(g.day), upSpeech: t["date.day.up"], downSpeech: t["date.day.down"]),
                                month: .init(label: t["date.month"], value: months[g.month - 1], upSpeech: t["date.month.up"], downSpeech: t["date.month.down"]),
                                year: .init(label: t["date.year"], value: String(g.year), upSpeech: t["date.year.up"], downSpeech: t["date.year.down"]))),
                            .text(Text(t.text("date.chosen", ["date": CivilDate(year: g.year, month: g.month, day: g.day).map { FlowText.date($0, t) }
                                                                ?? "\(g.day) \(months[g.month - 1]) \(g.year)"]), id: "date.chosen")),
                           ], spacing: .related)
        case .scroll:
            let rows = GalleryState.countries.map { c in
                ListView.Row(id: "country.\(c)", title: t["country.\(c)"], selected: g.selectedCountry == c)
            }
            body = .vstack([tabs,
                            .list(ListView(id: "countries", rows: rows, firstVisible: g.firstCountry, visibleRows: GalleryState.visibleCountries,
                                           rowsSelectable: true, previousLabel: t["list.previous"], nextLabel: t["list.next"]))], spacing: .related)
        case .wait:
            if g.showError { banner = Banner(kind: .error, text: t["wait.error.text"]) }
            body = .vstack([tabs,
                            .progress(Progress(id: "wait.progress", message: t["reading.message"], fraction: g.progress)),
                            .hstack([.button(Button(id: "wait.more", label: t["wait.more"], style: .secondary)),
                                     .button(Button(id: "wait.error", label: t["wait.error"], style: .secondary))], spacing: .block),
                            .flexible], spacing: .group)
        }
        var screen = ScreenModel(id: "gallery.\(g.tab.rawValue)", title: t["gallery.title"], banner: banner, body: body,
                                 modal: modal, focusID: modal == nil ? nil : "modal.confirm")
        // The tabs say where one is; the room goes to the widgets.
        screen.titleHidden = true
        return screen
    }
}
