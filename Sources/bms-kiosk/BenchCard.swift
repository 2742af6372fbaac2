import ArgumentParser
import CardProfile
import CardReader
import Crypto
import Domain
import Foundation
import KioskRuntime
import VirtualCard

/// `bms-kiosk bench card`: from the card-present event to the verdict,
/// over many insertions through a private pcscd and the virtual card,
/// beside the floor measured in the same run (the same APDUs sent raw,
/// plus one signature verification). Prints figures; target ≤ 1.5× floor.
struct BenchCard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Card present → verdict: median and p99 over N insertions, beside the raw-APDU floor (starts its own pcscd).")

    @Option(name: .long, help: "Insertions (at least 200 for the figures of record).")
    var count = 200

    @Option(name: .long, help: "\"T=1\" or \"T=0\" virtual card.")
    var transport = "T=1"

    func run() async throws {
        try await ReaderShutdown.kiosk { try await bench() }
    }

    func bench() async throws {
        let issuer = CardMaker.TestKey(), central = CardMaker.TestKey()
        var spec = try CardMaker.makeCard(serial: "25010000000001", issueDate: CivilDate(year: 2025, month: 1, day: 15)!,
                                          persons: CardMaker.demoFoyer, issuerKey: issuer)
        spec = try CardMaker.signRights(spec, issuedAt: "20260101090000", start: CivilDate(year: 2026, month: 1, day: 1)!,
                                        end: CivilDate(year: 2027, month: 12, day: 31)!, centralKey: central)
        spec.transport = transport
        let service = CardService.standard(trust: CardMaker.trustStore(issuers: [issuer], central: [central]),
                                           clock: TestClock(day: CivilDate(year: 2026, month: 3, day: 1)!))
        let daemon = try await PCSCDaemon.start()
        do { try await measure(daemon: daemon, spec: spec, service: service) } catch {
            await daemon.stop()
            throw error
        }
        await daemon.stop()
    }

    func measure(daemon: PCSCDaemon, spec: CardSpec, service: CardService) async throws {
        let monitor = ReaderMonitor(pollMs: 1000)
        defer { monitor.stop() }
        let reader = daemon.readerName
        var samples: [Duration] = [], connects: [Duration] = [], floors: [Duration] = [], verifies: [Duration] = []
        var commands: [[UInt8]]?
        var card: VirtualCardConnection?
        let clock = ContinuousClock()
        // One ECDSA verification over a payload of the card's shape, for the floor.
        let key = P256.Signing.PrivateKey()
        let message = BMSVIT.authenticationMessage(challenge: Array(repeating: 7, count: 32), serial: spec.serial)
        let signature = try key.signature(for: message)

        /// What CardService.read(reader:atr:) does (without its log line), timed.
        func timedRead(atr: [UInt8]) async throws -> (total: Duration, connect: Duration) {
            let t0 = clock.now
            let session = try await PCSCCardSession.connect(reader: reader, knownATR: atr, deadline: service.deadline)
            let connected = clock.now - t0
            defer { session.close() }
            let reading = try await service.read(APDUTransport(channel: session), atr: session.atr)
            let total = clock.now - t0
            guard reading.verdict == .authentic else { throw ValidationError("unexpected verdict \(reading.verdict.logLabel)") }
            return (total, connected)
        }
        /// The same APDUs sent raw on a connected card, plus one verification.
        func timedFloor(_ commands: [[UInt8]]) async throws -> (total: Duration, verify: Duration) {
            let session = try await PCSCCardSession.connect(reader: reader, deadline: service.deadline)
            defer { session.close() }
            let t0 = clock.now
            for c in commands { _ = try await session.transmit(c) }
            let t1 = clock.now
            guard key.publicKey.isValidSignature(signature, for: message) else { throw ValidationError("verification failed") }
            let t2 = clock.now
            return (t2 - t0, t2 - t1)
        }

        FileHandle.standardError.write(Data("bench card: \(count) insertions on \(reader) (\(transport))…\n".utf8))
        for await event in monitor.events() {
            switch event {
            case .readerArrived(reader):
                card = try daemon.insert(spec)
            case .cardInserted(reader, let atr):
                do {
                    guard let commands else {
                        // First card: record the commands one read sends (not timed).
                        let session = try await PCSCCardSession.connect(reader: reader)
                        let recorder = RecordingChannel(session)
                        _ = try await service.read(APDUTransport(channel: recorder), atr: session.atr)
                        session.close()
                        commands = recorder.recorded
                        card?.pull()
                        continue
                    }
                    // Alternate which goes first, so neither gains from a warm path.
                    if samples.count % 2 == 0 {
                        let r = try await timedRead(atr: atr); let f = try await timedFloor(commands)
                        samples.append(r.total); connects.append(r.connect); floors.append(f.total); verifies.append(f.verify)
                    } else {
                        let f = try await timedFloor(commands); let r = try await timedRead(atr: atr)
                        samples.append(r.total); connects.append(r.connect); floors.append(f.total); verifies.append(f.verify)
                    }
                } catch {
                    throw ValidationError("insertion \(samples.count + 1): \(error)")
                }
                card?.pull()
            case .cardRemoved(reader):
                if samples.count >= count { break }
                card = try daemon.insert(spec)
            case .cardMute, .serviceUnavailable:
                throw ValidationError("the virtual reader failed: \(event)")
            default: continue
            }
            if samples.count >= count, card?.isInserted == false { break }
        }

        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        func percentile(_ xs: [Duration], _ p: Double) -> Duration {
            let s = xs.sorted()
            return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
        }
        let med = percentile(samples, 0.5), p99 = percentile(samples, 0.99)
        let floorMed = percentile(floors, 0.5)
        print("card present → verdict, \(samples.count) insertions (\(transport), \(commands?.count ?? 0) APDUs per read)")
        print(String(format: "  median  %8.3f ms", ms(med)))
        print(String(format: "  p99     %8.3f ms", ms(p99)))
        print(String(format: "  of which connect (median): %.3f ms", ms(percentile(connects, 0.5))))
        print(String(format: "floor, same insertions (raw APDUs + 1 ECDSA verify): median %.3f ms, p99 %.3f ms", ms(floorMed), ms(percentile(floors, 0.99))))
        print(String(format: "  of which 1 ECDSA P-256 verify: %.3f ms", ms(percentile(verifies, 0.5))))
        print(String(format: "ratio median / floor: %.2f× (target ≤ 1.5×)", ms(med) / ms(floorMed)))
        // The same without pcscd: the drivers' own CPU cost, beside the
        // virtual card answering the same commands in process.
        if let commands {
            var inProcess: [Duration] = [], rawInProcess: [Duration] = []
            for _ in 0..<count {
                let applet = try CardApplet(spec: spec)
                let t0 = clock.now
                _ = try await service.read(APDUTransport(channel: AppletChannel(applet: applet)), atr: [])
                inProcess.append(clock.now - t0)
                let raw = try CardApplet(spec: spec)
                raw.control(0x01)
                let t1 = clock.now
                for c in commands { _ = raw.process(c) }
                rawInProcess.append(clock.now - t1)
            }
            print(String(format: "in process, no pcscd: drivers %.3f ms vs the card answering alone %.3f ms (medians)",
                         ms(percentile(inProcess, 0.5)), ms(percentile(rawInProcess, 0.5))))
        }
    }
}
