import CentralAPI
import Domain
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The request context: which kiosk signed the request.
public struct CentralRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var kioskID: String?
    /// The peer's address (a reverse proxy's, behind one).
    public var remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        kioskID = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's address: failed authentications are counted and limited by it.
    var sourceAddress: String { Self.sourceKey(remoteAddress) }

    /// An IPv4 address as is; IPv6 by its /64, which one host usually holds
    /// whole (counting single addresses would let it rotate past the limit).
    public static func sourceKey(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        if case .v6(let v6) = address {
            let b = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            // An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) stays one address.
            if b.count == 16, !(b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xFF && b[11] == 0xFF) {
                return stride(from: 0, to: 8, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }
                    .joined(separator: ":") + "::/64"
            }
        }
        return address.ipAddress ?? "unknown"
    }

    /// The same for an address in text (tests, tools).
    public static func sourceKey(ipAddress: String) -> String {
        sourceKey(try? SocketAddress(ipAddress: ipAddress, port: 0))
    }
}

/// Where and how `bms-central` listens.
public struct CentralServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Larger bodies are refused before they are read further (413).
    public var maxBodyBytes: Int
    /// Time-outs for slow clients and the connection cap.
    public var limits: ConnectionLimits
    /// Where phones reach this server (`https://…`), for the upload
    /// addresses the kiosks show as QR codes; nil: the host the kiosk called.
    public var publicBaseURL: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 64 * 1024, limits: ConnectionLimits = .init(),
                publicBaseURL: String? = nil) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.limits = limits
        self.publicBaseURL = publicBaseURL
    }
}

/// Turns every error into a JSON body (`APIErrorBody`) with a status that
/// tells the kiosk whether to retry (5xx, 409) or not (4xx).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as APIFailure {
            return jsonResponse(failure.body, status: failure.status)
        } catch let error as HTTPError {
            let code = error.status.code == 413 ? "body_too_large" : error.status.code == 404 ? "not_found" : "http_\(error.status.code)"
            return jsonResponse(APIErrorBody(code: code, message: error.body ?? error.status.reasonPhrase), status: Int(error.status.code))
        } catch is CancellationError {
            // The server is shutting down under this request.
            return retryLater(APIErrorBody(code: "shutting_down", message: "bms-central is stopping: retry"), after: 2)
        } catch is NIOTooManyBytesError {
            return jsonResponse(APIErrorBody(code: "body_too_large", message: "the body is larger than this endpoint accepts"), status: 413)
        } catch is DecodingError {
            return jsonResponse(APIErrorBody(code: "bad_request", message: "the body is not the JSON this endpoint expects"), status: 400)
        } catch let error as StoreError {
            // The store's state, never the request's fault: 503 + Retry-After,
            // which the kiosk's relay waits on without counting it against
            // the command (a 500 would read as the command's own failure).
            logger.error("store error", metadata: ["error": "\(error)"])
            if case .busy = error {
                return retryLater(APIErrorBody(code: "store_unavailable", message: "the central store is busy: retry in a few seconds"),
                                  after: 2)
            }
            return retryLater(APIErrorBody(code: "store_unavailable", message: "the central store is unavailable: retry later"), after: 5)
        } catch {
            logger.error("unexpected error", metadata: ["type": "\(type(of: error))"])
            return jsonResponse(APIErrorBody(code: "internal", message: "internal error: retry later"), status: 500)
        }
    }
}

/// Checks the kiosk's signature on every request but health and the SMS
/// gateway's callback; the body is read once (bounded) and kept.
struct KioskAuthMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext
    let service: CentralService
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // /metrics: Prometheus scrapes it unsigned; it holds no personal data (restrict it at the network).
        // /upload/{token}: the assuré's phone, whose token is its key (DocumentUploads.swift).
        if path == "\(APIVersion.prefix)/health" || path == "\(APIVersion.prefix)/sms/delivery-report" || path == "/metrics"
            || path.hasPrefix("/upload/") {
            return try await next(request, context)
        }
        // An address that keeps failing is refused before its body is read or its key looked up.
        let source = context.sourceAddress
        try await service.refuseIfTooManyFailures(source: source)
        var request = request
        // A document from the kiosk's scanner (PUT /v1/uploads/{id}/document) is up to 2 MiB: signed like the rest.
        let limit = request.method == .put && path.hasPrefix("\(APIVersion.prefix)/uploads/") && path.hasSuffix("/document")
            ? max(maxBodyBytes, DocumentParameters.standard.maxBytes + 1) : maxBodyBytes
        let body = try await request.collectBody(upTo: limit)
        let h = request.headers
        let headers: SignedRequestHeaders
        do {
            headers = try SignedRequestHeaders(kiosk: h[.init(RequestSignature.kioskHeader)!], timestamp: h[.init(RequestSignature.timestampHeader)!],
                                               nonce: h[.init(RequestSignature.nonceHeader)!], signature: h[.init(RequestSignature.signatureHeader)!])
        } catch {
            await service.authenticationFailed(error, source: source)
            throw APIFailure(401, error.code, error.description)
        }
        var context = context
        context.kioskID = try await service.authenticate(headers, method: request.method.rawValue, path: request.uri.description,
                                                         body: body.readableBytesView, source: source)
        return try await next(request, context)
    }
}

/// 503 with `Retry-After` (seconds).
func retryLater(_ body: APIErrorBody, after seconds: Int) -> Response {
    var response = jsonResponse(body, status: 503)
    response.headers[.retryAfter] = "\(seconds)"
    return response
}

