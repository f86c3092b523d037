import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RosterServer
import RosterStore
import SalesforceClient
import SalesforceSandbox
import Testing

/// A running Roster on a fresh SQLite file and an ephemeral loopback port, built by the real
/// composition root, with one API token.
struct TestApp {
    let client: any TestClientProtocol
    let token: String
    /// The SQLite file behind the app.
    let databasePath: String
    /// The Salesforce sandbox, for tests that asked for one.
    let sandbox: RunningSandbox?

    /// Retries without long waits (the back-off is tested in the client's suite).
    static let fastRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))

    /// - Parameter salesforceHosts: what the connector may reach besides Salesforce (the sandbox's loopback address).
    /// - Parameter sandboxClock: the sandbox org's clock (milliseconds since 1970), when a test moves time by hand.
    /// - Parameter now: Roster's clock, when a test moves it by hand.
    static func run(withSandbox: Bool = false, sandboxClock: (@Sendable () -> Int64)? = nil, salesforceHosts: String = "127.0.0.1",
                    metricsToken: String? = nil, idleTimeout: Duration = .seconds(75), now: @escaping @Sendable () -> Date = Date.init,
                    role: ProcessRole = .all, configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
                    _ body: @escaping @Sendable (TestApp) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let url = DatabaseURL.sqlite(path: path)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let database = try RosterDatabase(url: url, logger: logger)
        try await Migrator(database: database, logger: logger).migrate()
        let token = try await TokenRepository(database: database).create(name: "tests")
        try await database.shutdown()

        var sandboxConfiguration = SandboxConfiguration()
        if let sandboxClock { sandboxConfiguration.clock = sandboxClock }
        let sandbox = withSandbox ? try await SalesforceSandbox.start(configuration: sandboxConfiguration) : nil
        var configuration = AppConfiguration(
            port: 0, database: url, logLevel: .warning, maxBodyBytes: 64 * 1024, salesforceRetry: fastRetry,
            salesforceHosts: try SalesforceHosts(parsing: salesforceHosts), metricsToken: metricsToken, idleTimeout: idleTimeout)
        configuration.role = role
        configure(&configuration)
        let app = try await buildApplication(configuration: configuration, now: now)
        do {
            try await app.test(.live) { client in
                try await body(TestApp(client: client, token: token, databasePath: path, sandbox: sandbox))
            }
        } catch {
            await sandbox?.shutdown()
            throw error
        }
        await sandbox?.shutdown()
    }

    /// Sends bytes with the token and a content type.
    func send(_ method: HTTPRequest.Method, _ uri: String, bytes: [UInt8], contentType: String) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = contentType
        return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// Sends a request with the token (or `as`, another token), JSON by default.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, body: String? = nil,
        contentType: String = "application/json", authorized: Bool = true, as other: String? = nil, language: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if authorized { headers[.authorization] = "Bearer \(other ?? token)" }
        if let language { headers[.acceptLanguage] = language }
        let text = json ?? body
        if text != nil { headers[.contentType] = contentType }
        return try await client.execute(uri: uri, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) })
    }

    /// Creates an event with a few custom fields; returns its id.
    func createEvent() async throws -> String {
        let response = try await send(.post, "/api/v1/events", json: """
            {"name": "Summit", "startsAt": "2026-12-01T09:00:00Z", "fields": [
              {"code": "size", "label": "T-shirt", "type": "selectList", "options": ["S", "M", "L"]},
              {"code": "age", "label": "Age", "type": "number"},
              {"code": "bio", "label": "Bio", "type": "text", "maxLength": 255},
              {"code": "day", "label": "Day", "type": "date"}]}
            """)
        #expect(response.status == .created)
        return try response.json()["id"] as! String
    }
}

extension TestResponse {
    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    /// The `error` object of the contract, checked to have its three keys.
    func apiError() throws -> (code: String, message: String, details: [[String: Any]]) {
        let error = try #require(try json()["error"] as? [String: Any])
        return (try #require(error["code"] as? String), try #require(error["message"] as? String), try #require(error["details"] as? [[String: Any]]))
    }
}
