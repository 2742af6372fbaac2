import AsyncHTTPClient
import CentralAPI
import Domain
import Foundation
import NIOCore
import NIOHTTP1

/// Why a call to the central store did not give an answer.
public enum CentralClientError: Error, Sendable, CustomStringConvertible {
    /// No answer: network down, central down, time-out. Retry later.
    case unreachable(String)
    /// The central store answered with an error (status and body).
    case rejected(status: Int, body: APIErrorBody)
    /// An answer that does not decode.
    case badAnswer(String)

    // What to do with a failed delivery is `DeliveryFailure` (OutboxRelay.swift): one classification.

    /// 409: the command it follows was not applied yet.
    public var isDependencyPending: Bool {
        if case .rejected(409, let body) = self { return body.code == "dependency_pending" }
        return false
    }

    public var description: String {
        switch self {
        case .unreachable(let why): return "central store unreachable: \(why)"
        case .rejected(let status, let body): return "central store answered \(status) \(body.code): \(body.message)"
        case .badAnswer(let why): return "central store answer not understood: \(why)"
        }
    }
}

/// Signed calls to `bms-central` /v1. Every request carries the kiosk's
/// signature, a timestamp from the Clock and a fresh nonce.
public struct CentralClient: Sendable {
    public var baseURL: URL
    public var credentials: KioskCredentials
    public var clock: any Domain.Clock
    public var timeout: TimeAmount
    let http: HTTPClient

    public init(baseURL: URL, credentials: KioskCredentials, clock: any Domain.Clock = SystemClock(),
                timeout: TimeAmount = .seconds(10), http: HTTPClient = CentralClient.kioskHTTP) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.clock = clock
        self.timeout = timeout
        self.http = http
    }

    /// The kiosk's HTTP client. AsyncHTTPClient retries a refused connection
    /// until its connect time-out: with the default that is the request's
    /// whole time-out, so a stopped central store kept the assuré waiting
    /// 10 s on every call. Connecting gets 3 s (a LAN or a VPN to the caisse
    /// connects well within that); the answer still gets `timeout`.
    public static let kioskHTTP: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(3)
        // Idle connections go before bms-central's idle time-out (30 s) closes
        // them, so a request never races the server's close.
        configuration.connectionPool.idleTimeout = .seconds(20)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    func call<T: Decodable>(_ method: String, _ path: String, body: Data = Data(), as: T.Type) async throws(CentralClientError) -> T {
        let data = try await bytes(method, path, body: body).data
        do { return try CentralJSON.decoder().decode(T.self, from: data) } catch { throw .badAnswer("\(T.self)") }
    }

    /// A signed call whose answer is taken as bytes (a document), with its content type.
    func bytes(_ method: String, _ path: String, body: Data = Data(),
               limit: Int = 4 << 20) async throws(CentralClientError) -> (data: Data, contentType: String?) {
        var request = HTTPClientRequest(url: baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path)
        request.method = HTTPMethod(rawValue: method)
        do {
            for (k, v) in try credentials.sign(method: method, path: path, body: body, at: clock.now) {
                request.headers.replaceOrAdd(name: k, value: v)
            }
        } catch { throw .badAnswer("cannot sign: \(error)") }
        if !body.isEmpty {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let data: Data
        var contentType: String?
        var retryAfter: Int?
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            // Seconds only (the central store never sends an HTTP date); bounded.
            retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                .map { min(max($0, 0), 3600) }
            contentType = response.headers.first(name: "Content-Type")
            data = Data(try await response.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw .unreachable(Self.reason(error, timeout: timeout))
        }
        guard (200..<300).contains(status) else {
            var body = (try? CentralJSON.decoder().decode(APIErrorBody.self, from: data))
                ?? APIErrorBody(code: "http_\(status)", message: "no error body")
            body.retryAfter = retryAfter
            throw .rejected(status: status, body: body)
        }
        return (data, contentType)
    }

    /// Why no answer came, in words an operator can act on (the log and
    /// `doctor` show it; the assuré is told the service is unavailable).
    public static func reason(_ error: any Error, timeout: TimeAmount) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return "no answer within \(timeout.nanoseconds / 1_000_000_000) s"
            case .remoteConnectionClosed: return "the connection was closed by the central store"
            default: return "HTTPClientError \(e.shortDescription)"
            }
        }
        if let e = error as? IOError {
            switch e.errnoCode {
            case ECONNREFUSED: return "connection refused (central store not running?)"
            case EHOSTUNREACH, ENETUNREACH: return "no route to the central store (network down?)"
            default: return "network error (errno \(e.errnoCode))"
            }
        }
        return String(describing: type(of: error))
    }

    func encode<T: Encodable>(_ value: T) throws(CentralClientError) -> Data {
        do { return try CentralJSON.encoder().encode(value) } catch { throw .badAnswer("cannot encode \(T.self)") }
    }

    public func cardStatus(serial: String) async throws(CentralClientError) -> CardStatusResponse {
        try await call("GET", "/v1/cards/\(serial)/status", as: CardStatusResponse.self)
    }

    public func foyer(serial: String) async throws(CentralClientError) -> FoyerResponse {
        try await call("GET", "/v1/cards/\(serial)/foyer", as: FoyerResponse.self)
    }

    public func checkCode(serial: String, code: String) async throws(CentralClientError) -> CodeCheckResponse {
        try await call("POST", "/v1/cards/\(serial)/code-check", body: try encode(CodeCheckRequest(code: code)), as: CodeCheckResponse.self)
    }

    public func requestProvisionalCode(serial: String) async throws(CentralClientError) -> ProvisionalCodeResponse {
        try await call("POST", "/v1/cards/\(serial)/provisional-code", as: ProvisionalCodeResponse.self)
    }

    public func submit(_ command: KioskCommand) async throws(CentralClientError) -> CommandReceipt {
        try await call("POST", "/v1/commands", body: try encode(command), as: CommandReceipt.self)
    }

    public func rights(serial: String) async throws(CentralClientError) -> RightsResponse {
        try await call("GET", "/v1/cards/\(serial)/rights", as: RightsResponse.self)
    }

    public func attestation(serial: String) async throws(CentralClientError) -> AttestationResponse {
        try await call("GET", "/v1/cards/\(serial)/attestation", as: AttestationResponse.self)
    }

    /// « Mes remboursements »: paid within `from`…`to` (both or neither), for `person` or the foyer.
    public func payments(serial: String, from: CivilDate?, to: CivilDate?, person: Int?) async throws(CentralClientError) -> PaymentsResponse {
        try await call("GET", "/v1/cards/\(serial)/payments" + Self.query(["from": from?.iso, "to": to?.iso, "person": person.map(String.init)]),
                       as: PaymentsResponse.self)
    }

    /// The IJ paid to the assuré within `from`…`to` (both or neither).
    public func dailyAllowances(serial: String, from: CivilDate?, to: CivilDate?) async throws(CentralClientError) -> DailyAllowancesResponse {
        try await call("GET", "/v1/cards/\(serial)/daily-allowances" + Self.query(["from": from?.iso, "to": to?.iso]),
                       as: DailyAllowancesResponse.self)
    }

    /// `?a=1&b=2` of the given values, in key order (signed as sent); "" when none.
    static func query(_ items: [String: String?]) -> String {
        let pairs = items.compactMap { k, v in v.map { "\(k)=\($0)" } }.sorted()
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    public func reference() async throws(CentralClientError) -> ReferenceData {
        try await call("GET", "/v1/reference", as: ReferenceData.self)
    }
}
