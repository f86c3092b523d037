import Foundation
import RosterCore
import SQLKit

/// A back-office user as admins see them on screen: never a password or its hash.
public struct UserInfo: Sendable, Hashable {
    /// The user's id.
    public var id: String
    /// The email they sign in with.
    public var email: String
    /// Their role and the events they are limited to.
    public var access: Access
    /// When they were created.
    public var createdAt: Date
    /// When they were disabled; `nil` while they may sign in.
    public var disabledAt: Date?
    /// Whether they have yet to choose a password (an invitation or a reset waits).
    public var invited: Bool
}

/// A one-time link for a user to choose a password: the token, shown once, and when it expires.
public struct UserInvite: Sendable, Hashable {
    /// 256 random bits, base64url; only its digest is stored.
    public var token: String
    /// The link stops working then (7 days).
    public var expiresAt: Date
}

extension UserRepository {
    /// How long an invitation or reset link works.
    public static let inviteLifetime: TimeInterval = 7 * 86_400

    /// Every user, by email.
    public func list() async throws -> [UserInfo] {
        try await database.reader.raw(Self.selectUsers + " ORDER BY email").all().compactMap(Self.info(from:))
    }

    /// The user with this id, or `nil`.
    public func find(id: String) async throws -> UserInfo? {
        try await database.reader.raw(Self.selectUsers + " WHERE id = \(bind: id)").first().flatMap(Self.info(from:))
    }

    /// What a ``UserInfo`` is read from, before its `WHERE` or `ORDER BY`.
    static let selectUsers: SQLQueryString = """
        SELECT id, email, role, events_json, created_at, disabled_at,
               EXISTS (SELECT 1 FROM user_invites i WHERE i.user_id = users.id) AS invited
        FROM users
        """

    static func info(from row: any SQLRow) -> UserInfo? {
        guard let access = try? AccessColumns.access(row), let id = try? row.decode(column: "id", as: String.self) else { return nil }
        return UserInfo(id: id, email: (try? row.decode(column: "email", as: String.self)) ?? "", access: access,
                        createdAt: StoreTime.date((try? row.decode(column: "created_at", as: Int64.self)) ?? 0),
                        disabledAt: (try? row.decode(column: "disabled_at", as: Int64?.self))?.map(StoreTime.date),
                        invited: (try? row.decode(column: "invited", as: Bool.self)) ?? false)
    }

    /// Creates a user who chooses their password through the link answered: until then no
    /// password opens the account (its hash is of 256 random bits no one knows).
    /// - Throws: ``StoreError/conflict(_:)`` when the email has an account already.
    public func invite(email: String, access: Access, unusableHash: String, now: Date) async throws -> (UserInfo, UserInvite) {
        let id = ids.next()
        let invite = UserInvite(token: SessionRepository.randomToken(), expiresAt: now.addingTimeInterval(Self.inviteLifetime))
        do {
            try await database.transaction { db in
                try await db.insert(into: "users")
                    .columns("id", "email", "password_hash", "created_at", "role", "events_json")
                    .values(SQLBind(id), SQLBind(EmailAddress.normalized(email)), SQLBind(unusableHash), SQLBind(StoreTime.millis(now)),
                            SQLBind(access.role.rawValue), SQLBind(AccessColumns.eventsJSON(access.events)))
                    .run()
                try await Self.store(invite, userId: id, now: now, on: db)
            }
        } catch where error.isUniqueViolation {
            throw StoreError.conflict("a user with the email \(EmailAddress.normalized(email)) already exists")
        }
        let user = UserInfo(id: id, email: EmailAddress.normalized(email), access: access, createdAt: StoreTime.truncated(now), disabledAt: nil, invited: true)
        return (user, invite)
    }

