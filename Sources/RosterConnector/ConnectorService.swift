import Foundation
import Logging
import RosterCore
import RosterStore
import SalesforceClient

/// The Salesforce connector of each event: saving settings, connecting (both OAuth flows),
/// disconnecting, and handing out a client per connection that keeps renewed tokens and
/// reports a broken connection at once.
public final class ConnectorService: Sendable {
    /// Where the web-server flow sends the browser back.
    public static let callbackPath = "/oauth/salesforce/callback"

    let connectors: ConnectorRepository
    let states: OAuthStateRepository
    let participants: ParticipantRepository
    /// Every Salesforce request goes through it: nothing is sent to a host ``hosts`` refuses.
    let transport: any HTTPTransport
    /// The hosts a login URL and an instance URL may name.
    let hosts: SalesforceHosts
    let retry: RetryPolicy
    /// The connection gauge, and the trouble each event's calls meet.
    public let health: ConnectionHealth
    let logger: Logger
    let clients: ClientCache
    /// The events that were just connected (a login, a new client-credentials token), for the
    /// sync service, which resumes what waited for the connection at once.
    public let connections: AsyncStream<String>
    private let connected: AsyncStream<String>.Continuation

    /// Makes the service; every request goes through `transport` and only to hosts `hosts` allows,
    /// and failed requests are retried as `retry` says. What the calls meet is kept in `troubles`.
    public init(connectors: ConnectorRepository, states: OAuthStateRepository, participants: ParticipantRepository,
                transport: any HTTPTransport, hosts: SalesforceHosts, retry: RetryPolicy = RetryPolicy(), troubles: SyncTroubleRepository? = nil,
                logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.clients = ClientCache(now: now)
        self.connectors = connectors
        self.states = states
        self.participants = participants
        self.transport = HostCheckedTransport(transport, hosts: hosts)
        self.hosts = hosts
        self.retry = retry
        self.health = ConnectionHealth(logger: logger, troubles: troubles, now: now)
        self.logger = logger
        (connections, connected) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1_000))
    }

    /// Sets the health gauge of every connector from the store (at start).
    public func publishHealth() async throws {
        for (eventId, state) in try await connectors.connectionStates() { health.record(eventId: eventId, state: state) }
    }

    // MARK: Settings

    /// The event's connector, or the defaults when it was never configured; no secret is opened.
    public func view(eventId: String) async throws -> ConnectorSummary {
        try await connectors.summary(eventId: eventId) ?? ConnectorSummary()
    }

    /// The stored connector.
    func stored(eventId: String) async throws -> StoredConnector {
        guard let stored = try await connectors.find(eventId: eventId) else { throw ConnectorError.notConfigured(eventId: eventId) }
        return stored
    }

    /// The settings as a save stores them (login URL and consumer key trimmed).
    /// - Throws: ``ValidationFailure`` naming each setting that can't work.
    static func storable(_ settings: ConnectorSettings) throws(ValidationFailure) -> ConnectorSettings {
        var settings = settings
        settings.loginUrl = settings.loginUrl.trimmed()
        settings.consumerKey = settings.consumerKey.trimmed()
        let issues = settings.problems()
        guard issues.isEmpty else { throw ValidationFailure(issues) }
        return settings
    }

    /// Checks and saves settings. A changed campaign name forgets the resolved campaign Id.
    ///
    /// The consumer secret is bound to its Salesforce: changing the login URL or the consumer
    /// key without a new secret forgets the stored one, and a connection made with the old app
    /// (or the old secret) is revoked and dropped, so a secret is never sent to a host other than the one it was
    /// entered for.
    ///
    /// - Parameter consumerSecret: a new secret, or `nil` to keep the stored one.
    /// - Throws: ``ValidationFailure`` naming each bad setting (a login URL on a host not allowed too).
    public func save(eventId: String, settings: ConnectorSettings, consumerSecret: String?) async throws -> ConnectorSummary {
        var settings = try Self.storable(settings)
        if let consumerSecret, let issue = ParticipantRules.controlCharacterIssue(consumerSecret.trimmed(), field: "consumerSecret") {
            throw ValidationFailure([issue])
        }
        if let refusal = hosts.refusal(settings.loginUrl) {
            throw ValidationFailure([.init(field: "loginUrl", message: "\(refusal); use https://login.salesforce.com, https://test.salesforce.com or your My Domain")])
        }
        let current = try await connectors.find(eventId: eventId)
        if let current, current.settings.campaignName == settings.campaignName, settings.campaignId == nil {
            settings.campaignId = current.settings.campaignId
        }
        if current?.settings.campaignName != settings.campaignName { settings.campaignId = nil }
        let secret = consumerSecret.map { $0.trimmed() }.flatMap { $0.isEmpty ? nil : $0 }
        let appMoved = current.map { $0.settings.loginUrl != settings.loginUrl || $0.settings.consumerKey != settings.consumerKey } ?? false
        // A new secret ends the connection made with the old one too (the repository drops it):
        // its tokens are revoked, not left valid at Salesforce (issue 34).
        let secretChanged = current.map { secret != nil && secret != $0.consumerSecret } ?? false
        if appMoved || secretChanged, let current, current.connection.state != .disconnected {
            // Revoked with the app and host it was made with, before they are forgotten.
            await revokeTokens(of: current)
        }
        let saved = try await connectors.save(eventId: eventId, settings: settings, consumerSecret: secret, forgetSecret: appMoved && secret == nil)
        // A client (and its describe cache) lives as long as its app, host and API version do.
        if current.map({ $0.settings.loginUrl != settings.loginUrl || $0.settings.consumerKey != settings.consumerKey
                            || $0.settings.apiVersion != settings.apiVersion || (secret != nil && secret != $0.consumerSecret) }) ?? true {
            await clients.forget(eventId)
        }
        health.record(eventId: eventId, state: saved.connection.state)
        return Self.view(saved)
    }

    static func view(_ stored: StoredConnector) -> ConnectorSummary {
        ConnectorSummary(settings: stored.settings, consumerSecretSet: stored.consumerSecret != nil, connection: stored.connection)
    }

    // MARK: Connecting

    /// The connected app of the stored settings, or the setting that is missing or refused.
    func app(of stored: StoredConnector) throws(ConnectorError) -> OAuthApp {
        if let refusal = hosts.refusal(stored.settings.loginUrl) {
            throw .missingSetting(field: "loginUrl", message: "\(refusal); use https://login.salesforce.com, https://test.salesforce.com or your My Domain")
        }
        guard !stored.settings.consumerKey.isEmpty else {
            throw .missingSetting(field: "consumerKey", message: "enter the consumer key of your Salesforce connected app first")
        }
        guard let secret = stored.consumerSecret else {
            throw .missingSetting(field: "consumerSecret", message: "enter the consumer secret of your Salesforce connected app first")
        }
        return OAuthApp(loginURL: stored.settings.loginUrl, consumerKey: stored.settings.consumerKey, consumerSecret: secret)
    }

    /// Connects with the client-credentials flow (headless): at once, no browser.
    public func connectWithClientCredentials(eventId: String) async throws -> ConnectorSummary {
        let stored = try await stored(eventId: eventId)
        let app = try app(of: stored)
        let oauth = OAuthClient(transport: transport)
        do {
            let tokens = try await oauth.clientCredentials(app: app)
            try await finishConnecting(eventId: eventId, flow: .clientCredentials, tokens: tokens, app: app)
        } catch let failure as SalesforceFailure {
            throw ConnectorError.salesforce(failure)
        }
        return try await view(eventId: eventId)
    }

    /// Starts the web-server flow: remembers a single-use `state` (10 minutes) and the PKCE
    /// verifier, and answers the login page to open in the pop-up.
    ///
    /// - Parameter baseURL: Roster's own URL as the browser reaches it (`http://127.0.0.1:8080`).
    public func beginWebServerLogin(eventId: String, baseURL: String, userId: String? = nil) async throws -> String {
        let stored = try await stored(eventId: eventId)
        let app = try app(of: stored)
        let pkce = PKCE.generate()
        let state = PKCE.randomToken()
        let redirect = Self.redirectURI(baseURL: baseURL)
        try await states.create(state: state, PendingAuthorization(eventId: eventId, userId: userId, codeVerifier: pkce.verifier,
                                                                   redirectUri: redirect, appFingerprint: Self.fingerprint(of: app)))
        return OAuthClient.authorizeURL(app: app, redirectURI: redirect, state: state, pkce: pkce)
    }

    /// `…/oauth/salesforce/callback` under Roster's URL.
    public static func redirectURI(baseURL: String) -> String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + callbackPath
    }

    /// Finishes the web-server flow from the callback's `code` and `state`.
    ///
    /// - Parameter userId: the signed-in user, when the state was bound to one.
    /// - Returns: the event the login was for.
    /// - Throws: ``ConnectorError/invalidState`` for an unknown, expired, replayed or foreign state
    ///   (a login begun by another user is left for them to finish);
    ///   ``ConnectorError/loginSettingsChanged`` when the login URL, key or secret changed since.
    public func completeWebServerLogin(code: String, state: String, userId: String? = nil) async throws -> String {
        guard let pending = try await states.consume(state: state, userId: userId) else { throw ConnectorError.invalidState }
        let stored = try await stored(eventId: pending.eventId)
        let app = try app(of: stored)
        guard Self.fingerprint(of: app) == pending.appFingerprint else { throw ConnectorError.loginSettingsChanged }
        do {
            let tokens = try await OAuthClient(transport: transport).exchange(code: code, app: app, redirectURI: pending.redirectUri, verifier: pending.codeVerifier)
            try await finishConnecting(eventId: pending.eventId, flow: .webServer, tokens: tokens, app: app)
        } catch let failure as SalesforceFailure {
            throw ConnectorError.salesforce(failure)
        }
        return pending.eventId
    }

    /// Remembers the campaign's Id found for the settings' name, so later syncs need not look it up.
    public func rememberCampaign(eventId: String, campaignId: String, forName name: String) async throws {
        try await connectors.setCampaignId(eventId: eventId, campaignId: campaignId, forName: name)
    }

    /// Uses up a state whose login was declined or failed at Salesforce (one `userId` began).
    public func abandonWebServerLogin(state: String, userId: String? = nil) async throws {
        _ = try await states.consume(state: state, userId: userId)
    }

    private static func fingerprint(of app: OAuthApp) -> String {
        PendingAuthorization.fingerprint(loginUrl: app.loginURL, consumerKey: app.consumerKey, consumerSecret: app.consumerSecret)
    }

    private func finishConnecting(eventId: String, flow: ConnectionFlow, tokens: SalesforceTokens, app: OAuthApp) async throws {
        // The instance comes from Salesforce's answer: it must be a host requests may go to too.
        if let refusal = hosts.refusal(tokens.instanceURL) { throw SalesforceFailure.hostNotAllowed("the instance_url: \(refusal)") }
        let username = try? await connectedUsername(tokens, app: app)
        try await connectors.connect(eventId: eventId, flow: flow, instanceUrl: tokens.instanceURL, username: username,
                                     accessToken: tokens.accessToken, refreshToken: tokens.refreshToken)
        await clients.forget(eventId)
        health.record(eventId: eventId, state: .connected)
        connected.yield(eventId)
        logger.info("connected to Salesforce", metadata: ["event": "\(eventId)", "flow": "\(flow.rawValue)", "instance": "\(tokens.instanceURL)"])
    }

    /// The connected user's Username, for the screen: their Id ends the identity URL Salesforce
    /// answers with the tokens (`…/id/<org>/<user>`), and the User record is read through the REST
    /// API, so the app needs no `id` scope (the identity service would) — one API call per login.
    private func connectedUsername(_ tokens: SalesforceTokens, app: OAuthApp) async throws -> String? {
        guard let userId = tokens.identityURL?.split(separator: "/").last.map(String.init), [15, 18].contains(userId.count),
              userId.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        let client = SalesforceClient(app: app, tokens: tokens, renewal: .none, transport: transport, retry: retry, logger: logger)
        return try await client.queryAll(SOQL.select(["Username"], from: "User", where: .equals("Id", userId), limit: 1)).first?["Username"]?.stringValue
    }

    /// Revokes the tokens at Salesforce and forgets them.
    public func disconnect(eventId: String) async throws -> ConnectorSummary {
        // Nothing saved is nothing connected: the answer is the same as for a connector already
        // disconnected (DELETE is idempotent), the view with the default settings.
        guard let stored = try await connectors.find(eventId: eventId) else { return try await view(eventId: eventId) }
        await revokeTokens(of: stored)
        try await connectors.disconnect(eventId: eventId)
        await clients.forget(eventId)
        health.record(eventId: eventId, state: .disconnected)
        return try await view(eventId: eventId)
    }

    /// Revokes the connection's tokens at Salesforce; a failure is logged, since the tokens are
    /// forgotten anyway.
    private func revokeTokens(of stored: StoredConnector) async {
        guard let app = try? app(of: stored), let token = stored.refreshToken ?? stored.accessToken else { return }
        do { try await OAuthClient(transport: transport).revoke(token: token, app: app) }
        catch { logger.warning("could not revoke the Salesforce token; forgetting it anyway", metadata: ["event": "\(stored.eventId)", "error": "\(error)"]) }
    }

    // MARK: The client

    /// A client for the event's connection, made once and kept while the connection lasts.
    ///
    /// - Throws: ``ConnectorError/notConnected(_:)`` when there is no working connection.
    ///
    /// The stored connection is read each time: a login or a disconnection another process made
    /// (a web process, while this one syncs) ends this process's client for the old connection.
    public func client(eventId: String) async throws -> any SalesforceAPI {
        let stored = try await stored(eventId: eventId)
        let connection = stored.connection.state == .connected ? stored.connection.connectedAt : nil
        return try await clients.client(for: eventId, connection: connection) { try self.makeClient(stored) }
    }

    /// The client for `connection`, as the caller just read it (under the event's lease, so a
    /// disconnection or a new login another process made shows there): the kept one, or (made
    /// with the stored connection, its secrets opened only then) a new one.
    public func client(eventId: String, connection: SalesforceConnection) async throws -> any SalesforceAPI {
        if connection.state == .connected, let connectedAt = connection.connectedAt,
           let kept = await clients.kept(for: eventId, connection: connectedAt) {
            return kept
        }
        return try await client(eventId: eventId)
    }

    private func makeClient(_ stored: StoredConnector) throws -> SalesforceClient {
        let eventId = stored.eventId
        switch stored.connection.state {
        case .disconnected: throw ConnectorError.notConnected("the event is not connected to Salesforce; log in to Salesforce first")
        case .broken: throw ConnectorError.notConnected("the Salesforce connection is broken (\(stored.connection.error ?? "token refused")); log in to Salesforce again")
        case .connected: break
        }
        let app = try app(of: stored)
        guard let access = stored.accessToken, let instance = stored.connection.instanceUrl else {
            throw ConnectorError.notConnected("the Salesforce connection has no token; log in to Salesforce again")
        }
        let connectors = self.connectors
        let health = self.health
        let clients = self.clients
        let connectedAt = stored.connection.connectedAt
        let clientCredentials = stored.connection.flow == .clientCredentials
        // Every process renews through the stored connection, one at a time: the tokens another
        // renewed meanwhile are taken as they are (with Refresh Token Rotation, a refresh token
        // presented twice revokes the connection), and what Salesforce answers is kept at once.
        let oauth = OAuthClient(transport: transport)
        let renewal: SalesforceClient.Renewal = !clientCredentials && stored.refreshToken == nil ? .none : .delegated { stale in
            let renewed = try await connectors.renew(eventId: eventId, connectedAt: connectedAt, stale: stale.accessToken) { refresh in
                let fresh: SalesforceTokens
                if clientCredentials {
                    fresh = try await oauth.clientCredentials(app: app)
                } else if let refresh {
                    fresh = try await oauth.refresh(refreshToken: refresh, app: app)
                } else {
                    throw SalesforceFailure.connectionBroken("the connection has no refresh token; log in to Salesforce again")
                }
                return .init(accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, instanceUrl: fresh.instanceURL)
            }
            return SalesforceTokens(accessToken: renewed.accessToken, refreshToken: renewed.refreshToken, instanceURL: renewed.instanceUrl)
        }
        let hooks = SalesforceClient.SessionHooks(
            broken: { failure in
                // The bare reason: the screen and the check already say the connection is broken.
                let reason = if case .connectionBroken(let why) = failure { why } else { failure.description }
                try? await connectors.markBroken(eventId: eventId, connectedAt: connectedAt, error: reason)
                await clients.forget(eventId)
                health.broke(eventId: eventId, reason: reason)
            },
            attempted: { attempt in await health.attempted(eventId: eventId, attempt) }
        )
        return SalesforceClient(app: app, tokens: SalesforceTokens(accessToken: access, refreshToken: stored.refreshToken, instanceURL: instance),
                                renewal: renewal, apiVersion: stored.settings.apiVersion, transport: transport, retry: retry, hooks: hooks,
                                logger: logger)
    }
}

