import SQLKit

extension Migrations {
    /// People erased on request (GDPR art. 17, issue 30): the participant's row is deleted, and
    /// this tombstone, with no personal data, keeps what the event's counts and history need —
    /// who erased whom (by id) and when, whether the person was registered and checked in, and
    /// what became of their campaign member.
    static let erasures = Migration(id: "0020_erasures") { db, _ in
        try await db.raw("""
            CREATE TABLE participant_erasures (
                participant_id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL REFERENCES events(id),
                erased_at BIGINT NOT NULL,
                erased_by TEXT,
                was_registered BOOLEAN NOT NULL,
                had_attended BOOLEAN NOT NULL,
                campaign_member TEXT NOT NULL
            )
            """).run()
        try await db.raw("CREATE INDEX participant_erasures_by_event ON participant_erasures (event_id, erased_at)").run()
    }
}
