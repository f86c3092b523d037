import Hummingbird

/// Roster's own URL as the client reached it (`http://host:port`), for links Roster hands out
/// when no public URL is configured (the OAuth callback). Set per request as a task local, since
/// the generated OpenAPI handlers see only the declared parameters.
enum RequestOrigin {
    @TaskLocal static var current: String?
}

struct RequestOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        let origin = host.map { "http://\($0)" }
        return try await RequestOrigin.$current.withValue(origin) { try await next(request, context) }
    }
}
