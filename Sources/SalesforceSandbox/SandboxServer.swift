import Hummingbird
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A sandbox serving HTTP in the background of the current process (tests).
public struct RunningSandbox: Sendable {
    /// The sandbox, for control and inspection.
    public let sandbox: SalesforceSandbox
    /// `http://127.0.0.1:PORT`: both login host and instance URL.
    public let baseURL: String
    private let task: Task<Void, any Error>

    init(sandbox: SalesforceSandbox, baseURL: String, task: Task<Void, any Error>) {
        self.sandbox = sandbox
        self.baseURL = baseURL
        self.task = task
    }

    /// The bound port.
    public var port: Int { Int(baseURL.split(separator: ":").last ?? "0") ?? 0 }
    /// The configuration, credentials included.
    public var configuration: SandboxConfiguration { sandbox.configuration }
    /// The org, for direct state inspection and control.
    public var org: SandboxOrg { sandbox.org }

    /// Stops serving and waits until the port is released.
    public func shutdown() async {
        task.cancel()
        _ = try? await task.value
        try? sandbox.persist()
    }
}

extension SalesforceSandbox {
    /// Starts a sandbox on `configuration.host`/`port` (0: a free port) and returns once it accepts connections.
    public static func start(configuration: SandboxConfiguration = SandboxConfiguration()) async throws -> RunningSandbox {
        let sandbox = try SalesforceSandbox(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        // Stopping by cancellation makes the server log an error about its child channels; quiet it.
        var logger = Logger(label: "roster.sandbox")
        logger.logLevel = .critical
        let app = sandbox.makeApplication(logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard await iterator.next() != nil else {
            _ = try await task.value
            throw SalesforceError("SERVER_UNAVAILABLE", "the sandbox stopped before it was listening", status: 503)
        }
        return RunningSandbox(sandbox: sandbox, baseURL: sandbox.baseURL, task: task)
    }

    /// The Hummingbird application serving this sandbox; it is a `Service`, so it can join a
    /// `ServiceGroup` (e.g. `roster demo`). `onRunning` receives the bound port.
    public func makeApplication(
        logger: Logger = Logger(label: "roster.sandbox"), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = logger
        if logger.logLevel < .notice { logger.logLevel = .notice }
        let host = configuration.host
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
                self.setBoundURL("http://\(shownHost):\(port)")
                await onRunning(port)
            },
            logger: logger)
    }
}

/// Runs a sandbox until SIGTERM or SIGINT, printing how to reach it, one `name: value` a line:
/// `url`, `login_url`, `consumer_key`, `consumer_secret`, `username`, `password`, `api_version`,
/// `test_control`. This is what `roster sandbox` calls.
public func runSandbox(configuration: SandboxConfiguration) async throws {
    let sandbox = try SalesforceSandbox(configuration: configuration)
    let app = sandbox.makeApplication { _ in
        let url = sandbox.baseURL
        let lines = [
            ("url", url), ("login_url", url), ("consumer_key", configuration.consumerKey),
            ("consumer_secret", configuration.consumerSecret), ("username", configuration.username),
            ("password", configuration.password), ("api_version", SandboxDefaults.apiVersion),
            ("test_control", configuration.testControl ? "enabled" : "disabled"),
        ]
        for (name, value) in lines { print("\(name): \(value)") }
        // Scripts read these lines through a pipe, where stdout is block-buffered.
        fflush(nil)
    }
    try await app.runService()
    try sandbox.persist()
}
