import Testing
@testable import KioskUI

/// Issue 12: buttons by meaning, touch semantics, steps, lists that fill
/// the body, state badges, no jump when a banner appears.
@Suite @MainActor struct WidgetMeaningTests {
    func engine(_ fonts: FontLibrary, theme: Theme = .normal, scale: Double = 1, size: Size = Size(width: 1280, height: 800)) -> LayoutEngine {
        LayoutEngine(metrics: ScreenMetrics(size: size, physicalWidthMM: ScreenMetrics.physicalWidth(diagonalInches: 15.6, size: size),
                                            fontScale: scale), theme: theme, measurer: fonts)
    }

    let finish = Button(id: "footer.finish", label: "Terminer", style: .neutral, width: .natural)
    let back = Button(id: "footer.back", label: "Retour", style: .secondary, width: .natural)

    func question(yes: Bool?, sworn: Bool) -> ScreenModel {
        ScreenModel(id: "flow.x", title: "Votre départ est-il prévu dans les 15 jours ?", body: .vstack([
            .hstack([.button(Button(id: "yes", label: "Oui", style: .radio(selected: yes == true))),
                     .button(Button(id: "no", label: "Non", style: .radio(selected: yes == false)))]),
            .button(Button(id: "sworn", label: "J’atteste sur l’honneur", style: .checkbox(checked: sworn))),
            .flexible,
            .button(Button(id: "go", label: "Confirmer", style: .primary)),
        ]), footer: [finish, back], focusID: "yes")
    }

