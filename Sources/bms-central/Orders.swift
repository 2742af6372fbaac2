import ArgumentParser
import Central
import CentralAPI
import Domain
import Foundation

/// `bms-central order list | advance`: what the production centre does with
/// the carte Vitale orders the kiosks placed, so that the demo and the tests
/// show each stage (transmise, en fabrication, envoyée, rejetée).
struct OrderCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "order", abstract: "List carte Vitale orders and move them along.",
                                                    subcommands: [OrderList.self, OrderAdvance.self])
}

struct OrderList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list",
        abstract: "The carte Vitale orders, newest first: id, stage, placed, expected (no personal data).")
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "At most this many.") var limit: Int = 50

    func run() async throws {
        let store = try storeOptions.open()
        try await store.migrate()
        let tracking = VitaleOrderTracking(RuleParameters.standard.carteVitale)
        let iso = ISO8601DateFormatter()
        for o in try await store.allVitaleOrders(limit: limit) {
            let expected = o.record.stage == .rejected ? "-" : tracking.expectedBy(o.record).iso
            print("\(o.record.id.uuidString.lowercased())\t\(o.record.stage.rawValue)\tplaced \(iso.string(from: o.record.placedAt))"
                  + "\texpected \(expected)\t\(o.record.useCase.rawValue)\tkiosk \(o.kioskID)")
        }
        try await store.close()
    }
}

struct OrderAdvance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "advance",
        abstract: "Move an order to its next stage (transmitted → inProduction → sent), or to --to STAGE (rejected: the documents do not meet the criteria).")
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The order's id (the id of the command that placed it).") var id: String
    @Option(help: "inProduction, sent or rejected (default: the next stage).") var to: String?

    func run() async throws {
        guard let uuid = UUID(uuidString: id) else { throw ValidationError("ORDER-ID: a UUID, as `bms-central order list` shows it") }
        let stage = try to.map { t -> VitaleOrderStage in
            guard let s = VitaleOrderStage(rawValue: t) else {
                throw ValidationError("--to: one of \(VitaleOrderStage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return s
        }
        let store = try storeOptions.open()
        try await store.migrate()
        let service = CentralService(store: store, sms: NoSMSGateway())
        do {
            let order = try await service.advanceVitaleOrder(id: uuid, to: stage)
            print("order \(order.id.uuidString.lowercased()) is now \(order.stage.rawValue)"
                  + (order.stage.isHandled ? " (its documents are deleted)" : ""))
            try await store.close()
        } catch let e as OrderAdvanceError {
            try await store.close()
            FileHandle.standardError.write(Data("order \(id): \(e)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Moving an order along sends no SMS.
struct NoSMSGateway: SMSGateway {
    func send(to: MobileNumber, text: String, messageID: String) async throws(SMSError) {
        throw .unreachable("no SMS gateway in `bms-central order`")
    }
}
