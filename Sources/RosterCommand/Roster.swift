import ArgumentParser
import Foundation

/// `roster`: the command line. Each subcommand parses its options and calls into the libraries;
/// no business logic lives here.
struct Roster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Keeps an event's participants, live, in its Salesforce campaign.",
        discussion: """
            Start here: 'roster serve' runs the REST API on an SQLite file in this directory; \
            'roster token create --name NAME' prints a token for it.

            Settings come from the flags, else from ROSTER_* environment variables \
            (ROSTER_DATABASE_URL, ROSTER_HOST, ROSTER_PORT, ROSTER_LOG_LEVEL), else defaults.

            Exit codes: 0 success, 1 a problem to fix (the message says which), 2 bad usage.
            """,
        subcommands: [Demo.self, Serve.self, Migrate.self, Token.self, User.self, SyncCommand.self, SandboxCommand.self]
    )
}

/// The one entry point: runs the command and maps failures to the documented exit codes.
@main
enum Main {
    static func main() async {
        do {
            var command = try Roster.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Roster.exitCode(for: error)
            if code == .success {
                print(Roster.fullMessage(for: error))
                exit(0)
            }
            if code == .validationFailure || isUsageError(error) {
                FileHandle.standardError.write(Data((Roster.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            let message = String(describing: error)
            FileHandle.standardError.write(Data("roster: \(message)\n".utf8))
            exit(1)
        }
    }

    /// ArgumentParser reports unknown options and missing arguments with a usage message.
    private static func isUsageError(_ error: any Error) -> Bool {
        Roster.fullMessage(for: error).contains("Usage:")
    }
}

/// Options every database-using command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "sqlite:///path/file.sqlite, sqlite://./relative.sqlite, or postgres://user:pass@host:port/db. Env: ROSTER_DATABASE_URL.",
        valueName: "url"))
    var database: String?
}