/// One client per event's connection, with what the screens read through it.
actor ClientCache {
    private let now: @Sendable () -> Date
    private var clients: [String: (client: any SalesforceAPI, reads: ScreenReads, connection: Date?)] = [:]

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The client kept for the event's connection made at `connection` (`nil`: none is
    /// connected), or a new one from `make`; a client of another connection is dropped.
    func client(for eventId: String, connection: Date?, make: () throws -> any SalesforceAPI) throws -> any SalesforceAPI {
        if let connection, let kept = kept(for: eventId, connection: connection) { return kept }
        clients[eventId] = nil
        let client = try make()
        clients[eventId] = (client, ScreenReads(now: now), connection)
        return client
    }

    /// The client kept for the event's connection made at `connection`, if there is one.
    func kept(for eventId: String, connection: Date) -> (any SalesforceAPI)? {
        guard let kept = clients[eventId], kept.connection == connection else { return nil }
        return kept.client
    }

    /// The screens' kept answers for the connection `client` belongs to; fresh ones for a
    /// client this cache no longer holds (its connection just ended).
    func reads(for eventId: String, client: any SalesforceAPI) -> ScreenReads {
        if let kept = clients[eventId], kept.client === client { return kept.reads }
        return ScreenReads(now: now)
    }

    func forget(_ eventId: String) { clients[eventId] = nil }
}
