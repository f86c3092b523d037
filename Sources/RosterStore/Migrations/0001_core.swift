import SQLKit

extension Migrations {
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
}
