import Foundation

/// The health of an event's Salesforce connection (S53: a lost connection is visible at once).
public enum ConnectionState: String, Sendable, Hashable, Codable {
    /// Never connected, or disconnected on purpose.
    case disconnected
    /// Tokens are held and were last accepted.
    case connected
    /// Salesforce refused the tokens (revoked app, refused refresh): a new login is needed.
    case broken
}

/// How the connection was made, which decides how an expired session is renewed.
public enum ConnectionFlow: String, Sendable, Hashable, Codable {
    /// OAuth web-server flow (the pop-up), renewed with its refresh token.
    case webServer
    /// OAuth client-credentials flow (headless), renewed by logging in again.
    case clientCredentials
}

/// What Roster shows of a connection; the tokens themselves stay encrypted in the store.
public struct SalesforceConnection: Sendable, Hashable {
    /// The connection's health, as Roster last saw it.
    public var state: ConnectionState
    /// How the connection was made; `nil` while disconnected.
    public var flow: ConnectionFlow?
    /// The org's instance, from the token response.
    public var instanceUrl: String?
    /// The Salesforce user the connector acts as.
    public var username: String?
    /// Why the connection is broken, in words.
    public var error: String?
    /// When the login that made the connection happened (renewals leave it); `nil` while
    /// disconnected.
    public var connectedAt: Date?

    /// Makes a connection view; the defaults describe one never connected.
    public init(state: ConnectionState = .disconnected, flow: ConnectionFlow? = nil, instanceUrl: String? = nil,
                username: String? = nil, error: String? = nil, connectedAt: Date? = nil) {
        self.state = state
        self.flow = flow
        self.instanceUrl = instanceUrl
        self.username = username
        self.error = error
        self.connectedAt = connectedAt
    }
}
