import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request does not arrive in time: the head of
/// the first request within `headerTimeout` of connecting, and each request's
/// body within `headerTimeout` of its head. A client that opens connections
/// and never finishes its headers (slowloris) held a descriptor each for
/// ever and starved `/v1/health` (issue 15). Between requests on a kept-alive
/// connection, Hummingbird's idle time-out applies (it also closes a
/// connection that never finishes a later request's head: partial bytes do
/// not count as activity there).
final class RequestReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            // The body must follow within the same time.
            disarm()
            arm(context)
        case .end:
            disarm()
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// The connection limits of `bms-central serve`.
public struct ConnectionLimits: Sendable {
    /// A request's head (and then its body) must arrive within this.
    public var headerTimeout: Duration
    /// A kept-alive connection with no request is closed after this.
    public var idleTimeout: Duration
    /// Connections open at once; more wait in the listen backlog until one
    /// closes. Below the descriptor limit, so that the store's files and
    /// PostgreSQL connections always have descriptors.
    public var maxConnections: Int

    public init(headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(30), maxConnections: Int = 8192) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// `maxConnections` capped to what the process's descriptor limit
    /// allows, with `reserve` left for the store, logs and the listener.
    public func fitted(toDescriptorLimit limit: Int, reserve: Int = 128) -> ConnectionLimits {
        var fitted = self
        fitted.maxConnections = max(1, min(maxConnections, limit - reserve))
        return fitted
    }

    var server: HTTPServerBuilder {
        let timeout = TimeAmount(headerTimeout)
        return .http1(configuration: .init(additionalChannelHandlers: [RequestReadTimeoutHandler(timeout: timeout)],
                                           idleTimeout: TimeAmount(idleTimeout)))
    }
}

extension TimeAmount {
    init(_ d: Duration) {
        let (s, atto) = d.components
        self = .nanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
    }
}
