import Hummingbird
import RosterCore

/// What the caller may do with the route the router matched: its permission comes from
/// ``AccessTable`` (the route as the router names it, `/api/v1/events/{eventId}`), the event
/// from the route's `eventId`. An event outside the caller's answers 404 `event_not_found` (its
/// existence is not revealed); a route the role does not allow answers 403 `forbidden`. A route
/// the table does not name is refused: deny by default.
struct AuthorizationMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: AccessTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let caller = Caller.current else {
            throw APIError(.unauthorized, "unauthorized", "this route needs an 'Authorization: Bearer <token>' header")
        }
        guard let route = context.endpointPath, let permission = table.permission(request.method, route) else {
            throw APIError(.forbidden, "forbidden", "this route is not open to anyone")
        }
        if let refusal = caller.access.refusal(permission, eventId: context.parameters.get("eventId")) {
            throw APIError(refusal)
        }
        return try await next(request, context)
    }
}

extension APIError {
    init(_ refusal: AccessRefusal) {
        switch refusal {
        case .eventNotFound(let id):
            self.init(.notFound, "event_not_found", refusal.description, details: [.init(field: "eventId", row: nil, message: "no event with id '\(id)'")])
        case .forbidden(let permission, _), .needsEveryEvent(let permission):
            self.init(.forbidden, "forbidden", refusal.description, details: [.init(field: nil, row: nil, message: permission.rawValue)])
        }
    }
}
