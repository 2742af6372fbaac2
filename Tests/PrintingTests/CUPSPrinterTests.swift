import Domain
import Foundation
import Printing
import PrintingTesting
import Testing

private let today = CivilDate(year: 2026, month: 11, day: 23)!

/// Each test starts its own cupsd in its own directory (its own socket), so
/// the tests run in parallel with each other and with the machine's CUPS.
@Suite struct CUPSPrinterTests {
    func withCUPS(_ body: (CUPSTestServer) async throws -> Void) async throws {
        let cups = try await CUPSTestServer.start()
        defer { cups.stop() }
        do { try await body(cups) } catch {
            Issue.record("cupsd log: \(cups.errorLog.suffix(3000))")
            throw error
        }
    }

    @Test func aPrintedJobLandsInItsFileWithTheRightText() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            let printer = DocumentPrinter(queue: cups.printer(queue: "kiosk"), ledger: InMemoryPrintJobLedger())
            #expect(try await cups.printer(queue: "kiosk").health().isReady)
            let outcome = try await printer.print(DemoDocuments.attestation(issuedOn: today), requestID: "REQ-1")
            guard case .submitted(let job) = outcome else { Issue.record("not submitted: \(outcome)"); return }
            let done = try await cups.waitForJob(job.id, queue: "kiosk")
            #expect(done.state == .completed)
            #expect(done.name == "attestation-droits:REQ-1")
            let files = cups.printedFiles(queue: "kiosk")
            try #require(files.count == 1)
            let text = try PDFText.extract(files[0])
            #expect(text.contains("Attestation de droits à l’assurance maladie"))
            #expect(text.contains("DUPONT Léa"))
            #expect(text.contains("2 12 03 33 063 011 60"))

