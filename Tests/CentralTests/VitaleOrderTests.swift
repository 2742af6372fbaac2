import CentralAPI
import Central
import CentralTesting
import Domain
import Foundation
import Testing

/// The carte Vitale order in the central store (issue 13, seed 000), on
/// each engine: placed through `CommandRules.apply` with its documents,
/// refused with the rules' reasons, applied once, tracked, moved along by
/// the production centre; its documents kept with it, then deleted.
@Suite("Carte Vitale orders in the central store")
struct VitaleOrderCentralTests {
    func receipt(_ service: CentralService, _ c: KioskCommand, kiosk: String = "k1") async throws -> CommandReceipt {
        guard case .receipt(let r) = try await service.apply(c, kiosk: kiosk) else { throw HarnessError("dependency pending") }
        return r
    }

    /// Léa (14, her own NIR, no card yet) through the holder's card.
    func leaOrder(_ request: VitaleOrderRequest, at now: Date) -> KioskCommand {
        KioskCommand(serial: holderSerial, personIndex: 2, action: .vitaleOrder(order: request), confirmedAt: now)
    }

    func sql(_ service: CentralService) -> SQLCentralStore { service.store as! SQLCentralStore }

    @Test(arguments: Engine.selected)
    func placedTrackedMovedAlongThenItsDocumentsGo(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let service = try await makeService(engine, clock: clock)
        let request = try await orderRequest(service, useCase: .ayantDroit)
        let command = leaOrder(request, at: clock.now)
        let r = try await receipt(service, command)
        #expect(r.status == .applied, "\(r.reason ?? "")")
        #expect(r.person?.vitale == .ordered(at: clock.now))
        #expect(r.person?.vitaleOrderOptions?.map(\.exclusion) == [.orderInProgress])
        // Applied once: the same command again is the first receipt, no second order.
        #expect(try await receipt(service, command).duplicate)
        #expect(try await sql(service).allVitaleOrders(limit: 10).count == 1)

        // Tracking: transmise, expected about two weeks later (seed 000).
        var orders = try await service.vitaleOrders(serial: holderSerial, kiosk: "k1")
        #expect(orders.orders == [VitaleOrderView(id: command.id, personIndex: 2, useCase: .ayantDroit, placedAt: clock.now, stage: .transmitted,
                                                  stageChangedAt: clock.now, expectedBy: demoDay.adding(days: 14),
                                                  followUpFrom: demoDay.adding(days: 2))])

        // Its documents stay with it: not purged after 30 days, not dropped when the session closes them.
        clock.advance(days: 31)
        _ = try await service.createUpload(UploadSlotRequest(session: UUID(), kind: .photo), kiosk: "k1", base: "http://x")
        try await service.closeUpload(id: request.photo, kiosk: "k1")
        #expect(try await sql(service).sealedUpload(id: request.photo) != nil)
        #expect(try await sql(service).sealedUpload(id: request.identityDocument) != nil)

        // The production centre: en fabrication, then envoyée (the card left today).
        #expect(try await service.advanceVitaleOrder(id: command.id, to: nil).stage == .inProduction)
        await #expect(throws: OrderAdvanceError.stage(.notNext(from: .inProduction, to: .inProduction))) {
            try await service.advanceVitaleOrder(id: command.id, to: .inProduction)
        }
        #expect(try await sql(service).sealedUpload(id: request.photo) != nil)
        let sent = try await service.advanceVitaleOrder(id: command.id, to: .sent)
        #expect(sent.stage == .sent && sent.sentAt == clock.now)
        orders = try await service.vitaleOrders(serial: holderSerial, kiosk: "k1")
        #expect(orders.orders.first?.stage == .sent && orders.orders.first?.expectedBy == clock.today.adding(days: 3))
        // Handled: the documents are gone, rows and all.
        #expect(try await sql(service).upload(id: request.photo) == nil)
        #expect(try await sql(service).upload(id: request.identityDocument) == nil)
        await #expect(throws: OrderAdvanceError.stage(.alreadyHandled(.sent))) { try await service.advanceVitaleOrder(id: command.id, to: nil) }
        await #expect(throws: OrderAdvanceError.unknownOrder) { try await service.advanceVitaleOrder(id: UUID(), to: nil) }
        // The audit names no file and no person.
        let audit = try await service.store.auditLog(limit: 50)
        #expect(audit.contains { $0.action == "vitale.order" && $0.outcome == "applied" })
        #expect(audit.contains { $0.action == "vitale.order.advance" && $0.outcome == "sent" })
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func aRejectedOrderGivesTheCardStateBackAndMayBePlacedAgain(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let service = try await makeService(engine, clock: clock)
        let first = leaOrder(try await orderRequest(service, useCase: .ayantDroit), at: clock.now)
        #expect(try await receipt(service, first).status == .applied)
        // A second order while one is on its way: refused.
        let second = leaOrder(try await orderRequest(service, useCase: .ayantDroit), at: clock.now)
        #expect(try await receipt(service, second).reason == "not_allowed.order_in_progress")
        // Seed 000: « Si les documents ne respectent pas les critères demandés, la demande … sera rejetée. »
        #expect(try await service.advanceVitaleOrder(id: first.id, to: .rejected).stage == .rejected)
        let file = try #require(try await service.store.loadFoyer(serial: holderSerial))
        #expect(file.persons[2].vitale == VitaleCardState.none)
        #expect(try await service.vitaleOrders(serial: holderSerial, kiosk: "k1").orders.first?.expectedBy == nil)
        clock.advance(seconds: 60)
        let again = leaOrder(try await orderRequest(service, useCase: .ayantDroit), at: clock.now)
        #expect(try await receipt(service, again).status == .applied)
        #expect(try await service.vitaleOrders(serial: holderSerial, kiosk: "k1").orders.map(\.stage) == [.transmitted, .rejected])
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func refusalsSayTheRulesReasons(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let service = try await makeService(engine, clock: clock)
        func reason(_ c: KioskCommand, kiosk: String = "k1") async throws -> String? {
            let r = try await receipt(service, c, kiosk: kiosk)
            return r.status == .refused ? r.reason : "applied"
        }
        let good = try await orderRequest(service, useCase: .ayantDroit)
        // The sworn statement.
        var r = good
        r.swornStatement = false
        #expect(try await reason(leaOrder(r, at: clock.now)) == "sworn_statement_missing")
        // Another kiosk's documents are not this kiosk's to send.
        #expect(try await reason(leaOrder(good, at: clock.now), kiosk: "k2") == "document_missing.photo")
        // An address opened but nothing put there.
        let empty = try await service.createUpload(UploadSlotRequest(session: UUID(), kind: .identityDocument), kiosk: "k1", base: "http://x")
        r = good
        r.identityDocument = empty.id
        #expect(try await reason(leaOrder(r, at: clock.now)) == "document_missing.identity_document")
        // The photo and the pièce swapped: each of the wrong kind.
        r = good
        (r.photo, r.identityDocument) = (good.identityDocument, good.photo)
        #expect(try await reason(leaOrder(r, at: clock.now)) == "document_missing.photo")
        // A use case that does not fit: Léa has no card to replace.
        r = good
        r.useCase = .lossOrTheft
        #expect(try await reason(leaOrder(r, at: clock.now)) == "use_case_not_applicable")
        // Too young (Hugo, 8); a card in use (the holder's) must be declared first.
        #expect(try await reason(KioskCommand(serial: holderSerial, personIndex: 3, action: .vitaleOrder(order: good), confirmedAt: clock.now))
                == "not_allowed.too_young")
        #expect(try await reason(KioskCommand(serial: holderSerial, personIndex: 0, action: .vitaleOrder(order: good), confirmedAt: clock.now))
                == "not_allowed.declaration_required")
        // NPAI: no card can be sent.
        _ = try await service.store.updateFoyer(serial: holderSerial) { $0.situation.npai = true }
        #expect(try await reason(leaOrder(good, at: clock.now)) == "not_allowed.npai")
        _ = try await service.store.updateFoyer(serial: holderSerial) { $0.situation.npai = false }
        // Once placed, its documents are held: another order cannot name them.
        #expect(try await reason(leaOrder(good, at: clock.now)) == "applied")
        let claire = KioskCommand(serial: holderSerial, personIndex: 1, action: .vitaleOrder(order: good), confirmedAt: clock.now)
        #expect(try await reason(claire) == "document_missing.photo")
        // An order of a kiosk from before the documents.
        let old = KioskCommand(serial: holderSerial, personIndex: 1, action: .vitaleOrder(order: nil), confirmedAt: clock.now)
        #expect(try await reason(old) == "document_missing.photo")
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func theOneDayPauseAfterTheFourDaysIsRefused(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let service = try await makeService(engine, clock: clock)
        let declaration = KioskCommand(serial: holderSerial, personIndex: 0,
                                       action: .vitaleDeclaration(reason: .dysfonctionnement, commitsToReturnFoundCard: false), confirmedAt: clock.now)
        #expect(try await receipt(service, declaration).status == .applied)
        clock.advance(days: 4)
        // The holder's card is no longer active: the order is chained to its declaration.
        let order = KioskCommand(serial: holderSerial, personIndex: 0, action: .vitaleOrder(order: try await orderRequest(service, useCase: .malfunction)),
                                 confirmedAt: clock.now, after: declaration.id)
        #expect(try await receipt(service, order).reason == "not_allowed.order_paused")
        clock.advance(days: 1)
        let later = KioskCommand(serial: holderSerial, personIndex: 0, action: .vitaleOrder(order: try await orderRequest(service, useCase: .malfunction)),
                                 confirmedAt: clock.now, after: declaration.id)
        #expect(try await receipt(service, later).status == .applied)
        // Tracked with the card declared faulty (the one still in hand).
        #expect(try await service.vitaleOrders(serial: holderSerial, kiosk: "k1").orders.map(\.useCase) == [.malfunction])
        try await service.store.close()
    }

    @Test(arguments: Engine.selected)
    func theScannersDocumentGoesThroughTheSameChecks(engine: Engine) async throws {
        let clock = TestClock(day: demoDay)
        let service = try await makeService(engine, clock: clock)
        let slot = try await service.createUpload(UploadSlotRequest(session: UUID(), kind: .photo), kiosk: "k1", base: "http://x")
        func failure(_ file: [UInt8], kiosk: String = "k1") async -> APIFailure? {
            await #expect(throws: APIFailure.self) { try await service.putUpload(id: slot.id, kiosk: kiosk, file: file) }
        }
        #expect(await failure(scannedJPEG(size: 40_000))?.body.code == "document_refused.fileTooSmall")
        #expect(await failure(scannedJPEG(size: 2 * 1024 * 1024 + 1))?.status == 413)
        #expect(await failure(Array("not an image".utf8) + [UInt8](repeating: 0, count: 60_000))?.status == 415)
        #expect(await failure(scannedJPEG(), kiosk: "k2")?.status == 404)
        let put = try await service.putUpload(id: slot.id, kiosk: "k1", file: scannedJPEG())
        #expect(put.state == .taken && put.mediaType == "image/jpeg")
        // One file per address: the phone cannot use it after, nor the scanner again.
        #expect(await failure(scannedJPEG())?.status == 409)
        #expect(try await service.uploadState(id: slot.id, kiosk: "k1").state == .taken)
        // The kiosk reads it back (the preview after a retake), the store keeps its sealed copy.
        #expect(Array(try await service.takeUpload(id: slot.id, kiosk: "k1").bytes) == scannedJPEG())
        #expect(try await sql(service).sealedUpload(id: slot.id) != nil)
        // Ten minutes on, the address takes nothing.
        let late = try await service.createUpload(UploadSlotRequest(session: UUID(), kind: .photo), kiosk: "k1", base: "http://x")
        clock.advance(seconds: 601)
        await #expect(throws: APIFailure.self) { try await service.putUpload(id: late.id, kiosk: "k1", file: scannedJPEG()) }
        // Unreferenced, it goes after 30 days as any other.
        clock.advance(days: 30)
        _ = try await service.createUpload(UploadSlotRequest(session: UUID(), kind: .photo), kiosk: "k1", base: "http://x")
        #expect(try await sql(service).upload(id: slot.id) == nil)
        try await service.store.close()
    }
}

