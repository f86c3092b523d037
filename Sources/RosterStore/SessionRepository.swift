import Crypto
import Foundation
import RosterCore
import SQLKit

/// A signed-in back-office session.
public struct WebSession: Sendable, Hashable {
    /// The signed-in back-office user's id.
    public var userId: String
    /// The user's email, read with the session, so it is the current one.
    public var email: String
    /// Sent back with every state-changing request (form field or `X-CSRF-Token` header).
    public var csrfToken: String
    /// When the session ends; it is not found after that.
    public var expiresAt: Date
    /// The user's role and events, read with the session so a change applies at once.
    public var access: Access
}

/// Back-office sessions. The cookie holds 256 random bits; only their SHA-256 digest is stored,
/// so a copy of the database can't be used to sign in.
public struct SessionRepository: Sendable {
    let database: RosterDatabase
    let now: @Sendable () -> Date

    /// Sessions in `database`, expiring by the clock `now`.
    public init(database: RosterDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// Starts a session for the user, valid for `lifetime` seconds; returns the cookie's value.
    public func create(userId: String, lifetime: TimeInterval) async throws -> String {
        let id = Self.randomToken()
        try await database.writer.insert(into: "web_sessions")
            .columns("id_hash", "user_id", "csrf_token", "created_at", "expires_at")
            .values(SQLBind(TokenRepository.digest(id)), SQLBind(userId), SQLBind(Self.randomToken()),
                    SQLBind(StoreTime.millis(now())), SQLBind(StoreTime.millis(now().addingTimeInterval(lifetime))))
            .run()
        return id
    }

    /// The session with this cookie value, unless it expired or never existed.
    public func find(_ id: String) async throws -> WebSession? {
        // Every page and every script call of the back office reads its session: on the read pool,
        // so they never queue behind registrations on the writer.
        let row = try await database.reader.raw("""
            SELECT s.user_id, s.csrf_token, s.expires_at, u.email, u.role, u.events_json FROM web_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id_hash = \(bind: TokenRepository.digest(id)) AND s.expires_at > \(bind: StoreTime.millis(now())) AND u.disabled_at IS NULL
            """).first()
        guard let row, let access = try AccessColumns.access(row) else { return nil }
        return WebSession(userId: try row.decode(column: "user_id", as: String.self), email: try row.decode(column: "email", as: String.self),
                          csrfToken: try row.decode(column: "csrf_token", as: String.self),
                          expiresAt: StoreTime.date(try row.decode(column: "expires_at", as: Int64.self)), access: access)
    }

    /// Ends the session (sign out), and clears expired ones while at it.
    public func delete(_ id: String) async throws {
        try await database.writer.delete(from: "web_sessions").where("id_hash", .equal, TokenRepository.digest(id)).run()
        try await database.writer.delete(from: "web_sessions").where("expires_at", .lessThanOrEqual, StoreTime.millis(now())).run()
    }

    /// 256 random bits, base64url.
    public static func randomToken() -> String {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
