import AsyncHTTPClient
import Domain
import Foundation
import NIOCore

/// Why an SMS was not taken by the gateway.
public enum SMSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The gateway answered with a refusal (HTTP status and its first words).
    case refused(status: Int, answer: String)
    /// No answer in time.
    case timeout
    /// Could not connect.
    case unreachable(String)

    public var description: String {
        switch self {
        case .refused(let s, let a): return "SMS gateway refused the message (HTTP \(s): \(a))"
        case .timeout: return "SMS gateway did not answer in time"
        case .unreachable(let why): return "SMS gateway unreachable (\(why))"
        }
    }
}

/// Sends one SMS. `messageID` ties delivery reports back to the message.
public protocol SMSGateway: Sendable {
    func send(to: MobileNumber, text: String, messageID: String) async throws(SMSError)
}

/// Keeps a text GSM-7 safe: the characters the default alphabet cannot
/// carry are replaced by their plain letters (à→a, ç→c…), so the message
/// fits one 160-character SMS and reads the same on every phone.
public enum GSM7 {
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

    public static func isSafe(_ text: String) -> Bool { text.allSatisfy { basic.contains($0) } }

    public static func safe(_ text: String) -> String {
        String(text.map { ch -> Character in
            if basic.contains(ch) { return ch }
            let folded = String(ch).folding(options: [.diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
            if let f = folded.first, folded.count == 1, basic.contains(f) { return f }
            switch ch {
            case "\u{00A0}", "\u{202F}": return " "
            case "’", "‘": return "'"
            case "–", "—": return "-"
            case "•": return "."
            default: return "?"
            }
        })
    }
}

/// Kannel's HTTP sendsms interface (smsbox `sendsms-port`).
public struct KannelSMSGateway: SMSGateway {
    public var sendsmsURL: URL
    public var username: String
    public var password: String
    public var from: String?
    /// Where Kannel posts delivery reports; `%d` (the report type) and the
    /// message id are added by this gateway.
    public var deliveryReportURL: String?
    public var timeout: TimeAmount
    let client: HTTPClient

    /// `from`: the sender shown on the phone (Kannel refuses a message without one).
    public init(sendsmsURL: URL, username: String, password: String, from: String? = "ameli", deliveryReportURL: String? = nil,
                timeout: TimeAmount = .seconds(5), client: HTTPClient = .shared) {
        self.sendsmsURL = sendsmsURL
        self.username = username
        self.password = password
        self.from = from
        self.deliveryReportURL = deliveryReportURL
        self.timeout = timeout
        self.client = client
    }

    /// `kannel:http://USER:PASS@HOST:PORT/cgi-bin/sendsms`
    public init(spec: String, deliveryReportURL: String? = nil) throws {
        guard var c = URLComponents(string: spec), let user = c.user, let pass = c.password else {
            throw SMSError.unreachable("expected kannel:http://USER:PASSWORD@HOST:PORT/cgi-bin/sendsms")
        }
        c.user = nil
        c.password = nil
        if c.path.isEmpty { c.path = "/cgi-bin/sendsms" }
        self.init(sendsmsURL: c.url!, username: user, password: pass, deliveryReportURL: deliveryReportURL)
    }

    public func send(to: MobileNumber, text: String, messageID: String) async throws(SMSError) {
        var c = URLComponents(url: sendsmsURL, resolvingAgainstBaseURL: false)!
        var items = [
            URLQueryItem(name: "username", value: username),
            URLQueryItem(name: "password", value: password),
            URLQueryItem(name: "to", value: to.e164),
            URLQueryItem(name: "text", value: GSM7.safe(text)),
        ]
        if let from { items.append(URLQueryItem(name: "from", value: from)) }
        if let deliveryReportURL {
            let sep = deliveryReportURL.contains("?") ? "&" : "?"
            items.append(URLQueryItem(name: "dlr-mask", value: "31"))
            items.append(URLQueryItem(name: "dlr-url", value: "\(deliveryReportURL)\(sep)id=\(messageID)&type=%d"))
        }
        c.queryItems = items
        // "+" must travel as %2B, not as a space.
        c.percentEncodedQuery = c.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        let request = HTTPClientRequest(url: c.url!.absoluteString)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout
        } catch {
            throw .unreachable(String(describing: type(of: error)))
        }
        let body = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
        // 202 "0: Accepted for delivery" (or 200 "Sent." with some SMSCs).
        guard response.status.code == 202 || response.status.code == 200 else {
            throw .refused(status: Int(response.status.code), answer: String(body.prefix(80)))
        }
    }
}

/// For development machines without Kannel: appends each message to a
/// file. Named as what it is; never for production (the file holds codes).
public struct LogFileSMSGatewayForDevelopment: SMSGateway {
    public let path: String
    public init(path: String) { self.path = path }

    public func send(to: MobileNumber, text: String, messageID: String) async throws(SMSError) {
        let line = "\(ISO8601DateFormatter().string(from: Date())) \(messageID) \(to.masked) \(GSM7.safe(text))\n"
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw .unreachable("cannot write \(path)") }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
    }
}
