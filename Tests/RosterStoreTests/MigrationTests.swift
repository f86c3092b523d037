import Crypto
import Foundation
import SQLKit
import Testing
@testable import RosterStore

@Suite("Migrations")
struct MigrationTests {
    /// The SHA-256 of each landed migration's file. A migration that ran somewhere is never edited
    /// (that database would never get the change): write a new one with the next number, and add
    /// its checksum here when it lands.
    static let landed: KeyValuePairs<String, String> = [
        "0001_core": "f23fb545321b174fded7c2f257a308f5cfa935a3d6b94c7271ccd8250b26f096",
        "0002_salesforce_connectors": "f47746aab8ee02ea5fac5baf878a152a2dee7797477111c073351c4fbb8c113b",
        "0003_salesforce_sync": "443081ee05cd0d94d671eb6a9b3bbba730cc88f7747725ba3957ac8bb6322459",
        "0004_back_office": "af3f779c5dd4b274c70192ce7cece8487794c0853ef8c4b2b88d598d1efd92c0",
        "0005_search_by_email": "282aa3d8613cc454b2956da240119ed6b3ba93adb5f2d3e0c8de9cf6943a4a0a",
        "0006_search_in_creation_order": "54236913ec0fed8095fa42be0ba19e0647ead2eee5e3d9b39f56ae31d175c9f6",
        "0007_one_email_index": "bf9c78258c0672fcc707954f1dd35837e8ad1a909bb1112b5fc17c08d0ac3d4d",
        "0008_access": "12517b54fe0d966079ede01406fd0d1b266abd832dac1c53a354add9c295ff46",
        "0009_batch_sizes": "e9a52fe2bbcbc0d4ea858720f353d62b0761eafa62c408f8006dc2930022d9d7",
        "0010_edited_migrations_repair": "c7f7237d2131182aa98328b8648077353e5bace5c96285be84219b5990c92d5d",
        "0011_run_started_by": "6da0fbdf66bc856d219b39c0de650b848c2c24e0ab991cb0cb0a82b26db85869",
        "0012_import_history": "5ed4729938ddf00659691cb4e88d92fcbd36da07f65f489d8a03cf592a1e3939",
        "0013_webhooks": "558d9a6a54bffbea7af85529138d73d12aa2edfb921c5f867ed30ce8d41fbe27",
        "0014_sync_health": "f487d59adc003eb1d50d900b4b7062c92082e2a3790015f8050024bcf40dc165",
        "0015_live_sync_failures": "840a73a5117a2aa0a74db4e23dced892e7d5ef5cd2dca37644d2c5173c22a477",
        "0016_oauth_state_app": "a8c65db38d4a83f0ea1e4cfd0a2f49f67a24eef81c912bafe10433a8b365e480",
        "0017_check_in_time": "d344c185e5ea8d321bffa46c2fa37300c54bf5faed5a4c76c66968b553f102ac",
        "0018_event_time_zone": "5dd56b7c3f6642378a5baab07d6a012c182e6b6e77e90cdbd19737b4f1b20298",
        "0019_folded_search": "6042342eed559b96753adf9d53980995b6d291e9fee83a809f21884da0b4ccda",
        "0020_erasures": "4dc7f1417e41f99e330080876a9bdc912c52cf6fe9d19de38634f96b6c2f3a66",
        "0021_user_invites": "aacdfa191800cdeb69772a03f42f14d31655fc4af4ca99e013428147831f6a2f",
        "0022_search_sorted_by_name": "fe20ad594e8decd06ca68d3c20592f132fb0f849cf784fe81d2a40a5457b2329",
    ]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/RosterStore/Migrations").standardizedFileURL

