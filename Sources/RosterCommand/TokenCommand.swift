import ArgumentParser
import Foundation
import RosterCore
import RosterStore

/// `roster token …`.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage REST API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    /// `roster token create --name NAME [--role ROLE] [--event ID]... [--expires-in DAYS]`:
    /// prints one token, and nothing else, on stdout.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token and print it (it is shown only once).",
            discussion: """
                Use it as 'Authorization: Bearer <token>' on /api/v1 routes. A registration site needs \
                '--role registrar --event ID'; the default is an admin token on every event.
                """
        )

        @Option(help: "What the token is for, e.g. 'registration site'; unique among the tokens not revoked.")
        var name: String

        @OptionGroup var access: AccessOptions

        @Option(name: .customLong("expires-in"), help: ArgumentHelp("Days until the token stops working (default: never).", valueName: "days"))
        var expiresIn: Int?

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
            if let issue = ParticipantRules.controlCharacterIssue(name, field: "--name") { throw ValidationError("--name \(issue.message)") }
            if let expiresIn, !(1...3650).contains(expiresIn) { throw ValidationError("--expires-in must be between 1 and 3650 days") }
        }

        func run() async throws {
            let token = try await withDatabase(database) { store, _ in
                let expiresAt = expiresIn.map { Date().addingTimeInterval(Double($0) * 86_400) }
                return try await TokenRepository(database: store).create(name: name.trimmed(), access: try await access.access(on: store), expiresAt: expiresAt)
            }
            print(token)
        }
    }

    /// `roster token list`: name, role, events, created, last used, expires; never the token.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens not revoked (never the tokens themselves).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let tokens = try await withDatabase(database) { store, _ in try await TokenRepository(database: store).list() }
            let rows = [["NAME", "ROLE", "EVENTS", "CREATED", "LAST USED", "EXPIRES"]] + tokens.map { token in
                [token.name, token.access.role.rawValue, token.access.events.map { $0.sorted().joined(separator: ",") } ?? "all",
                 RFC3339.string(from: token.createdAt), token.lastUsedAt.map { RFC3339.string(from: $0) } ?? "never",
                 token.expiresAt.map { ($0 <= Date() ? "expired " : "") + RFC3339.string(from: $0) } ?? "never"]
            }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces))
            }
        }
    }

    /// `roster token revoke --name NAME`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it answers 401 from then on, in every running server.")

        @Option(help: "The token's name, as 'roster token list' shows it.")
        var name: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withDatabase(database) { store, _ in try await TokenRepository(database: store).revoke(name: name) }
            print("revoked token \(name)")
        }
    }
}
