import SQLKit

extension Migrations {
    /// An event's time zone (issue 30), an IANA name: its dates are shown in it. `NULL` for the
    /// events made before, whose dates keep showing in the reader's zone.
    static let eventTimeZone = Migration(id: "0018_event_time_zone") { db, _ in
        try await db.raw("ALTER TABLE events ADD COLUMN time_zone TEXT").run()
    }
}
