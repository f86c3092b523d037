import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Where the generated API registers its operations: `/api/` routes go into the authenticated
/// group (each must have a permission in ``AccessTable``, or the server does not start), the
/// rest (`/healthz`, the OAuth callback) onto the open router.
struct AccessTransport<Context: RequestContext>: ServerTransport {
    let open: Router<Context>
    let authenticated: RouterGroup<Context>
    let table: AccessTable

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
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
