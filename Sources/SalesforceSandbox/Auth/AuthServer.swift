import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An OAuth 2.0 error as Salesforce's token endpoint answers it.
struct OAuthError: Error, Sendable {
    var error: String
    var description: String
    var status: Int = 400

    var json: JSONValue { .object(["error": .string(error), "error_description": .string(description)]) }

    static let invalidClientId = OAuthError(error: "invalid_client_id", description: "client identifier invalid")
    static let invalidClient = OAuthError(error: "invalid_client", description: "invalid client credentials")
    static let invalidCode = OAuthError(error: "invalid_grant", description: "invalid authorization code")
    static let authenticationFailure = OAuthError(error: "invalid_grant", description: "authentication failure")
    static let expiredToken = OAuthError(error: "invalid_grant", description: "expired access/refresh token")
    static let unsupportedGrant = OAuthError(error: "unsupported_grant_type", description: "grant type not supported")
}

/// What a sandbox's OAuth endpoints were asked, for tests and `GET /__sandbox/oauth`.
public struct OAuthCounts: Sendable, Equatable {
    /// Refresh grants answered.
    public var refreshes = 0
    /// Rotated refresh tokens presented again.
    public var reuses = 0
    /// Authorization codes presented for tokens (`grant_type=authorization_code`), answered or refused.
    public var codeExchanges = 0
    /// Revoke requests, whether the token was known or not.
    public var revocations = 0
}

/// The connected app, its tokens and authorization codes.
final class AuthServer: Sendable {
    fileprivate struct AccessToken {
        var refreshToken: String?
        var expiresAt: Int64
        var revoked = false
        /// The authorization the token descends from (its first refresh token), for rotation.
        var family: String?
    }

    /// A refresh token that works: its scope, and the authorization it descends from.
    fileprivate struct RefreshGrant {
        var scope: String
        var family: String
    }

    fileprivate struct Code {
        var redirectURI: String
        var codeChallenge: String?
        var scope: String
        var expiresAt: Int64
    }

    fileprivate struct State {
        var codes: [String: Code] = [:]
        var accessTokens: [String: AccessToken] = [:]
        var refreshTokens: [String: RefreshGrant] = [:]
        /// With rotation, refresh tokens already exchanged, by their family: presenting one again
        /// revokes the family.
        var usedRefreshTokens: [String: String] = [:]
        var counts = OAuthCounts()
    }

    /// What the token and revoke endpoints were asked since the start.
    var counts: OAuthCounts { state.read { $0.counts } }

    let configuration: SandboxConfiguration
    let userId: String
    private let state = ReadWriteLocked(State())
    private let clock: @Sendable () -> Int64

    init(configuration: SandboxConfiguration, userId: String, clock: @escaping @Sendable () -> Int64) {
        self.configuration = configuration
        self.userId = userId
        self.clock = clock
    }

    // MARK: Authorization codes

    /// Whether `redirectURI` is an allowed callback of the connected app.
    func isAllowedCallback(_ redirectURI: String) -> Bool {
        if configuration.callbackURLs.isEmpty {
            return redirectURI.hasPrefix("http://") || redirectURI.hasPrefix("https://")
        }
        return configuration.callbackURLs.contains(redirectURI)
    }

    /// Issues a one-time code, valid 15 minutes as Salesforce's are.
    func issueCode(redirectURI: String, codeChallenge: String?, scope: String) -> String {
        let code = "aPrx" + RandomText.alphanumeric(60)
        let expiresAt = clock() + 15 * 60 * 1000
        state.write {
            $0.codes[code] = Code(redirectURI: redirectURI, codeChallenge: codeChallenge, scope: scope, expiresAt: expiresAt)
        }
        return code
    }

    // MARK: Token endpoint

    /// Handles `POST /services/oauth2/token` for every supported grant type.
    func token(_ form: [String: String], baseURL: String) throws(OAuthError) -> JSONValue {
        let grant = form["grant_type"] ?? ""
        guard ["authorization_code", "refresh_token", "client_credentials", "password"].contains(grant) else {
            throw .unsupportedGrant
        }
        guard form["client_id"] == configuration.consumerKey else { throw .invalidClientId }
        switch grant {
        case "authorization_code":
            state.write { $0.counts.codeExchanges += 1 }
            guard form["client_secret"] == configuration.consumerSecret else { throw .invalidClient }
            let now = clock()
            let code = state.write { state -> Code? in
                // A code works once, even when the exchange then fails.
                guard let code = state.codes.removeValue(forKey: form["code"] ?? "") else { return nil }
                return code.expiresAt > now ? code : nil
            }
            guard let code else { throw .invalidCode }
            guard form["redirect_uri"] == code.redirectURI else {
                throw OAuthError(error: "redirect_uri_mismatch", description: "redirect_uri must match configuration")
            }
            if let challenge = code.codeChallenge {
                guard let verifier = form["code_verifier"], AuthServer.challenge(for: verifier) == challenge else {
                    throw OAuthError(error: "invalid_grant", description: "invalid code verifier")
                }
            }
            return issue(scope: code.scope, withRefreshToken: code.scope.split(separator: " ").contains("refresh_token"),
                         baseURL: baseURL)
        case "refresh_token":
            if let secret = form["client_secret"], secret != configuration.consumerSecret { throw .invalidClient }
            let token = form["refresh_token"] ?? ""
            guard configuration.refreshTokenRotation else {
                guard let grant = state.write({ state -> RefreshGrant? in
                    guard let grant = state.refreshTokens[token] else { return nil }
                    state.counts.refreshes += 1
                    return grant
                }) else { throw .expiredToken }
                return issue(scope: grant.scope, withRefreshToken: false, reusing: token, family: grant.family, baseURL: baseURL)
            }
            // Refresh token rotation: each refresh answers a new refresh token and uses the one
            // presented up; presenting a used one again revokes the whole family, access tokens too.
            let grant = state.write { state -> RefreshGrant? in
                if let family = state.usedRefreshTokens[token] {
                    state.counts.reuses += 1
                    state.revokeFamily(family)
                    return nil
                }
                guard let grant = state.refreshTokens.removeValue(forKey: token) else { return nil }
                state.usedRefreshTokens[token] = grant.family
                state.counts.refreshes += 1
                return grant
            }
            guard let grant else { throw .expiredToken }
            return issue(scope: grant.scope, withRefreshToken: true, family: grant.family, baseURL: baseURL)
        case "password":
            guard form["client_secret"] == configuration.consumerSecret else { throw .invalidClient }
            guard form["username"] == configuration.username, form["password"] == configuration.password else {
                throw .authenticationFailure
            }
            return issue(scope: "api", withRefreshToken: false, baseURL: baseURL)
        default:
            guard form["client_secret"] == configuration.consumerSecret else { throw .invalidClient }
            return issue(scope: "api", withRefreshToken: false, baseURL: baseURL)
        }
    }