            // Asking again (a retry, a double tap) does not print again.
            let again = try await printer.print(DemoDocuments.attestation(issuedOn: today), requestID: "REQ-1")
            #expect(again == .alreadySubmitted(done))
            #expect(cups.printedFiles(queue: "kiosk").count == 1)
        }
    }

    @Test func paperOutStopsThePrinterKeepsTheJobAndPrintsItOnceWhenEnabled() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            try cups.setFault(.mediaEmpty, queue: "kiosk")
            let ledger = InMemoryPrintJobLedger()
            let printer = DocumentPrinter(queue: cups.printer(queue: "kiosk"), ledger: ledger)
            let job = try await printer.print(DemoDocuments.ceamCertificate(issuedOn: today), requestID: "REQ-2").job

            // What the flow sees: the job waits on a printer out of paper.
            let progress = try await printer.follow(jobID: job.id, seconds: 20, poll: .milliseconds(50))
            guard case .waitingOnPrinter(_, let health) = progress else { Issue.record("\(progress)"); return }
            #expect(health.isOutOfPaper, "reasons: \(health.reasons)")
            #expect(health.reasons.contains("media-empty-error"))
            #expect(health.messageForAssure?.contains("n'a plus de papier") == true)
            let waiting = try await cups.printer(queue: "kiosk").status(jobID: job.id)
            #expect(waiting.state == .pending, "job waits for the printer: \(waiting)")
            #expect(cups.printedFiles(queue: "kiosk").isEmpty)

            // The kiosk retries after the fault: the ledger stops a second job.
            let retry = try await printer.print(DemoDocuments.ceamCertificate(issuedOn: today), requestID: "REQ-2")
            guard case .alreadySubmitted(let same) = retry else { Issue.record("sent twice: \(retry)"); return }
            #expect(same.id == job.id)

            // Paper loaded, queue enabled: the job prints, once.
            try cups.setFault(nil, queue: "kiosk")
            try cups.enable(queue: "kiosk")
            let done = try await cups.waitForJob(job.id, queue: "kiosk")
            #expect(done.state == .completed)
            #expect(cups.printedFiles(queue: "kiosk").count == 1)
            #expect(try await cups.printer(queue: "kiosk").health().isReady)
            #expect(try PDFText.extract(cups.printedFiles(queue: "kiosk")[0]).contains("6. Numéro personnel d’identification"))
        }
    }

    @Test func afterACrashTheExistingJobIsFoundNotPrintedAgain() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            let queue = cups.printer(queue: "kiosk")
            let document = DemoDocuments.receipt(issuedOn: today, queuedOffline: true)
            let id = DocumentPrinter.documentID(requestID: "REQ-3", kind: document.kind)
            // The kiosk wrote "submitting", sent the job, and died before
            // writing the job id.
            let ledger = InMemoryPrintJobLedger()
            await ledger.record(PrintLedgerEntry(documentID: id, step: .submitting))
            let sent = try await queue.submit(pdf: try PDFRenderer().render(document.layout), jobName: id)
            _ = try await cups.waitForJob(sent, queue: "kiosk")

            let outcome = try await DocumentPrinter(queue: queue, ledger: ledger).print(document, requestID: "REQ-3")
            #expect(outcome == .alreadySubmitted(try await queue.status(jobID: sent)))
            #expect(await ledger.entry(for: id) == PrintLedgerEntry(documentID: id, step: .submitted(jobID: sent)))
            #expect(cups.printedFiles(queue: "kiosk").count == 1)
        }
    }

    @Test func aCrashBeforeTheJobReachedCupsSendsItOnce() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            let document = DemoDocuments.receipt(issuedOn: today, queuedOffline: false)
            let ledger = InMemoryPrintJobLedger()
            let id = DocumentPrinter.documentID(requestID: "REQ-4", kind: document.kind)
            await ledger.record(PrintLedgerEntry(documentID: id, step: .submitting))
            let outcome = try await DocumentPrinter(queue: cups.printer(queue: "kiosk"), ledger: ledger).print(document, requestID: "REQ-4")
            guard case .submitted(let job) = outcome else { Issue.record("expected a new job: \(outcome)"); return }
            #expect(try await cups.waitForJob(job.id, queue: "kiosk").state == .completed)
            #expect(cups.printedFiles(queue: "kiosk").count == 1)
        }
    }

    @Test func aFailingDeviceAbortsTheJobAndCompletedIsNotClaimed() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk", errorPolicy: "abort-job")
            try cups.setFault(.fail, queue: "kiosk")
            let queue = cups.printer(queue: "kiosk")
            let job = try await queue.submit(pdf: try PDFRenderer().render(DemoDocuments.attestation(issuedOn: today).layout), jobName: "x:1")
            let done = try await cups.waitForJob(job, queue: "kiosk")
            #expect(done.state == .aborted)
            #expect(cups.printedFiles(queue: "kiosk").isEmpty)
        }
    }

    @Test func aPendingJobCanBeCancelled() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            try cups.disable(queue: "kiosk")
            let queue = cups.printer(queue: "kiosk")
            let job = try await queue.submit(pdf: try PDFRenderer().render(DemoDocuments.attestation(issuedOn: today).layout), jobName: "x:2")
            #expect(try await queue.status(jobID: job).state == .pending)
            try await queue.cancel(jobID: job)
            #expect(try await queue.status(jobID: job).state == .cancelled)
            try cups.enable(queue: "kiosk")
            #expect(cups.printedFiles(queue: "kiosk").isEmpty)
        }
    }

    @Test func aStoppedPrinterGetsNoNewJobAndTheAssureIsTold() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            try cups.disable(queue: "kiosk")
            let ledger = InMemoryPrintJobLedger()
            let printer = DocumentPrinter(queue: cups.printer(queue: "kiosk"), ledger: ledger)
            do {
                _ = try await printer.print(DemoDocuments.attestation(issuedOn: today), requestID: "REQ-5")
                Issue.record("a job was sent to a stopped printer")
            } catch DocumentPrinter.Failure.printerNotReady(let health) {
                #expect(health.reasons.contains("paused"))
                #expect(health.messageForAssure?.contains("Votre demande est bien enregistrée") == true)
            }
            #expect(try await cups.printer(queue: "kiosk").jobs(named: "attestation-droits:REQ-5").isEmpty)
            // Printer back: the same request prints, once.
            try cups.enable(queue: "kiosk")
            let job = try await printer.print(DemoDocuments.attestation(issuedOn: today), requestID: "REQ-5").job
            #expect(try await cups.waitForJob(job.id, queue: "kiosk").state == .completed)
            #expect(cups.printedFiles(queue: "kiosk").count == 1)
        }
    }

    @Test func anUnprintedDocumentIsCancelledWhenTheAssureLeaves() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            try cups.setFault(.mediaEmpty, queue: "kiosk")
            let printer = DocumentPrinter(queue: cups.printer(queue: "kiosk"), ledger: InMemoryPrintJobLedger())
            let document = DemoDocuments.attestation(issuedOn: today)
            let job = try await printer.print(document, requestID: "REQ-7").job
            guard case .waitingOnPrinter = try await printer.follow(jobID: job.id, seconds: 20, poll: .milliseconds(50)) else {
                Issue.record("the job did not wait on the printer"); return
            }
            #expect(try await printer.cancelUnprinted(document, requestID: "REQ-7") == .cancelled)
            #expect(try await printer.cancelUnprinted(DemoDocuments.receipt(issuedOn: today, queuedOffline: true), requestID: "REQ-7") == nil)
            // Paper back: nothing comes out.
            try cups.setFault(nil, queue: "kiosk")
            try cups.enable(queue: "kiosk")
            _ = try await cups.waitForHealth(queue: "kiosk") { $0.isReady }
            #expect(cups.printedFiles(queue: "kiosk").isEmpty)
            // A printed one follows to "printed" and cancelling it is a no-op.
            let other = try await printer.print(DemoDocuments.ceamCertificate(issuedOn: today), requestID: "REQ-8").job
            guard case .printed = try await printer.follow(jobID: other.id, seconds: 20, poll: .milliseconds(50)) else {
                Issue.record("not printed"); return
            }
            #expect(try await printer.cancelUnprinted(DemoDocuments.ceamCertificate(issuedOn: today), requestID: "REQ-8") == .completed)
            #expect(cups.printedFiles(queue: "kiosk").count == 1)
        }
    }

    @Test func aRejectingQueueIsNotReady() async throws {
        try await withCUPS { cups in
            try cups.addQueue("kiosk")
            try cups.run("/usr/sbin/cupsreject", ["kiosk"])
            let health = try await cups.printer(queue: "kiosk").health()
            guard case .notAcceptingJobs = health else { Issue.record("\(health)"); return }
            #expect(health.messageForAssure?.contains("indisponible") == true)
            let pdf = try PDFRenderer().render(DemoDocuments.attestation(issuedOn: today).layout)
            await #expect(throws: PrintError.self) { try await cups.printer(queue: "kiosk").submit(pdf: pdf, jobName: "x:6") }
        }
    }

    @Test func badQueueNamesAndLongIDsAreHandled() async throws {
        await #expect(throws: PrintError.invalidQueueName("two words")) {
            try await CUPSPrinter(queue: "two words", server: "/nonexistent.sock").health()
        }
        #expect(!CUPSPrinter.isValidQueueName("a/b") && !CUPSPrinter.isValidQueueName(String(repeating: "q", count: 128)))
        let long = DocumentPrinter.documentID(requestID: String(repeating: "é", count: 300), kind: "recepisse")
        #expect(long.utf8.count <= 200 && long.hasPrefix("recepisse:éé"))
        #expect(DocumentPrinter.documentID(requestID: "R1", kind: "recepisse") != DocumentPrinter.documentID(requestID: "R2", kind: "recepisse"))
    }

    @Test func unknownQueueAndCupsDownAreToldApart() async throws {
        let cups = try await CUPSTestServer.start()
        try cups.addQueue("kiosk")
        let missing = cups.printer(queue: "nope")
        let pdf = try PDFRenderer().render(DemoDocuments.attestation(issuedOn: today).layout)
        await #expect(throws: PrintError.unknownQueue("nope")) { try await missing.health() }
        await #expect(throws: PrintError.unknownQueue("nope")) { try await missing.submit(pdf: pdf, jobName: "x:3") }
        let socket = cups.socketPath
        cups.stop()
        let down = CUPSPrinter(queue: "kiosk", server: socket)
        await #expect(throws: PrintError.cupsUnreachable(server: socket)) { try await down.health() }
        await #expect(throws: PrintError.cupsUnreachable(server: socket)) { try await down.submit(pdf: pdf, jobName: "x:4") }
    }
}
