import Dispatch
import Hummingbird
import Metrics

/// Counts requests and times them, by route, method and status:
/// `roster_http_requests_total` and `roster_http_request_duration_seconds`.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        // Measured when the handler answers; a streamed body (an export) may still be sending.
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        Counter(label: "roster_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(response.status.code))])
            .increment()
        Timer(label: "roster_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
        return response
    }
}
