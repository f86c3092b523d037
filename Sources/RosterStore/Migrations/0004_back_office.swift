import SQLKit

extension Migrations {
    /// The back office: sign-in sessions (the id stored as a digest, with the session's CSRF
    /// token), indexes for the grid's orders, filters and search, per-event counts kept up to
    /// date, and a run's per-person results.
    static let backOffice = Migration(id: "0004_back_office") { db, _ in
        try await db.create(table: "web_sessions")
            .column("id_hash", type: .text, .primaryKey(autoIncrement: false))
            .column("user_id", type: .text, .notNull, .references("users", "id"))
            .column("csrf_token", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
        // A page in creation order, and a count, read one event's slice of an index.
        try await db.raw("CREATE INDEX participants_event_id ON participants (event_id, id)").run()
        // The sync-date filter (S4) in creation order: one partial index per side, so neither
        // sorts a whole event.
        try await db.raw("CREATE INDEX participants_event_synced_id ON participants (event_id, id) WHERE sf_synced_at IS NOT NULL").run()
        try await db.raw("CREATE INDEX participants_event_unsynced_id ON participants (event_id, id) WHERE sf_synced_at IS NULL").run()
        // Expression indexes: the grid sorts and searches names case-insensitively.
        try await db.raw("CREATE INDEX participants_event_last_name ON participants (event_id, lower(last_name), id)").run()
        try await db.raw("CREATE INDEX participants_event_first_name ON participants (event_id, lower(first_name), id)").run()
        // Each event's participants and synced participants, kept by the writes that change them.
        try await db.create(table: "event_participant_counts")
            .column("event_id", type: .text, .primaryKey(autoIncrement: false), .references("events", "id"))
            .column("participants", type: .bigint, .notNull)
            .column("synced", type: .bigint, .notNull)
            .run()
        try await db.raw("""
            INSERT INTO event_participant_counts (event_id, participants, synced)
            SELECT event_id, COUNT(*), SUM(CASE WHEN sf_synced_at IS NOT NULL THEN 1 ELSE 0 END) FROM participants GROUP BY event_id
            """).run()
        try await db.create(index: "salesforce_sync_history_run").on("salesforce_sync_history").column("run_id").column("id").run()
    }
}
