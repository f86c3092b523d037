import SQLKit

/// Every migration, in order. Append only.
public enum Migrations {
    public static let all: [Migration] = [core, salesforceConnectors, salesforceSync, backOffice, searchByEmail, searchInCreationOrder, oneEmailIndex, access, batchSizes]

    /// Events, participants with their Salesforce state, the change log (outbox) the live sync
    /// consumes, API tokens and back-office users.
    static let core = Migration(id: "0001_core") { db, _ in
        try await db.create(table: "events")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("starts_at", type: .bigint)
            .column("ends_at", type: .bigint)
            .column("fields_json", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()

        try await db.create(table: "participants")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("event_id", type: .text, .notNull, .references("events", "id"))
            .column("email", type: .text, .notNull)
            .column("email_key", type: .text, .notNull)
            .column("first_name", type: .text, .notNull)
            .column("last_name", type: .text, .notNull)
            .column("company", type: .text, .notNull)
            .column("job_title", type: .text, .notNull)
            .column("is_registered", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("has_attended", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("allow_networking", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("fields_json", type: .text, .notNull)
            .column("version", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .column("sf_synced_at", type: .bigint)
            .column("sf_contact_id", type: .text)
            .column("sf_lead_id", type: .text)
            .column("sf_campaign_member_id", type: .text)
            .column("sf_error", type: .text)
            .unique("event_id", "email_key")
            .run()
        try await db.create(index: "participants_event_synced").on("participants").column("event_id").column("sf_synced_at").run()

        // The outbox: one row per participant change, written in the change's own transaction.
        try await db.create(table: "participant_changes")
            .column("seq", type: .bigint, .primaryKey(autoIncrement: true))
            .column("event_id", type: .text, .notNull)
            .column("participant_id", type: .text, .notNull)
            .column("participant_version", type: .bigint, .notNull)
            .column("kind", type: .text, .notNull)
            .column("changed_at", type: .bigint, .notNull)
            .column("processed_at", type: .bigint)
            .run()
        try await db.create(index: "participant_changes_pending").on("participant_changes").column("processed_at").column("seq").run()

        try await db.create(table: "api_tokens")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("token_hash", type: .text, .notNull, .unique)
            .column("created_at", type: .bigint, .notNull)
            .run()

        try await db.create(table: "users")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("email", type: .text, .notNull, .unique)
            .column("password_hash", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
    }

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

    /// The sync: runs with their counters, a per-participant history of what was sent, a
    /// warning per participant, and per-event leases so one process at a time writes an event's
    /// campaign.
    static let salesforceSync = Migration(id: "0003_salesforce_sync") { db, _ in
        try await db.alter(table: "participants").column("sf_warning", type: .text).run()
        try await db.alter(table: "participants").column("sf_hash", type: .text).run()

        try await db.create(table: "salesforce_sync_runs")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("event_id", type: .text, .notNull)
            .column("state", type: .text, .notNull)
            .column("paused_reason", type: .text)
            .column("dry_run", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("total", type: .bigint, .notNull)
            .column("processed", type: .bigint, .notNull)
            .column("created", type: .bigint, .notNull)
            .column("updated", type: .bigint, .notNull)
            .column("linked", type: .bigint, .notNull)
            .column("unchanged", type: .bigint, .notNull)
            .column("failed", type: .bigint, .notNull)
            .column("api_calls", type: .bigint, .notNull)
            .column("cursor", type: .text)
            .column("errors_json", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("started_at", type: .bigint)
            .column("finished_at", type: .bigint)
            .run()
        try await db.create(index: "salesforce_sync_runs_event").on("salesforce_sync_runs").column("event_id").column("created_at").run()

        try await db.create(table: "salesforce_sync_history")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("event_id", type: .text, .notNull)
            .column("participant_id", type: .text, .notNull)
            .column("run_id", type: .text)
            .column("at", type: .bigint, .notNull)
            .column("operation", type: .text, .notNull)
            .column("object", type: .text, .notNull)
            .column("record_id", type: .text)
            .column("outcome", type: .text, .notNull)
            .column("error", type: .text)
            .run()
        try await db.create(index: "salesforce_sync_history_participant").on("salesforce_sync_history").column("participant_id").column("id").run()

        try await db.create(table: "salesforce_event_leases")
            .column("event_id", type: .text, .primaryKey(autoIncrement: false))
            .column("holder", type: .text, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
    }

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

    /// A search sorts its matches' ids before it cuts a page: with the id in the email index too,
    /// all three indexes a search reads hold them, and no match is read from the table.
    static let searchByEmail = Migration(id: "0005_search_by_email") { db, _ in
        try await db.raw("CREATE INDEX participants_event_email_id ON participants (event_id, email_key, id)").run()
    }

    /// A search in creation order walks the event's ids and tests each participant's keys
    /// (``SearchPlan``): the event's id index also holds the email key and the lower-cased names,
    /// so the walk never reads the table. It replaces the `(event_id, id)` index, whose work
    /// (a page in creation order, an export's batches) it does as well: one index to keep, not two.
    static let searchInCreationOrder = Migration(id: "0006_search_in_creation_order") { db, _ in
        try await db.raw("CREATE INDEX participants_event_id_keys ON participants (event_id, id, email_key, lower(first_name), lower(last_name))").run()
        try await db.raw("DROP INDEX participants_event_id").run()
    }

    /// Migration 0005's `(event_id, email_key, id)` index is dropped: a search's alternatives are
    /// read as a union of rowids, so the id it held was never read from it (SQLite reads each
    /// match's row anyway), and the unique `(event_id, email_key)` index serves the email search,
    /// its count and the email order alike. One index fewer to write on each registration.
    static let oneEmailIndex = Migration(id: "0007_one_email_index") { db, _ in
        try await db.raw("DROP INDEX participants_event_email_id").run()
    }
}
