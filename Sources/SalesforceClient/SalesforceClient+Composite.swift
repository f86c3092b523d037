/// One subrequest of a Composite request.
public struct CompositeSubrequest: Sendable, Hashable {
    /// The HTTP method, e.g. `GET`, `POST` or `PATCH`.
    public var method: String
    /// The full path, `/services/data/vNN.N/...`.
    public var url: String
    /// The name the subrequest's answer carries; unique within the Composite request.
    public var referenceId: String
    /// The JSON body, or `nil` for none.
    public var body: SalesforceValue?
    /// Headers of this subrequest alone (e.g. `Sforce-Duplicate-Rule-Header`); the Composite
    /// request's own headers do not reach its subrequests.
    public var httpHeaders: [String: String]

    /// Makes a subrequest from its parts.
    public init(method: String, url: String, referenceId: String, body: SalesforceValue? = nil, httpHeaders: [String: String] = [:]) {
        self.method = method
        self.url = url
        self.referenceId = referenceId
        self.body = body
        self.httpHeaders = httpHeaders
    }

    /// Queries, `nextRecordsUrl` pages and sObject Collections are limited to five a request.
    public var isQueryOrCollection: Bool {
        url.contains("/query") || url.contains("/queryAll") || url.contains("/composite/sobjects")
    }

    /// Whether it only reads.
    public var isRead: Bool { method == "GET" }

    /// What a collection subrequest does.
    public enum CollectionOperation: Sendable { case create, update }

    /// An sObject Collections create or update of up to 200 records.
    public static func collection(_ operation: CollectionOperation, _ records: [RecordWrite], allOrNone: Bool, version: String,
                                  referenceId: String) throws(SalesforceFailure) -> CompositeSubrequest {
        guard !records.isEmpty, records.count <= SalesforceClient.collectionLimit else {
            throw .invalidRequest("an sObject Collections request takes 1 to \(SalesforceClient.collectionLimit) records, not \(records.count)")
        }
        return CompositeSubrequest(method: operation == .create ? "POST" : "PATCH", url: "/services/data/v\(version)/composite/sobjects",
                                   referenceId: referenceId,
                                   body: .object(["allOrNone": .bool(allOrNone), "records": .array(records.map(\.json))]))
    }

    /// A SOQL query.
    public static func query(_ soql: String, version: String, referenceId: String) -> CompositeSubrequest {
        CompositeSubrequest(method: "GET", url: "/services/data/v\(version)/query?q=\(FormEncoding.percentEncode(soql))", referenceId: referenceId)
    }

    var json: SalesforceValue {
        var object: [String: SalesforceValue] = ["method": .string(method), "url": .string(url), "referenceId": .string(referenceId)]
        if let body { object["body"] = body }
        if !httpHeaders.isEmpty { object["httpHeaders"] = .object(httpHeaders.mapValues { .string($0) }) }
        return .object(object)
    }
}

/// One subrequest's answer.
public struct CompositeSubresponse: Sendable, Hashable {
    /// The `referenceId` of the subrequest this answers.
    public var referenceId: String
    /// The subrequest's own HTTP status (0 when Salesforce gave none); it may fail while the
    /// Composite call as a whole succeeds.
    public var httpStatusCode: Int
    /// The subrequest's JSON answer: its result on success, its error array on failure; `.null`
    /// when there is none.
    public var body: SalesforceValue

    /// Makes an answer (an org other than Salesforce's, in tests).
    public init(referenceId: String, httpStatusCode: Int, body: SalesforceValue) {
        self.referenceId = referenceId
        self.httpStatusCode = httpStatusCode
        self.body = body
    }

    /// The body of a 2xx answer, or the subrequest's errors as a failure.
    public func successBody() throws(SalesforceFailure) -> SalesforceValue {
        guard (200..<300).contains(httpStatusCode) else { throw .api(status: httpStatusCode, errors: errors) }
        return body
    }

    /// The error objects of a failed subrequest.
    public var errors: [SalesforceAPIError] {
        guard !(200..<300).contains(httpStatusCode) else { return [] }
        return (try? SalesforceClient.decode([SalesforceAPIError].self, from: body, what: "errors")) ?? [
            SalesforceAPIError(errorCode: "HTTP_\(httpStatusCode)", message: "subrequest failed"),
        ]
    }
}

extension SalesforceClient {
    /// The most subrequests in one Composite request, and of those, queries or collections.
    public static let compositeLimit = 25
    /// The most query or sObject Collections subrequests in one Composite request.
    public static let compositeQueryOrCollectionLimit = 5

    /// Sends up to 25 subrequests (at most 5 queries or collections) as one API call.
    public func composite(_ subrequests: [CompositeSubrequest], allOrNone: Bool, headers: [(String, String)] = []) async throws(SalesforceFailure) -> [CompositeSubresponse] {
        guard !subrequests.isEmpty, subrequests.count <= Self.compositeLimit else {
            throw .invalidRequest("a Composite request takes 1 to \(Self.compositeLimit) subrequests, not \(subrequests.count)")
        }
        let heavy = subrequests.filter(\.isQueryOrCollection).count
        guard heavy <= Self.compositeQueryOrCollectionLimit else {
            throw .invalidRequest("a Composite request takes at most \(Self.compositeQueryOrCollectionLimit) query or collection subrequests, not \(heavy)")
        }
        let body: SalesforceValue = .object(["allOrNone": .bool(allOrNone), "compositeRequest": .array(subrequests.map(\.json))])
        let request = Request(method: "POST", path: "/composite", body: body, headers: headers, isIdempotent: subrequests.allSatisfy(\.isRead))
        let (_, reply) = try await send(request)
        guard let entries = reply["compositeResponse"]?.arrayValue else { throw .invalidResponse("a Composite answer without compositeResponse") }
        let responses = entries.map { entry in
            CompositeSubresponse(referenceId: entry["referenceId"]?.stringValue ?? "",
                                 httpStatusCode: Int(entry["httpStatusCode"]?.numberValue ?? 0), body: entry["body"] ?? .null)
        }
        guard responses.count == subrequests.count else {
            throw .invalidResponse("a Composite answer with \(responses.count) results for \(subrequests.count) subrequests")
        }
        return responses
    }
}
