import SQLKit

extension Migrations {
    /// A search sorts its matches' ids before it cuts a page: with the id in the email index too,
    /// all three indexes a search reads hold them, and no match is read from the table.
    static let searchByEmail = Migration(id: "0005_search_by_email") { db, _ in
        try await db.raw("CREATE INDEX participants_event_email_id ON participants (event_id, email_key, id)").run()
    }
}
