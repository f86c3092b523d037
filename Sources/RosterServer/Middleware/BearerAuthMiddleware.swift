import HTTPTypes
import Hummingbird
import RosterStore
import RosterWeb

/// Requires on every `/api/` route either `Authorization: Bearer <token>` with a token made by
/// `roster token create`, or a back-office session (the pages' scripts) whose CSRF token comes
/// with every request that changes something.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenRepository
    let cache: TokenCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        if request.headers[.authorization] == nil, let session = BackOfficeSession.current {
            let safe = request.method == .get || request.method == .head
            guard safe || request.headers[HTTPField.Name(BackOfficeSession.csrfHeader)!] == session.csrfToken else {
                throw APIError(.forbidden, "csrf_token_invalid", "this request needs the page's CSRF token in the \(BackOfficeSession.csrfHeader) header; reload the page")
            }
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthorized", "this route needs an 'Authorization: Bearer <token>' header; create a token with 'roster token create --name NAME'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIError(.unauthorized, "unauthorized", "the Authorization header must be 'Bearer <token>'")
        }
        let token = String(parts[1]).trimmed()
        if !cache.isKnown(token) {
            guard try await tokens.verify(token) != nil else {
                throw APIError(.unauthorized, "unauthorized", "this API token is not valid; create one with 'roster token create --name NAME'")
            }
            cache.remember(token)
        }
        return try await next(request, context)
    }
}
