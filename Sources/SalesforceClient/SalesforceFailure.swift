/// One error object as Salesforce's REST API returns it: `{"errorCode", "message", "fields"}`
/// (records inside sObject Collections carry the same with `statusCode` for `errorCode`).
public struct SalesforceAPIError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Salesforce's code, e.g. `INVALID_SESSION_ID`, `DUPLICATE_VALUE`, `REQUIRED_FIELD_MISSING`.
    public var errorCode: String
    /// Salesforce's explanation, as it sent it; empty when it gave none.
    public var message: String
    /// The fields at fault, when Salesforce names them.
    public var fields: [String]
    /// Extra members some errors carry (e.g. `duplicateResult` of `DUPLICATES_DETECTED`).
    public var details: SalesforceValue?

    /// Makes an error from its parts.
    public init(errorCode: String, message: String, fields: [String] = [], details: SalesforceValue? = nil) {
        self.errorCode = errorCode
        self.message = message
        self.fields = fields
        self.details = details
    }

    enum CodingKeys: String, CodingKey { case errorCode, statusCode, message, fields }

    /// Reads an error object: `statusCode` stands in for a missing `errorCode`
    /// (`UNKNOWN_EXCEPTION` when both are missing), and other members are kept in `details`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        errorCode = try container.decodeIfPresent(String.self, forKey: .errorCode)
            ?? container.decodeIfPresent(String.self, forKey: .statusCode) ?? "UNKNOWN_EXCEPTION"
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
        fields = (try? container.decodeIfPresent([String].self, forKey: .fields)) ?? []
        let whole = try SalesforceValue(from: decoder)
        var extra = whole.objectValue ?? [:]
        for key in ["errorCode", "statusCode", "message", "fields"] { extra[key] = nil }
        details = extra.isEmpty ? nil : .object(extra)
    }

    /// Writes `errorCode`, `message` and `fields`; `details` is left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(message, forKey: .message)
        try container.encode(fields, forKey: .fields)
    }

    /// `CODE: message`, with the fields in parentheses when there are any.
    public var description: String {
        fields.isEmpty ? "\(errorCode): \(message)" : "\(errorCode): \(message) (\(fields.joined(separator: ", ")))"
    }
}

/// Everything the client can fail with. Salesforce's own codes are kept, so callers branch on
/// them (`errorCode`), and each case says in words what happened.
public enum SalesforceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Salesforce answered with an error status and its error objects.
    case api(status: Int, errors: [SalesforceAPIError])
    /// The OAuth token endpoint refused (`invalid_grant`, `invalid_client_id`, …).
    case oauth(status: Int, error: String, description: String)
    /// The session expired and could not be renewed: the refresh token or the app's access was
    /// revoked. The connection needs a new login.
    case connectionBroken(String)
    /// A write was sent but its response was lost (dropped connection, timeout): it may or may
    /// not have been applied. Not retried, since creates are not idempotent; re-match first.
    case outcomeUnknown(String)
    /// A read could not reach Salesforce even after retrying.
    case unreachable(String)
    /// Salesforce answered something the client cannot read.
    case invalidResponse(String)
    /// The request could not be built (a bug or bad input, never sent).
    case invalidRequest(String)
    /// The URL's host is not one Salesforce requests may go to (``SalesforceHosts``); never sent.
    case hostNotAllowed(String)

    /// Salesforce's code of the first error, for `.api`; the OAuth error for `.oauth`.
    public var errorCode: String? {
        switch self {
        case .api(_, let errors): errors.first?.errorCode
        case .oauth(_, let error, _): error
        default: nil
        }
    }

    /// The org's daily API allocation is used up (403 `REQUEST_LIMIT_EXCEEDED`).
    public var isRequestLimitExceeded: Bool { errorCode == "REQUEST_LIMIT_EXCEEDED" }

    /// A sentence saying what failed, with Salesforce's codes and messages for `.api`.
    public var description: String {
        switch self {
        case .api(let status, let errors):
            errors.isEmpty ? "Salesforce answered HTTP \(status)" : errors.map(\.description).joined(separator: "; ")
        case .oauth(_, let error, let description): "Salesforce refused the login: \(error) (\(description))"
        case .connectionBroken(let reason): "the Salesforce connection is broken: \(reason); log in to Salesforce again"
        case .outcomeUnknown(let what): "the outcome of a Salesforce write is unknown: \(what)"
        case .unreachable(let what): "Salesforce could not be reached: \(what)"
        case .invalidResponse(let what): "unexpected Salesforce response: \(what)"
        case .invalidRequest(let what): "the Salesforce request could not be built: \(what)"
        case .hostNotAllowed(let why): "refused to send a Salesforce request: \(why)"
        }
    }
}
