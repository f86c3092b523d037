import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// One HTTP exchange, the only thing the client needs from the network.
public struct HTTPExchange: Sendable {
    /// The HTTP method, e.g. `GET` or `PATCH`.
    public var method: String
    /// The absolute URL, scheme and host included.
    public var url: String
    /// Request headers as name–value pairs, in order; a name may repeat.
    public var headers: [(String, String)]
    /// The request body, or `nil` for none.
    public var body: [UInt8]?

    /// Makes an exchange from its parts.
    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What came back.
public struct HTTPReply: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers as name–value pairs, in the order received.
    public var headers: [(String, String)]
    /// The response body, decompressed; empty when there was none.
    public var body: [UInt8]

    /// Makes a reply from its parts.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header of that name, in any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Why an exchange got no answer.
public enum TransportFailure: Error, Sendable {
    /// The connection could not be opened: nothing was sent.
    case notSent(String)
    /// The request may have reached the server, but no (complete) answer came back.
    case noAnswer(String)
    /// The host is not one requests may go to (``SalesforceHosts``): nothing was sent.
    case hostNotAllowed(String)
}

/// The network seam: the live implementation is AsyncHTTPClient; a test can put anything here.
public protocol HTTPTransport: Sendable {
    func send(_ exchange: HTTPExchange, timeout: Duration) async throws(TransportFailure) -> HTTPReply
}

/// The shared AsyncHTTPClient, as a `Service`: it lives as long as the application and is shut
/// down after the services that use it have stopped.
public final class SalesforceHTTPClient: HTTPTransport, Service {
    let client: HTTPClient
    /// The largest response body read (describe results of big orgs run to a few MB).
    let maxBodyBytes: Int

    /// Makes the client: 10 s to connect, 120 s to read, no redirects followed, and at most
    /// `maxBodyBytes` (64 MiB by default) read of each response body.
    public init(maxBodyBytes: Int = 64 << 20) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        configuration.decompression = .enabled(limit: .ratio(50))
        // Salesforce answers 302 on some login hosts; the client reads Location itself where it must.
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
    }

    /// Waits for the service group's graceful shutdown, then closes the connections.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Closes the connections; for commands and tests that run without a service group.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Sends the exchange, with `timeout` rounded down to whole seconds (at least one).
    /// - Throws: ``TransportFailure/notSent(_:)`` when the connection could not be opened,
    ///   ``TransportFailure/noAnswer(_:)`` for any later failure, a body over `maxBodyBytes` included.
    public func send(_ exchange: HTTPExchange, timeout: Duration) async throws(TransportFailure) -> HTTPReply {
        var request = HTTPClientRequest(url: exchange.url)
        request.method = HTTPMethod(rawValue: exchange.method)
        for (name, value) in exchange.headers { request.headers.add(name: name, value: value) }
        if let body = exchange.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let seconds = timeout.components.seconds
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(max(1, seconds)))
        } catch {
            // Only a failure to connect proves nothing was sent; anything later may have reached Salesforce.
            if Self.isConnectFailure(error) { throw .notSent(String(describing: error)) }
            throw .noAnswer(String(describing: error))
        }
        do {
            var body = try await response.body.collect(upTo: maxBodyBytes)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return HTTPReply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
        } catch {
            throw .noAnswer("the response was cut off: \(error)")
        }
    }

    private static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if error is NIOConnectionError { return true }
        let text = String(describing: error)
        return text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("connect(descriptor:")
    }
}
