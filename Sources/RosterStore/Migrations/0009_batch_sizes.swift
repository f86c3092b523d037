import SQLKit

extension Migrations {
    /// The collection sizes a run had to fall back to per Salesforce object, when the org's
    /// automation ran out of CPU on larger writes (`{"Lead": 25}`; `NULL` when none shrank).
    static let batchSizes = Migration(id: "0009_batch_sizes") { db, _ in
        try await db.raw("ALTER TABLE salesforce_sync_runs ADD COLUMN batch_sizes_json TEXT").run()
    }
}
