import Foundation
import Hummingbird
import NIOCore

/// Refuses oversized bodies with 413 before any handler reads them, and requires a JSON (or,
/// for imports, CSV or xlsx) content type on requests that carry a body. An import is not
/// gathered: it reaches its handler as a stream that throws 413 once past the limit, so the file
/// is read row by row as it arrives (``ParticipantImport``).
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
        if isImport, request.method == .post {
            // An import is read as it arrives, whatever its format (ParticipantImport).
            let type = request.headers[.contentType]?.lowercased() ?? ""
            guard Self.importTypes.contains(where: { type.hasPrefix($0) }) else { throw Self.unsupportedImport(type) }
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
            guard type.hasPrefix("application/json") else {
                let given = type.isEmpty ? "no Content-Type" : "Content-Type '\(type)'"
                throw APIError(.unsupportedMediaType, "unsupported_media_type", "this route takes application/json, not \(given)")
            }
        }
        return try await RequestCharset.$current.withValue(charset) { try await next(request, context) }
    }

    /// The content types an import takes.
    static var importTypes: [String] { ["application/json", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] }

    /// 415 for an import in another format, naming it when it is a spreadsheet Roster does not read.
    static func unsupportedImport(_ type: String) -> APIError {
        if type.hasPrefix("application/vnd.ms-excel") {
            return APIError(.unsupportedMediaType, "unsupported_media_type",
                            "this is an Excel 97–2003 workbook (.xls), which Roster does not read; save it as 'Excel Workbook (.xlsx)' or as CSV and import that")
        }
        if type.hasPrefix("application/vnd.oasis.opendocument.spreadsheet") {
            return APIError(.unsupportedMediaType, "unsupported_media_type",
                            "this is an OpenDocument spreadsheet (.ods), which Roster does not read; save it as 'Excel 2007-365 (.xlsx)' or as CSV and import that")
        }
        let given = type.isEmpty ? "no Content-Type" : "Content-Type '\(type)'"
        return APIError(.unsupportedMediaType, "unsupported_media_type",
                        "an import takes application/json (a list of participants), text/csv or an xlsx workbook (\(importTypes[2])), not \(given)")
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