    /// The body's primary button goes to the footer's bottom-right slot;
    /// the ways out stay left, « Terminer » first.
    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 800, height: 1280), Size(width: 1920, height: 1080)])
    func theWayOnIsBottomRightOnEveryScreen(_ size: Size) throws {
        let fonts = try makeFonts()
        let l = engine(fonts, size: size).layout(question(yes: nil, sworn: false))
        let go = try #require(l.target(id: "go")), f = try #require(l.target(id: "footer.finish")), b = try #require(l.target(id: "footer.back"))
        let margin = l.size.width - go.frame.maxX
        #expect(margin < l.size.width / 20 && l.size.height - go.frame.maxY < l.size.height / 20)
        #expect(f.frame.minX < b.frame.minX && b.frame.maxX < go.frame.minX)
        #expect(go.emphasis == .primary && f.emphasis == .neutral)
        // Only one primary.
        #expect(l.reachableTargets.filter { $0.emphasis?.isMain == true }.count == 1)
    }

    /// « Terminer » is neutral, a destructive action has its own colour:
    /// neither is the primary's, in either theme.
    @Test(arguments: [Theme.normal, Theme.high])
    func eachMeaningHasItsOwnLook(_ theme: Theme) throws {
        let fonts = try makeFonts()
        let e = engine(fonts, theme: theme)
        let looks = [Button.Style.primary, .secondary, .destructive, .neutral].map { e.colors(for: $0, enabled: true, onBar: false) }
        for i in looks.indices {
            for j in looks.indices where j > i {
                #expect(looks[i].fill != looks[j].fill || looks[i].border != looks[j].border || looks[i].text != looks[j].text, "\(i) and \(j)")
            }
        }
        #expect(looks[2].fill != looks[0].fill && looks[3].fill != looks[0].fill)
        // The pager turns pages: never the primary's look.
        var s = question(yes: nil, sworn: false)
        s.body = .vstack((1...30).map { .text(Text("Ligne \($0) d’un texte long à lire avant de confirmer.", id: "t\($0)")) })
        let l = engine(fonts, theme: theme, scale: 1.5).layout(s)
        #expect(l.target(id: "page.next")?.emphasis == .secondary)
    }

    /// A chosen answer and a ticked box are not drawn like the primary
    /// button: a tint and an outline, the text in the text's colour.
    @Test(arguments: [Theme.normal, Theme.high])
    func choicesDoNotLookLikeThePrimary(_ theme: Theme) throws {
        let fonts = try makeFonts()
        let l = engine(fonts, theme: theme).layout(question(yes: true, sworn: true))
        guard case .rect(let primaryFill, _, _, _) = try #require(l.target(id: "go")).kind,
              case .rect(let yesFill, let yesBorder, _, _) = try #require(l.target(id: "yes")).kind,
              case .rect(let noFill, let noBorder, _, _) = try #require(l.target(id: "no")).kind,
              case .rect(let swornFill, _, _, _) = try #require(l.target(id: "sworn")).kind else { Issue.record("not rects"); return }
        #expect(yesFill != primaryFill && swornFill != primaryFill)
        // Chosen and not chosen differ, in the outline at least.
        #expect(yesBorder != noBorder || yesFill != noFill)
        #expect(l.target(id: "yes")?.role == .radio && l.target(id: "yes")?.isSelected == true && l.target(id: "no")?.isSelected == false)
        #expect(l.target(id: "sworn")?.role == .checkbox && l.target(id: "sworn")?.isSelected == true)
        // The box has its tick, the radio its dot.
        #expect(l.items.contains { $0.widgetID == "sworn" && $0.text == "✓" })
        #expect(l.items.filter { $0.widgetID == "yes" && $0.role == .radio }.count == 3)
        #expect(l.items.filter { $0.widgetID == "no" && $0.role == .radio }.count == 2)
        // The label reads as words, and speech says the state.
        #expect(l.label(of: "sworn") == "J’atteste sur l’honneur")
        #expect(l.target(id: "sworn")?.speech == "J’atteste sur l’honneur, checked")
        #expect(l.target(id: "no")?.speech == "Non, not selected")
    }

    /// No focus ring for a finger; a key (or the speech controls) shows it;
    /// never on a disabled widget. The focus is still spoken.
    @Test func theFocusRingWaitsForAKey() throws {
        let fonts = try makeFonts()
        let e = engine(fonts)
        var s = question(yes: nil, sworn: false)
        var l = e.layout(s)
        #expect(!l.items.contains { $0.role == .focusRing })
        #expect(l.focusID == "yes" && SpeechController.utterance(for: l).hasSuffix("Oui, not selected"))
        s.showsFocus = true
        l = e.layout(s)
        #expect(l.items.last { $0.role == .focusRing }?.widgetID == "yes")
        s.body = .vstack([.button(Button(id: "off", label: "Valider", style: .secondary, enabled: false))])
        s.focusID = "off"
        #expect(!e.layout(s).items.contains { $0.role == .focusRing })
    }

    /// « Étape 2 sur 4 » and the step's title: on the top bar when they fit
    /// there, else above the title; in a modal, on its title's line when short.
    @Test func theStepIsShown() throws {
        let fonts = try makeFonts()
        var s = question(yes: nil, sworn: false)
        s.step = StepIndicator(number: 2, count: 4, title: "Motif", position: "Étape 2 sur 4", key: "vitale.step.reason")
        s.tools = [Button(id: "tool.help", label: "Aide", style: .toggle(on: false), width: .natural)]
        let l = engine(fonts).layout(s)
        let step = try #require(l.items.first { $0.role == .stepIndicator && $0.step != nil })
        #expect(step.step?.number == 2 && step.speech == "Étape 2 sur 4 · Motif")
        #expect(step.frame.maxY <= l.items.first { $0.role == .topBar }!.frame.maxY)
        #expect(l.label(of: "step") == "Étape 2 sur 4 Motif")
        // Said after the title.
        #expect(SpeechController.utterance(for: l).hasPrefix("Votre départ est-il prévu dans les 15 jours ? Étape 2 sur 4 · Motif. Oui"))
        // A narrow bar (portrait, large text): a line of its own under the bar.
        s.tools = (1...5).map { Button(id: "tool.\($0)", label: "Outil \($0)", style: .toggle(on: false), width: .natural) }
        let p = engine(fonts, scale: 1.5, size: Size(width: 800, height: 1280)).layout(s)
        let pStep = try #require(p.items.first { $0.role == .stepIndicator && $0.step != nil })
        #expect(pStep.frame.minY >= p.items.first { $0.role == .topBar }!.frame.maxY)
        #expect(p.visibleText.contains("Étape 2 sur 4"))
        // A modal wizard's step.
        var m = question(yes: nil, sworn: false)
        m.modal = Modal(id: "w", title: "Date du vol", message: "À quelle date ?", buttons: [Button(id: "w.next", label: "Suivant")],
                        step: StepIndicator(number: 2, count: 3, title: "Date", position: "Étape 2 sur 3"))
        let ml = engine(fonts).layout(m)
        #expect(ml.items.contains { $0.widgetID == "w.step" && $0.step?.number == 2 })
    }

    func foyer(_ n: Int, detailLines: Int = 1) -> ScreenModel {
        let rows = (0..<n).map { i in
            ListView.Row(id: "p\(i)", title: "Personne \(i) LEROY · Enfant, \(i + 2) ans",
                         detail: Array(repeating: "Aucune carte européenne.", count: i % 3 == 0 ? detailLines : 1).joined(separator: " "),
                         actions: [Button(id: "p\(i).order", label: "Commander", style: .secondary, width: .natural)],
                         badges: [Badge(.inactive, "Pas de carte")])
        }
        return ScreenModel(id: "flow.ceam.list", title: "Carte européenne : vos bénéficiaires",
                           body: .vstack([.list(ListView(id: "l", rows: rows, previousLabel: "Précédent", nextLabel: "Suivant")), .flexible]),
                           footer: [finish, back])
    }

    /// Rows a page from their real heights; every row on exactly one page;
    /// the pages' starts are known, so « Précédent » goes to the start of
    /// the page before whatever its size; « Page 2 sur N ».
    @Test(arguments: [(Size(width: 1280, height: 800), 1.0), (Size(width: 800, height: 1280), 1.0), (Size(width: 1280, height: 800), 1.5)])
    func listsFillTheBodyAndPageByRealHeights(_ size: Size, _ scale: Double) throws {
        let fonts = try makeFonts()
        let e = engine(fonts, scale: scale, size: size)
        var s = foyer(12, detailLines: 3)
        s.pageLabels = PageLabels(previous: "Précédent", next: "Suite", position: "Page {n} sur {total}")
        let first = e.layout(s)
        let starts = try #require(first.paging.listPageStarts["l"])
        #expect(starts.first == 0 && starts.count > 1 && starts == starts.sorted())
        var seen: [String] = []
        for (p, start) in starts.enumerated() {
            guard case .stack(var st) = s.body, case .list(var l) = st.children[0] else { Issue.record("no list"); return }
            l.firstVisible = start
            st.children[0] = .list(l)
            var page = s
            page.body = .stack(st)
            let shown = e.layout(page)
            #expect(shown.problems == [])
            seen += shown.items.filter { $0.role == .listRow }.compactMap(\.widgetID)
            #expect(shown.visibleText.contains("Page \(p + 1) sur \(starts.count)"))
            // A row inside a page shows that page (the one holding it).
            l.firstVisible = start + (p + 1 < starts.count ? starts[p + 1] - start - 1 : 0)
            st.children[0] = .list(l)
            page.body = .stack(st)
            #expect(e.layout(page).items.first { $0.role == .listRow }?.widgetID == "p\(start)")
        }
        #expect(seen == (0..<12).map { "p\($0)" })
        // Every page as full as the next page's first row allows.
        for a in first.paging.areas where a.continues { #expect(a.height - a.used < (a.nextBlock ?? 0), "\(a)") }
    }

    /// A foyer of 12 at 1280×800, text ×1: at least four beneficiaries a page.
    @Test func aFoyerOfTwelveShowsFourAPage() throws {
        let fonts = try makeFonts()
        let l = engine(fonts).layout(foyer(12))
        let starts = try #require(l.paging.listPageStarts["l"])
        let sizes = zip(starts, starts.dropFirst() + [12]).map { $1 - $0 }
        let described = "\(sizes) rows \(l.items.filter { $0.role == .listRow }.map(\.frame)) next \(String(describing: l.target(id: "l.next")?.frame)) areas \(l.paging.areas)"
        #expect(sizes.dropLast().allSatisfy { $0 >= 4 }, "\(described)")
    }

    /// A badge is a pictogram, a word and a colour, in both themes; the row
    /// that just changed is marked; speech says the badges with the row.
    @Test(arguments: [Theme.normal, Theme.high])
    func badgesAndTheChangedRow(_ theme: Theme) throws {
        let fonts = try makeFonts()
        var s = foyer(3)
        guard case .stack(var st) = s.body, case .list(var list) = st.children[0] else { Issue.record("no list"); return }
        list.rows[1].badges = [Badge(.ok, "Valable")]
        list.rows[1].highlighted = true
        st.children[0] = .list(list)
        s.body = .stack(st)
        let l = engine(fonts, theme: theme).layout(s)
        let badge = try #require(l.items.first { $0.widgetID == "p1.badge" && $0.role == .badge && $0.text == nil })
        #expect(l.label(of: "p1.badge").normalizedSpaces == "✓ Valable")
        guard case .rect(let fill, let border, _, _) = badge.kind else { Issue.record("not a rect"); return }
        #expect(fill == theme.badge(.ok).fill && border == theme.badge(.ok).border)
        #expect(theme.badge(.ok).text.contrastRatio(with: fill) >= 7)
        // The other tones differ from it.
        #expect(Set(Badge.Tone.allCases.map { theme.badge($0).border }).count == Badge.Tone.allCases.count)
        let row = try #require(l.items.first { $0.widgetID == "p1" && $0.role == .listRow })
        #expect(row.speech?.contains("Valable") == true)
        guard case .rect(let rowFill, let rowBorder, _, _) = row.kind,
              case .rect(let otherFill, let otherBorder, _, _) = try #require(l.items.first { $0.widgetID == "p0" && $0.role == .listRow }).kind else { return }
        #expect(rowFill != otherFill || rowBorder != otherBorder)
    }

    /// Side by side with a keypad, an error banner heads the first column:
    /// the keypad does not move.
    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 800, height: 1280)])
    func aBannerDoesNotMoveTheKeypad(_ size: Size) throws {
        let fonts = try makeFonts()
        func screen(_ banner: Banner?) -> ScreenModel {
            ScreenModel(id: "code", title: "Votre code personnel", banner: banner, body: .adaptive([
                .vstack([.text(Text("Tapez les 4 chiffres", id: "prompt")), .codeField(CodeField(id: "f", length: 4, entered: 0, speech: "")), .flexible]),
                .keypad(Keypad(id: "keypad", eraseLabel: "Corriger", okLabel: "Valider", okEnabled: false)),
            ], minChildWidthMM: 110, spacing: .halves), footer: [finish])
        }
        let e = engine(fonts, size: size)
        let before = e.layout(screen(nil)), after = e.layout(screen(Banner(kind: .error, text: "Code incorrect. Il vous reste 2 essais.")))
        for k in ["keypad.1", "keypad.5", "keypad.ok"] { #expect(before.target(id: k)?.frame == after.target(id: k)?.frame, "\(k) moved") }
        #expect(after.problems == [])
    }
}
