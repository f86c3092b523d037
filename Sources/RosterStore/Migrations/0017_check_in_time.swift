import SQLKit

extension Migrations {
    /// When each person was checked in (issue 30): set when `has_attended` turns true, cleared
    /// when it is undone. People checked in before this migration keep `NULL`: their time was
    /// never kept, and no other date stands for it.
    static let checkInTime = Migration(id: "0017_check_in_time") { db, _ in
        try await db.raw("ALTER TABLE participants ADD COLUMN checked_in_at BIGINT").run()
    }
}
