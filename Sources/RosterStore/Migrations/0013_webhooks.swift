import SQLKit

extension Migrations {
    /// Webhook sources (issue 28): a registration tool pushes participants to an event, signed
    /// as Standard Webhooks 1.0 says. Secrets are sealed with the database's secret key (the
    /// signature needs them in clear); the previous one is kept for 24 h after a rotation.
    ///
    /// Deliveries are kept for the back office and for idempotency: `replay_key` is the
    /// `webhook-id` of an accepted delivery, unique per source, while a resend must be answered
    /// as the first time (24 h); `answer` is that first answer.
    static let webhooks = Migration(id: "0013_webhooks") { db, _ in
        try await db.raw("""
            CREATE TABLE webhook_sources (
                id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL REFERENCES events(id),
                name TEXT NOT NULL,
                field_map TEXT,
                secret TEXT NOT NULL,
                previous_secret TEXT,
                previous_until BIGINT,
                created_at BIGINT NOT NULL
            )
            """).run()
        try await db.raw("CREATE INDEX webhook_sources_by_event ON webhook_sources (event_id)").run()
        try await db.raw("""
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                source_id TEXT NOT NULL REFERENCES webhook_sources(id),
                webhook_id TEXT NOT NULL,
                replay_key TEXT,
                received_at BIGINT NOT NULL,
                outcome TEXT NOT NULL,
                error TEXT,
                created INTEGER NOT NULL,
                updated INTEGER NOT NULL,
                rejected INTEGER NOT NULL,
                answer TEXT
            )
            """).run()
        try await db.raw("CREATE UNIQUE INDEX webhook_deliveries_replay ON webhook_deliveries (source_id, replay_key)").run()
        try await db.raw("CREATE INDEX webhook_deliveries_by_source ON webhook_deliveries (source_id, received_at)").run()
    }
}
