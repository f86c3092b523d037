// What one client can hold of the server (issue 34, #1): Hummingbird's HTTP/1 channel closes
// idle connections but bounds neither how many one address keeps open nor how long a request's
// head may take to arrive, so a caller opening thousands of connections and never finishing their
// headers ("slowloris") kept the server from answering others. Neither Hummingbird nor NIO has
// these two limits; they are written here as a wrapper around `HTTP1Channel` and two small
// channel handlers.
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import RosterMetrics
import Synchronization

/// The limits on connections: how many one address may keep open, how long a request's head may
/// take to arrive.
public struct ConnectionLimits: Sendable, Equatable {
    /// Open connections from one client address (`ROSTER_MAX_CONNECTIONS_PER_ADDRESS`); more
    /// are closed as soon as they are accepted. Browsers open 6 per host.
    public var perAddress: Int = 256
    /// Seconds from the first byte of a request to the end of its head
    /// (`ROSTER_REQUEST_HEAD_SECONDS`); a connection past it is closed.
    public var requestHeadSeconds: Int = 10
    /// Addresses the cap does not apply to: the trusted proxies, whose connections carry many
    /// clients' requests.
    public var exempt: Set<String> = []

    /// The defaults: 256 connections per address, 10 seconds for a request's head.
    public init() {}
}

/// Open connections per client address, shared by every connection of the server.
final class ConnectionCounter: Sendable {
    private let open = Mutex<[String: Int]>([:])
    private let lastWarning = Mutex<ContinuousClock.Instant?>(nil)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The key a client is counted under: its IPv4 address, or the /64 prefix of its IPv6 one
    /// (a single subscriber holds a whole /64 and could rotate through it).
    static func key(of address: SocketAddress?) -> String {
        guard let address else { return "" }
        if case .v6(let v6) = address {
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            // An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) is that IPv4 address.
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                return bytes[12..<16].map(String.init).joined(separator: ".")
            }
            return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":") + "::/64"
        }
        return address.ipAddress ?? ""
    }

    /// Whether to log a refusal now: at most once a minute, so a flood is one line a minute.
    func shouldWarn() -> Bool {
        let now = ContinuousClock.now
        return lastWarning.withLock { last in
            if let last, now - last < .seconds(60) { return false }
            last = now
            return true
        }
    }

    /// Counts a connection from `address`, or answers `false` (and counts nothing) past the limit.
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            let count = open[address, default: 0]
            guard count < limit else { return false }
            open[address] = count + 1
            return true
        }
    }

    /// A connection from `address` closed.
    func release(_ address: String) {
        open.withLock { open in
            let count = open[address, default: 1] - 1
            open[address] = count > 0 ? count : nil
        }
    }

    /// Connections open from `address` (tests).
    func count(_ address: String) -> Int { open.withLock { $0[address, default: 0] } }
}

/// Hummingbird's HTTP/1 channel behind the two limits of ``ConnectionLimits``.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits
    let counter: ConnectionCounter

    init(responder: @escaping HTTPChannelHandler.Responder, idleTimeout: TimeAmount, limits: ConnectionLimits) {
        // An autoclosure: each connection gets its own watcher.
        inner = HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [RequestHeadWatcher()], idleTimeout: idleTimeout))
        self.limits = limits
        counter = ConnectionCounter(limit: limits.perAddress)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let exempt = channel.remoteAddress?.ipAddress.map(limits.exempt.contains) ?? false
        let key = ConnectionCounter.key(of: channel.remoteAddress)
        let admitted = exempt || counter.admit(key)
        if admitted, !exempt {
            channel.closeFuture.whenComplete { [counter] _ in counter.release(key) }
        }
        if !admitted {
            RosterMetrics.connectionRefused("per_address")
            if counter.shouldWarn() {
                logger.warning("connections from one address past its cap are closed as they arrive (one line a minute at most); a proxy in front of Roster? list it in ROSTER_TRUSTED_PROXIES",
                               metadata: ["address": "\(key)", "cap": "\(limits.perAddress)"])
            }
        }
        do {
            try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline(seconds: limits.requestHeadSeconds), position: .first)
        } catch {
            // NIO does not close a channel whose setup failed: closing it counts it out too.
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        // A refused connection is set up as any other, then closed before a byte of it is read.
        return inner.setup(channel: channel, logger: logger).map { value in
            if !admitted { channel.close(promise: nil) }
            return value
        }.flatMapErrorThrowing { error in
            channel.close(promise: nil)
            throw error
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// First in the pipeline, on the raw bytes: starts the clock when the first byte of a request
/// arrives while none is in progress; closes the connection if the request's head is not read in
/// time. ``RequestHeadWatcher``, behind the HTTP decoder, tells it when a head was read and when
/// the answer ended. A connection that sends nothing is the idle timeout's (clients open
/// connections ahead of their requests), and counts against its address's cap meanwhile.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// Requests whose head was read and whose end has not been: their body's bytes are no new head.
    fileprivate var reading = 0
    /// Requests whose head was read and whose answer has not ended.
    fileprivate var answering = 0
    private var inProgress: Bool { reading > 0 || answering > 0 }

    init(seconds: Int) { timeout = .seconds(Int64(seconds)) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !inProgress, timer == nil { arm(context) }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// A request's head was read.
    fileprivate func headRead() {
        reading += 1
        answering += 1
        disarm()
    }

    /// A request's end was read (an answer may have ended before: its body was drained).
    fileprivate func requestEnded() { reading = max(0, reading - 1) }

    /// A request's answer ended; once its request's end is read too, the next request's clock
    /// starts with its first byte.
    fileprivate func answerEnded() { answering = max(0, answering - 1) }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let channel = context.channel
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            if !inProgress {
                RosterMetrics.connectionRefused("request_head")
                channel.close(promise: nil)
            }
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// Behind the HTTP decoder: tells ``RequestHeadDeadline`` of each request's head and end read
/// and each answer's end.
final class RequestHeadWatcher: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadline: RequestHeadDeadline?

    func handlerAdded(context: ChannelHandlerContext) {
        deadline = try? context.pipeline.syncOperations.handler(type: RequestHeadDeadline.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadline?.headRead()
        case .end: deadline?.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { deadline?.answerEnded() }
        context.write(data, promise: promise)
    }
}
