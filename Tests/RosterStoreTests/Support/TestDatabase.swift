import Foundation
import Logging
import RosterStore
import SQLKit

/// The databases store tests run on: SQLite always; PostgreSQL too when `scripts/test` (or you)
/// sets `ROSTER_TEST_POSTGRES_URL` to a server this test may create databases on.
enum TestDatabaseKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    static var available: [TestDatabaseKind] {
        ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var description: String { rawValue }
}

/// Runs `body` on a new, empty database, migrated unless `migrated` is false, and deletes it afterwards.
func withTestDatabase(_ kind: TestDatabaseKind, migrated: Bool = true, _ body: (RosterDatabase) async throws -> Void) async throws {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let name = "roster_test_\(UUID().uuidString.prefix(8).lowercased())"
    switch kind {
    case .sqlite:
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try RosterDatabase(url: .sqlite(path: path), logger: logger)
        try await run(database, migrated: migrated, logger: logger, body)
    case .postgres:
        let admin = ProcessInfo.processInfo.environment["ROSTER_TEST_POSTGRES_URL"]!
        let server = try RosterDatabase(url: try DatabaseURL(parsing: admin), logger: logger)
        try await server.writer.raw("CREATE DATABASE \(unsafeRaw: name)").run()
        var components = URLComponents(string: admin)!
        components.path = "/\(name)"
        let database = try RosterDatabase(url: try DatabaseURL(parsing: components.string!), logger: logger)
        do { try await run(database, migrated: migrated, logger: logger, body) } catch {
            try? await server.writer.raw("DROP DATABASE \(unsafeRaw: name)").run()
            try? await server.shutdown()
            throw error
        }
        try await server.writer.raw("DROP DATABASE \(unsafeRaw: name)").run()
        try await server.shutdown()
    }
}

private func run(_ database: RosterDatabase, migrated: Bool, logger: Logger, _ body: (RosterDatabase) async throws -> Void) async throws {
    do {
        if migrated { try await Migrator(database: database, logger: logger).migrate() }
        try await body(database)
        try await database.shutdown()
    } catch {
        try? await database.shutdown()
        throw error
    }
}