    /// The PKCE S256 challenge of a verifier: base64url(SHA-256(verifier)) without padding.
    static func challenge(for verifier: String) -> String {
        let digest = SHA256.hash(data: Array(verifier.utf8))
        return Data(digest).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    func identityURL(baseURL: String) -> String { "\(baseURL)/id/\(SandboxOrg.organizationId)/\(userId)" }

    /// Mints an access token (and, when asked, a refresh token) and answers the token JSON.
    func issue(scope: String, withRefreshToken: Bool, reusing refresh: String? = nil, family: String? = nil, baseURL: String) -> JSONValue {
        let access = String(SandboxOrg.organizationId.prefix(15)) + "!AQ" + RandomText.alphanumeric(96)
        let refreshToken = withRefreshToken ? "5Aep" + RandomText.alphanumeric(83) : nil
        let issuedAt = clock()
        let lifetime = configuration.accessTokenLifetime.components
        let lifetimeMs = lifetime.seconds * 1000 + lifetime.attoseconds / 1_000_000_000_000_000
        let family = family ?? refreshToken
        state.write { state in
            state.accessTokens[access] = AccessToken(refreshToken: refreshToken ?? refresh, expiresAt: issuedAt + lifetimeMs, family: family)
            if let refreshToken, let family { state.refreshTokens[refreshToken] = RefreshGrant(scope: scope, family: family) }
        }
        let id = identityURL(baseURL: baseURL)
        let issuedText = String(issuedAt)
        var object: JSONObject = ["access_token": .string(access)]
        if let refreshToken { object["refresh_token"] = .string(refreshToken) }
        object["signature"] = .string(signature(id: id, issuedAt: issuedText))
        object["scope"] = .string(scope)
        object["instance_url"] = .string(baseURL)
        object["id"] = .string(id)
        object["token_type"] = "Bearer"
        object["issued_at"] = .string(issuedText)
        return .object(object)
    }

    /// Base64 HMAC-SHA256 of `id + issued_at` keyed with the consumer secret, as documented.
    func signature(id: String, issuedAt: String) -> String {
        let key = SymmetricKey(data: Array(configuration.consumerSecret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array((id + issuedAt).utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    // MARK: Sessions

    /// Whether a bearer token opens a session now.
    func isValid(_ token: String) -> Bool {
        let now = clock()
        return state.read { state in
            guard let entry = state.accessTokens[token] else { return false }
            return !entry.revoked && entry.expiresAt > now
        }
    }

    /// Revokes an access token, or a refresh token and every access token it minted (with
    /// rotation, every token of its family).
    func revoke(_ token: String) -> Bool {
        state.write { state in
            state.counts.revocations += 1
            if let grant = state.refreshTokens.removeValue(forKey: token) {
                for (key, value) in state.accessTokens where value.refreshToken == token {
                    state.accessTokens[key]?.revoked = true
                }
                if configuration.refreshTokenRotation { state.revokeFamily(grant.family) }
                return true
            }
            if state.accessTokens[token] != nil {
                state.accessTokens[token]?.revoked = true
                return true
            }
            return false
        }
    }

    /// Ends every session, as when the session timeout passes; refresh tokens keep working.
    func expireAccessTokens() {
        state.write { state in
            for key in state.accessTokens.keys { state.accessTokens[key]?.expiresAt = 0 }
        }
    }

    /// Revokes every refresh token (an admin revoking the connected app's access).
    func revokeRefreshTokens() {
        state.write { state in
            state.refreshTokens.removeAll()
            for key in state.accessTokens.keys where state.accessTokens[key]?.refreshToken != nil {
                state.accessTokens[key]?.revoked = true
            }
        }
    }
}

private extension AuthServer.State {
    /// Revokes every refresh and access token of an authorization: what Salesforce does when a
    /// rotated refresh token is presented a second time.
    mutating func revokeFamily(_ family: String) {
        refreshTokens = refreshTokens.filter { $0.value.family != family }
        for (key, value) in accessTokens where value.family == family { accessTokens[key]?.revoked = true }
    }
}
