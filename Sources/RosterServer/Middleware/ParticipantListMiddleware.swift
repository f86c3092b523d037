import Hummingbird
@_spi(Generated) import OpenAPIRuntime
import RosterStore

/// Answers `GET /api/v1/events/{eventId}/participants`, the grid's read, ahead of the generated
/// handler and with the same steps: the parameters read by the generated layer's rules (in one
/// pass, see ``ListQueryParameters``, which also names a parameter of the wrong type), the page
/// from ``RosterAPI/participantPage(eventId:query:)``, the handler's errors thrown as they are.
/// Only the JSON differs: ``ParticipantPageJSON`` writes the same bytes several times faster. A
/// request it does not fully understand (a malformed query string, an `Accept` that refuses
/// JSON, an escaped event id) goes on to the generated handler, so every such answer keeps the
/// contract's exact form. It sits in the API's authenticated group, after the access checks.
struct ParticipantListMiddleware<Context: RequestContext>: RouterMiddleware {
    let api: RosterAPI
    let converter: Converter

    init(api: RosterAPI, configuration: Configuration) {
        self.api = api
        converter = Converter(configuration: configuration)
    }

    /// The route, as the router names it in metrics and traces.
    static var route: String { "/api/v1/events/{eventId}/participants" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, context.endpointPath == Self.route, let eventId = Self.eventId(in: request.uri.path) else {
            return try await next(request, context)
        }
        guard let query = try query(of: request) else { return try await next(request, context) }
        let (page, exclusions) = try await api.participantPage(eventId: eventId, query: query)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ParticipantPageJSON.encode(page, exclusions: exclusions)))
    }

    /// The event id of a `/api/v1/events/{id}/participants` path, when it needs no unescaping.
    static func eventId(in path: String) -> String? { eventId(in: path, before: "/participants") }

    /// The event id of a `/api/v1/events/{id}<suffix>` path, when it needs no unescaping.
    static func eventId(in path: String, before suffix: String) -> String? {
        let prefix = "/api/v1/events/"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.utf8.count > prefix.utf8.count + suffix.utf8.count else { return nil }
        let id = path.dropFirst(prefix.count).dropLast(suffix.count)
        guard !id.contains("/"), !id.contains("%") else { return nil }
        return String(id)
    }

    /// The query parameters, when the request accepts JSON and its query string follows the
    /// generated layer's rules; a value of the wrong type is an error naming its parameter.
    private func query(of request: Request) throws(ParticipantQueryError) -> Operations.ListParticipants.Input.Query? {
        let head = request.head
        guard (try? converter.validateAcceptIfPresent("application/json", in: head.headerFields)) != nil else { return nil }
        return try ListQueryParameters.parse(head.soar_query)
    }
}
