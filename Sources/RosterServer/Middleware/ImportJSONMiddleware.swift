import Foundation
import Hummingbird
import NIOCore

/// Answers a JSON import (`POST …/participants/import` with `application/json`) ahead of the
/// generated handler, which would decode the whole array into memory before a row is read: here
/// the array is read element by element as it arrives (``ParticipantImport``), through the same
/// ``RosterAPI/importParticipants(eventId:format:options:body:)`` as the other formats. It sits
/// in the API's authenticated group after the access checks and the body limit; a request it
/// does not fully understand (an escaped event id) goes on to the generated handler.
struct ImportJSONMiddleware<Context: RequestContext>: RouterMiddleware {
    let api: RosterAPI

    /// The route, as the router names it.
    static var route: String { "/api/v1/events/{eventId}/participants/import" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, context.endpointPath == Self.route,
              request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true,
              let eventId = ParticipantListMiddleware<Context>.eventId(in: request.uri.path, before: "/participants/import") else {
            return try await next(request, context)
        }
        let query = request.uri.queryParameters
        let preview: Bool
        switch query["preview"].map(String.init) {
        case nil, "false": preview = false
        case "true": preview = true
        case let other?:
            throw APIError(.badRequest, "invalid_parameter", "preview must be true or false, not '\(other)'",
                           details: [.init(field: "preview", row: nil, message: "must be true or false")])
        }
        let options = ImportOptions(preview: preview, columns: try RosterAPI.chosenColumns(query["columns"].map(String.init)),
                                    fileName: try RosterAPI.fileName(query["fileName"].map(String.init)), charset: nil, maxRows: api.maxImportRows)
        let result = try await api.importParticipants(eventId: eventId, format: .json, options: options,
                                                      body: request.body.map { ArraySlice($0.readableBytesView) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(result))))
    }
}
