import Hummingbird
import RosterStore

/// The signed-in back-office session of the request being handled, if any. A task local, since
/// the generated API handlers see only their declared parameters.
public enum BackOfficeSession {
    /// The request's session; `nil` without a valid session cookie, or when an API token is sent.
    @TaskLocal public static var current: WebSession?
    /// The session cookie's name.
    public static let cookie = "roster_session"
    /// The header a script sends its session's CSRF token in.
    public static let csrfHeader = "X-CSRF-Token"
}

/// Reads the session cookie and makes the session ``BackOfficeSession/current`` for the rest of
/// the request. Requests that carry an API token skip the lookup.
public struct WebSessionMiddleware<Context: RequestContext>: RouterMiddleware {
    let sessions: SessionRepository

    /// Reads sessions from `sessions`.
    public init(sessions: SessionRepository) { self.sessions = sessions }

    /// Makes the cookie's session current for the rest of the chain; an unknown or expired cookie is
    /// ignored, and `/static/` requests skip the lookup.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[.authorization] == nil, !request.uri.path.hasPrefix("/static/"),
              let id = request.cookies[BackOfficeSession.cookie]?.value, !id.isEmpty,
              let session = try await sessions.find(id)
        else { return try await next(request, context) }
        return try await BackOfficeSession.$current.withValue(session) { try await next(request, context) }
    }
}
