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

    /// The id and stored password hash of the user with this email, or `nil`.
    public func credentials(email: String) async throws -> (id: String, passwordHash: String)? {
        guard let row = try await database.sql.select().columns("id", "password_hash").from("users")
            .where("email", .equal, EmailAddress.normalized(email)).first()
        else { return nil }
        return (try row.decode(column: "id", as: String.self), try row.decode(column: "password_hash", as: String.self))
    }
}
