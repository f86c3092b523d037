import Hummingbird

/// The OpenAPI runtime percent-encodes header values it serializes (the `simple` style), which
/// would send `attachment%3B%20filename…`. `Content-Disposition` is meant literally (RFC 6266),
/// so it is decoded back here.
struct HeaderEncodingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let value = response.headers[.contentDisposition], value.contains("%"), let decoded = value.removingPercentEncoding {
            response.headers[.contentDisposition] = decoded
        }
        return response
    }
}
