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

        @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
        var passwordStdin = false

        @OptionGroup var access: AccessOptions

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if !passwordStdin { throw ValidationError("pass --password-stdin and send the password on standard input") }
        }

        func run() async throws {
            let password = readPassword()
            try await withDatabase(database) { store, _ in
                try await UserAccounts(database: store).create(email: email, password: password, access: try await access.access(on: store))
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

        @Flag(help: "Read the password from standard input (required: passwords never go on the command line).")
        var passwordStdin = false

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if !passwordStdin { throw ValidationError("pass --password-stdin and send the password on standard input") }
        }

        func run() async throws {
            let password = readPassword()
            try await withDatabase(database) { store, _ in try await UserAccounts(database: store).setPassword(email: email, password: password) }
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

/// The password sent on standard input, without the line break that ends it.
private func readPassword() -> String {
    var password = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
    return password
}
