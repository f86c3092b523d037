import HTTPTypes
import Hummingbird

/// A path Roster serves, asked with a method it does not take, answers 405 with `Allow` naming
/// the ones it does (RFC 9110, 15.5.6), not 404 as if the path did not exist. `HEAD` is allowed
/// wherever `GET` is (the router answers it from the `GET` handler, without the body).
enum MethodNotAllowed {
    /// The methods a client may try: RFC 9110's, PATCH, and QUERY (the safe method with a body
    /// of draft-ietf-httpbis-safe-method-w-body), which clients have begun to send.
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]

    /// Adds a 405 answer for each method each path lacks.
    static func register<Context: RequestContext>(on router: Router<Context>, routes: [(method: HTTPRequest.Method, path: String)]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in routes { byPath[route.path, default: []].insert(route.method) }
        for (path, methods) in byPath {
            let allowed = methods.contains(.get) ? methods.union([.head]) : methods
            let allow = Self.methods.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            for method in Self.methods where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ in
                    var response = APIError(.methodNotAllowed, "method_not_allowed",
                                            "\(request.method.rawValue) is not a method of \(path); it takes \(allow)").response
                    response.headers[.allow] = allow
                    return response
                }
            }
        }
    }
}
