import Foundation
import Hummingbird
import NIOCore

/// Refuses oversized bodies with 413 before any handler reads them, and requires a JSON (or,
/// for imports, CSV) content type on requests that carry a body. A CSV import is not gathered:
/// it reaches its handler as a stream that answers 413 once past the limit, so the file is read
/// row by row as it arrives.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let maxImportBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        let isImport = request.uri.path.hasSuffix("/participants/import")
        let limit = isImport ? maxImportBytes : maxBodyBytes
        let length = request.headers[.contentLength].flatMap(Int.init)
        if let length, length > limit {
            throw APIError(.contentTooLarge, "payload_too_large", "the request body has \(length) bytes; the most this route accepts is \(limit)")
        }
        var request = request
        let charset = Self.charset(request.headers[.contentType])
        if isImport, request.method == .post, request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true {
            if length == 0 { throw APIError.emptyImport }
            request.body = RequestBody(asyncSequence: LimitedBody(base: request.body, limit: limit))
            return try await RequestCharset.$current.withValue(charset) { try await next(request, context) }
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit)
        } catch is NIOTooManyBytesError {
            // A body sent in chunks (no Content-Length) past the limit: the same answer as a sized one.
            throw APIError.tooLarge(limit)
        }
        if isImport, body.readableBytes == 0 { throw APIError.emptyImport }
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

/// A request body that throws 413 as soon as more than `limit` bytes have arrived.
struct LimitedBody: AsyncSequence, Sendable {
    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var received = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            received += buffer.readableBytes
            if received > limit { throw APIError.tooLarge(limit) }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), limit: limit) }
}

extension APIError {
    /// 413 for a body past `limit` bytes, however it was sent.
    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "payload_too_large", "the request body is larger than the \(limit) bytes this route accepts")
    }

    /// 422 for an import without a body.
    static let emptyImport = APIError(.unprocessableContent, "validation_failed", "an import needs a body: a JSON array of participants, or a CSV file with an email column",
                                      details: [.init(field: "body", row: nil, message: "is empty")])
}
