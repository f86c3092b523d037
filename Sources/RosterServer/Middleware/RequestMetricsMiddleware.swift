import Dispatch
import Hummingbird
import RosterMetrics

/// Counts requests and times them, by route, method and status:
/// `roster_http_requests_total` and `roster_http_request_duration_seconds`.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        // Measured when the handler answers; a streamed body (an export) may still be sending.
        let route = context.endpointPath ?? "unmatched"
        RosterMetrics.request(route: route, method: request.method.rawValue, status: Int(response.status.code),
                              nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        return response
    }
}
