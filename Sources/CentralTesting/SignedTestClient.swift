import AsyncHTTPClient
import CentralAPI
import Foundation
import NIOCore
import NIOHTTP1

/// Raw signed requests for tests that need to bend the protocol (replays,
/// skewed clocks, corrupt bodies). Kiosks use SyncClient's CentralClient.
public struct SignedTestClient: Sendable {
    public var baseURL: URL
    public var credentials: KioskCredentials?

    public init(baseURL: URL, credentials: KioskCredentials?) {
        self.baseURL = baseURL
        self.credentials = credentials
    }

    public struct Answer: Sendable {
        public var status: Int
        public var body: Data
        /// The `Retry-After` header, when there is one.
        public var retryAfter: String? = nil
        public func decode<T: Decodable>(_ type: T.Type) throws -> T { try CentralJSON.decoder().decode(type, from: body) }
        public var error: APIErrorBody? { try? decode(APIErrorBody.self) }
    }

    /// Sends `body` signed at `signedAt` (default now) with `nonce`; `headers`
    /// overrides or removes (empty value) signature headers.
    public func send(_ method: String, _ path: String, body: Data = Data(), signedAt: Date = Date(),
                     nonce: String = KioskCredentials.freshNonce(), signBody: Data? = nil,
                     headers: [String: String] = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = HTTPMethod(rawValue: method)
        if let credentials {
            for (k, v) in try credentials.sign(method: method, path: path, body: signBody ?? body, at: signedAt, nonce: nonce) {
                request.headers.replaceOrAdd(name: k, value: v)
            }
        }
        for (k, v) in headers {
            if v.isEmpty { request.headers.remove(name: k) } else { request.headers.replaceOrAdd(name: k, value: v) }
        }
        if !body.isEmpty {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 4 << 20)
        return Answer(status: Int(response.status.code), body: Data(data.readableBytesView),
                      retryAfter: response.headers.first(name: "Retry-After"))
    }

    public func json<T: Encodable>(_ value: T) throws -> Data { try CentralJSON.encoder().encode(value) }
}
