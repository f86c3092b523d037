import HTTPTypes
import RosterCore
import Yams

/// The permission each `/api/` route needs, read from `openapi.yaml`: every operation under
/// `/api/` names one in `x-roster-permission`, so the document that generates a route also says
/// who may call it. ``AccessTransport`` refuses to register a route the table does not name, so a
/// new route can't be left open by forgetting it.
struct AccessTable: Sendable {
    /// `"GET /api/v1/events/{eventId}"` → its permission.
    private let permissions: [String: Permission]

    /// The table of the OpenAPI document's `/api/` operations.
    /// - Throws: ``ConfigurationError`` naming an operation without a (known) permission.
    init(document: [UInt8]) throws {
        guard let root = try Yams.load(yaml: String(decoding: document, as: UTF8.self)) as? [String: Any],
              let paths = root["paths"] as? [String: Any]
        else { throw ConfigurationError("openapi.yaml has no paths") }
        var permissions: [String: Permission] = [:]
        for (path, item) in paths where path.hasPrefix("/api/") {
            for (method, value) in item as? [String: Any] ?? [:] {
                guard let operation = value as? [String: Any], operation["operationId"] != nil else { continue }
                let name = operation["x-roster-permission"] as? String
                guard let permission = name.flatMap(Permission.init(rawValue:)) else {
                    throw ConfigurationError("openapi.yaml: \(method.uppercased()) \(path) needs an x-roster-permission, one of \(Permission.allCases.map(\.rawValue).joined(separator: ", ")); '\(name ?? "")' is not")
                }
                permissions[Self.key(method, path)] = permission
            }
        }
        self.permissions = permissions
    }

    /// The permission the route needs, or `nil` when the table does not name it. `HEAD` needs
    /// what `GET` needs.
    func permission(_ method: HTTPRequest.Method, _ route: String) -> Permission? {
        permissions[Self.key(method == .head ? "GET" : method.rawValue, route)]
    }

    private static func key(_ method: String, _ path: String) -> String { "\(method.uppercased()) \(path)" }
}
