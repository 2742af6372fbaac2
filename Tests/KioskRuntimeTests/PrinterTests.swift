import CentralAPI
import Domain
import Foundation
import KioskApp
import KioskRuntime
import KioskStore
import Printing
import PrintingTesting
import Testing

/// The kiosk's printer over a private cupsd, with the kiosk's SQLite as the ledger.
@Suite struct CUPSKioskPrinterTests {
    static let today = CivilDate(year: 2026, month: 11, day: 23)!

    static func attestation() -> KioskDocument {
        let entries = [DemoDocuments.holder, DemoDocuments.claire, DemoDocuments.lea].enumerated().map { i, p in
            AttestationResponse.Entry(person: p, rights: PersonRights(index: i, amoStart: CivilDate(year: 2026, month: 1, day: 1)!,
                                                                      amoEnd: CivilDate(year: 2027, month: 12, day: 31)!, ald: false))
        }
        return .attestation(AttestationResponse(serial: "25010000000001", issuedOn: today, organisation: "011751234", entries: entries),
                            personIndex: 2)
    }

    static func printer(_ cups: CUPSTestServer, store: KioskStore) -> CUPSKioskPrinter {
        CUPSKioskPrinter(queue: cups.printer(queue: "kiosk"), ledger: StorePrintJobLedger(store: store),
                         caisse: DemoDocuments.caisse, followSeconds: 20)
    }

    @Test func printedOncePerJobEvenAfterARestart() async throws {
        let cups = try await CUPSTestServer.start()
        defer { cups.stop() }
        try cups.addQueue("kiosk")
        let dir = temporaryDirectory("print")
        let path = dir.appendingPathComponent("kiosk.sqlite").path
        let first = Self.printer(cups, store: try KioskStore(path: path))
        #expect(await first.print(Self.attestation(), jobID: "REQ-1") == .printed)
        #expect(await first.print(Self.attestation(), jobID: "REQ-1") == .alreadyPrinted)
        // The kiosk restarted: the ledger is in its database.
        let again = Self.printer(cups, store: try KioskStore(path: path))
        #expect(await again.print(Self.attestation(), jobID: "REQ-1") == .alreadyPrinted)
        let files = cups.printedFiles(queue: "kiosk")
        #expect(files.count == 1)
        let text = try PDFText.extract(try #require(files.first))
        #expect(text.contains("DUPONT") && text.contains("Léa"))
    }

    @Test func paperOutIsToldNothingComesOutLaterAndNothingTwice() async throws {
        let cups = try await CUPSTestServer.start()
        defer { cups.stop() }
        try cups.addQueue("kiosk")
        try cups.setFault(.mediaEmpty, queue: "kiosk")
        let printer = Self.printer(cups, store: try KioskStore(path: temporaryDirectory("paper").appendingPathComponent("k.sqlite").path))
        guard case .printerUnavailable(let message) = await printer.print(Self.attestation(), jobID: "REQ-2") else {
            Issue.record("paper out was not told"); return
        }
        #expect(message.contains("plus de papier"))
        // Paper back: the job given up for the assuré who left does not come out,
        // and asking again for the same request does not print it twice.
        try cups.setFault(nil, queue: "kiosk")
        try cups.enable(queue: "kiosk")
        _ = try await cups.waitForHealth(queue: "kiosk") { $0.isReady }
        if case .printed = await printer.print(Self.attestation(), jobID: "REQ-2") { Issue.record("a given-up job printed again") }
        #expect(cups.printedFiles(queue: "kiosk").isEmpty)
        // A new request prints.
        #expect(await printer.print(Self.attestation(), jobID: "REQ-3") == .printed)
        #expect(cups.printedFiles(queue: "kiosk").count == 1)
    }

    @Test func aStoppedPrinterIsToldAndNothingIsSent() async throws {
        let cups = try await CUPSTestServer.start()
        defer { cups.stop() }
        try cups.addQueue("kiosk")
        try cups.disable(queue: "kiosk")
        let printer = Self.printer(cups, store: try KioskStore(path: temporaryDirectory("stopped").appendingPathComponent("k.sqlite").path))
        guard case .printerUnavailable = await printer.print(Self.attestation(), jobID: "REQ-4") else { Issue.record("not told"); return }
        // Nothing was sent: once the printer is back, the same request prints (once).
        try cups.enable(queue: "kiosk")
        _ = try await cups.waitForHealth(queue: "kiosk") { $0.isReady }
        #expect(await printer.print(Self.attestation(), jobID: "REQ-4") == .printed)
        #expect(cups.printedFiles(queue: "kiosk").count == 1)
    }
}
