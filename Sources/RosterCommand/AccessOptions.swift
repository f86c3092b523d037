import ArgumentParser
import RosterCore
import RosterStore

/// `--role` and `--event`, shared by `token create` and `user create`.
struct AccessOptions: ParsableArguments {
    @Option(help: ArgumentHelp("admin, organiser, registrar or viewer (default: admin).", valueName: "role"))
    var role: String = Role.admin.rawValue

    @Option(name: .customLong("event"), help: ArgumentHelp("An event it may touch; repeat for several. None: every event.", valueName: "id"))
    var events: [String] = []

    func validate() throws {
        if Role(rawValue: role) == nil { throw ValidationError("--role '\(role)' is not one of \(Role.spelled)") }
    }

    /// The access, its events checked to exist.
    func access(on database: RosterDatabase) async throws -> Access {
        let known = Set(try await EventRepository(database: database).all().map(\.id))
        if let unknown = events.first(where: { !known.contains($0) }) {
            throw CommandFailure("no event with id '\(unknown)' (--event); 'GET /api/v1/events' lists them")
        }
        return Access(role: Role(rawValue: role) ?? .admin, events: Set(events))
    }
}

/// A problem the user can fix, said on stderr with exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
