import Foundation
import Hummingbird
import NIOCore

/// Refuses oversized bodies with 413 before any handler reads them, and requires a JSON (or,
/// for imports, CSV) content type on requests that carry a body.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let maxImportBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        let isImport = request.uri.path.hasSuffix("/participants/import")
        let limit = isImport ? maxImportBytes : maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "payload_too_large", "the request body has \(length) bytes; the most this route accepts is \(limit)")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit)
        } catch is NIOTooManyBytesError {
            // A body sent in chunks (no Content-Length) past the limit: the same answer as a sized one.
            throw APIError.tooLarge(limit)
        }
        if isImport, body.readableBytes == 0 {
            throw APIError(.unprocessableContent, "validation_failed", "an import needs a body: a JSON array of participants, or a CSV file with an email column",
                           details: [.init(field: "body", row: nil, message: "is empty")])
        }
        // A body-less POST (a check, a forced sync with its defaults) needs no content type; it
        // reaches the handlers as an empty JSON object, which optional bodies read as defaults.
        if request.uri.path.hasPrefix("/api/"), body.readableBytes == 0, request.method == .post {
            var head = request.head
            head.headerFields[.contentType] = "application/json"
            request = Request(head: head, body: .init(buffer: ByteBuffer(string: "{}")))
        } else if request.uri.path.hasPrefix("/api/"), body.readableBytes > 0 {
            let type = request.headers[.contentType]?.lowercased() ?? ""
            let accepted = isImport ? ["application/json", "text/csv"] : ["application/json"]
            guard accepted.contains(where: { type.hasPrefix($0) }) else {
                let given = type.isEmpty ? "no Content-Type" : "Content-Type '\(type)'"
                throw APIError(.unsupportedMediaType, "unsupported_media_type",
                               "this route takes \(accepted.joined(separator: " or ")), not \(given)")
            }
        }
        let charset = Self.charset(request.headers[.contentType])
        return try await RequestCharset.$current.withValue(charset) { try await next(request, context) }
    }

    /// The `charset` parameter of a content type (`text/csv; charset=windows-1252`), if any.
    static func charset(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" { return pair[1] }
        }
        return nil
    }
}

/// The character set the request's body says it is in (its content type's `charset`), for the
/// CSV import, which the generated handler hands only the bytes.
enum RequestCharset {
    @TaskLocal static var current: String?
}

extension APIError {
    /// 413 for a body past `limit` bytes, however it was sent.
    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "payload_too_large", "the request body is larger than the \(limit) bytes this route accepts")
    }
}
