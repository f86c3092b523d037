import Foundation
import RosterCore
import RosterStore

/// Users invited and reset from the Users screen: a one-time link where they choose a password.
extension UserAccounts {
    /// Creates a user who chooses their password through the link answered (registrar by default).
    public func invite(email: String, access: Access) async throws -> (UserInfo, UserInvite) {
        guard EmailAddress.isPlausible(email.trimmed()) else {
            throw ValidationFailure(field: "email", message: "'\(email)' is not an email address")
        }
        return try await users.invite(email: email, access: access, unusableHash: Self.decoyHash, now: now())
    }

    /// A new link for the user to choose a password; the old one stops working at once.
    public func reset(userId: String) async throws -> UserInvite {
        try await users.reset(userId: userId, unusableHash: Self.decoyHash, now: now())
    }

    /// The email a link that still works is for, or `nil`.
    public func invitee(token: String) async throws -> String? {
        try await users.invitee(token: token, now: now())
    }

    /// Spends a link with the password chosen (under the rules of ``create(email:password:access:)``).
    /// Answers the user's id and email, or `nil` for a link that does not work. A link that does
    /// not work costs no hashing, and hashing shares sign-in's bound (``maxConcurrentChecks``): a
    /// flood of made-up links can't keep the password threads from the people signing in.
    ///
    /// - Throws: ``SignInBusy`` when that many password checks already run.
    public func redeem(token: String, password: String) async throws -> (id: String, email: String)? {
        guard try await users.invitee(token: token, now: now()) != nil else { return nil }
        guard checks.enter(limit: Self.maxConcurrentChecks) else { throw SignInBusy() }
        defer { checks.leave() }
        return try await users.redeem(token: token, passwordHash: try await Self.hash(password), now: now())
    }
}
