import SQLKit

extension Migrations {
    /// The sync's health (issue 29): what each event's sync last met on its way to Salesforce
    /// (failing calls or a budget pause, since when and why), one row per event in trouble and
    /// none when all is well, so every process shows the same. Runs gain the `cancelled` state
    /// (a text column already: nothing to change there).
    static let syncHealth = Migration(id: "0014_sync_health") { db, _ in
        try await db.raw("""
            CREATE TABLE sync_troubles (
                event_id TEXT PRIMARY KEY REFERENCES events(id),
                kind TEXT NOT NULL,
                since BIGINT NOT NULL,
                reason TEXT NOT NULL,
                seen_at BIGINT NOT NULL
            )
            """).run()
    }
}
