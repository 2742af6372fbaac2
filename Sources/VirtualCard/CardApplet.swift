import CardProfile
import Crypto
import Foundation

/// A failure the virtual card can act out, so that tests can prove the
/// reader ends every one of them in a clear outcome.
public enum Fault: Codable, Sendable, Hashable {
    /// Answers its ATR until powered on, then nothing (PC/SC MUTE).
    case mute
    /// Answers an ATR that is not valid ISO 7816-3.
    case badATR
    /// Leaves the reader when command number `n` (1-based) arrives.
    case pullAtCommand(n: Int)
    /// Never answers command number `n` nor any later one.
    case stopAnsweringAtCommand(n: Int)
    /// Answers `sw` to every command with this INS (and file, when given:
    /// the currently selected one for READ BINARY, the one named for SELECT).
    case statusWord(ins: UInt8, fileID: UInt16?, sw: UInt16)
    /// No BMS-VIT application: SELECT answers 6A 82.
    case noApplication
    /// The file is served cut in the middle of a TLV.
    case truncatedFile(fileID: UInt16)
    /// The file's first element declares a length far beyond its end.
    case oversizedLength(fileID: UInt16)
    /// Leaves the reader when UPDATE BINARY number `n` (1-based, counted
    /// over the card's life) arrives: a card pulled in the middle of a
    /// "mise à jour", with the earlier chunks written.
    case pullAtUpdate(n: Int)
    /// The file is replaced by bytes that are not TLV at all.
    case garbageFile(fileID: UInt16)
}

/// What the card does with one frame from the reader.
public enum AppletAction: Sendable, Equatable {
    case respond([UInt8])
    /// Leave the reader now (the card is pulled).
    case pull
    /// Say nothing, ever (a card that stopped answering).
    case silence
}

/// The card itself: files, keys, the profile's commands, T=0 behaviour and
/// faults. Pure logic, so it can be tested without pcscd.
public final class CardApplet: @unchecked Sendable {
    public let spec: CardSpec
    /// The card's memory, per application (AID → file id → bytes): UPDATE
    /// BINARY on EF.RIGHTS changes it, and the change stays while the object
    /// lives (pulled and inserted again, it is the same card).
    var applications: [[UInt8]: [UInt16: [UInt8]]]
    var updateCount = 0
    let key: P256.Signing.PrivateKey?
    let lock = NSLock()
    var faults: Set<Fault>
    var commandCount = 0
    /// The AID last selected; files are found in that application only.
    var selectedApp: [UInt8]?
    var selectedFile: UInt16?
    /// The last commands received (tests check what a reader sent).
    var received: [[UInt8]] = []
    var poweredOn = false
    var justPoweredOn = false
    var silent = false
    /// T=0: the data waiting for GET RESPONSE.
    var pending: [UInt8] = []
    let isT0: Bool

    public init(spec: CardSpec) throws {
        self.spec = spec
        var applications = try spec.applications()
        let faults = Set(spec.faults ?? [])
        // A file fault applies to that file id in whichever application holds it.
        for aid in applications.keys {
            var files = applications[aid]!
            for f in faults {
                switch f {
                case .truncatedFile(let fid): if let b = files[fid] { files[fid] = Array(b.prefix(max(1, b.count / 2 - 1))) }
                case .oversizedLength(let fid):
                    // Keeps the tag, declares 0xFFFF bytes, then the real content.
                    if let b = files[fid], let tag = b.first { files[fid] = [tag, 0x82, 0xFF, 0xFF] + b.dropFirst(2) }
                case .garbageFile(let fid):
                    if files[fid] != nil || aid == spec.mainAID { files[fid] = [0x1F, 0xFF, 0xFF, 0xFF, 0x81] + [UInt8](repeating: 0xA5, count: 40) }
                default: break
                }
            }
            applications[aid] = files
        }
        self.applications = applications
        self.faults = faults
        self.key = try spec.privateKey()
        self.isT0 = spec.transport == "T=0"
    }

    /// Adds or removes faults while the card is in the reader.
    public func set(faults: Set<Fault>) { lock.withLock { self.faults = faults } }

    /// Not ISO 7816-3 at all: TS is neither 3B nor 3F, and T0 promises
    /// interface bytes that are missing.
    public static let badATR: [UInt8] = [0x12, 0xFF, 0x13]

