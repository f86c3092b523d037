import Foundation
import HTTPTypes
import Hummingbird
import RosterConnector
import RosterCore
import SalesforceClient
import RosterStore

/// An error as the API shows it: `{"error": {"code", "message", "details"}}` with a status.
public struct APIError: Error, Sendable {
    /// One problem behind the error, such as one bad field.
    public struct Detail: Codable, Sendable, Hashable {
        /// The field or parameter at fault; `nil` when the problem is not one field's.
        public var field: String?
        /// The input row at fault, as numbered in the input; `nil` when the problem is not a row's.
        public var row: Int?
        /// What is wrong with that field or row.
        public var message: String
    }

    /// The HTTP status the error is answered with.
    public var status: HTTPResponse.Status
    /// A stable snake_case code clients can branch on.
    public var code: String
    /// The error in a sentence for people; clients branch on ``code``, not on this.
    public var message: String
    /// The problems one by one (each bad field…); empty when the message says it all.
    public var details: [Detail]
    /// Seconds after which the same request may go through (`Retry-After`), for a 503.
    var retryAfterSeconds: Int?
    /// More the answer carries beside `error`: an object whose keys join it at the top (what an
    /// import stored before it stopped).
    var beside: (any Encodable & Sendable)?

    /// Makes an error as the API answers it.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [Detail] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", what) }

    static func invalid(_ failure: ValidationFailure) -> APIError {
        let summary = failure.issues.count == 1 ? failure.issues[0].description : "\(failure.issues.count) fields are invalid: \(failure.description)"
        return APIError(.unprocessableContent, "validation_failed", summary,
                        details: failure.issues.map { Detail(field: $0.field, row: nil, message: $0.message) })
    }
}

extension APIError {
    /// Translates anything a handler or the framework threw into the contract's error.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: return error
        case let failure as ValidationFailure: return .invalid(failure)
        case let error as StoreError:
            switch error {
            case .notFound(let message): return APIError(.notFound, "not_found", message)
            case .conflict(let message): return APIError(.conflict, "conflict", message)
            case .versionConflict(let message): return APIError(.conflict, "version_conflict", message)
            case .unavailable(let message): return APIError(.serviceUnavailable, "unavailable", message)
            case .configuration, .corrupt: return nil
            }
        case let error as MappingSyntaxError:
            return APIError(.badRequest, "invalid_mapping", error.description, details: [Detail(field: error.field, row: nil, message: error.message)])
        case let error as ConnectorError: return from(error)
        case let error as EventEditConflict: return from(error)
        // A Salesforce failure a screen's request met on the way: Salesforce's, never Roster's (502/503).
        case let failure as SalesforceFailure: return from(ConnectorError.salesforce(failure))
        case let error as ParticipantQueryError:
            let code = error.field == "cursor" ? "invalid_cursor" : "invalid_parameter"
            return APIError(.badRequest, code, error.description, details: [Detail(field: error.field, row: nil, message: error.description)])
        case let error as DecodingError: return fromDecoding(error)
        case let error as HTTPError:
            let message = error.body ?? defaultMessage(error.status)
            return APIError(error.status, code(for: error.status), message)
        default: return nil
        }
    }

    static func from(_ error: EventEditConflict) -> APIError {
        APIError(.conflict, "field_in_use", error.description, details: error.issues.map { Detail(field: $0.field, row: nil, message: $0.message) })
    }

    static func from(_ error: ConnectorError) -> APIError {
        switch error {
        case .notConfigured: return APIError(.conflict, "connector_not_configured", error.description) // the event exists; its settings come first
        case .missingSetting(let field, let message):
            return APIError(.unprocessableContent, "validation_failed", error.description, details: [Detail(field: field, row: nil, message: message)])
        case .notConnected: return APIError(.conflict, "not_connected", error.description)
        case .invalidState: return APIError(.badRequest, "invalid_state", error.description)
        case .loginSettingsChanged: return APIError(.conflict, "login_settings_changed", error.description)
        case .campaignExists: return APIError(.conflict, "campaign_exists", error.description)
        case .salesforce(let failure):
            switch failure {
            case .oauth(_, let code, let description):
                return APIError(.badRequest, "salesforce_login_refused",
                                "Salesforce refused the login (\(code): \(description)); check the login URL, the consumer key and secret, and that the connected app allows this flow")
            case .connectionBroken: return APIError(.conflict, "connection_broken", failure.description)
            case .hostNotAllowed(let why):
                return APIError(.unprocessableContent, "instance_url_not_allowed", failure.description,
                                details: [Detail(field: "instanceUrl", row: nil, message: why)])
            case .unreachable, .outcomeUnknown: return APIError(.badGateway, "salesforce_unreachable", failure.description)
            case .api where failure.isRequestLimitExceeded: return APIError(.serviceUnavailable, "salesforce_request_limit", failure.description)
            default: return APIError(.badGateway, "salesforce_error", failure.description)
            }
        }
    }

    static func fromDecoding(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, key)
            return APIError(.unprocessableContent, "validation_failed", "\(field): is required",
                            details: [Detail(field: field, row: nil, message: "is required")])
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context)
            let expected = type == Bool.self ? "true or false" : type == String.self ? "text" : (type == Int.self || type == Double.self) ? "a number" : "\(type)"
            return APIError(.unprocessableContent, "validation_failed", "\(field): expected \(expected)",
                            details: [Detail(field: field, row: nil, message: "expected \(expected)")])
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return APIError(.badRequest, "invalid_json", "the request body is not valid JSON")
            }
            let field = path(context)
            return APIError(.unprocessableContent, "validation_failed", "\(field): \(context.debugDescription)",
                            details: [Detail(field: field, row: nil, message: context.debugDescription)])
        @unknown default:
            return APIError(.badRequest, "invalid_json", "the request body could not be read")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "validation_failed"
        case 429: "too_many_requests"
        case 502: "bad_gateway"
        case 503: "unavailable"
        default: status.code >= 500 ? "internal_error" : "bad_request"
        }
    }

    /// The database does not answer: PostgreSQL stopped, restarting, or out of reach.
    static var databaseUnavailable: APIError {
        var error = APIError(.serviceUnavailable, "database_unavailable", "the database does not answer; try again in a few seconds")
        error.retryAfterSeconds = 5
        return error
    }

    static func defaultMessage(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "no such route; see /openapi.yaml for the API"
        case 405: "this route does not accept that method"
        case 413: "the request body is too large"
        default: status.reasonPhrase
        }
    }

    /// The contract's JSON body.
    var body: Data {
        struct Envelope: Encodable {
            struct Body: Encodable {
                var code: String
                var message: String
                var details: [Detail]
            }
            enum Keys: String, CodingKey { case error }
            var error: Body
            var beside: (any Encodable)?

            func encode(to encoder: any Encoder) throws {
                // `beside` encodes its keys into the same object as `error`.
                try beside?.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(error, forKey: .error)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? encoder.encode(Envelope(error: .init(code: code, message: message, details: details), beside: beside))) ?? Data()
    }

    var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"roster\"" }
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
