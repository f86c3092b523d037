import SQLKit

extension Migrations {
    /// Migration 0005's `(event_id, email_key, id)` index is dropped: a search's alternatives are
    /// read as a union of rowids, so the id it held was never read from it (SQLite reads each
    /// match's row anyway), and the unique `(event_id, email_key)` index serves the email search,
    /// its count and the email order alike. One index fewer to write on each registration.
    static let oneEmailIndex = Migration(id: "0007_one_email_index") { db, _ in
        try await db.raw("DROP INDEX participants_event_email_id").run()
    }
}
