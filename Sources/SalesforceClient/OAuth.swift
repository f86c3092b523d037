import Crypto
import Foundation

/// A Salesforce connected app and the login host it is used on.
public struct OAuthApp: Sendable, Hashable {
    /// `https://login.salesforce.com`, `https://test.salesforce.com`, a My Domain, or a sandbox's URL.
    public var loginURL: String
    /// The connected app's consumer key (`client_id`).
    public var consumerKey: String
    /// The connected app's consumer secret (`client_secret`).
    public var consumerSecret: String

    /// Makes an app; a trailing `/` on `loginURL` is dropped.
    public init(loginURL: String, consumerKey: String, consumerSecret: String) {
        self.loginURL = loginURL.hasSuffix("/") ? String(loginURL.dropLast()) : loginURL
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
    }
}

/// What the token endpoint answers. There is no `expires_in`: an expired access token shows as
/// 401 `INVALID_SESSION_ID` (OAuth 2.0 web server flow, token response).
public struct SalesforceTokens: Sendable, Hashable, Codable {
    /// The bearer token REST calls send in `Authorization` (`access_token`).
    public var accessToken: String
    /// Only when the scopes grant one (`refresh_token`); the client-credentials flow has none.
    public var refreshToken: String?
    /// Where REST calls go: always from the token response, never guessed from the login host.
    public var instanceURL: String
    /// The identity URL (`https://login…/id/00D…/005…`).
    public var identityURL: String?
    /// When the token was issued, as Salesforce writes it: milliseconds since 1970, as text
    /// (`issued_at`).
    public var issuedAt: String?
    /// The scopes granted, space-separated (`scope`); `nil` when the answer leaves them out.
    public var scope: String?

    /// Makes tokens; a trailing `/` on `instanceURL` is dropped.
    public init(accessToken: String, refreshToken: String? = nil, instanceURL: String, identityURL: String? = nil,
                issuedAt: String? = nil, scope: String? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.instanceURL = instanceURL.hasSuffix("/") ? String(instanceURL.dropLast()) : instanceURL
        self.identityURL = identityURL
        self.issuedAt = issuedAt
        self.scope = scope
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", instanceURL = "instance_url"
        case identityURL = "id", issuedAt = "issued_at", scope
    }
}

/// A PKCE pair (RFC 7636): the verifier stays with Roster, the S256 challenge goes to the
/// authorize page.
public struct PKCE: Sendable, Hashable {
    /// The secret Roster keeps and sends with the code exchange (`code_verifier`).
    public let verifier: String
    /// The S256 challenge of `verifier`, for the authorize URL (`code_challenge`).
    public var challenge: String { Self.challenge(for: verifier) }

    /// Makes a pair from an existing verifier; ``generate()`` makes a fresh one.
    public init(verifier: String) { self.verifier = verifier }

    /// A fresh verifier: 32 random bytes, base64url (43 characters).
    public static func generate() -> PKCE {
        var random = SystemRandomNumberGenerator()
        return PKCE(verifier: base64URL((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }))
    }

    /// base64url(SHA-256(verifier)) without padding.
    public static func challenge(for verifier: String) -> String {
        base64URL(Array(SHA256.hash(data: Array(verifier.utf8))))
    }

