import Foundation
import SalesforceClient
import SalesforceSandbox
import Testing

/// A started sandbox and a client logged in to it with the client-credentials flow.
struct LiveOrg {
    let running: RunningSandbox
    let http: SalesforceHTTPClient
    let app: OAuthApp

    var sandbox: SalesforceSandbox { running.sandbox }
    var org: SandboxOrg { running.org }

    /// Retries without long waits: the back-off itself is tested on its own.
    static let fastRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))

    static func run(_ configuration: SandboxConfiguration = SandboxConfiguration(), _ body: (LiveOrg) async throws -> Void) async throws {
        let running = try await SalesforceSandbox.start(configuration: configuration)
        let http = SalesforceHTTPClient()
        let live = LiveOrg(running: running, http: http,
                           app: OAuthApp(loginURL: running.baseURL, consumerKey: running.configuration.consumerKey,
                                         consumerSecret: running.configuration.consumerSecret))
        do {
            try await body(live)
        } catch {
            try? await http.shutdown()
            await running.shutdown()
            throw error
        }
        try await http.shutdown()
        await running.shutdown()
    }

    /// A client on a client-credentials session.
    func client(hooks: SalesforceClient.SessionHooks = .init()) async throws -> SalesforceClient {
        let tokens = try await OAuthClient(transport: http).clientCredentials(app: app)
        return SalesforceClient(app: app, tokens: tokens, renewal: .clientCredentials, transport: http, retry: Self.fastRetry, hooks: hooks)
    }
}

/// Collects what the session hooks report.
actor HookLog {
    var renewed: [SalesforceTokens] = []
    var broken: [SalesforceFailure] = []

    func add(renewed tokens: SalesforceTokens) { renewed.append(tokens) }
    func add(broken failure: SalesforceFailure) { broken.append(failure) }

    nonisolated var hooks: SalesforceClient.SessionHooks {
        .init(renewed: { await self.add(renewed: $0) }, broken: { await self.add(broken: $0) })
    }
}
