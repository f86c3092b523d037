import SQLKit

extension Migrations {
    /// The Sync history lists the live sync's failures beside the runs' (issue 29): the event's
    /// newest failed lines, found through this index rather than a pass over every line.
    static let liveSyncFailures = Migration(id: "0015_live_sync_failures") { db, _ in
        try await db.raw("CREATE INDEX salesforce_sync_history_failures ON salesforce_sync_history (event_id, outcome, id)").run()
    }
}