    /// A new link for the user to choose a password; the old password stops working and their
    /// sessions end at once (a reset is asked for when it may be known to someone else).
    /// - Throws: ``StoreError/notFound(_:)`` when there is no such user.
    public func reset(userId: String, unusableHash: String, now: Date) async throws -> UserInvite {
        let invite = UserInvite(token: SessionRepository.randomToken(), expiresAt: now.addingTimeInterval(Self.inviteLifetime))
        try await database.transaction { db in
            let rows = try await db.raw("UPDATE users SET password_hash = \(bind: unusableHash) WHERE id = \(bind: userId) RETURNING id").all()
            guard !rows.isEmpty else { throw StoreError.notFound("no user with id '\(userId)'") }
            try await db.delete(from: "web_sessions").where("user_id", .equal, userId).run()
            try await db.delete(from: "user_invites").where("user_id", .equal, userId).run()
            try await Self.store(invite, userId: userId, now: now, on: db)
        }
        return invite
    }

    private static func store(_ invite: UserInvite, userId: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.insert(into: "user_invites").columns("token_hash", "user_id", "created_at", "expires_at")
            .values(SQLBind(TokenRepository.digest(invite.token)), SQLBind(userId), SQLBind(StoreTime.millis(now)), SQLBind(StoreTime.millis(invite.expiresAt)))
            .run()
    }

    /// The email of the user a link that still works is for, or `nil`.
    public func invitee(token: String, now: Date) async throws -> String? {
        try await database.reader.raw("""
            SELECT u.email FROM user_invites i JOIN users u ON u.id = i.user_id
            WHERE i.token_hash = \(bind: TokenRepository.digest(token)) AND i.expires_at > \(bind: StoreTime.millis(now)) AND u.disabled_at IS NULL
            """).first(decodingColumn: "email", as: String.self)
    }

    /// Spends a link: the user's password becomes `passwordHash`, the link (and any other of
    /// theirs) stops working. The link is claimed first, by deleting it: of two requests spending
    /// it at once, one only gets it. Answers the user's id and email, or `nil` for a link that does
    /// not work.
    public func redeem(token: String, passwordHash: String, now: Date) async throws -> (id: String, email: String)? {
        try await database.transaction { db in
            guard let claimed = try await db.raw("""
                DELETE FROM user_invites WHERE token_hash = \(bind: TokenRepository.digest(token)) AND expires_at > \(bind: StoreTime.millis(now))
                AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL) RETURNING user_id
                """).first() else { return nil }
            let userId = try claimed.decode(column: "user_id", as: String.self)
            let email = try await db.raw("UPDATE users SET password_hash = \(bind: passwordHash) WHERE id = \(bind: userId) RETURNING email")
                .first(decodingColumn: "email", as: String.self)
            try await db.delete(from: "user_invites").where("user_id", .equal, userId).run()
            return email.map { (userId, $0) }
        }
    }

    /// Changes a user's role and events (their open sessions follow at their next request), and
    /// disables or enables them (disabling ends their sessions). Answers the user as they now are.
    /// - Throws: ``StoreError/notFound(_:)`` when there is no such user.
    public func update(userId: String, access: Access?, disabled: Bool?, now: Date) async throws -> UserInfo {
        try await database.transaction { db in
            let update = db.update("users")
            var changes = 0
            if let access {
                update.set("role", to: access.role.rawValue).set("events_json", to: AccessColumns.eventsJSON(access.events))
                changes += 1
            }
            if let disabled {
                update.set("disabled_at", to: disabled ? SQLQueryString("COALESCE(disabled_at, \(bind: StoreTime.millis(now)))") as any SQLExpression
                                                       : SQLLiteral.null)
                changes += 1
            }
            if changes > 0 { try await update.where("id", .equal, userId).run() }
            // A session reads its user's role and events at each request, so a change applies at
            // once; a disabled user's sessions end, and their links with them (enabling them again
            // never brings an old link back).
            if disabled == true {
                try await db.delete(from: "web_sessions").where("user_id", .equal, userId).run()
                try await db.delete(from: "user_invites").where("user_id", .equal, userId).run()
            }
            guard let row = try await db.raw(Self.selectUsers + " WHERE id = \(bind: userId)").first(), let user = Self.info(from: row)
            else { throw StoreError.notFound("no user with id '\(userId)'") }
            return user
        }
    }
}
