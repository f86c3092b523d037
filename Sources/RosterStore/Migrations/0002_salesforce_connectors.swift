import SQLKit

extension Migrations {
    /// The Salesforce connector of each event: its settings, its sealed secrets and the
    /// connection's health; pending OAuth logins (state → PKCE verifier); and a place for
    /// instance-wide markers such as the secret-key check.
    static let salesforceConnectors = Migration(id: "0002_salesforce_connectors") { db, _ in
        try await db.create(table: "salesforce_connectors")
            .column("event_id", type: .text, .primaryKey(autoIncrement: false), .references("events", "id"))
            .column("settings_json", type: .text, .notNull)
            .column("consumer_secret", type: .text)
            .column("flow", type: .text)
            .column("access_token", type: .text)
            .column("refresh_token", type: .text)
            .column("instance_url", type: .text)
            .column("username", type: .text)
            .column("connection_state", type: .text, .notNull)
            .column("connection_error", type: .text)
            .column("connected_at", type: .bigint)
            .column("updated_at", type: .bigint, .notNull)
            .run()

        // One row per login in progress; the state is stored as a digest and used once.
        try await db.create(table: "oauth_states")
            .column("state_hash", type: .text, .primaryKey(autoIncrement: false))
            .column("event_id", type: .text, .notNull)
            .column("user_id", type: .text)
            .column("code_verifier", type: .text, .notNull)
            .column("redirect_uri", type: .text, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()

        try await db.create(table: "roster_settings")
            .column("name", type: .text, .primaryKey(autoIncrement: false))
            .column("value", type: .text, .notNull)
            .run()
    }
}
