import CentralAPI
import Domain
import Foundation
import KioskAppTesting
import KioskUI
import Testing
@testable import KioskApp

/// States of the order to draw (FlowStepLayoutTests) from the one a loaded flow is in.
@MainActor enum OrderStates {
    static let raster = Raster(width: 30, height: 40, rgb: [UInt8](repeating: 0x80, count: 30 * 40 * 3))
    static let qr = ModuleMatrix(size: 21, dark: (0..<(21 * 21)).map { $0 % 3 == 0 })

    static func all(_ loaded: VitaleOrderMachine.State) -> [(String, VitaleOrderMachine.State)] {
        typealias M = VitaleOrderMachine
        var s = loaded
        s.person = 2
        s.useCase = .ayantDroit
        let slot = UploadSlotResponse(id: UUID(), url: "http://127.0.0.1:8080/upload/" + String(repeating: "A", count: 43),
                                      expiresAt: Date(timeIntervalSince1970: 1_795_435_800))
        let photo = M.Captured(upload: UUID(), source: .phone, format: .jpeg, preview: raster)
        let pdf = M.Captured(upload: UUID(), source: .phone, format: .pdf, preview: nil)
        func with(_ step: M.Step, _ capture: M.Capture = .instructions) -> M.State {
            var x = s
            x.step = step
            x.capture = capture
            return x
        }
        var done = with(.summary)
        done.photo = photo
        done.identity = M.Captured(upload: UUID(), source: .scanner, format: .jpeg, preview: raster)
        done.sworn = true
        var transmitted = done
        transmitted.step = .transmitted(queued: false)
        var queued = done
        queued.step = .transmitted(queued: true)
        queued.printed = .printerUnavailable(message: "")
        var npai = loaded
        npai.foyer?.npai = true
        npai.step = .choosePerson
        var kept = with(.document(.photo))
        kept.photo = photo
        var out: [(String, M.State)] = [
            ("loading", with(.loading)), ("persons", with(.choosePerson)), ("persons npai", npai), ("use case", with(.useCase)),
            ("address", with(.address)), ("photo ways", with(.document(.photo))), ("photo kept", kept),
            ("identity ways", with(.document(.identityDocument))),
            ("scanning", with(.document(.photo), .scanning)), ("storing", with(.document(.photo), .storing)),
            ("scanned", with(.document(.identityDocument), .scanned(jpeg: Data(), preview: raster))),
            ("phone", with(.document(.photo), .phone(slot: slot, qr: qr))),
            ("phone no qr", with(.document(.identityDocument), .phone(slot: slot, qr: nil))),
            ("phone expired", with(.document(.photo), .phoneExpired)), ("received", with(.document(.photo), .received(photo))),
            ("received pdf", with(.document(.identityDocument), .received(pdf))), ("capture failed", with(.document(.photo), .failed)),
            ("scanner failed", with(.document(.identityDocument), .scannerFailed)),
            ("sworn", with(.sworn)), ("summary", done), ("submitting", with(.submitting)), ("transmitted", transmitted),
            ("queued, printer away", queued), ("refused", with(.refused(reason: "document_missing.photo"))),
            ("refused other", with(.refused(reason: nil))), ("unavailable", with(.unavailable)), ("card no longer valid", with(.cardNoLongerValid)),
        ]
        for p in DocumentProblem.allCases { out.append(("problem \(p)", with(.document(.photo), .problem(p)))) }
        return out
    }

    static func tracking(_ loaded: VitaleTrackingMachine.State) -> [(String, VitaleTrackingMachine.State)] {
        let placed = Date(timeIntervalSince1970: 1_795_435_200)
        let day = CivilDay.inParis(placed)
        let orders = VitaleOrderStage.allCases.enumerated().map { i, stage in
            VitaleOrderView(id: UUID(), personIndex: i % 4, useCase: VitaleOrderUseCase.allCases[i], placedAt: placed, stage: stage,
                            stageChangedAt: placed, expectedBy: stage == .rejected ? nil : day.adding(days: 14), followUpFrom: day.adding(days: 2))
        }
        var list = loaded
        list.step = .list
        list.orders = VitaleOrdersResponse(serial: "1", today: day, orders: orders)
        var noFoyer = list
        noFoyer.foyer = nil
        var none = list
        none.orders = VitaleOrdersResponse(serial: "1", today: day, orders: [])
        return [("loading", VitaleTrackingMachine.State()), ("list", list), ("list without names", noFoyer), ("none", none),
                ("unavailable", VitaleTrackingMachine.State(step: .unavailable))]
    }
}

@Suite @MainActor struct VitaleOrderMachineTests {
    typealias M = VitaleOrderMachine

    func open(_ k: FlowKiosk, person: String = "order.person.1") async throws {
        try await k.signIn()
        await k.tap("service.commandeCarteVitale")
        #expect(k.screenID == "flow.commandeCarteVitale")
        await k.tap(person)
        await k.tap("order.next")
        await k.tap("order.next")
    }

    /// Card pulled while the QR code is on screen: nothing sent, the address closed in the central store.
    @Test func theCardPulledClosesTheAddressAndSendsNothing() async throws {
        let k = try await FlowKiosk()
        try await open(k)
        await k.tap("order.phone")
        let slot = try #require(k.services.openedUploads.last)
        #expect(k.text.contains("Scannez ce code"))
        k.c.handle(card: .removed)
        await k.c.settle()
        #expect(k.services.closedUploads == [slot.id])
        #expect(try await k.services.central.uploadState(id: slot.id, kiosk: "kiosk-scenario").state == .closed)
        #expect(k.services.submitted.isEmpty)
        #expect(k.c.flow == nil)
    }

