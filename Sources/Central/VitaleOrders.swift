import CentralAPI
import Domain
import Foundation

/// Carte Vitale orders (issue 13, seed 000): stored when `CommandRules`
/// places one (in the command's transaction), served for tracking, moved
/// along by the production centre (`bms-central order advance`). What an
/// order may become is `VitaleOrderTracking`'s answer.

/// An order as the store keeps it: the record and where it is stored.
public struct StoredVitaleOrder: Sendable, Hashable {
    public var record: VitaleOrderRecord
    public var nir: String
    public var kioskID: String
    public var handledAt: Date?
}

/// Why an order could not move along.
public enum OrderAdvanceError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownOrder
    case stage(VitaleOrderStageError)

    public var description: String {
        switch self {
        case .unknownOrder: "no carte Vitale order with this id"
        case .stage(.alreadyHandled(let s)): "the order is already \(s.rawValue): nothing more happens to it"
        case .stage(.notNext(let from, let to)): "an order \(from.rawValue) cannot become \(to.rawValue)"
        }
    }
}

// MARK: - The store (both engines: the SQL is the same)

extension SQLCentralStore {
    static func insertVitaleOrder(_ c: any SQLConnection, _ order: VitaleOrderRecord, nir: String, kioskID: String, at: Date) throws {
        let id = order.id.uuidString.lowercased()
        try c.query("""
            INSERT INTO vitale_orders (id, assure_nir, person_index, kiosk_id, stage, placed_at, stage_changed_at, record_json)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, .text(id), .text(nir), SQLValue(order.personIndex), .text(kioskID), .text(order.stage.rawValue),
                    SQLValue(seconds: order.placedAt), SQLValue(seconds: order.stageChangedAt), .text(try json(CentralJSON.encoder(), order)))
        // Its documents are kept with it (no 30-day purge, no close by the session).
        for (upload, _) in order.documents {
            try c.query("UPDATE document_uploads SET order_id = $1 WHERE id = $2 AND order_id IS NULL", .text(id), .text(upload.uuidString))
        }
    }

    static let orderColumns = "record_json, assure_nir, kiosk_id, handled_at"

    static func storedOrder(_ r: SQLRow) throws -> StoredVitaleOrder {
        StoredVitaleOrder(record: try decode(VitaleOrderRecord.self, try r.text(0), "a carte Vitale order"), nir: try r.text(1),
                          kioskID: try r.text(2), handledAt: try r.optionalInt(3).map { Date(timeIntervalSince1970: Double($0)) })
    }

    /// The foyer's orders, newest first.
    public func vitaleOrders(nir: String) async throws -> [StoredVitaleOrder] {
        try await database.statement("SELECT \(Self.orderColumns) FROM vitale_orders WHERE assure_nir = $1 ORDER BY placed_at DESC, id",
                                     [.text(nir)], readOnly: true).map(Self.storedOrder)
    }

    /// Every order, newest first (the production centre's list).
    public func allVitaleOrders(limit: Int) async throws -> [StoredVitaleOrder] {
        try await database.statement("SELECT \(Self.orderColumns) FROM vitale_orders ORDER BY placed_at DESC, id LIMIT $1",
                                     [SQLValue(limit)], readOnly: true).map(Self.storedOrder)
    }

    public func vitaleOrder(id: UUID) async throws -> StoredVitaleOrder? {
        try await database.statement("SELECT \(Self.orderColumns) FROM vitale_orders WHERE id = $1", [.text(id.uuidString.lowercased())],
                                     readOnly: true).first.map(Self.storedOrder)
    }

    /// Moves an order along under the assuré's lock: `body` answers the new
    /// record and the person's card if it changes. A handled order's
    /// documents are deleted in the same transaction.
    public func advanceVitaleOrder(id: UUID, at: Date,
                                   _ body: @escaping @Sendable (VitaleOrderRecord) throws -> (VitaleOrderRecord, VitaleCardState?))
        async throws -> VitaleOrderRecord {
        try await database.transaction { c in
            let key = id.uuidString.lowercased()
            guard let row = try c.query("SELECT \(Self.orderColumns) FROM vitale_orders WHERE id = $1 {FOR_UPDATE}", .text(key)).first else {
                throw OrderAdvanceError.unknownOrder
            }
            let stored = try Self.storedOrder(row)
            let (next, card) = try body(stored.record)
            try c.query("""
                UPDATE vitale_orders SET stage = $2, stage_changed_at = $3, record_json = $4, handled_at = $5 WHERE id = $1
                """, .text(key), .text(next.stage.rawValue), SQLValue(seconds: next.stageChangedAt),
                        .text(try Self.json(CentralJSON.encoder(), next)), next.stage.isHandled ? SQLValue(seconds: at) : .null)
            if let card, let serial = try c.query("SELECT serial FROM cards WHERE assure_nir = $1 ORDER BY serial LIMIT 1",
                                                  .text(stored.nir)).first?.text(0),
               var file = try Self.readFoyer(c, serial: serial, lock: true), file.persons.indices.contains(next.personIndex) {
                let before = file
                file.persons[next.personIndex].vitale = card
                try Self.writeFoyer(c, file, before: before, at: at)
            }
            // Handled: the documents have served (issue 13: « purged after the order is handled »).
            if next.stage.isHandled { try c.query("DELETE FROM document_uploads WHERE order_id = $1", .text(key)) }
            return next
        }
    }
}

// MARK: - The service

extension CentralService {
    var orderTracking: VitaleOrderTracking { VitaleOrderTracking(parameters.carteVitale) }

    /// The documents a carte Vitale order names, as the store holds them
    /// for this kiosk: those with a file that no other order holds. The
    /// rules (`VitaleRules.order`) decide whether they will do.
    func orderDocuments(_ command: KioskCommand, kiosk: String) async throws -> [UUID: DocumentKind] {
        guard case .vitaleOrder(let request?) = command.action, let sql = try? uploadStore() else { return [:] }
        var found: [UUID: DocumentKind] = [:]
        for (id, _) in request.documents {
            guard let slot = try await sql.upload(id: id), slot.kioskID == kiosk, slot.hasDocument,
                  slot.orderID == nil || slot.orderID == command.id else { continue }
            found[id] = slot.kind
        }
        return found
    }

    /// « Suivre ma commande de carte Vitale »: the foyer's orders. Read
    /// with any card of the foyer the store knows (the card declared lost
    /// before the order may be the one in hand until the new one comes).
    public func vitaleOrders(serial: String, kiosk: String) async throws -> VitaleOrdersResponse {
        guard let file = try await store.loadFoyer(serial: serial), file.card(serial) != nil else { throw APIFailure.unknownCard() }
        let tracking = orderTracking
        let orders = try await uploadStore().vitaleOrders(nir: file.nir).map { VitaleOrderView($0.record, tracking: tracking) }
        await audit(kiosk, "vitale.orders.read", nir: file.nir, "ok")
        return VitaleOrdersResponse(serial: serial, today: clock.today, orders: orders)
    }

    /// The production centre moves an order along (`bms-central order
    /// advance`): to `stage`, or to the next one. A rejected order gives the
    /// person back their card state; a handled one loses its documents.
    public func advanceVitaleOrder(id: UUID, to stage: VitaleOrderStage?) async throws -> VitaleOrderRecord {
        let tracking = orderTracking
        let now = clock.now
        do {
            let order = try await uploadStore().advanceVitaleOrder(id: id, at: now) { record in
                do throws(VitaleOrderStageError) {
                    return try tracking.advance(record, to: stage, now: now)
                } catch { throw OrderAdvanceError.stage(error) }
            }
            await audit(nil, "vitale.order.advance", nir: nil, order.stage.rawValue, command: id)
            return order
        } catch let e as OrderAdvanceError {
            await audit(nil, "vitale.order.advance", nir: nil, "refused", command: id)
            throw e
        }
    }
}
