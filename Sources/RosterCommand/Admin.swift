import ArgumentParser
import Foundation
import Logging
import RosterServer
import RosterWeb
import RosterStore

/// Opens the configured database for one administrative command, migrates it, runs `body` with
/// it and the migrations just applied, and closes it after.
func withDatabase<T>(_ options: DatabaseOptions, _ body: (RosterDatabase, _ applied: [String]) async throws -> T) async throws -> T {
    let configuration = try AppConfiguration.resolve(host: nil, port: nil, database: options.database)
    var logger = Logger(label: "roster")
    logger.logLevel = .warning
    let database = try RosterDatabase(url: configuration.database, logger: logger)
    do {
        let applied = try await Migrator(database: database, logger: logger).migrate()
        let result = try await body(database, applied)
        try await database.shutdown()
        return result
    } catch {
        try? await database.shutdown()
        throw error
    }
}

/// `roster migrate`.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations ('serve' also does it at start).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database) { store, applied in
            print(applied.isEmpty ? "\(store.url) is up to date" : "applied \(applied.joined(separator: ", ")) to \(store.url)")
        }
    }
}