    /// The ATR the card answers now (vpcd asks for it to check presence,
    /// and right after each power-on).
    public func answerATR() -> [UInt8] {
        lock.withLock {
            defer { justPoweredOn = false }
            if faults.contains(.badATR) { return CardApplet.badATR }
            // Present when asked, but the ATR after power-on is unusable
            // (longer than ISO's 33 bytes): vpcd fails the power-up and
            // pcscd reports the card PRESENT|MUTE.
            if faults.contains(.mute) && justPoweredOn { return [UInt8](repeating: 0x3B, count: 40) }
            if spec.profile == .vitale2 { return Vitale2.atr }
            return isT0 ? BMSVIT.atrT0 : BMSVIT.atr
        }
    }

    public var atr: [UInt8] {
        lock.withLock {
            if spec.profile == .vitale2 { return Vitale2.atr }
            return isT0 ? BMSVIT.atrT0 : BMSVIT.atr
        }
    }

    /// vpcd control bytes: 00 off, 01 on, 02 reset.
    public func control(_ byte: UInt8) {
        lock.withLock {
            switch byte {
            case 0x00: poweredOn = false
            case 0x01, 0x02: poweredOn = true; justPoweredOn = true; selectedApp = nil; selectedFile = nil; pending = []
            default: break
            }
        }
    }

    public func process(_ bytes: [UInt8]) -> AppletAction {
        lock.withLock { processLocked(bytes) }
    }

    private func processLocked(_ bytes: [UInt8]) -> AppletAction {
        if silent { return .silence }
        commandCount += 1
        received.append(bytes)
        if received.count > 512 { received.removeFirst(received.count - 512) }
        for f in faults {
            switch f {
            case .pullAtCommand(let n) where n == commandCount: return .pull
            case .stopAnsweringAtCommand(let n) where n <= commandCount: silent = true; return .silence
            case .mute: return .silence
            default: continue
            }
        }
        guard let cmd = CommandAPDU(bytes: bytes) else { return sw(.wrongLength) }
        if cmd.ins != 0xC0 { pending = [] }
        for case .statusWord(let ins, let fid, let word) in faults where ins == cmd.ins {
            let target: UInt16? = cmd.ins == 0xA4 && cmd.data.count == 2 ? UInt16(cmd.data[0]) << 8 | UInt16(cmd.data[1]) : selectedFile
            if fid == nil || fid == target { return sw(StatusWord(word)) }
        }
        guard cmd.cla == 0x00 else { return sw(.claNotSupported) }
        switch cmd.ins {
        case 0xA4: return select(cmd)
        case 0xB0: return readBinary(cmd)
        case 0xD6: return updateBinary(cmd)
        case 0x88: return internalAuthenticate(cmd)
        case 0xC0: return getResponse(cmd)
        default: return sw(.insNotSupported)
        }
    }

    private func sw(_ s: StatusWord) -> AppletAction { .respond([s.sw1, s.sw2]) }

    /// Answers `data`; a T=0 card asks for GET RESPONSE on commands that
    /// carried data (case 4) and for the exact Le otherwise (case 2).
    private func answer(_ data: [UInt8], _ status: StatusWord = .ok, cmd: CommandAPDU) -> AppletAction {
        guard isT0, !data.isEmpty else { return .respond(data + [status.sw1, status.sw2]) }
        if !cmd.data.isEmpty {
            pending = data
            return sw(StatusWord(0x61, UInt8(min(data.count, 32) & 0xFF)))
        }
        if let le = cmd.le, le != data.count, data.count < 256 { return sw(StatusWord(0x6C, UInt8(data.count))) }
        return .respond(data + [status.sw1, status.sw2])
    }

    private func getResponse(_ cmd: CommandAPDU) -> AppletAction {
        guard !pending.isEmpty else { return sw(StatusWord(0x6985)) }
        // Hands out at most 32 bytes per GET RESPONSE, so readers must loop.
        let chunk = min(pending.count, 32)
        if let le = cmd.le, le != chunk { return sw(StatusWord(0x6C, UInt8(chunk))) }
        let out = Array(pending.prefix(chunk))
        pending.removeFirst(chunk)
        if pending.isEmpty { return .respond(out + [0x90, 0x00]) }
        return .respond(out + [0x61, UInt8(min(pending.count, 32))])
    }

