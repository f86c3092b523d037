import SQLKit

extension Migrations {
    /// A search in creation order walks the event's ids and tests each participant's keys
    /// (``SearchPlan``): the event's id index also holds the email key and the lower-cased names,
    /// so the walk never reads the table. It replaces the `(event_id, id)` index, whose work
    /// (a page in creation order, an export's batches) it does as well: one index to keep, not two.
    static let searchInCreationOrder = Migration(id: "0006_search_in_creation_order") { db, _ in
        try await db.raw("CREATE INDEX participants_event_id_keys ON participants (event_id, id, email_key, lower(first_name), lower(last_name))").run()
        try await db.raw("DROP INDEX participants_event_id").run()
    }
}
