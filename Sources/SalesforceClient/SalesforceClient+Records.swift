/// The outcome for one record of an sObject Collections request, in request order.
public struct RecordResult: Sendable, Hashable, Decodable {
    /// The row's 18-character Id; `nil` when Salesforce gives none (a failed create).
    public var id: String?
    /// Whether this record was written.
    public var success: Bool
    /// Why the record was not written; empty on success.
    public var errors: [SalesforceAPIError]

    /// Makes a result from its fields.
    public init(id: String?, success: Bool, errors: [SalesforceAPIError] = []) {
        self.id = id
        self.success = success
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey { case id, success, errors }

    /// Reads a result; a missing `success` counts as a failure, missing `errors` as none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        success = try c.decodeIfPresent(Bool.self, forKey: .success) ?? false
        errors = try c.decodeIfPresent([SalesforceAPIError].self, forKey: .errors) ?? []
    }
}

/// A record to write through sObject Collections: its object and fields (with `Id` for updates).
public struct RecordWrite: Sendable, Hashable {
    /// The object's API name, e.g. `Lead`; sent as `attributes.type`.
    public var object: String
    /// Field API names to values, with `Id` for an update.
    public var fields: SalesforceRecord

    /// Makes a write from its object and fields.
    public init(object: String, fields: SalesforceRecord) {
        self.object = object
        self.fields = fields
    }

    var json: SalesforceValue {
        var record = fields
        record["attributes"] = .object(["type": .string(object)])
        return .object(record)
    }
}

extension SalesforceClient {
    /// The most records one sObject Collections request takes.
    public static let collectionLimit = 200

    /// Creates one row and answers its Id.
    public func create(_ object: String, _ fields: SalesforceRecord, headers: [(String, String)] = []) async throws(SalesforceFailure) -> String {
        let (_, body) = try await send(Request(method: "POST", path: "/sobjects/\(object)", body: .object(fields), headers: headers))
        guard let id = body["id"]?.stringValue else { throw .invalidResponse("a create answered without an id") }
        return id
    }

    /// Updates one row.
    public func update(_ object: String, id: String, _ fields: SalesforceRecord, headers: [(String, String)] = []) async throws(SalesforceFailure) {
        _ = try await send(Request(method: "PATCH", path: "/sobjects/\(object)/\(id)", body: .object(fields), headers: headers))
    }

    /// Deletes one row (`DELETE /sobjects/{object}/{id}`, 204). A row already gone answers
    /// `ENTITY_IS_DELETED` or `NOT_FOUND` (404), thrown as ``SalesforceFailure/api(status:errors:)``.
    public func delete(_ object: String, id: String) async throws(SalesforceFailure) {
        // An Id is 15 or 18 letters and digits: anything else never reaches the URL's path.
        guard (15...18).contains(id.utf8.count), id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { throw .invalidRequest("'\(id.prefix(40))' is not a Salesforce Id") }
        // Safe to send again: a second delete of the same row only answers that it is gone.
        _ = try await send(Request(method: "DELETE", path: "/sobjects/\(object)/\(id)", isIdempotent: true))
    }

    /// Creates up to 200 records in one call; each gets its own result.
    public func createCollection(_ records: [RecordWrite], allOrNone: Bool = false, headers: [(String, String)] = []) async throws(SalesforceFailure) -> [RecordResult] {
        let sub = try CompositeSubrequest.collection(.create, records, allOrNone: allOrNone, version: apiVersion, referenceId: "c")
        return try await collection(sub, headers: headers)
    }

    /// The per-record results of a collection answer (e.g. inside a Composite response).
    public static func decodeResults(_ body: SalesforceValue) throws(SalesforceFailure) -> [RecordResult] {
        try decode([RecordResult].self, from: body, what: "sObject Collections")
    }

    private func collection(_ sub: CompositeSubrequest, headers: [(String, String)]) async throws(SalesforceFailure) -> [RecordResult] {
        let (_, body) = try await send(Request(method: sub.method, path: sub.url, body: sub.body, headers: headers))
        return try Self.decode([RecordResult].self, from: body, what: "sObject Collections")
    }
}
