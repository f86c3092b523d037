import Logging
import SQLKit

/// One step of the database schema. Migrations are append-only: once landed, a migration is
/// never edited; a change is a new migration with the next number.
public struct Migration: Sendable {
    /// A stable, sortable identifier such as `0001_core`.
    public let id: String
    let apply: @Sendable (any SQLDatabase, StoreDialect) async throws -> Void
}

/// Applies the migrations a database lacks, each in its own transaction, recorded in `roster_migrations`.
public struct Migrator: Sendable {
    let database: RosterDatabase
    let migrations: [Migration]
    let logger: Logger

    /// A migrator for `database`; `migrations` defaults to every landed one, in order.
    public init(database: RosterDatabase, logger: Logger, migrations: [Migration] = Migrations.all) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    /// Brings the schema up to date.
    /// - Returns: the ids of the migrations applied now (empty when it was already current).
    @discardableResult
    public func migrate() async throws -> [String] {
        let dialect = database.dialect
        let migrations = self.migrations
        let logger = self.logger
        return try await database.writer.withSession { session in
            // Several `serve` processes may start at once on one PostgreSQL database.
            if dialect == .postgres { try await session.raw("SELECT pg_advisory_lock(7458125)").run() }
            do {
                let done = try await Self.applyMissing(migrations, on: session, dialect: dialect, logger: logger)
                if dialect == .postgres { try await session.raw("SELECT pg_advisory_unlock(7458125)").run() }
                return done
            } catch {
                if dialect == .postgres { try? await session.raw("SELECT pg_advisory_unlock(7458125)").run() }
                throw error
            }
        }
    }

    private static func applyMissing(_ migrations: [Migration], on session: any SQLDatabase, dialect: StoreDialect, logger: Logger) async throws -> [String] {
        try await session.create(table: "roster_migrations").ifNotExists()
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("applied_at", type: .bigint, .notNull)
            .run()
        let applied = Set(try await session.select().column("id").from("roster_migrations").all(decodingColumn: "id", as: String.self))
        var done: [String] = []
        for migration in migrations.sorted(by: { $0.id < $1.id }) where !applied.contains(migration.id) {
            try await RosterDatabase.transaction(on: session, dialect: dialect) { db in
                try await migration.apply(db, dialect)
                try await db.insert(into: "roster_migrations")
                    .columns("id", "applied_at")
                    .values(SQLBind(migration.id), SQLBind(StoreTime.now()))
                    .run()
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.id)"])
            done.append(migration.id)
        }
        return done
    }
}
