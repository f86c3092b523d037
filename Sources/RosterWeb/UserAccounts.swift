import HummingbirdBcrypt
import NIOPosix
import RosterCore
import RosterStore

/// Back-office accounts: passwords are hashed with bcrypt (hummingbird-auth), never stored.
public struct UserAccounts: Sendable {
    let users: UserRepository

    public init(database: RosterDatabase) { users = UserRepository(database: database) }

    /// The shortest password accepted.
    public static let minimumPasswordLength = 10

    /// Creates a user; the password must be at least ``minimumPasswordLength`` characters.
    public func create(email: String, password: String) async throws {
        guard EmailAddress.isPlausible(email.trimmed()) else {
            throw ValidationFailure(field: "email", message: "'\(email)' is not an email address")
        }
        guard password.count >= Self.minimumPasswordLength else {
            throw ValidationFailure(field: "password", message: "use at least \(Self.minimumPasswordLength) characters")
        }
        // bcrypt is slow on purpose: keep it off the event loops.
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: 12) }
        try await users.create(email: email, passwordHash: hash)
    }

    /// The user's id when the password is theirs, else `nil`. An unknown email costs a bcrypt
    /// check too, so timing does not tell which emails have accounts.
    public func verify(email: String, password: String) async throws -> String? {
        let user = try await users.credentials(email: email)
        let hash = user?.passwordHash ?? Self.decoyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        return matches ? user?.id : nil
    }

    /// A bcrypt hash (cost 12) of a random password no one knows.
    static let decoyHash = Bcrypt.hash(SessionRepository.randomToken(), cost: 12)
}
