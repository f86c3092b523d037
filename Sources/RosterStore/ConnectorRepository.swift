import Foundation
import RosterCore
import SQLKit

/// An event's connector as stored: settings, connection, and the secrets opened.
public struct StoredConnector: Sendable, Hashable {
    /// The event the connector belongs to; each event has at most one.
    public var eventId: String
    /// The connector's settings as last saved.
    public var settings: ConnectorSettings
    /// The connection's state, flow, instance and user; never the tokens.
    public var connection: SalesforceConnection
    /// The consumer secret in clear, when one was saved.
    public var consumerSecret: String?
    /// The access token in clear; `nil` when disconnected (a broken connection keeps it).
    public var accessToken: String?
    /// The refresh token in clear; `nil` when disconnected or when the flow gives none.
    public var refreshToken: String?
}

/// A connector as its settings page and the participant answers read it: no secret opened.
public struct ConnectorSummary: Sendable, Hashable {
    /// The connector's settings as last saved; the defaults when none were.
    public var settings: ConnectorSettings
    /// Whether a consumer secret is saved; the secret itself is never shown.
    public var consumerSecretSet: Bool
    /// The connection's state, flow, instance and user; never the tokens.
    public var connection: SalesforceConnection

    /// Makes a summary from its parts; the defaults are a connector never saved.
    public init(settings: ConnectorSettings = ConnectorSettings(), consumerSecretSet: Bool = false, connection: SalesforceConnection = SalesforceConnection()) {
        self.settings = settings
        self.consumerSecretSet = consumerSecretSet
        self.connection = connection
    }
}

/// Stores connector settings and connections. Secrets are sealed with ``SecretBox`` before they
/// reach the database and opened on the way out; nothing else ever sees them sealed or not.
public struct ConnectorRepository: Sendable {
    let database: RosterDatabase
    let secrets: SecretBox
    let now: @Sendable () -> Date

    /// Connectors in `database`; `secrets` seals and opens their secrets, `now` stamps changes.
    public init(database: RosterDatabase, secrets: SecretBox, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.secrets = secrets
        self.now = now
    }

    /// The event's connector, or `nil` when it was never configured.
    public func find(eventId: String) async throws -> StoredConnector? {
        guard let row = try await database.reader.select().column("*").from("salesforce_connectors")
            .where("event_id", .equal, eventId).first()
        else { return nil }
        return try connector(from: row)
    }

    /// The event's connector without its secrets, or `nil` when it was never configured: one
    /// row, and no secret read or opened (a participant's answer reads the exclusions from it).
    public func summary(eventId: String) async throws -> ConnectorSummary? {
        guard let row = try await database.reader.select()
            .columns("settings_json", "connection_state", "flow", "instance_url", "username", "connection_error", "connected_at")
            .column(SQLAlias(SQLRaw("consumer_secret IS NOT NULL"), as: SQLIdentifier("secret_set")))
            .from("salesforce_connectors").where("event_id", .equal, eventId).first()
        else { return nil }
        return ConnectorSummary(settings: try Self.settings(from: row), consumerSecretSet: try row.decode(column: "secret_set", as: Bool.self),
                                connection: try Self.connection(from: row))
    }

    /// The connection state of every configured connector (for the health metric at start).
    public func connectionStates() async throws -> [(eventId: String, state: ConnectionState)] {
        try await database.reader.select().columns("event_id", "connection_state").from("salesforce_connectors").all().map {
            (try $0.decode(column: "event_id", as: String.self),
             ConnectionState(rawValue: try $0.decode(column: "connection_state", as: String.self)) ?? .disconnected)
        }
    }

