import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real browser for tests: Debian's chromium, headless, driven by its
/// chromedriver over W3C WebDriver on loopback. One browser profile per
/// instance in a temporary folder, so tests can run side by side.
public final class HeadlessBrowser: @unchecked Sendable {
    public static let chromium = "/usr/bin/chromium"
    public static let chromedriver = "/usr/bin/chromedriver"

    /// Why no browser can run here, or nil when both programs are installed.
    public static var unavailableReason: String? {
        for p in [chromium, chromedriver] where !FileManager.default.isExecutableFile(atPath: p) {
            return "\(p) is not installed (Debian's chromium and chromium-driver; scripts/install-deps.sh test installs them)"
        }
        return nil
    }

    let driver: ChildProcess
    let base: String
    let session: String
    let folder: URL

    private init(driver: ChildProcess, base: String, session: String, folder: URL) {
        self.driver = driver
        self.base = base
        self.session = session
        self.folder = folder
    }

    public static func start() async throws -> HeadlessBrowser {
        if let why = unavailableReason { throw HarnessError(why) }
        let folder = try Harness.temporaryDirectory("browser")
        let port = try Harness.freePort()
        let log = folder.appendingPathComponent("chromedriver.log")
        let driver = try ChildProcess.spawn(chromedriver, ["--port=\(port)", "--allowed-ips=127.0.0.1"], output: log)
        do {
            try await Harness.waitForPort(port, timeout: 20, what: "chromedriver", log: log, process: driver)
            let base = "http://127.0.0.1:\(port)"
            let options: [String: Any] = [
                "binary": chromium,
                // No sandbox: tests run as root in a container; no GPU, no /dev/shm limits.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--user-data-dir=\(folder.appendingPathComponent("profile").path)"],
            ]
            let answer = try await call(base, "POST", "/session",
                                        ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
            guard let value = answer as? [String: Any], let session = value["sessionId"] as? String else {
                throw HarnessError("chromedriver gave no session: \(answer)")
            }
            return HeadlessBrowser(driver: driver, base: base, session: session, folder: folder)
        } catch {
            driver.terminate()
            throw error
        }
    }

    /// One WebDriver command; its `value`.
    static func call(_ base: String, _ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(try await response.body.collect(upTo: 8 << 20).readableBytesView)
        let json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = json?["value"] ?? NSNull()
        guard response.status.code < 300 else {
            let message = (value as? [String: Any])?["message"] as? String ?? "\(value)"
            throw HarnessError("WebDriver \(method) \(path): \(response.status.code) \(message.prefix(300))")
        }
        return value
    }

    func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        try await Self.call(base, method, "/session/\(session)\(path)", body)
    }

    public func open(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }

    /// The element a CSS selector finds, waiting up to `timeout` for it.
    public func element(_ css: String, timeout: TimeInterval = 10) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            do {
                let v = try await command("POST", "/element", ["using": "css selector", "value": css])
                if let e = (v as? [String: Any])?["element-6066-11e4-a52e-4f735466cecf"] as? String { return e }
            } catch {
                // Not there yet (the page is loading): again until the deadline.
                if Date() >= deadline { throw HarnessError("no element \(css) on the page within \(Int(timeout)) s: \(error)") }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Types into an element; for `<input type=file>`, the text is the file's path.
    public func type(_ element: String, _ text: String) async throws {
        _ = try await command("POST", "/element/\(element)/value", ["text": text])
    }

    public func click(_ element: String) async throws { _ = try await command("POST", "/element/\(element)/click", [:]) }

    public func text(_ element: String) async throws -> String {
        try await command("GET", "/element/\(element)/text") as? String ?? ""
    }

    /// The page as the browser drew it, as PNG (to look at).
    public func screenshot(to file: URL) async throws {
        guard let base64 = try await command("GET", "/screenshot") as? String, let png = Data(base64Encoded: base64) else {
            throw HarnessError("WebDriver gave no screenshot")
        }
        try png.write(to: file)
    }

    /// Sets the window's size (a phone's screen: 412 × 915).
    public func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    public func pageSource() async throws -> String { try await command("GET", "/source") as? String ?? "" }

    /// Closes the browser and its driver, and removes the profile.
    public func stop() async {
        _ = try? await command("DELETE", "")
        driver.terminate()
        try? FileManager.default.removeItem(at: folder)
    }
}
