import Foundation
import HummingbirdBcrypt
import NIOPosix
import RosterCore
import RosterStore
import Synchronization

/// Back-office accounts: passwords are hashed with bcrypt (hummingbird-auth), never stored.
public struct UserAccounts: Sendable {
    /// The users as stored: listed, found and changed by the Users screen and its API.
    public let users: UserRepository
    /// Stamps invitations and tells when their links expire.
    let now: @Sendable () -> Date

    /// Accounts stored in `database`; `now` is the clock invitation links are dated by.
    public init(database: RosterDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        users = UserRepository(database: database)
        self.now = now
    }

    /// Disables the user: they can no longer sign in, and their sessions end.
    public func disable(email: String) async throws {
        try await users.disable(email: email)
    }

    /// The shortest password accepted.
    public static let minimumPasswordLength = 10
    /// The longest password accepted, in UTF-8 bytes (issue 34). bcrypt ($2b$, hummingbird-auth's
    /// `bcrypt.c`) reads at most 72 bytes and a closing NUL: a password of 71 bytes or fewer is
    /// read whole with its NUL, so no longer password sharing its start can match it; at 72, any
    /// longer one sharing those 72 bytes would. Refused, never cut.
    public static let maximumPasswordBytes = 71

    /// Creates a user; the password must be at least ``minimumPasswordLength`` characters and at
    /// most ``maximumPasswordBytes`` bytes.
    public func create(email: String, password: String, access: Access = .everything) async throws {
        guard EmailAddress.isPlausible(email.trimmed()) else {
            throw ValidationFailure(field: "email", message: "'\(email)' is not an email address")
        }
        try await users.create(email: email, passwordHash: try await Self.hash(password), access: access)
    }

    /// Gives the user a new password, under the same rules as at creation, and ends their
    /// sessions (a password believed known to someone else stops working everywhere at once).
    public func setPassword(email: String, password: String) async throws {
        try await users.setPasswordHash(email: email, try await Self.hash(password))
    }

    /// The bcrypt hash of an acceptable password.
    static func hash(_ password: String) async throws -> String {
        guard password.count >= Self.minimumPasswordLength else {
            throw ValidationFailure(field: "password", message: "use at least \(Self.minimumPasswordLength) characters")
        }
        guard password.utf8.count <= Self.maximumPasswordBytes else {
            throw ValidationFailure(field: "password", message: "use at most \(Self.maximumPasswordBytes) bytes (bcrypt reads no further)")
        }
        guard !password.unicodeScalars.contains(where: ParticipantRules.isControl) else {
            throw ValidationFailure(field: "password", message: "a password holds no control character")
        }
        return try await Self.passwordThreads.runIfActive { Bcrypt.hash(password, cost: 12) }
    }

    /// The user's id when the password is theirs, else `nil`. An unknown email costs a bcrypt
    /// check too, so timing does not tell which emails have accounts.
    ///
    /// - Throws: ``SignInBusy`` when ``maxConcurrentChecks`` checks already run: a flood of
    ///   sign-ins costs at most that many bcrypt computations at a time, never a queue of them.
    public func verify(email: String, password: String) async throws -> String? {
        guard checks.enter(limit: Self.maxConcurrentChecks) else { throw SignInBusy() }
        defer { checks.leave() }
        let user = try await users.credentials(email: email)
        // A NUL would end the password where bcrypt reads it: such a password matches nothing.
        let cut = password.utf8.contains(0)
        let known = cut ? nil : user?.passwordHash
        let matches = try await Self.passwordThreads.runIfActive { Bcrypt.verify(password, hash: known ?? Self.decoyHash) }
        return matches && !cut ? user?.id : nil
    }

    /// Password checks (bcrypt, ~0.2 s of a core each) that may run at once.
    public static let maxConcurrentChecks = 4
    let checks = InFlight()

    /// A bcrypt hash (cost 12) of a random password no one knows (made, the first time, on the
    /// password threads).
    static let decoyHash = Bcrypt.hash(SessionRepository.randomToken(), cost: 12)

    /// Where bcrypt runs: threads of its own. bcrypt is slow on purpose (~0.2 s of a core); on
    /// NIO's singleton thread pool, which SQLite's connections also run every statement on, a
    /// few sign-ins at once made every query of the server wait behind them (and, in a test
    /// run, held transactions open until other connections gave up: "database is locked").
    static let passwordThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()
}

/// Too many password checks are running: try again in a moment.
public struct SignInBusy: Error, Sendable {}