    @Test("Every migration has its own file, numbered in order, and every landed one is unchanged")
    func landedMigrationsAreUnchanged() throws {
        let ids = Migrations.all.map(\.id)
        #expect(ids == ids.sorted())
        #expect(ids.enumerated().allSatisfy { index, id in id.hasPrefix(String(format: "%04d_", index + 1)) })
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.first?.isNumber == true }.map { String($0.dropLast(".swift".count)) }.sorted()
        #expect(files == ids)
        #expect(Self.landed.map(\.key) == ids, "a migration without a recorded checksum: add it to `landed`")
        for (id, checksum) in Self.landed {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent("\(id).swift"))
            let actual = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            #expect(actual == checksum, "\(id) was edited after it landed: undo the edit and write a new migration")
        }
    }

    @Test("A database made at the first migration and brought up to the last has the schema of a fresh one", arguments: TestDatabaseKind.available)
    func upgradeFromTheFirstMigration(kind: TestDatabaseKind) async throws {
        let fresh = try await schema(kind) { database in try await migrate(database) }
        let upgraded = try await schema(kind) { database in
            try await migrate(database, Array(Migrations.all.prefix(1)))
            #expect(try await migrate(database) == Migrations.all.dropFirst().map(\.id))
        }
        #expect(upgraded == fresh)
        #expect(fresh.columns.contains("participants.sf_hash text"))
        #expect(fresh.columns.contains("salesforce_sync_runs.batch_sizes_json text"))
    }

    @Test("A database migrated before 0003 and 0004 were edited gets what they added, its counts filled", arguments: TestDatabaseKind.available)
    func repairOfEditedMigrations(kind: TestDatabaseKind) async throws {
        let fresh = try await schema(kind) { database in try await migrate(database) }
        var counts: (participants: Int, synced: Int)?
        let repaired = try await schema(kind) { database in
            try await migrate(database, Array(Migrations.all.prefix { $0.id != "0010_edited_migrations_repair" }))
            // As those databases were: without the column and the table the edits added.
            try await database.writer.raw("DROP TABLE event_participant_counts").run()
            try await database.writer.raw("ALTER TABLE participants DROP COLUMN sf_hash").run()
            try await database.writer.raw("INSERT INTO events (id, name, fields_json, created_at) VALUES ('e1', 'Summit', '[]', 0)").run()
            for (id, synced) in [("p1", "NULL"), ("p2", "5"), ("p3", "NULL")] {
                try await database.writer.raw("""
                    INSERT INTO participants (id, event_id, email, email_key, first_name, last_name, company, job_title, is_registered,
                      has_attended, allow_networking, fields_json, version, created_at, updated_at, sf_synced_at)
                    VALUES (\(unsafeRaw: "'\(id)'"), 'e1', 'a@x.org', \(unsafeRaw: "'\(id)'"), 'A', 'B', '', '', TRUE, FALSE, FALSE, '{}', 1, 0, 0, \(unsafeRaw: synced))
                    """).run()
            }
            #expect(try await migrate(database) == Migrations.all.drop { $0.id != "0010_edited_migrations_repair" }.map(\.id))
            let row = try #require(try await database.writer.raw("SELECT participants, synced FROM event_participant_counts WHERE event_id = 'e1'").first())
            counts = (try row.decode(column: "participants", as: Int.self), try row.decode(column: "synced", as: Int.self))
        }
        #expect(repaired == fresh)
        #expect(counts?.participants == 3)
        #expect(counts?.synced == 1)
    }

    @Test("0019 folds the search keys of the people already stored, more than one statement's worth", arguments: TestDatabaseKind.available)
    func foldedSearchKeysOfStoredPeople(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind, migrated: false) { database in
            try await migrate(database, Array(Migrations.all.prefix { $0.id != "0019_folded_search" }))
            try await database.writer.raw("INSERT INTO events (id, name, fields_json, created_at) VALUES ('e1', 'Summit', '[]', 0)").run()
            // 501 people: the backfill's two statements, the last of one person.
            for index in 0...500 {
                let (first, last, company) = index == 250 ? ("Hélène", "Lefèvre", "Société Générale") : ("Ada", "Lovelace \(index)", "")
                try await database.writer.raw("""
                    INSERT INTO participants (id, event_id, email, email_key, first_name, last_name, company, job_title, is_registered,
                      has_attended, allow_networking, fields_json, version, created_at, updated_at)
                    VALUES (\(bind: String(format: "p%04d", index)), 'e1', 'x@y.org', \(bind: "p\(index)@corp.example"), \(bind: first), \(bind: last),
                      \(bind: company), '', TRUE, FALSE, FALSE, '{}', 1, 0, 0)
                    """).run()
            }
            #expect(try await migrate(database) == Migrations.all.drop { $0.id != "0019_folded_search" }.map(\.id))
            let rows = try await database.writer.raw("""
                SELECT id, first_key, last_key, company_key, domain_key FROM participants WHERE id IN ('p0250', 'p0500') ORDER BY id
                """).all()
            let keys = try rows.map { row in
                try ["first_key", "last_key", "company_key", "domain_key"].map { try row.decode(column: $0, as: String.self) }
            }
            #expect(keys == [["helene", "lefevre", "societe generale", "corp.example"], ["ada", "lovelace 500", "", "corp.example"]])
            let found = try await ParticipantRepository(database: database).page(eventId: "e1", query: ParticipantQuery(search: "HELENE"), limit: 5, cursor: nil)
            #expect(found.items.map(\.id) == ["p0250"])
        }
    }

    @discardableResult
    private func migrate(_ database: RosterDatabase, _ migrations: [Migration] = Migrations.all) async throws -> [String] {
        try await Migrator(database: database, logger: .init(label: "test"), migrations: migrations).migrate()
    }

    /// The tables' columns (name, type, nullability) and the indexes' definitions of a database
    /// `prepare` made, in name order, so column order (which `ALTER TABLE` decides) does not count.
    private func schema(_ kind: TestDatabaseKind, _ prepare: @escaping (RosterDatabase) async throws -> Void) async throws -> Schema {
        var result = Schema(columns: [], indexes: [])
        try await withTestDatabase(kind, migrated: false) { database in
            try await prepare(database)
            let (columns, indexes): (SQLQueryString, SQLQueryString) = switch kind {
            case .sqlite: (
                """
                SELECT m.name || '.' || p.name || ' ' || lower(p.type) || CASE WHEN p."notnull" = 1 THEN ' not null' ELSE '' END AS line
                FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1
                """,
                "SELECT name || ': ' || COALESCE(sql, 'automatic') AS line FROM sqlite_master WHERE type = 'index' ORDER BY 1")
            case .postgres: (
                """
                SELECT table_name || '.' || column_name || ' ' || data_type || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END AS line
                FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1
                """,
                "SELECT indexname || ': ' || indexdef AS line FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1")
            }
            result.columns = try await database.writer.raw(columns).all(decodingColumn: "line", as: String.self)
            result.indexes = try await database.writer.raw(indexes).all(decodingColumn: "line", as: String.self)
        }
        return result
    }

    struct Schema: Equatable {
        var columns: [String]
        var indexes: [String]
    }
}
