import Hummingbird
import RosterConnector

/// Headers every answer carries: `nosniff`, so a browser never runs a JSON or CSV answer as
/// something else. Pages set their own policy (``RosterWeb/BackOffice``); the OAuth callback's
/// policy comes with its page (``CallbackPage/headers``).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.xContentTypeOptions] == nil { response.headers[.xContentTypeOptions] = "nosniff" }
        if request.uri.path == ConnectorService.callbackPath {
            for field in CallbackPage.headers { response.headers[field.name] = field.value }
        }
        return response
    }
}
