import SQLKit

extension Migrations {
    /// A Salesforce login in progress remembers the connected app it began with, so that its
    /// callback never sends the code to a host or app the settings name later (issue 34, #8).
    /// Logins begun before this migration have none and are refused: they last 10 minutes.
    static let oauthStateApp = Migration(id: "0016_oauth_state_app") { db, _ in
        try await db.raw("ALTER TABLE oauth_states ADD COLUMN app_fingerprint TEXT").run()
    }
}