    /// Saves settings. `consumerSecret` `nil` keeps the stored one. When the login host or
    /// the connected app changes, the old tokens belong to another app or org: they are
    /// dropped and the connection starts over as disconnected.
    @discardableResult
    ///
    /// - Parameter forgetSecret: drop the stored consumer secret (when `consumerSecret` is `nil`):
    ///   a secret belongs to one login URL and consumer key.
    public func save(eventId: String, settings: ConnectorSettings, consumerSecret: String?, forgetSecret: Bool = false) async throws -> StoredConnector {
        let time = StoreTime.millis(now())
        let settingsJSON = try StoreJSON.encode(settings)
        return try await database.transaction { db in
            let current = try await db.select().column("*").from("salesforce_connectors").where("event_id", .equal, eventId).first()
                .map(self.connector(from:))
            let sealedSecret = try consumerSecret.map { try self.secrets.seal($0, context: Self.context(eventId, "consumer_secret")) }
            guard let current else {
                try await db.insert(into: "salesforce_connectors")
                    .columns("event_id", "settings_json", "consumer_secret", "connection_state", "updated_at")
                    .values(SQLBind(eventId), SQLBind(settingsJSON), SQLBind(sealedSecret), SQLBind(ConnectionState.disconnected.rawValue), SQLBind(time))
                    .run()
                return StoredConnector(eventId: eventId, settings: settings, connection: SalesforceConnection(), consumerSecret: consumerSecret)
            }
            let appChanged = current.settings.loginUrl != settings.loginUrl || current.settings.consumerKey != settings.consumerKey
                || (consumerSecret != nil && consumerSecret != current.consumerSecret)
            let update = db.update("salesforce_connectors").set("settings_json", to: settingsJSON).set("updated_at", to: time)
            if let sealedSecret { update.set("consumer_secret", to: sealedSecret) }
            var result = current
            result.settings = settings
            if let consumerSecret {
                result.consumerSecret = consumerSecret
            } else if forgetSecret {
                update.set("consumer_secret", to: SQLLiteral.null)
                result.consumerSecret = nil
            }
            if appChanged && current.connection.state != .disconnected {
                Self.clearConnection(update)
                result.connection = SalesforceConnection()
                result.accessToken = nil
                result.refreshToken = nil
            }
            try await update.where("event_id", .equal, eventId).run()
            return result
        }
    }

    /// Records a new connection with its tokens.
    public func connect(eventId: String, flow: ConnectionFlow, instanceUrl: String, username: String?, accessToken: String, refreshToken: String?) async throws {
        try await database.writer.update("salesforce_connectors")
            .set("flow", to: flow.rawValue)
            .set("access_token", to: try secrets.seal(accessToken, context: Self.context(eventId, "access_token")))
            .set("refresh_token", to: try refreshToken.map { try secrets.seal($0, context: Self.context(eventId, "refresh_token")) })
            .set("instance_url", to: instanceUrl).set("username", to: username)
            .set("connection_state", to: ConnectionState.connected.rawValue).set(SQLIdentifier("connection_error"), to: SQLLiteral.null)
            .set("connected_at", to: StoreTime.millis(now())).set("updated_at", to: StoreTime.millis(now()))
            .where("event_id", .equal, eventId).run()
    }

    /// The tokens a renewal gives: the access token, the refresh token when Salesforce answered
    /// one (with Refresh Token Rotation, a new one each time), and the instance.
    public struct RenewedTokens: Sendable, Hashable {
        /// The new access token.
        public var accessToken: String
        /// The refresh token to keep, when the renewal answered one.
        public var refreshToken: String?
        /// The instance the tokens are for.
        public var instanceUrl: String

        /// Makes tokens.
        public init(accessToken: String, refreshToken: String?, instanceUrl: String) {
            self.accessToken = accessToken
            self.refreshToken = refreshToken
            self.instanceUrl = instanceUrl
        }
    }

    /// Why a renewal found nothing to renew: the connection it was for was replaced or ended.
    public struct ConnectionChanged: Error, Sendable {}

    /// Renews the connection made at `connectedAt`, one renewal at a time across every process:
    /// the connector's row is locked (PostgreSQL; on SQLite the transaction holds the only
    /// writer) while `renew` asks Salesforce, and the tokens it answers are kept in the same
    /// transaction. A caller whose `stale` access token is no longer the stored one finds the
    /// renewal another made meanwhile and takes it, without asking Salesforce: with Refresh Token
    /// Rotation, presenting a refresh token twice would revoke every token of the connection.
    ///
    /// - Parameter renew: given the stored refresh token (`nil` for a flow without one), new tokens.
    /// - Throws: ``ConnectionChanged`` when the connection was replaced or ended; what `renew` threw.
    public func renew(eventId: String, connectedAt: Date?, stale: String,
                      _ renew: @escaping @Sendable (String?) async throws -> RenewedTokens) async throws -> RenewedTokens {
        try await database.transaction { db in
            guard let row = try await db.select().column("*").from("salesforce_connectors")
                .where("event_id", .equal, eventId).for(.update).first() else { throw ConnectionChanged() }
            let stored = try self.connector(from: row)
            guard stored.connection.state == .connected, stored.connection.connectedAt == connectedAt,
                  let access = stored.accessToken, let instance = stored.connection.instanceUrl else { throw ConnectionChanged() }
            if access != stale { return RenewedTokens(accessToken: access, refreshToken: stored.refreshToken, instanceUrl: instance) }
            var fresh = try await renew(stored.refreshToken)
            if fresh.refreshToken == nil { fresh.refreshToken = stored.refreshToken }
            let update = db.update("salesforce_connectors")
                .set("access_token", to: try self.secrets.seal(fresh.accessToken, context: Self.context(eventId, "access_token")))
                .set("instance_url", to: fresh.instanceUrl)
                .set("updated_at", to: StoreTime.millis(self.now()))
            if let refresh = fresh.refreshToken {
                update.set("refresh_token", to: try self.secrets.seal(refresh, context: Self.context(eventId, "refresh_token")))
            }
            try await update.where("event_id", .equal, eventId).run()
            return fresh
        }
    }

