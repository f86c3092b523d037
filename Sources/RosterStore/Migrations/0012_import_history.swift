import SQLKit

extension Migrations {
    /// Each import an event received (issue 28): who sent it, when, the file's name and encoding,
    /// what it created, updated and refused, and whether it was cut short. The API keeps the last
    /// 50 per event.
    static let importHistory = Migration(id: "0012_import_history") { db, _ in
        try await db.raw("""
            CREATE TABLE participant_imports (
                id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL REFERENCES events(id),
                at BIGINT NOT NULL,
                by_name TEXT,
                file_name TEXT,
                format TEXT NOT NULL,
                encoding TEXT,
                created INTEGER NOT NULL,
                updated INTEGER NOT NULL,
                rejected INTEGER NOT NULL,
                complete BOOLEAN NOT NULL,
                stopped_at_row INTEGER
            )
            """).run()
        try await db.raw("CREATE INDEX participant_imports_by_event ON participant_imports (event_id, at)").run()
    }
}