    /// Random text for OAuth `state` values.
    public static func randomToken(bytes: Int = 32) -> String {
        var random = SystemRandomNumberGenerator()
        return base64URL((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The OAuth 2.0 flows the connector uses: web server with PKCE, client credentials, refresh,
/// revoke, and the identity lookup.
public struct OAuthClient: Sendable {
    /// What the connector asks for: REST access and a refresh token that outlives the session.
    public static let scopes = "api refresh_token offline_access"

    let transport: any HTTPTransport
    let timeout: Duration

    /// Makes a client that sends through `transport`, allowing each request `timeout`.
    public init(transport: any HTTPTransport, timeout: Duration = .seconds(30)) {
        self.transport = transport
        self.timeout = timeout
    }

    /// The login page to open in the pop-up.
    public static func authorizeURL(app: OAuthApp, redirectURI: String, state: String, pkce: PKCE, scopes: String = scopes) -> String {
        let query = FormEncoding.encode([
            ("response_type", "code"), ("client_id", app.consumerKey), ("redirect_uri", redirectURI),
            ("scope", scopes), ("state", state), ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
        ])
        return "\(app.loginURL)/services/oauth2/authorize?\(query)"
    }

    /// Exchanges the callback's code (with the PKCE verifier) for tokens.
    public func exchange(code: String, app: OAuthApp, redirectURI: String, verifier: String) async throws(SalesforceFailure) -> SalesforceTokens {
        try await token(app, [
            ("grant_type", "authorization_code"), ("code", code), ("client_id", app.consumerKey),
            ("client_secret", app.consumerSecret), ("redirect_uri", redirectURI), ("code_verifier", verifier),
        ])
    }

    /// Logs in as the connected app's run-as user (client-credentials flow, for headless use).
    public func clientCredentials(app: OAuthApp) async throws(SalesforceFailure) -> SalesforceTokens {
        try await token(app, [("grant_type", "client_credentials"), ("client_id", app.consumerKey), ("client_secret", app.consumerSecret)])
    }

    /// A new access token from a refresh token. The refresh token itself stays the same.
    public func refresh(refreshToken: String, app: OAuthApp) async throws(SalesforceFailure) -> SalesforceTokens {
        var tokens = try await token(app, [
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", app.consumerKey),
            ("client_secret", app.consumerSecret),
        ])
        if tokens.refreshToken == nil { tokens.refreshToken = refreshToken }
        return tokens
    }

    /// Revokes a token (a refresh token revokes the access tokens it minted too).
    public func revoke(token: String, app: OAuthApp) async throws(SalesforceFailure) {
        let reply = try await post("\(app.loginURL)/services/oauth2/revoke", [("token", token)])
        // 400 `unsupported_token_type` is Salesforce's answer for a token already gone: the goal is met.
        guard reply.status == 200 || reply.status == 400 else { throw Self.oauthFailure(reply) }
    }


    private func token(_ app: OAuthApp, _ form: [(String, String)]) async throws(SalesforceFailure) -> SalesforceTokens {
        let reply = try await post("\(app.loginURL)/services/oauth2/token", form)
        guard reply.status == 200 else { throw Self.oauthFailure(reply) }
        return try SalesforceJSON.decode(SalesforceTokens.self, from: reply.body, what: "token")
    }

    private func post(_ url: String, _ form: [(String, String)]) async throws(SalesforceFailure) -> HTTPReply {
        let exchange = HTTPExchange(method: "POST", url: url, headers: [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
        ], body: Array(FormEncoding.encode(form).utf8))
        do { return try await transport.send(exchange, timeout: timeout) }
        catch { throw Self.failure(error, "the login host \(url)") }
    }

    static func failure(_ error: TransportFailure, _ what: String) -> SalesforceFailure {
        switch error {
        case .hostNotAllowed(let why): .hostNotAllowed(why)
        case .notSent(let reason), .noAnswer(let reason): .unreachable("\(what): \(reason)")
        }
    }

    static func oauthFailure(_ reply: HTTPReply) -> SalesforceFailure {
        struct Body: Decodable {
            var error: String
            var error_description: String?
        }
        if let body = try? JSONDecoder().decode(Body.self, from: Data(reply.body)) {
            return .oauth(status: reply.status, error: body.error, description: body.error_description ?? "")
        }
        // Not Salesforce's OAuth error JSON: say so, without echoing what the host sent.
        return .oauth(status: reply.status, error: "http_\(reply.status)",
                      description: "the login host answered HTTP \(reply.status) without an OAuth error; is the login URL a Salesforce login host?")
    }
}
