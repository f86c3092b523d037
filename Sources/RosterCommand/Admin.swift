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

/// `roster token …`.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage REST API tokens.", subcommands: [Create.self])

    /// `roster token create --name NAME`: prints one token, and nothing else, on stdout.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token and print it (it is shown only once).",
            discussion: "Use it as 'Authorization: Bearer <token>' on /api/v1 routes."
        )

        @Option(help: "What the token is for, e.g. 'registration site'.")
        var name: String

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
        }

        func run() async throws {
            let token = try await withDatabase(database) { store, _ in try await TokenRepository(database: store).create(name: name) }
            print(token)
        }
    }
}

/// `roster user …`.
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage back-office users.", subcommands: [Create.self])

    /// `roster user create --email E --password-stdin`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a back-office user; the password is read from standard input.",
            discussion: "Example: echo 'a long passphrase' | roster user create --email ada@example.com --password-stdin"
        )

        @Option(help: "The user's email, used to sign in.")
        var email: String

        @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
        var passwordStdin = false

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if !passwordStdin { throw ValidationError("pass --password-stdin and send the password on standard input") }
        }

        func run() async throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            var password = String(decoding: input, as: UTF8.self)
            while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
            try await withDatabase(database) { store, _ in try await UserAccounts(database: store).create(email: email, password: password) }
            print("created user \(email.trimmingCharacters(in: .whitespaces).lowercased())")
        }
    }
}
