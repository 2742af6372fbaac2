import ArgumentParser
import CardProfile
import CardReader
import Crypto
import Domain
import Foundation
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
        var samples: [Duration] = []
        var connects: [Duration] = []
        var card: VirtualCardConnection?
        let clock = ContinuousClock()
        FileHandle.standardError.write(Data("bench card: \(count) insertions on \(reader) (\(transport))…\n".utf8))
        for await event in monitor.events() {
            switch event {
            case .readerArrived(reader):
                card = try daemon.insert(spec)
            case .cardInserted(reader, _):
                // What CardService.read(reader:) does, timed in two parts.
                let t0 = clock.now
                let reading: CardReading
                let connected: Duration
                do {
                    let session = try await PCSCCardSession.connect(reader: reader, deadline: service.deadline)
                    connected = clock.now - t0
                    defer { session.close() }
                    reading = try await service.read(APDUTransport(channel: session), atr: session.atr)
                } catch {
                    throw ValidationError("insertion \(samples.count + 1): \(error)")
                }
                let elapsed = clock.now - t0
                guard reading.verdict == .authentic else { throw ValidationError("unexpected verdict \(reading.verdict.logLabel)") }
                connects.append(connected)
                samples.append(elapsed)
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
        monitor.stop()

        // The floor: the same APDUs, raw, on a connected card, + one verification.
        let floor = try await measureFloor(daemon: daemon, spec: spec, service: service, reader: reader, rounds: count)

        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        func percentile(_ xs: [Duration], _ p: Double) -> Duration {
            let s = xs.sorted()
            return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
        }
        let med = percentile(samples, 0.5), p99 = percentile(samples, 0.99)
        let floorMed = percentile(floor.samples, 0.5)
        print("card present → verdict, \(samples.count) insertions (\(transport), \(floor.apdus) APDUs per read)")
        print(String(format: "  median  %8.3f ms", ms(med)))
        print(String(format: "  p99     %8.3f ms", ms(p99)))
        print(String(format: "  of which connect (median): %.3f ms", ms(percentile(connects, 0.5))))
        print(String(format: "floor (raw APDUs + 1 ECDSA verify), median of %d: %8.3f ms", floor.samples.count, ms(floorMed)))
        print(String(format: "  of which 1 ECDSA P-256 verify: %.3f ms", ms(floor.verify)))
        print(String(format: "ratio median / floor: %.2f× (target ≤ 1.5×)", ms(med) / ms(floorMed)))
    }

    struct Floor { var samples: [Duration]; var apdus: Int; var verify: Duration }

    func measureFloor(daemon: PCSCDaemon, spec: CardSpec, service: CardService, reader: String, rounds: Int) async throws -> Floor {
        let card = try daemon.insert(spec)
        defer { card.pull() }
        // Wait for pcscd to see this card (the previous one may still be
        // leaving), then record one read's commands through the same transport.
        var found: (PCSCCardSession, [[UInt8]])?
        for _ in 0..<100 {
            if let s = try? await PCSCCardSession.connect(reader: reader) {
                let recorder = RecordingChannel(s)
                if let r = try? await service.read(APDUTransport(channel: recorder), atr: s.atr), r.verdict == .authentic {
                    found = (s, recorder.recorded)
                    break
                }
                s.close()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let (session, commands) = found else { throw ValidationError("the card did not appear for the floor measurement") }
        defer { session.close() }
        // One ECDSA verification over a payload of the same shape.
        let key = P256.Signing.PrivateKey()
        let message = BMSVIT.authenticationMessage(challenge: Array(repeating: 7, count: 32), serial: spec.serial)
        let sig = try key.signature(for: message)
        let clock = ContinuousClock()
        var samples: [Duration] = []
        var verify: [Duration] = []
        for _ in 0..<rounds {
            let t0 = clock.now
            for c in commands { _ = try await session.transmit(c) }
            let t1 = clock.now
            guard key.publicKey.isValidSignature(sig, for: message) else { throw ValidationError("verification failed") }
            let t2 = clock.now
            samples.append(t2 - t0)
            verify.append(t2 - t1)
        }
        return Floor(samples: samples, apdus: commands.count, verify: verify.sorted()[verify.count / 2])
    }
}
