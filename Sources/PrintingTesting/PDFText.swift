import Foundation

/// Reads a PDF's text back with poppler's `pdftotext`, as a reader would.
public enum PDFText {
    public static func extract(_ pdf: URL, layout: Bool = false) throws -> String {
        let tool = try CUPSTestServer.tool("/usr/bin/pdftotext", package: "poppler-utils")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = (layout ? ["-layout"] : []) + ["-enc", "UTF-8", pdf.path, "-"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CUPSTestServer.HarnessError.commandFailed(command: "pdftotext \(pdf.path)", status: p.terminationStatus, output: "")
        }
        return String(decoding: data, as: UTF8.self)
    }

    public static func extract(_ data: Data) throws -> String {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bms-pdftext-\(UUID().uuidString).pdf")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try extract(url)
    }
}
