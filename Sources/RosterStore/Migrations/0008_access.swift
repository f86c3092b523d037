import SQLKit

extension Migrations {
    /// Scoped access (SPEC S62): API tokens and users carry a role and the events they cover
    /// (`events_json`, a JSON array; `NULL` covers every event). Tokens can expire and be revoked,
    /// and remember when they were last used; users can be disabled. What existed before keeps
    /// working as it did: an admin on every event.
    ///
    /// Token names become the handle to revoke a token by, so an active name is unique; names
    /// given twice before this migration keep the oldest token's name and the others get their id
    /// appended.
    static let access = Migration(id: "0008_access") { db, _ in
        try await db.raw("ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'").run()
        try await db.raw("ALTER TABLE api_tokens ADD COLUMN events_json TEXT").run()
        try await db.raw("ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT").run()
        try await db.raw("ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT").run()
        try await db.raw("ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT").run()
        try await db.raw("""
            UPDATE api_tokens SET name = name || ' (' || id || ')'
            WHERE id NOT IN (SELECT MIN(id) FROM api_tokens GROUP BY name)
            """).run()
        try await db.raw("CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL").run()

        try await db.raw("ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'").run()
        try await db.raw("ALTER TABLE users ADD COLUMN events_json TEXT").run()
        try await db.raw("ALTER TABLE users ADD COLUMN disabled_at BIGINT").run()
    }
}
