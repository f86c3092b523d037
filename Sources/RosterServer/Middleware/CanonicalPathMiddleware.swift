import Foundation
import Hummingbird

/// Refuses, before routing, a path that is not written the one way Roster's routes are: an empty
/// segment (`//api/v1`, a trailing `/`), a `.` or `..` segment (escaped or not), a backslash, or
/// an escaped `/`.
/// The router would skip or decode some of these and still find a route, so a check that read
/// the path differently could be gone around; refusing them leaves one spelling of each route.
/// Headers past ``maxHeaderBytes`` are refused here too (431).
struct CanonicalPathMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The most bytes of header names and values a request may carry.
    static var maxHeaderBytes: Int { 16 * 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard Self.isCanonical(path) else {
            throw APIError(.badRequest, "non_canonical_path",
                           "the path '\(path)' is not in canonical form (an empty segment, a trailing '/', a '.' or '..' segment, a '\\' or an escaped '/'); write it as the API documents it")
        }
        let headerBytes = request.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        guard headerBytes <= Self.maxHeaderBytes else {
            throw APIError(.init(code: 431, reasonPhrase: "Request Header Fields Too Large"), "headers_too_large",
                           "the request's headers have \(headerBytes) bytes; the most accepted is \(Self.maxHeaderBytes)")
        }
        return try await next(request, context)
    }

    /// `/` alone, or `/` followed by non-empty segments that are not `.` or `..` (even escaped),
    /// with no backslash and no escaped slash. Other escapes (an id with `%5C` or `%2E` in it) are
    /// a segment's text, which the router never splits.
    static func isCanonical(_ path: String) -> Bool {
        if path == "/" { return true }
        guard path.hasPrefix("/"), !path.hasSuffix("/"), !path.contains("\\"), !path.lowercased().contains("%2f") else { return false }
        return !path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).contains { segment in
            let decoded = String(segment).removingPercentEncoding ?? String(segment)
            return segment.isEmpty || decoded == "." || decoded == ".."
        }
    }
}
