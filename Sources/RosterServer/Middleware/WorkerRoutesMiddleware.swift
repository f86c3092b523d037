import Hummingbird

/// A `--role worker` process answers `/healthz` (for its orchestrator) and `/metrics` (for
/// Prometheus) only: the back office and the API are the web processes'.
struct WorkerRoutesMiddleware<Context: RequestContext>: RouterMiddleware {
    static var open: Set<String> { ["/healthz", "/metrics"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.open.contains(request.uri.path) else {
            return APIError(.notFound, "not_found", "this process is a sync worker (--role worker): it answers /healthz and /metrics only").response
        }
        return try await next(request, context)
    }
}
