import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basics and the client's address (for the
/// sign-in throttle).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's own per-request state: the logger, the route's parameters and the like.
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection (Roster's own listener; a proxy in front of it shows as itself).
    public let remoteAddress: SocketAddress?

    /// Makes the context of a request, keeping its connection's peer address.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
