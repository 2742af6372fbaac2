import ArgumentParser
import Domain
import Foundation
import KioskConfig
import Printing

/// `bms-kiosk print-test`: the technician's check of a new printer. Prints
/// the demo foyer's attestation (fictional people) to the queue and reports
/// the printer's health and the job's final state; exit 0 only when cupsd
/// says the job completed. `--pdf FILE` only writes the PDF.
struct PrintTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-test",
        abstract: "Print a demo attestation to the kiosk's CUPS queue and report the job's final state.")

    @Option(help: "CUPS queue (default: printer.queue from --config).")
    var queue: String?

    @Option(help: "A configuration folder (kiosk.yaml): its printer.queue and timeouts.printSeconds.")
    var config: String?

    @Option(help: "CUPS server: socket path or host[:port] (default: libcups' own, CUPS_SERVER).")
    var server: String?

    @Option(help: "Only write the demo document as PDF to this file; print nothing.")
    var pdf: String?

    @Option(help: "Which demo document: attestation, ceam, receipt.")
    var document: String = "attestation"

    @Option(help: "Seconds to wait for the job to finish (default: timeouts.printSeconds, else 60).")
    var timeout: Int?

    @Flag(help: "Send the job even when the printer is stopped (it waits in the queue); the kiosk itself never does.")
    var evenIfStopped = false

    func run() async throws {
        let today = SystemClock().today
        let doc: any PrintableDocument
        switch document {
        case "attestation": doc = DemoDocuments.attestation(issuedOn: today)
        case "ceam": doc = DemoDocuments.ceamCertificate(issuedOn: today)
        case "receipt": doc = DemoDocuments.receipt(issuedOn: today, queuedOffline: true)
        default: throw ValidationError("--document: attestation, ceam or receipt")
        }
        if let pdf {
            do { try PDFRenderer().render(doc.layout, to: pdf) } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
            print("wrote \(pdf)")
            return
        }

        var queueName = queue
        var seconds = timeout
        if let config {
            do {
                let loaded = try KioskConfiguration.load(from: URL(fileURLWithPath: config))
                queueName = queueName ?? loaded.printer.queue
                seconds = seconds ?? loaded.timeouts.printSeconds
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        guard let queueName else { throw ValidationError("give --queue NAME or --config DIR with printer.queue") }
        let printer = CUPSPrinter(queue: queueName, server: server)
        do {
            let health = try await printer.health()
            switch health {
            case .ready(let reasons): print("printer \(queueName): ready\(reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))")")
            case .stopped(let reasons): print("printer \(queueName): STOPPED (\(reasons.joined(separator: ", ")))")
            case .notAcceptingJobs(let reasons): print("printer \(queueName): NOT ACCEPTING JOBS (\(reasons.joined(separator: ", ")))")
            }
            let requestID = "print-test-\(Int(Date().timeIntervalSince1970))"
            let documents = DocumentPrinter(queue: printer, ledger: InMemoryPrintJobLedger())
            let outcome = try await documents.print(doc, requestID: requestID, onlyIfReady: !evenIfStopped)
            let jobID = outcome.job.id
            print("job \(jobID) sent (\(doc.kind))")
            func describe(_ s: PrintJobStatus) -> String {
                "job \(jobID): \(s.state)\(s.reasons.isEmpty ? "" : " (\(s.reasons.joined(separator: ", ")))")"
            }
            switch try await documents.follow(jobID: jobID, seconds: Double(seconds ?? 60)) {
            case .printed(let s):
                print(describe(s))
            case .waitingOnPrinter(let s, let health):
                print(describe(s))
                print("printer: \(health.reasons.joined(separator: ", ")); the job waits in the queue (cancel it with: cancel \(queueName)-\(jobID))")
                throw ExitCode(1)
            case .failed(let s), .stillPrinting(let s):
                print(describe(s))
                throw ExitCode(1)
            }
        } catch let error as DocumentPrinter.Failure {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as PrintError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
