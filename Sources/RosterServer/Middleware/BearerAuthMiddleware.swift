import Hummingbird
import RosterStore

/// Requires `Authorization: Bearer <token>` with a token made by `roster token create` on every
/// `/api/` route.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenRepository
    let cache: TokenCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
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
