import SQLKit

extension Migrations {
    /// Two landed migrations were once edited after they had run somewhere (which is why every
    /// migration now has its own file and a checksum): 0003 gained `participants.sf_hash` (the
    /// data fingerprint of what was last synced) and 0004 gained `event_participant_counts` (each
    /// event's counts, kept by the writes). A database migrated before those edits lacks them;
    /// this adds what is missing and fills the counts, and does nothing on any other database.
    static let editedMigrationsRepair = Migration(id: "0010_edited_migrations_repair") { db, dialect in
        if try await !columnExists(table: "participants", column: "sf_hash", on: db, dialect: dialect) {
            try await db.alter(table: "participants").column("sf_hash", type: .text).run()
        }
        if try await !tableExists("event_participant_counts", on: db, dialect: dialect) {
            try await db.create(table: "event_participant_counts")
                .column("event_id", type: .text, .primaryKey(autoIncrement: false), .references("events", "id"))
                .column("participants", type: .bigint, .notNull)
                .column("synced", type: .bigint, .notNull)
                .run()
            try await db.raw("""
                INSERT INTO event_participant_counts (event_id, participants, synced)
                SELECT event_id, COUNT(*), SUM(CASE WHEN sf_synced_at IS NOT NULL THEN 1 ELSE 0 END) FROM participants GROUP BY event_id
                """).run()
        }
    }

    private static func tableExists(_ table: String, on db: any SQLDatabase, dialect: StoreDialect) async throws -> Bool {
        let query: SQLQueryString = switch dialect {
        case .sqlite: "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)"
        case .postgres: "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = \(bind: table)"
        }
        return try await db.raw(query).first() != nil
    }

    private static func columnExists(table: String, column: String, on db: any SQLDatabase, dialect: StoreDialect) async throws -> Bool {
        let query: SQLQueryString = switch dialect {
        case .sqlite: "SELECT 1 AS found FROM pragma_table_info(\(bind: table)) WHERE name = \(bind: column)"
        case .postgres:
            "SELECT 1 AS found FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table) AND column_name = \(bind: column)"
        }
        return try await db.raw(query).first() != nil
    }
}
