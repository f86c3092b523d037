import SQLKit

extension Migrations {
    /// Searching without accents, by company and by email domain (issue 30): each participant's
    /// ``SearchKeys`` stored beside it and indexed per event, replacing migration 0004's
    /// `lower(…)` name indexes (SQLite's `lower()` leaves "É" as it is) and widening 0006's walk
    /// index to the new keys; and the people checked in, indexed for the desk's count. The keys of the people already stored are folded here, in Swift,
    /// 500 people to a statement.
    static let foldedSearch = Migration(id: "0019_folded_search") { db, _ in
        for column in SearchKeys.columns {
            try await db.raw("ALTER TABLE participants ADD COLUMN \(ident: column) TEXT NOT NULL DEFAULT ''").run()
        }
        var after = ""
        while true {
            let rows = try await db.raw("""
                SELECT id, first_name, last_name, company, email_key FROM participants WHERE id > \(bind: after) ORDER BY id LIMIT 500
                """).all()
            guard !rows.isEmpty else { break }
            var values: [SQLQueryString] = []
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                let keys = SearchKeys(firstName: try row.decode(column: "first_name", as: String.self), lastName: try row.decode(column: "last_name", as: String.self),
                                      company: try row.decode(column: "company", as: String.self), emailKey: try row.decode(column: "email_key", as: String.self))
                values.append("(\(bind: id), \(bind: keys.firstName), \(bind: keys.lastName), \(bind: keys.company), \(bind: keys.domain))")
                after = id
            }
            // `VALUES` names its columns column1…column5 on both databases.
            try await db.raw("""
                UPDATE participants SET first_key = v.column2, last_key = v.column3, company_key = v.column4, domain_key = v.column5
                FROM (VALUES
                """ + values.joined(separator: ", ") + ") AS v WHERE participants.id = v.column1").run()
        }
        try await db.raw("DROP INDEX participants_event_last_name").run()
        try await db.raw("DROP INDEX participants_event_first_name").run()
        try await db.raw("DROP INDEX participants_event_id_keys").run()
        // Each name's index also holds the other name after the id: it sorts by (name, id), and a
        // full name ("grace hop") is matched from it without reading the table.
        try await db.raw("CREATE INDEX participants_event_first_key ON participants (event_id, first_key, id, last_key)").run()
        try await db.raw("CREATE INDEX participants_event_last_key ON participants (event_id, last_key, id, first_key)").run()
        try await db.raw("CREATE INDEX participants_event_company_key ON participants (event_id, company_key, id)").run()
        try await db.raw("CREATE INDEX participants_event_domain_key ON participants (event_id, domain_key, id)").run()
        // The check-in desk's count of people checked in.
        try await db.raw("CREATE INDEX participants_event_attended ON participants (event_id) WHERE has_attended").run()
        try await db.raw("""
            CREATE INDEX participants_event_id_keys ON participants (event_id, id, email_key, first_key, last_key, company_key, domain_key)
            """).run()
    }
}
