import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Where the generated API registers its operations: `/api/` routes go into the authenticated
/// group (each must have a permission in ``AccessTable``, or the server does not start), the
/// rest (`/healthz`, the OAuth callback) onto the open router.
final class AccessTransport<Context: RequestContext>: ServerTransport {
    let open: Router<Context>
    let authenticated: RouterGroup<Context>
    let table: AccessTable
    /// Every operation registered, for the 405 answers.
    private(set) var routes: [(method: HTTPRequest.Method, path: String)] = []

    init(open: Router<Context>, authenticated: RouterGroup<Context>, table: AccessTable) {
        self.open = open
        self.authenticated = authenticated
        self.table = table
    }

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        routes.append((method, path))
        if path.hasPrefix("/api/") {
            guard table.permission(method, path) != nil else {
                throw ConfigurationError("\(method.rawValue) \(path) has no x-roster-permission in openapi.yaml; every /api/ route needs one")
            }
            authenticated.register(handler, method: method, path: path)
        } else {
            open.register(handler, method: method, path: path)
        }
    }
}
