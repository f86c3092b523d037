import Hummingbird
@_spi(Generated) import OpenAPIRuntime
import RosterStore

/// Answers `GET /api/v1/events/{eventId}/participants`, the grid's read, ahead of the generated
/// handler and with the same steps: the parameters read by the generated layer's own converter
/// calls, the page from ``RosterAPI/participantPage(eventId:query:)``, the handler's errors
/// thrown as they are. Only the JSON differs: ``ParticipantPageJSON`` writes the same bytes
/// several times faster. A request it does not fully understand (a parameter the converter
/// rejects, an `Accept` that refuses JSON, an escaped event id) goes on to the generated handler,
/// so every error keeps the contract's exact answer.
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
        guard request.method == .get, let eventId = Self.eventId(in: request.uri.path),
              let query = try? query(of: request) else {
            return try await next(request, context)
        }
        context.coreContext.endpointPath.value = Self.route
        let page = try await api.participantPage(eventId: eventId, query: query)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ParticipantPageJSON.encode(page)))
    }

    /// The event id of a `/api/v1/events/{id}/participants` path, when it needs no unescaping.
    static func eventId(in path: String) -> String? {
        let prefix = "/api/v1/events/", suffix = "/participants"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.utf8.count > prefix.utf8.count + suffix.utf8.count else { return nil }
        let id = path.dropFirst(prefix.count).dropLast(suffix.count)
        guard !id.contains("/"), !id.contains("%") else { return nil }
        return String(id)
    }

    /// The query parameters, read exactly as the generated deserializer reads them.
    private func query(of request: Request) throws -> Operations.ListParticipants.Input.Query {
        let head = request.head
        try converter.validateAcceptIfPresent("application/json", in: head.headerFields)
        func item<T: Decodable>(_ name: String, _ type: T.Type) throws -> T? {
            try converter.getOptionalQueryItemAsURI(in: head.soar_query, style: .form, explode: true, name: name, as: type)
        }
        return .init(synced: try item("synced", Bool.self), q: try item("q", String.self), sort: try item("sort", String.self),
                     limit: try item("limit", Int.self), cursor: try item("cursor", String.self))
    }
}
