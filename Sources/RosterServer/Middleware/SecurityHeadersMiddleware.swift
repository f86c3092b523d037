import Hummingbird
import RosterConnector

/// Headers every answer carries: `nosniff`, so a browser never runs a JSON or CSV answer as
/// something else; and `no-store` on the API's. Pages set their own policy (``RosterWeb/BackOffice``); the OAuth callback's
/// policy comes with its page (``CallbackPage/headers``).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.xContentTypeOptions] == nil { response.headers[.xContentTypeOptions] = "nosniff" }
        // What the API answers is people's data, and sometimes a secret shown once: never kept
        // by a browser's or a proxy's cache.
        if request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/hooks/"), response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        if request.uri.path == ConnectorService.callbackPath {
            for field in CallbackPage.headers { response.headers[field.name] = field.value }
        }
        return response
    }
}
