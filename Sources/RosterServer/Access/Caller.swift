import RosterCore

/// Who the request being handled acts for: set by ``AuthenticationMiddleware`` on every `/api/`
/// route, read by the handlers that filter by it (`GET /api/v1/events`). A task local, since the
/// generated handlers see only their declared parameters.
struct Caller: Sendable {
    /// The token's name, or the signed-in user's email.
    var name: String
    var access: Access

    @TaskLocal static var current: Caller?
}
