import Domain
import Foundation
import KioskAppTesting
import KioskUI
import Testing
@testable import KioskApp

/// The card's and the paper's pictograms point where this terminal's card
/// reader and printer tray stand (kiosk.yaml `hardware:`): looked at in the
/// display list, as drawn on the screen.
@Suite @MainActor struct HardwareSideTests {
    /// A pictogram as laid out: its card (or sheet: the first rect with a
    /// border), the reader's slot or the printer (the last rect), its arrows.
    struct Laid {
        var card: Rect
        var slot: Rect
        var arrows: [(glyph: String, frame: Rect)]
    }

    static func laid(_ s: ScreenModel, _ id: String) throws -> Laid {
        let fonts = try FontLibrary(fontsDirectory: assets.appendingPathComponent("fonts"))
        let list = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(s)
        let items = list.items.filter { $0.widgetID == id }
        let rects = items.compactMap { i -> (Rect, Bool)? in
            if case .rect(_, let border, _, _) = i.kind { return (i.frame, border != nil) }
            return nil
        }
        let card = try #require(rects.first { $0.1 }?.0, "\(id): no card in \(items.count) items")
        let slot = try #require(rects.last?.0)
        return Laid(card: card, slot: slot, arrows: items.compactMap { i in i.text.map { ($0, i.frame) } })
    }

    @Test(arguments: TerminalHardware.Side.allCases)
    func theAttractScreenPointsTheCardAtTheReader(_ side: TerminalHardware.Side) async throws {
        Pictograms.directory = assets.appendingPathComponent("pictograms")
        let k = try await FlowKiosk()
        k.c.hardware.cardReader = side
        #expect(k.screenID == "attract")
        let p = try Self.laid(k.screen, "attract.pictogram")
        let arrow = try #require(p.arrows.first)
        #expect(p.arrows.count == 1)
        switch side {
        case .right:
            // card ▶ reader
            #expect(arrow.glyph == "▶")
            #expect(arrow.frame.x >= p.card.maxX && arrow.frame.maxX <= p.slot.x, "\(arrow.frame) \(p.card) \(p.slot)")
        case .left:
            // reader ◀ card
            #expect(arrow.glyph == "◀")
            #expect(arrow.frame.maxX <= p.card.x && arrow.frame.x >= p.slot.maxX, "\(arrow.frame) \(p.card) \(p.slot)")
        case .below:
            #expect(arrow.glyph == "▼")
            #expect(p.slot.y > p.card.center.y && arrow.frame.center.y > p.card.y)
        }
    }

    /// « Reprenez votre carte »: the card sticks out of the reader on its
    /// side; the arrows beside it say which way to pull it.
    @Test(arguments: TerminalHardware.Side.allCases)
    func takeYourCardShowsItInTheReaderOnItsSide(_ side: TerminalHardware.Side) async throws {
        Pictograms.directory = assets.appendingPathComponent("pictograms")
        let k = try await FlowKiosk()
        k.c.hardware.cardReader = side
        try await k.signIn()
        await k.tap("footer.finish")
        #expect(k.screenID == "ended")
        let p = try Self.laid(k.screen, "ended.pictogram")
        #expect(p.arrows.count == 2)
        switch side {
        case .right:
            #expect(p.slot.x > p.card.center.x && p.slot.x < p.card.maxX, "in the reader: \(p.card) \(p.slot)")
            #expect(p.arrows.allSatisfy { $0.glyph == "◀" })
        case .left:
            #expect(p.slot.maxX < p.card.center.x && p.slot.maxX > p.card.x, "in the reader: \(p.card) \(p.slot)")
            #expect(p.arrows.allSatisfy { $0.glyph == "▶" })
        case .below:
            #expect(p.slot.y > p.card.center.y && p.slot.y < p.card.maxY, "in the reader: \(p.card) \(p.slot)")
            #expect(p.arrows.allSatisfy { $0.glyph == "▲" })
        }
    }

    /// The attestation printed: the arrow beside the sheet points to the tray.
    @Test(arguments: TerminalHardware.Side.allCases)
    func thePaperPointsAtTheTray(_ side: TerminalHardware.Side) async throws {
        Pictograms.directory = assets.appendingPathComponent("pictograms")
        let k = try await FlowKiosk()
        k.c.hardware.printerTray = side
        // The reader's side is another setting: it does not move the paper.
        k.c.hardware.cardReader = side == .left ? .right : .left
        try await k.signIn()
        await k.tap("service.attestation")
        await k.tap("attestation.all")
        let s = k.screen
        let fonts = try FontLibrary(fontsDirectory: assets.appendingPathComponent("fonts"))
        let items = LayoutEngine(metrics: .development, theme: .normal, measurer: fonts).layout(s).items
            .filter { $0.widgetID == "attestation.pictogram" }
        // The sheet: the rect with a border; the arrow: the one glyph.
        let sheet = try #require(items.first { if case .rect(_, let b, _, _) = $0.kind { b != nil } else { false } }?.frame,
                                 "no printed paper on \(s.id): \(k.text.prefix(200))")
        let arrow = try #require(items.first { $0.text != nil })
        switch side {
        case .right: #expect(arrow.text == "▶" && arrow.frame.x >= sheet.maxX)
        case .left: #expect(arrow.text == "◀" && arrow.frame.maxX <= sheet.x)
        case .below: #expect(arrow.text == "▼" && arrow.frame.center.y > sheet.center.y)
        }
    }

    @Test func aMirroredDrawingTurnsItsSidewaysArrowsRound() {
        let d = Drawing(id: "d", widthMM: 60, heightMM: 40, shapes: [
            .rect(x: 1, y: 2, width: 10, height: 5, radius: 1, fill: .surface, border: .primary),
            .glyph("▶", x: 50, y: 20, size: 9, paint: .primary),
            .glyph("▲", x: 40, y: 20, size: 9, paint: .primary),
        ])
        let m = d.mirrored()
        guard case .rect(let x, let y, let w, _, _, _, _) = m.shapes[0],
              case .glyph(let g, let gx, _, _, _) = m.shapes[1], case .glyph(let up, let ux, _, _, _) = m.shapes[2] else {
            Issue.record("shapes changed kind"); return
        }
        #expect(x == 49 && y == 2 && w == 10)
        #expect(g == "◀" && gx == 10)
        #expect(up == "▲" && ux == 20)
        guard case .glyph(let back, _, _, _, _) = m.mirrored().shapes[1] else { return }
        #expect(back == "▶")
    }

    /// A side without its own file falls back on the mirrored right one,
    /// then on the picture under the screen: never no picture.
    @Test func everySideOfEveryPointingPictogramExists() {
        Pictograms.directory = assets.appendingPathComponent("pictograms")
        for name in ["card.insert", "card.take", "paper.take"] {
            for side in TerminalHardware.Side.allCases {
                let d = Pictograms.named(name, toward: side)
                #expect(d != nil, "\(name) \(side)")
                #expect(d?.id == name, "\(name) \(side)")
            }
            #expect(Pictograms.names.contains("\(name).right"), "\(name).right.json")
        }
    }
}