func jsonResponse<T: Encodable>(_ value: T, status: Int = 200) -> Response {
    let data = (try? CentralJSON.encoder().encode(value)) ?? Data("{}".utf8)
    return Response(status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, max: Int) async throws -> T {
    var request = request
    let buffer = try await request.collectBody(upTo: max)
    guard buffer.readableBytes > 0 else { throw APIFailure(400, "bad_request", "a JSON body is required") }
    do {
        return try CentralJSON.decoder().decode(type, from: Data(buffer.readableBytesView))
    } catch {
        throw APIFailure(400, "bad_request", "the body is not the JSON this endpoint expects")
    }
}

/// A card serial in a path: 10–22 ASCII digits (card profile C1).
func serialParameter(_ context: CentralRequestContext) throws -> String {
    let s = context.parameters.get("serial") ?? ""
    guard (10...22).contains(s.utf8.count), s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
        throw APIFailure(400, "bad_serial", "a card serial is 10 to 22 digits")
    }
    return s
}

/// A `YYYY-MM-DD` query parameter, absent or a real day.
func dayParameter(_ text: String?, _ name: String) throws -> CivilDate? {
    guard let text else { return nil }
    guard text.utf8.count == 10, let d = CivilDate(text) else { throw APIFailure(400, "bad_request", "\(name) is a day as YYYY-MM-DD") }
    return d
}

/// The `/v1` routes.
public func buildCentralRouter(service: CentralService, configuration: CentralServerConfiguration, logger: Logger) -> Router<CentralRequestContext> {
    let router = Router(context: CentralRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: service.metrics))
    router.add(middleware: ErrorMiddleware(logger: logger))
    router.add(middleware: KioskAuthMiddleware(service: service, maxBodyBytes: configuration.maxBodyBytes))
    let max = configuration.maxBodyBytes
    let v1 = router.group(RouterPath(APIVersion.prefix))

    v1.get("health") { _, _ in jsonResponse(["status": "ok"]) }
    router.get("metrics") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: service.metrics.render())))
    }

    v1.get("cards/:serial/status") { _, context in
        jsonResponse(try await service.cardStatus(serial: try serialParameter(context), kiosk: context.kioskID!))
    }
    v1.get("cards/:serial/foyer") { _, context in
        jsonResponse(try await service.foyer(serial: try serialParameter(context), kiosk: context.kioskID!))
    }
    v1.post("cards/:serial/code-check") { request, context in
        let body = try await decodeBody(CodeCheckRequest.self, request, max: max)
        // Characters as JSON Schema counts them (code points), not bytes: the OpenAPI maxLength.
        guard body.code.unicodeScalars.count <= 16 else { throw APIFailure(400, "bad_request", "a code has at most 16 characters") }
        return jsonResponse(try await service.checkCode(serial: try serialParameter(context), code: body.code, kiosk: context.kioskID!))
    }
    v1.post("cards/:serial/provisional-code") { _, context in
        jsonResponse(try await service.requestProvisionalCode(serial: try serialParameter(context), kiosk: context.kioskID!))
    }
    v1.get("cards/:serial/rights") { _, context in
        jsonResponse(try await service.rights(serial: try serialParameter(context), kiosk: context.kioskID!))
    }
    v1.get("cards/:serial/attestation") { _, context in
        jsonResponse(try await service.attestation(serial: try serialParameter(context), kiosk: context.kioskID!))
    }
    v1.get("cards/:serial/payments") { request, context in
        let q = request.uri.queryParameters
        let person = try q.get("person").map { p -> Int in
            guard let i = Int(p), (0..<12).contains(i) else { throw APIFailure(400, "bad_request", "person is 0 to 11") }
            return i
        }
        return jsonResponse(try await service.payments(serial: try serialParameter(context), kiosk: context.kioskID!,
                                                       from: try dayParameter(q.get("from"), "from"), to: try dayParameter(q.get("to"), "to"),
                                                       person: person))
    }
    v1.get("cards/:serial/daily-allowances") { request, context in
        let q = request.uri.queryParameters
        return jsonResponse(try await service.dailyAllowances(serial: try serialParameter(context), kiosk: context.kioskID!,
                                                              from: try dayParameter(q.get("from"), "from"), to: try dayParameter(q.get("to"), "to")))
    }
    v1.post("commands") { request, context in
        let command = try await decodeBody(KioskCommand.self, request, max: max)
        switch try await service.apply(command, kiosk: context.kioskID!) {
        case .receipt(let r): return jsonResponse(r)
        case .dependencyPending:
            throw APIFailure(409, "dependency_pending", "the command this one follows has not arrived yet: send it again later")
        }
    }
    v1.get("reference") { _, _ in jsonResponse(try await service.reference()) }
    addUploadRoutes(router, v1: v1, service: service, configuration: configuration)
    v1.get("cards/:serial/vitale-orders") { _, context in
        jsonResponse(try await service.vitaleOrders(serial: try serialParameter(context), kiosk: context.kioskID!))
    }
    // Kannel's dlr-url callback: not a kiosk, so a token instead of a signature.
    v1.get("sms/delivery-report") { request, _ in
        let q = request.uri.queryParameters
        guard let id = q.get("id"), let type = q.get("type", as: Int.self), let token = q.get("token") else {
            throw APIFailure(400, "bad_request", "id, type and token are required")
        }
        let known = try await service.deliveryReport(messageID: id, type: type, token: token)
        return jsonResponse(["recorded": known])
    }
    return router
}

/// The Hummingbird application for `bms-central`.
public func buildCentralApplication(service: CentralService, configuration: CentralServerConfiguration,
                                    logger: Logger = Logger(label: "bms-central"),
                                    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let router = buildCentralRouter(service: service, configuration: configuration, logger: logger)
    let limits = configuration.limits
    return Application(router: router, server: limits.server,
                       configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "bms-central",
                                            availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)),
                       onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
                       logger: logger)
}
