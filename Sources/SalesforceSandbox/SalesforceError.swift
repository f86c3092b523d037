/// An error as a Salesforce org reports it: a status code such as `INVALID_FIELD`, a message, the
/// fields involved and the HTTP status the REST API answers with.
public struct SalesforceError: Error, Sendable, Equatable {
    /// Salesforce's `errorCode` (REST) or `statusCode` (save results), e.g. `REQUIRED_FIELD_MISSING`.
    public var errorCode: String
    /// The human message, worded like Salesforce's.
    public var message: String
    /// The API names of the fields involved, when any.
    public var fields: [String]
    /// The HTTP status of a REST response carrying this error alone.
    public var status: Int
    /// Extra members some errors carry, e.g. `duplicateResult` on `DUPLICATES_DETECTED`.
    public var extra: JSONObject

    /// Makes an error; the HTTP status defaults to 400, as for most REST errors.
    public init(_ errorCode: String, _ message: String, fields: [String] = [], status: Int = 400, extra: JSONObject = [:]) {
        self.errorCode = errorCode
        self.message = message
        self.fields = fields
        self.status = status
        self.extra = extra
    }

    /// The element of a REST error array: `{"message","errorCode","fields"}`.
    var restJSON: JSONValue {
        var object: JSONObject = ["message": .string(message), "errorCode": .string(errorCode)]
        if !fields.isEmpty || status == 400 { object["fields"] = .array(fields.map(JSONValue.string)) }
        for member in extra { object[member.key] = member.value }
        return .object(object)
    }

    /// The element of a save result's `errors`: `{"statusCode","message","fields"}`.
    var saveResultJSON: JSONValue {
        var object: JSONObject = [
            "statusCode": .string(errorCode), "message": .string(message),
            "fields": .array(fields.map(JSONValue.string)),
        ]
        for member in extra { object[member.key] = member.value }
        return .object(object)
    }
}

extension SalesforceError {
    static func notFound() -> SalesforceError {
        SalesforceError("NOT_FOUND", "The requested resource does not exist", status: 404)
    }

    static func invalidSession() -> SalesforceError {
        SalesforceError("INVALID_SESSION_ID", "Session expired or invalid", status: 401)
    }

    static func requestLimitExceeded() -> SalesforceError {
        SalesforceError("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", status: 403)
    }

    static func concurrentRequestLimitExceeded() -> SalesforceError {
        SalesforceError("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.", status: 403)
    }

    static func malformedQuery(_ message: String) -> SalesforceError {
        SalesforceError("MALFORMED_QUERY", message)
    }

    static func jsonParser(_ message: String) -> SalesforceError {
        SalesforceError("JSON_PARSER_ERROR", message)
    }

    static func invalidType(_ name: String) -> SalesforceError {
        SalesforceError(
            "INVALID_TYPE",
            "sObject type '\(name)' is not supported. If you are attempting to use a custom object, be sure to "
                + "append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
                + "appropriate names.")
    }

    static func entityIsDeleted() -> SalesforceError {
        SalesforceError("ENTITY_IS_DELETED", "entity is deleted", status: 404)
    }

    static func unableToLockRow(_ id: String) -> SalesforceError {
        SalesforceError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records: \(id)")
    }

    static let rolledBack = SalesforceError(
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "Record rolled back because not all records were valid and the request was using AllOrNone header")
}
