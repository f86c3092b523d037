import ArgumentParser
import Foundation
import RosterStore
import RosterWeb

/// `roster user …`.
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage back-office users.", subcommands: [Create.self, SetPassword.self, Disable.self])

    /// `roster user create --email E --password-stdin [--role ROLE] [--event ID]...`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a back-office user; the password is read from standard input.",
            discussion: "Example: echo 'a long passphrase' | roster user create --email ada@example.com --password-stdin --role organiser --event ID"
        )

        @Option(help: "The user's email, used to sign in.")
        var email: String

        @OptionGroup var password: PasswordInput

        @OptionGroup var access: AccessOptions

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let secret = password.read()
            try await withDatabase(database) { store, _ in
                try await UserAccounts(database: store).create(email: email, password: secret, access: try await access.access(on: store))
            }
            print("created user \(email.trimmingCharacters(in: .whitespaces).lowercased())")
        }
    }

    /// `roster user set-password --email E --password-stdin`.
    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Give a user a new password, read from standard input; their sessions end.",
            discussion: "Example: echo 'a new long passphrase' | roster user set-password --email ada@example.com --password-stdin"
        )

        @Option(help: "The user's email.")
        var email: String

        @OptionGroup var password: PasswordInput

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let secret = password.read()
            try await withDatabase(database) { store, _ in try await UserAccounts(database: store).setPassword(email: email, password: secret) }
            print("set a new password for \(email.trimmingCharacters(in: .whitespaces).lowercased()); their sessions ended")
        }
    }

    /// `roster user disable --email E`.
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: they can no longer sign in, and their sessions end at once.")

        @Option(help: "The user's email.")
        var email: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withDatabase(database) { store, _ in try await UserAccounts(database: store).disable(email: email) }
            print("disabled user \(email.trimmingCharacters(in: .whitespaces).lowercased())")
        }
    }
}

/// `--password-stdin`: the password comes on standard input, never on the command line (where
/// the shell's history and the process list would show it).
struct PasswordInput: ParsableArguments {
    @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
    var passwordStdin = false

    func validate() throws {
        if !passwordStdin { throw ValidationError("pass --password-stdin and send the password on standard input") }
    }

    /// The password sent on standard input, without the line break that ends it.
    func read() -> String {
        var password = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
        return password
    }
}
