import Foundation

/// Reads a PDF's text back with poppler's `pdftotext`, as a reader would.
public enum PDFText {
    /// `raw`: in drawing order, each line as drawn. The default reading
    /// joins a word hyphenated at the end of a line and drops the hyphen
    /// (« ROCCA-|BONAPARTE » reads « ROCCABONAPARTE »): a compound name
    /// broken after its hyphen reads whole only raw.
    public static func extract(_ pdf: URL, layout: Bool = false, raw: Bool = false) throws -> String {
        try run((layout ? ["-layout"] : []) + (raw ? ["-raw"] : []) + ["-enc", "UTF-8", pdf.path, "-"], file: pdf)
    }

    public static func extract(_ data: Data, raw: Bool = false) throws -> String {
        try withFile(data) { try extract($0, raw: raw) }
    }

    /// A word as drawn, with its box in points from the page's top left.
    public struct Word: Hashable, Sendable {
        public var text: String
        public var page: Int
        public var xMin, yMin, xMax, yMax: Double
    }

    /// Every word with its box (`pdftotext -bbox`), and each page's size:
    /// to check that nothing is drawn past the margins.
    public static func words(_ data: Data) throws -> (pages: [(width: Double, height: Double)], words: [Word]) {
        let html = try withFile(data) { url in
            try run(["-bbox", "-enc", "UTF-8", url.path, "-"], file: url)
        }
        var pages: [(width: Double, height: Double)] = []
        var words: [Word] = []
        func attribute(_ name: String, in tag: Substring) -> Double? {
            guard let r = tag.range(of: "\(name)=\"") else { return nil }
            let rest = tag[r.upperBound...]
            return rest.firstIndex(of: "\"").flatMap { Double(rest[..<$0]) }
        }
        for line in html.split(separator: "\n") {
            let l = line.trimmingCharacters(in: .whitespaces)[...]
            if l.hasPrefix("<page "), let w = attribute("width", in: l), let h = attribute("height", in: l) {
                pages.append((w, h))
            } else if l.hasPrefix("<word "), let close = l.firstIndex(of: ">"), let end = l.range(of: "</word>"),
                      let x0 = attribute("xMin", in: l), let y0 = attribute("yMin", in: l),
                      let x1 = attribute("xMax", in: l), let y1 = attribute("yMax", in: l) {
                let text = String(l[l.index(after: close)..<end.lowerBound])
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                    .replacingOccurrences(of: "&amp;", with: "&")
                words.append(Word(text: text, page: max(0, pages.count - 1), xMin: x0, yMin: y0, xMax: x1, yMax: y1))
            }
        }
        return (pages, words)
    }

    static func withFile<T>(_ data: Data, _ body: (URL) throws -> T) throws -> T {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bms-pdftext-\(UUID().uuidString).pdf")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    static func run(_ arguments: [String], file: URL) throws -> String {
        let tool = try CUPSTestServer.tool("/usr/bin/pdftotext", package: "poppler-utils")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CUPSTestServer.HarnessError.commandFailed(command: "pdftotext \(file.path)", status: p.terminationStatus, output: "")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
