import RosterCore
import SQLKit

/// Back-office users. The password hash is made by the caller (bcrypt), never here.
public struct UserRepository: Sendable {
    let database: RosterDatabase
    let ids: any IDGenerator

    /// Users in `database`; `ids` makes new users' ids.
    public init(database: RosterDatabase, ids: any IDGenerator = UUIDv7Generator()) {
        self.database = database
        self.ids = ids
    }

    /// Creates a user; an email already in use is a conflict.
    public func create(email: String, passwordHash: String, access: Access = .everything) async throws {
        do {
            try await database.writer.insert(into: "users")
                .columns("id", "email", "password_hash", "created_at", "role", "events_json")
                .values(SQLBind(ids.next()), SQLBind(EmailAddress.normalized(email)), SQLBind(passwordHash), SQLBind(StoreTime.now()),
                        SQLBind(access.role.rawValue), SQLBind(AccessColumns.eventsJSON(access.events)))
                .run()
        } catch where error.isUniqueViolation {
            throw StoreError.conflict("a user with the email \(EmailAddress.normalized(email)) already exists")
        }
    }

    /// The id and stored password hash of the user with this email, or `nil` (a disabled user too).
    public func credentials(email: String) async throws -> (id: String, passwordHash: String)? {
        guard let row = try await database.reader.select().columns("id", "password_hash").from("users")
            .where("email", .equal, EmailAddress.normalized(email)).where("disabled_at", .is, SQLLiteral.null).first()
        else { return nil }
        return (try row.decode(column: "id", as: String.self), try row.decode(column: "password_hash", as: String.self))
    }

    /// Disables the user and ends their sessions, in one transaction.
    /// - Throws: ``StoreError/notFound(_:)`` when no user has that email.
    public func disable(email: String) async throws {
        let email = EmailAddress.normalized(email)
        try await database.transaction { db in
            let rows = try await db.raw("""
                UPDATE users SET disabled_at = COALESCE(disabled_at, \(bind: StoreTime.now())) WHERE email = \(bind: email) RETURNING id
                """).all()
            guard let row = rows.first else { throw StoreError.notFound("no user with the email \(email)") }
            try await db.delete(from: "web_sessions").where("user_id", .equal, try row.decode(column: "id", as: String.self)).run()
        }
    }

    /// Replaces the user's password hash and ends their sessions, in one transaction: a browser
    /// signed in with the old password is signed out. A disabled user stays disabled.
    /// - Throws: ``StoreError/notFound(_:)`` when no user has that email.
    public func setPasswordHash(email: String, _ passwordHash: String) async throws {
        let email = EmailAddress.normalized(email)
        try await database.transaction { db in
            let rows = try await db.raw("UPDATE users SET password_hash = \(bind: passwordHash) WHERE email = \(bind: email) RETURNING id").all()
            guard let row = rows.first else { throw StoreError.notFound("no user with the email \(email)") }
            try await db.delete(from: "web_sessions").where("user_id", .equal, try row.decode(column: "id", as: String.self)).run()
        }
    }
}
