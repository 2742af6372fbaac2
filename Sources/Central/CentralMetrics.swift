import CentralAPI
import Foundation
import Hummingbird
import Prometheus

/// What `GET /metrics` exposes (Prometheus text format 0.0.4). Each
/// bms-central instance counts its own requests; Prometheus sums the
/// instances. Labels carry no personal data: a kiosk id, an action name, an
/// outcome, a route pattern — never a card serial, a NIR or a phone number.
public final class CentralMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Seconds from the assuré's confirmation on the kiosk to the command
    /// applied here: 1 s (sent at once) up to days (kiosk offline).
    static let lagBuckets: [Double] = [1, 5, 30, 120, 600, 3600, 6 * 3600, 24 * 3600, 3 * 24 * 3600]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func count(_ name: String, _ help: String, _ labels: [(String, String)]) {
        registry.makeCounter(name: name, labels: labels, help: help).increment()
    }

    /// A card read by a kiosk: `status` when a card is inserted, `foyer` when a session opens on it.
    func cardRead(kiosk: String, read: String) {
        count("bms_central_card_reads_total", "Card status and foyer reads (sessions), by kiosk.", [("kiosk", kiosk), ("read", read)])
    }

    func codeCheck(outcome: String) {
        count("bms_central_code_checks_total", "Code personnel checks, by outcome.", [("outcome", outcome)])
    }

    /// sent, failed (the gateway refused after every retry), no_mobile, rate_limited.
    func provisionalCode(outcome: String) {
        count("bms_central_provisional_codes_total", "Provisional code requests, by outcome.", [("outcome", outcome)])
    }

    func sms(outcome: String) {
        count("bms_central_sms_total", "SMS handed to the gateway (sent) or given up (failed).", [("outcome", outcome)])
    }

    /// A command by service (its action name) and outcome; an applied one
    /// also records its lag for the kiosk that sent it.
    func command(action: String, outcome: String, kiosk: String, lag: TimeInterval?) {
        count("bms_central_commands_total", "Kiosk commands, by service (action) and outcome.", [("action", action), ("outcome", outcome)])
        if let lag {
            registry.makeValueHistogram(name: "bms_central_outbox_lag_seconds", labels: [("kiosk", kiosk)], buckets: Self.lagBuckets,
                                        help: "From the assuré's confirmation on the kiosk to the command applied, by kiosk.")
                .record(max(0, lag))
        }
    }

    /// A request refused at authentication, by reason (a fixed set of codes:
    /// never the kiosk id the sender claimed, which it chooses freely).
    func authFailure(reason: String) {
        count("bms_central_auth_failures_total", "Requests refused at authentication, by reason.", [("reason", reason)])
    }

    func http(route: String, method: String, status: Int) {
        count("bms_central_http_requests_total", "HTTP requests, by route pattern, method and status.",
              [("route", route), ("method", method), ("status", String(status))])
    }

    /// The exposition text.
    public func render() -> String { registry.emitToString() }
}

/// Counts every request by its route pattern (`/v1/cards/{serial}/foyer`,
/// never the path with its serial) and final status. Added first, so it
/// sees the status the error middleware chose.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext
    let metrics: CentralMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.http(route: context.endpointPath ?? "NotFound", method: request.method.rawValue, status: Int(response.status.code))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.http(route: context.endpointPath ?? "NotFound", method: request.method.rawValue, status: Int(status))
            throw error
        }
    }
}
