import RosterCore
import SQLKit

/// Back-office users. The password hash is made by the caller (bcrypt), never here.
public struct UserRepository: Sendable {
    let database: RosterDatabase
    let ids: any IDGenerator

    public init(database: RosterDatabase, ids: any IDGenerator = UUIDv7Generator()) {
        self.database = database
        self.ids = ids
    }

    /// Creates a user; an email already in use is a conflict.
    public func create(email: String, passwordHash: String) async throws {
        do {
            try await database.sql.insert(into: "users")
                .columns("id", "email", "password_hash", "created_at")
                .values(SQLBind(ids.next()), SQLBind(EmailAddress.normalized(email)), SQLBind(passwordHash), SQLBind(StoreTime.now()))
                .run()
        } catch where error.isUniqueViolation {
            throw StoreError.conflict("a user with the email \(EmailAddress.normalized(email)) already exists")
        }
    }

    /// The stored password hash of the user with this email, or `nil`.
    public func passwordHash(email: String) async throws -> String? {
        try await database.sql.select().column("password_hash").from("users")
            .where("email", .equal, EmailAddress.normalized(email))
            .first(decodingColumn: "password_hash", as: String.self)
    }
}