    private func select(_ cmd: CommandAPDU) -> AppletAction {
        if cmd.p1 == 0x04 {
            guard applications[cmd.data] != nil, !faults.contains(.noApplication) else {
                selectedApp = nil; selectedFile = nil
                return sw(.fileNotFound)
            }
            selectedApp = cmd.data; selectedFile = nil
            // A short FCI before 90 00, which readers must ignore.
            return answer([0x6F, 0x03, 0x84, 0x01, 0x01], cmd: cmd)
        }
        guard cmd.p1 == 0x02 || cmd.p1 == 0x00, cmd.data.count == 2 else { return sw(.wrongLength) }
        guard let app = selectedApp else { return sw(.securityNotSatisfied) }
        let fid = UInt16(cmd.data[0]) << 8 | UInt16(cmd.data[1])
        // Only the selected application's files: a Vitale 2 reader must
        // select the application a file belongs to first.
        guard applications[app]?[fid] != nil else { selectedFile = nil; return sw(.fileNotFound) }
        selectedFile = fid
        return sw(.ok)
    }

    private func readBinary(_ cmd: CommandAPDU) -> AppletAction {
        guard let app = selectedApp, let fid = selectedFile, let content = applications[app]?[fid] else { return sw(.securityNotSatisfied) }
        let offset = Int(cmd.p1 & 0x7F) << 8 | Int(cmd.p2)
        let le = cmd.le ?? 256
        guard offset <= content.count else { return sw(.wrongOffset) }
        if offset == content.count { return sw(.wrongOffset) }
        let end = min(content.count, offset + le)
        let data = Array(content[offset..<end])
        if isT0, data.count < le { return sw(StatusWord(0x6C, UInt8(data.count))) }
        return .respond(data + (data.count < le ? [0x62, 0x82] : [0x90, 0x00]))
    }

    /// EF.RIGHTS' capacity: a real card's file has a fixed size.
    public static let rightsCapacity = 1024

    /// UPDATE BINARY: writes EF.RIGHTS in place (only that file), growing it
    /// up to its capacity; 69 82 elsewhere, 6B 00 past the end.
    private func updateBinary(_ cmd: CommandAPDU) -> AppletAction {
        guard let app = selectedApp, app == BMSVIT.aid, let fid = selectedFile, fid == BMSVIT.FileID.rights.rawValue, spec.profile == .bmsVit else {
            return sw(.securityNotSatisfied)
        }
        updateCount += 1
        if faults.contains(.pullAtUpdate(n: updateCount)) { return .pull }
        guard !cmd.data.isEmpty else { return sw(.wrongLength) }
        let offset = Int(cmd.p1 & 0x7F) << 8 | Int(cmd.p2)
        guard offset + cmd.data.count <= Self.rightsCapacity else { return sw(.wrongOffset) }
        var content = applications[app]?[fid] ?? []
        if content.count < offset + cmd.data.count { content += [UInt8](repeating: 0, count: offset + cmd.data.count - content.count) }
        content.replaceSubrange(offset..<(offset + cmd.data.count), with: cmd.data)
        applications[app, default: [:]][fid] = content
        return sw(.ok)
    }

    /// The current bytes of a file of the card's main application (BMS-VIT,
    /// or VITALE): tests look at what was written.
    public func fileContent(_ fid: UInt16) -> [UInt8]? { lock.withLock { applications[spec.mainAID]?[fid] } }

    /// The commands received since the card was made (the last 512), oldest first.
    public var commandsReceived: [[UInt8]] { lock.withLock { received } }

    private func internalAuthenticate(_ cmd: CommandAPDU) -> AppletAction {
        guard selectedApp == BMSVIT.aid, spec.profile == .bmsVit else { return sw(.securityNotSatisfied) }
        guard cmd.data.count == 32 else { return sw(.wrongLength) }
        guard let key else { return sw(.securityNotSatisfied) }
        guard let sig = try? key.signature(for: BMSVIT.authenticationMessage(challenge: cmd.data, serial: spec.serial)) else {
            return sw(.memoryFailure)
        }
        return answer(Array(sig.rawRepresentation), cmd: cmd)
    }
}
