import SQLKit

extension Migrations {
    /// Users managed on screen (issue 30): an admin invites someone, or resets a password, with a
    /// one-time link the admin passes on (Roster sends no mail). Only the link's SHA-256 digest is
    /// kept; it works once, for 7 days. A user invited but not yet in has no password that opens
    /// anything.
    static let userInvites = Migration(id: "0021_user_invites") { db, _ in
        try await db.raw("""
            CREATE TABLE user_invites (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id),
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """).run()
        try await db.raw("CREATE INDEX user_invites_by_user ON user_invites (user_id)").run()
    }
}
