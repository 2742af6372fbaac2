import Foundation

/// Something that turns text into sound.
@MainActor
public protocol SpeechOutput: AnyObject {
    /// Starts saying `text`, cutting off anything still being said.
    func speak(_ text: String, language: String)
    /// Stops at once.
    func stop()
    /// True while an utterance is being said.
    var isSpeaking: Bool { get }
}

/// espeak-ng in a subprocess: a fault in the synthesizer cannot take the
/// kiosk down, and SIGTERM interrupts it in about a millisecond. With an
/// output directory every utterance goes to `NNN.wav` instead of the sound
/// card (tests, smoke runs).
@MainActor
public final class EspeakSpeech: SpeechOutput {
    public let executable: String
    public let outputDirectory: URL?
    public var wordsPerMinute: Int
    private var current: Process?
    private var counter = 0
    /// Files written, in order.
    public private(set) var writtenFiles: [URL] = []

    public enum SetupError: Error, CustomStringConvertible {
        case notInstalled
        public var description: String { "espeak-ng not found: apt-get install espeak-ng (or run with speech off)" }
    }

    public init(outputDirectory: URL? = nil, wordsPerMinute: Int = 150, executable: String? = nil) throws {
        let candidates = [executable, "/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].compactMap { $0 }
        guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { throw SetupError.notInstalled }
        self.executable = exe
        self.outputDirectory = outputDirectory
        self.wordsPerMinute = wordsPerMinute
        if let d = outputDirectory { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
    }

    public var isSpeaking: Bool { current?.isRunning ?? false }

    public func speak(_ text: String, language: String) {
        stop()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        var args = ["-v", Self.voice(for: language), "-s", String(wordsPerMinute), "--stdin"]
        if let dir = outputDirectory {
            counter += 1
            let name = String(repeating: "0", count: max(0, 3 - String(counter).count)) + "\(counter).wav"
            let url = dir.appendingPathComponent(name)
            args += ["-w", url.path]
            writtenFiles.append(url)
        }
        p.arguments = args
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do {
            try p.run()
            // Text on stdin: a phrase starting with "-" is never taken for an option.
            input.fileHandleForWriting.write(Data(text.utf8))
            try? input.fileHandleForWriting.close()
            current = p
        } catch {
            current = nil
        }
    }

    public func stop() {
        if let p = current, p.isRunning { p.terminate() }
        current = nil
    }

    /// Blocks until the current utterance is finished (tests only).
    public func waitUntilDone() { current?.waitUntilExit() }

    static func voice(for language: String) -> String {
        switch language.prefix(2) {
        case "fr": "fr-fr"
        case "en": "en-gb"
        case "de": "de"
        case "es": "es"
        case "it": "it"
        case "pt": "pt"
        // espeak-ng's Arabic reads unvowelled text as best it can (no
        // tashkeel in the catalog): understandable, not polished.
        case "ar": "ar"
        default: String(language.prefix(2))
        }
    }
}

/// What the kiosk says and when: the screen's title and the focused element,
/// on demand ("Écouter") and on each screen change when enabled. Keeps the
/// last utterance so it can be repeated, and a history for tests.
@MainActor
public final class SpeechController {
    public var output: SpeechOutput?
    public var enabled: Bool
    public var language: String
    public private(set) var lastUtterance: String?
    public private(set) var history: [String] = []

    public init(output: SpeechOutput?, enabled: Bool = false, language: String = "fr") {
        self.output = output; self.enabled = enabled; self.language = language
    }

    /// What to say for a screen: title, then the focused widget (a paged
    /// body: its position and the page shown, before).
    public static func utterance(for list: DisplayList) -> String {
        var parts = [list.title.normalizedSpaces]
        // Where one is in a service: « Étape 2 sur 4 · Motif » (a modal's own step when it has one).
        if let step = list.items.last(where: { $0.role == .stepIndicator && $0.step != nil })?.speech { parts.append(step.normalizedSpaces) }
        // What went wrong or right is in the banner: said before the focus.
        if let b = list.items.first(where: { $0.role == .banner && $0.speech != nil }), let s = b.speech { parts.append(s.normalizedSpaces) }
        // A paged body: where one is, and what the page shown says.
        if let page = list.paging.bodyPageSpeech, !list.items.contains(where: { $0.role == .modal }) { parts.append(page) }
        if let f = list.focusID, let t = list.reachableTargets.last(where: { $0.widgetID == f }), let s = t.speech {
            parts.append(s.normalizedSpaces)
        } else if let f = list.focusID {
            // A focused text (e.g. "Insérez votre carte Vitale"): its lines.
            let lines = list.items.filter { $0.widgetID == f && $0.text != nil }
            if !lines.isEmpty { parts.append(lines.readText.normalizedSpaces) }
        }
        if let modal = list.items.last(where: { $0.role == .modal }), let s = modal.speech { parts = [s.normalizedSpaces] + parts.dropFirst() }
        // One pause between parts; a part that ends its own sentence keeps its mark.
        let kept = parts.filter { !$0.isEmpty }
        return kept.enumerated().map { i, p in
            i == kept.count - 1 || p.last.map { ".!?…:".contains($0) } == true ? p : p + "."
        }.joined(separator: " ")
    }

    public func say(_ text: String) {
        lastUtterance = text
        history.append(text)
        if history.count > 200 { history.removeFirst(100) }
        output?.speak(text, language: language)
    }

    /// Speaks when automatic speech is on.
    public func screenChanged(_ list: DisplayList) { if enabled { say(Self.utterance(for: list)) } }

    public func repeatLast() { if let t = lastUtterance { say(t) } }

    public func interrupt() { output?.stop() }
}