    /// Restricts an update to the connection made at `connectedAt`.
    static func sameConnection(_ update: SQLUpdateBuilder, _ connectedAt: Date?) -> SQLUpdateBuilder {
        if let connectedAt { update.where("connected_at", .equal, StoreTime.millis(connectedAt)) } else { update.where("connected_at", .is, SQLLiteral.null) }
    }

    /// Marks the connection broken, with the reason; the tokens are kept for the record but no
    /// longer used.
    /// `connectedAt` names the connection that failed: a newer one is left as it is.
    public func markBroken(eventId: String, connectedAt: Date?, error: String) async throws {
        try await Self.sameConnection(database.writer.update("salesforce_connectors")
            .set("connection_state", to: ConnectionState.broken.rawValue).set("connection_error", to: error)
            .set("updated_at", to: StoreTime.millis(now()))
            .where("event_id", .equal, eventId), connectedAt).run()
    }

    /// Forgets the tokens (after revoking them).
    public func disconnect(eventId: String) async throws {
        let update = database.writer.update("salesforce_connectors").set("updated_at", to: StoreTime.millis(now()))
        Self.clearConnection(update)
        try await update.where("event_id", .equal, eventId).run()
    }

    /// Remembers the campaign's Id, unless the name changed since it was looked up.
    public func setCampaignId(eventId: String, campaignId: String?, forName name: String) async throws {
        try await database.transaction { db in
            guard let row = try await db.select().column("*").from("salesforce_connectors").where("event_id", .equal, eventId).first() else { return }
            var settings = try self.connector(from: row).settings
            guard settings.campaignName == name, settings.campaignId != campaignId else { return }
            settings.campaignId = campaignId
            try await db.update("salesforce_connectors").set("settings_json", to: try StoreJSON.encode(settings))
                .where("event_id", .equal, eventId).run()
        }
    }

    private static func clearConnection(_ update: SQLUpdateBuilder) {
        for column in ["flow", "access_token", "refresh_token", "instance_url", "username", "connection_error", "connected_at"] {
            update.set(SQLIdentifier(column), to: SQLLiteral.null)
        }
        update.set("connection_state", to: ConnectionState.disconnected.rawValue)
    }

    static func context(_ eventId: String, _ column: String) -> String { "connector:\(eventId):\(column)" }

    private func connector(from row: any SQLRow) throws -> StoredConnector {
        let eventId = try row.decode(column: "event_id", as: String.self)
        func secret(_ column: String) throws -> String? {
            try row.decode(column: column, as: String?.self).map { sealed throws(StoreError) in try secrets.open(sealed, context: Self.context(eventId, column)) }
        }
        return StoredConnector(
            eventId: eventId, settings: try Self.settings(from: row), connection: try Self.connection(from: row),
            consumerSecret: try secret("consumer_secret"), accessToken: try secret("access_token"), refreshToken: try secret("refresh_token")
        )
    }

    private static func settings(from row: any SQLRow) throws -> ConnectorSettings {
        try StoreJSON.decode(ConnectorSettings.self, from: row.decode(column: "settings_json", as: String.self))
    }

    private static func connection(from row: any SQLRow) throws -> SalesforceConnection {
        SalesforceConnection(
            state: ConnectionState(rawValue: try row.decode(column: "connection_state", as: String.self)) ?? .disconnected,
            flow: try row.decode(column: "flow", as: String?.self).flatMap(ConnectionFlow.init(rawValue:)),
            instanceUrl: try row.decode(column: "instance_url", as: String?.self),
            username: try row.decode(column: "username", as: String?.self),
            error: try row.decode(column: "connection_error", as: String?.self),
            connectedAt: try row.decode(column: "connected_at", as: Int64?.self).map(StoreTime.date)
        )
    }
}