    /// The phone's address is looked at every 2 seconds, one look at a time; after its 10 minutes, a new code.
    @Test func thePhoneIsPolledThenANewCodeAfterTenMinutes() throws {
        var context = FlowContext(catalog: Catalog(language: "fr", strings: [:]), identity: nil)
        var s = M.State()
        s.step = .document(.photo)
        let slot = UploadSlotResponse(id: UUID(), url: "u", expiresAt: context.now.addingTimeInterval(600))
        s.capture = .phone(slot: slot, qr: nil)
        s.opened = [slot.id]
        s.lastPoll = context.now
        #expect(M.tick(s, context) == nil)
        context.now = context.now.addingTimeInterval(2)
        let look = try #require(M.tick(s, context))
        #expect(look.effects == [.poll(slot.id, .photo)] && look.state.polling)
        // Looking: no second look at once.
        context.now = context.now.addingTimeInterval(5)
        #expect(M.tick(look.state, context) == nil)
        let answered = M.reduce(look.state, .polled(slot.id, .waiting), context)
        #expect(!answered.state.polling && answered.state.capture == s.capture)
        context.now = context.now.addingTimeInterval(600)
        let expired = try #require(M.tick(answered.state, context))
        #expect(expired.state.capture == .phoneExpired && expired.effects == [.close([slot.id])] && expired.state.opened.isEmpty)
        #expect(M.reduce(expired.state, .newCode, context).effects == [.openPhone(.photo, session: s.session)])
    }

    /// What is left open when the assuré leaves: every address, unless the order that holds them was sent.
    @Test func leavingClosesWhatNoOrderHolds() {
        var s = M.State()
        s.opened = [UUID(), UUID()]
        #expect(M.ended(s) == [.close(s.opened)])
        s.command = KioskCommand(serial: "1", personIndex: 0, action: .vitaleOrder(order: nil), confirmedAt: Date())
        #expect(M.ended(s).isEmpty)
        #expect(M.ended(M.State()).isEmpty)
    }

    /// « Valider » sends one command (the same on a retry); refused, its documents are no order's and close with the visit.
    @Test func validatingSendsOneCommandAndARefusalReleasesTheDocuments() throws {
        var context = FlowContext(catalog: Catalog(language: "fr", strings: [:]),
                                  identity: try CardFile.load(assets.appendingPathComponent("demo/cards/dupont-jean.json").path).identity)
        context.canScan = true
        var s = M.State()
        s.step = .summary
        s.person = 1
        s.useCase = .ayantDroit
        s.photo = M.Captured(upload: UUID(), source: .scanner, format: .jpeg, preview: nil)
        s.identity = M.Captured(upload: UUID(), source: .phone, format: .jpeg, preview: nil)
        s.opened = [s.photo!.upload, s.identity!.upload]
        // Not sworn: nothing.
        #expect(M.reduce(s, .send, context).effects.isEmpty)
        s.sworn = true
        let sent = M.reduce(s, .send, context)
        guard case .submit(let c)? = sent.effects.first, case .vitaleOrder(let r?) = c.action else { Issue.record("\(sent.effects)"); return }
        #expect(r == VitaleOrderRequest(useCase: .ayantDroit, photo: s.photo!.upload, identityDocument: s.identity!.upload, swornStatement: true))
        #expect(c.id == s.orderID && c.personIndex == 1)
        let away = M.reduce(sent.state, .submitted(c, nil), context)
        #expect(away.state.step == .unavailable)
        #expect(M.reduce(away.state, .retry, context).effects == [.submit(c)])
        let refused = M.reduce(sent.state, .submitted(c, .acknowledged(CommandReceipt(id: c.id, status: .refused, reason: "document_missing.photo"))),
                               context)
        #expect(refused.state.step == .refused(reason: "document_missing.photo"))
        #expect(M.ended(refused.state) == [.close(s.opened)])
        let applied = M.reduce(sent.state, .submitted(c, .acknowledged(CommandReceipt(id: c.id, status: .applied))), context)
        #expect(applied.state.step == .transmitted(queued: false) && applied.move == .session(.confirmed))
        #expect(M.ended(applied.state).isEmpty)
    }

    /// No scanner: its way is neither shown nor taken.
    @Test func noScannerNoScannerWay() throws {
        let context = FlowContext(catalog: Catalog(language: "fr", strings: [:]))
        var s = M.State()
        s.step = .document(.photo)
        #expect(M.reduce(s, .useScanner, context).effects.isEmpty)
        let taps = TapTable<M.Event>()
        _ = M.screen(s, context, taps)
        #expect(taps.event(for: "order.scanner") == nil && taps.event(for: "order.phone") == .usePhone)
    }

    @Test func widgetIdsComeFromTheEventsAndStepsAreDeclared() throws {
        #expect(M.Event.choose(person: 2).widgetID == "order.person.2")
        #expect(M.Event.useCase(.ayantDroit).widgetID == "order.useCase.ayantDroit")
        #expect(M.Event.polled(UUID(), nil).widgetID == nil && M.Event.received(UUID(), nil).widgetID == nil)
        let catalogs = try AssetLocator.catalogs(assets)
        #expect(M.steps.count == 7 && VitaleTrackingMachine.steps.count == 1)
        for key in M.steps + VitaleTrackingMachine.steps { for (lang, c) in catalogs { #expect(c.has(key), "\(lang): \(key)") } }
        var s = M.State()
        s.step = .document(.identityDocument)
        #expect(M.step(s) == 4)
        s.step = .transmitted(queued: true)
        #expect(M.step(s) == 6)
    }
}
