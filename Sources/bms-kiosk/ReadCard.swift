import ArgumentParser
import CardProfile
import CardReader
import Domain
import Foundation
import KioskRuntime

/// `bms-kiosk read-card`: the technician's first check. Waits for a card,
/// prints who is on it and the verdict; exit 0 only for an authentic or
/// identified card. Names and NIRs go to stdout (the technician's display),
/// never to the logs.
struct ReadCard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-card",
        abstract: "Wait for a card, print its identity and verdict (exit 0 only when authentic or identified).")

    @Option(name: .long, help: "Reader to use (default: the first one with a card).")
    var reader: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Option(name: .long, parsing: .upToNextOption, help: "Trust files (issuer and central keys, JSON).")
    var trust: [String] = []

    @Option(name: .long, help: "Seconds to wait for a card before giving up.")
    var timeout: Double = 60

    func run() async throws {
        // The monitor's and the session's threads are joined before the exit.
        try await ReaderShutdown.kiosk { try await read() }
    }

    func read() async throws {
        let store = try TrustStore.load(paths: trust)
        if trust.isEmpty {
            FileHandle.standardError.write(Data("No --trust file: no issuer is trusted, so a BMS-VIT card reads as \"émetteur inconnu\" (demo: --trust Assets/demo/demo-trust.json).\n".utf8))
        }
        let service = CardService.standard(trust: store)
        let monitor = ReaderMonitor()
        defer { monitor.stop() }
        let events = monitor.events()
        if !json { FileHandle.standardError.write(Data("Insert a card\(reader.map { " in \($0)" } ?? "")…\n".utf8)) }
        let outcome: CardOutcome? = try await withThrowingTaskGroup(of: CardOutcome?.self) { group in
            group.addTask {
                for await event in events {
                    switch event {
                    case .cardInserted(let r, let atr) where reader == nil || reader == r:
                        do { return .reading(try await service.read(reader: r, atr: atr)) } catch {
                            // Pulled too early: wait for it to come back.
                            guard let e = error as? CardReadError, e == .cardRemoved else { return .error("\(error)") }
                            FileHandle.standardError.write(Data("\(error)\n".utf8))
                        }
                    case .cardMute(let r) where reader == nil || reader == r:
                        return .reading(CardReading(identity: nil, verdict: .faulty(reason: "the card does not answer (mute)"), atr: [], driver: nil))
                    default: continue
                    }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            monitor.stop()
            return first
        }
        guard let outcome else {
            FileHandle.standardError.write(Data("No card within \(Int(timeout)) s.\n".utf8))
            throw ExitCode(2)
        }
        switch outcome {
        case .error(let message):
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            throw ExitCode(3)
        case .reading(let reading):
            print(json ? CardPrinter.json(reading) : CardPrinter.text(reading))
            if !reading.verdict.allowsSession { throw ExitCode(1) }
        }
    }

    enum CardOutcome: Sendable { case reading(CardReading), error(String) }
}

/// How a reading is shown to a technician.
enum CardPrinter {
    static func verdictText(_ v: CardVerdict) -> String {
        switch v {
        case .authentic: return "authentique"
        case .identified: return "identifiée (authenticité non vérifiable : code personnel requis)"
        case .forged(let r): return "contrefaite — \(r)"
        case .expired: return "certificat expiré"
        case .unknownIssuer: return "émetteur inconnu"
        case .invalidated: return "carte invalidée (opposée ou bloquée)"
        case .faulty(let r): return "carte défectueuse — \(r)"
        case .unknownCard: return "carte inconnue (ni BMS-VIT ni Vitale 2)"
        }
    }

    static func qualiteText(_ q: Qualite) -> String {
        switch q {
        case .assure: return "assuré"
        case .conjoint: return "conjoint"
        case .enfant: return "enfant"
        case .autreAyantDroit: return "autre ayant droit"
        }
    }

    static func text(_ r: CardReading) -> String {
        var lines = ["Verdict : \(verdictText(r.verdict))"]
        if !r.atr.isEmpty { lines.append("ATR : \(r.atr.hexString)") }
        if let id = r.identity {
            lines.append("Profil : \(id.profile.rawValue)")
            if !id.serial.isEmpty { lines.append("N° de série : \(id.serial)") }
            if let i = id.issuer { lines.append("Organisme : \(i)") }
            if let d = id.issueDate { lines.append("Émise le : \(d.french)") }
            for (i, p) in id.foyer.persons.enumerated() {
                let nir = p.ownNIR.map { " — NIR \($0.formatted)" } ?? ""
                lines.append("\(i == 0 ? "Assuré" : "Bénéficiaire") : \(p.displayName), né(e) le \(p.birthDate.french) (\(qualiteText(p.qualite)))\(nir)")
            }
            switch id.rights {
            case .absent: lines.append("Droits : jamais mis à jour (mise à jour nécessaire)")
            case .trusted(let at, let persons): lines.append("Droits : signés, mis à jour le \(at) UTC, \(persons.count) personne(s)")
            case .untrusted(let reason): lines.append("Droits : NON FIABLES (\(reason)) — mise à jour nécessaire")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ r: CardReading) -> String {
        struct PersonOut: Encodable {
            var qualite: String
            var nomFamille: String
            var nomUsage: String?
            var prenoms: String
            /// YYYYMMDD, 00 for an unknown month or day.
            var dateNaissance: String
            var rangNaissance: Int
            var ouvrantDroitNIR: String
            var nir: String?
            var droits: PersonRights?
        }
        struct IdentityOut: Encodable {
            var profile: String
            var serial: String
            var issueDate: String?
            var generation: Int?
            var issuer: String?
            var persons: [PersonOut]
            /// absent, trusted or untrusted.
            var rights: String
            var rightsIssuedAt: String?
            var rightsProblem: String?
            var needsUpdate: Bool
        }
        struct Output: Encodable {
            var verdict: String
            var reason: String?
            var allowsSession: Bool
            var atr: String
            var driver: String?
            var identity: IdentityOut?
        }
        var reason: String?
        switch r.verdict {
        case .forged(let x), .faulty(let x): reason = x
        default: reason = nil
        }
        let identity = r.identity.map { id -> IdentityOut in
            var rights = "absent", issuedAt: String?, problem: String?
            switch id.rights {
            case .absent: break
            case .trusted(let at, _): rights = "trusted"; issuedAt = at
            case .untrusted(let why): rights = "untrusted"; problem = why
            }
            return IdentityOut(
                profile: id.profile.rawValue, serial: id.serial, issueDate: id.issueDate?.iso, generation: id.generation, issuer: id.issuer,
                persons: id.foyer.persons.enumerated().map { i, p in
                    PersonOut(qualite: qualiteText(p.qualite), nomFamille: p.nomFamille, nomUsage: p.nomUsage, prenoms: p.prenoms,
                              dateNaissance: p.birthDate.compact, rangNaissance: p.rangNaissance, ouvrantDroitNIR: p.ouvrantDroitNIR.text,
                              nir: p.ownNIR?.text, droits: id.rights.rights(forPersonAt: i))
                },
                rights: rights, rightsIssuedAt: issuedAt, rightsProblem: problem, needsUpdate: id.rights.needsUpdate)
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let out = Output(verdict: r.verdict.logLabel, reason: reason, allowsSession: r.verdict.allowsSession, atr: r.atr.hexString,
                         driver: r.driver, identity: identity)
        return String(decoding: (try? e.encode(out)) ?? Data(), as: UTF8.self)
    }
}
