import SQLKit

extension Migrations {
    /// Who queued a forced run: the API token's name or the signed-in user's email (`NULL` for
    /// runs queued before this migration, and for those Roster starts by itself).
    static let runStartedBy = Migration(id: "0011_run_started_by") { db, _ in
        try await db.raw("ALTER TABLE salesforce_sync_runs ADD COLUMN started_by TEXT").run()
    }
}