/// A login in progress (the web-server flow), found again by its `state`.
public struct PendingAuthorization: Sendable, Hashable {
    /// The event whose connector the login is for.
    public var eventId: String
    /// The back-office user who started it, when known.
    public var userId: String?
    /// The PKCE code verifier the code exchange sends; stored sealed.
    public var codeVerifier: String
    /// The callback URL the login used, which the code exchange must repeat.
    public var redirectUri: String
    /// ``fingerprint(loginUrl:consumerKey:consumerSecret:)`` of the connected app the login began
    /// with: the callback refuses to send the code to another host or app. Stored sealed, like
    /// the verifier (it digests the secret).
    public var appFingerprint: String

    /// Makes a pending login.
    public init(eventId: String, userId: String?, codeVerifier: String, redirectUri: String, appFingerprint: String) {
        self.eventId = eventId
        self.userId = userId
        self.codeVerifier = codeVerifier
        self.redirectUri = redirectUri
        self.appFingerprint = appFingerprint
    }

    /// A digest of the settings a code exchange depends on (SHA-256: the secret is not kept).
    public static func fingerprint(loginUrl: String, consumerKey: String, consumerSecret: String) -> String {
        TokenRepository.digest([loginUrl, consumerKey, consumerSecret].joined(separator: "\u{0}"))
    }
}

/// OAuth `state` values: single-use, expiring, bound to the event (and user) that asked.
public struct OAuthStateRepository: Sendable {
    let database: RosterDatabase
    let secrets: SecretBox
    let now: @Sendable () -> Date

    /// States in `database`; `secrets` seals code verifiers, `now` decides expiry.
    public init(database: RosterDatabase, secrets: SecretBox, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.secrets = secrets
        self.now = now
    }

    /// Remembers a login for `lifetime` seconds.
    public func create(state: String, _ pending: PendingAuthorization, lifetime: TimeInterval = 600) async throws {
        let time = StoreTime.millis(now())
        let hash = TokenRepository.digest(state)
        try await database.writer.delete(from: "oauth_states").where("expires_at", .lessThan, time).run()
        try await database.writer.insert(into: "oauth_states")
            .columns("state_hash", "event_id", "user_id", "code_verifier", "redirect_uri", "app_fingerprint", "expires_at")
            .values(SQLBind(hash), SQLBind(pending.eventId), SQLBind(pending.userId),
                    SQLBind(try secrets.seal(pending.codeVerifier, context: "oauth_state:\(hash)")), SQLBind(pending.redirectUri),
                    SQLBind(try secrets.seal(pending.appFingerprint, context: "oauth_state_app:\(hash)")), SQLBind(time + Int64(lifetime * 1000)))
            .run()
    }

    /// Takes the login of this `state` out of the store: a second use finds nothing. Expired
    /// or unknown states answer `nil`, and so does a login begun by another user than `userId`,
    /// which stays for its own user to finish.
    public func consume(state: String, userId: String?) async throws -> PendingAuthorization? {
        let hash = TokenRepository.digest(state)
        try await database.writer.delete(from: "oauth_states").where("expires_at", .lessThan, StoreTime.millis(now())).run()
        let rows = try await database.writer.delete(from: "oauth_states").where("state_hash", .equal, hash)
            .where { $0.where("user_id", .is, SQLLiteral.null).orWhere("user_id", .equal, SQLBind(userId)) }
            .returning("event_id", "user_id", "code_verifier", "redirect_uri", "app_fingerprint", "expires_at").all()
        guard let row = rows.first, try row.decode(column: "expires_at", as: Int64.self) > StoreTime.millis(now()) else { return nil }
        return PendingAuthorization(
            eventId: try row.decode(column: "event_id", as: String.self),
            userId: try row.decode(column: "user_id", as: String?.self),
            codeVerifier: try secrets.open(try row.decode(column: "code_verifier", as: String.self), context: "oauth_state:\(hash)"),
            redirectUri: try row.decode(column: "redirect_uri", as: String.self),
            appFingerprint: try row.decode(column: "app_fingerprint", as: String?.self).map { try secrets.open($0, context: "oauth_state_app:\(hash)") } ?? ""
        )
    }
}
