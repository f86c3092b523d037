import SQLKit

extension Migrations {
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
}