/// `bms-central order list | advance`: what the production centre does, from the command line.
@Suite("bms-central order: list and advance")
struct OrderCommandTests {
    @Test(arguments: Engine.selected)
    func theProductionCentreMovesAnOrderAlong(engine: Engine) async throws {
        let location = try await OperatorCommandTests.location(engine)
        let store = try SQLCentralStore.open(location: location)
        try await store.migrate()
        let service = try await makeService(engine, store: store, clock: TestClock(Date()))
        let request = try await orderRequest(service, useCase: .ayantDroit)
        let order = KioskCommand(serial: holderSerial, personIndex: 2, action: .vitaleOrder(order: request), confirmedAt: Date())
        guard case .receipt(let r) = try await service.apply(order, kiosk: "k1"), r.status == .applied else {
            Issue.record("not applied"); return
        }
        try await store.close()
        let id = order.id.uuidString.lowercased()
        let list = try OperatorCommandTests.run(["order", "list", "--store", location])
        #expect(list.status == 0 && list.output.contains("\(id)\ttransmitted") && list.output.contains("ayantDroit"), "\(list.output)")
        // No personal data: no name, no NIR.
        #expect(!list.output.contains("DUPONT") && !list.output.contains("1800575056123"))
        #expect(try OperatorCommandTests.run(["order", "advance", id, "--store", location]).output.contains("is now inProduction"))
        let sent = try OperatorCommandTests.run(["order", "advance", id, "--store", location])
        #expect(sent.status == 0 && sent.output.contains("is now sent (its documents are deleted)"), "\(sent.output)")
        let again = try OperatorCommandTests.run(["order", "advance", id, "--store", location])
        #expect(again.status == 1 && again.output.contains("already sent"), "\(again.output)")
        let unknown = try OperatorCommandTests.run(["order", "advance", UUID().uuidString, "--to", "rejected", "--store", location])
        #expect(unknown.status == 1 && unknown.output.contains("no carte Vitale order with this id"))
        #expect(try OperatorCommandTests.run(["order", "advance", id, "--to", "shipped", "--store", location]).status != 0)
    }
}
