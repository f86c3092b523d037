/// One batch of query results.
public struct QueryPage: Sendable, Hashable {
    /// Records the whole query matches, across all batches.
    public var totalSize: Int
    /// Whether this is the last batch.
    public var done: Bool
    /// This batch's rows, each with its `attributes`.
    public var records: [SalesforceRecord]
    /// Where the next batch is, while `done` is false.
    public var nextRecordsUrl: String?

    init(_ value: SalesforceValue) throws(SalesforceFailure) {
        guard let object = value.objectValue, let records = object["records"]?.arrayValue else {
            throw .invalidResponse("a query result without records")
        }
        totalSize = Int(object["totalSize"]?.numberValue ?? Double(records.count))
        done = object["done"]?.boolValue ?? true
        self.records = records.compactMap(\.objectValue)
        nextRecordsUrl = object["nextRecordsUrl"]?.stringValue
    }
}

extension SalesforceClient {
    /// The first batch of a SOQL query. A statement too long for a URL goes in a Composite
    /// body, as Salesforce advises for long queries; that still counts as one call.
    public func queryPage(_ soql: String, includeDeleted: Bool = false) async throws(SalesforceFailure) -> QueryPage {
        let resource = includeDeleted ? "queryAll" : "query"
        let path = "\(dataPath)/\(resource)?q=\(FormEncoding.percentEncode(soql))"
        if path.utf8.count <= Self.maxURLBytes {
            return try QueryPage(try await send(Request(method: "GET", path: path)).body)
        }
        let responses = try await composite([CompositeSubrequest(method: "GET", url: path, referenceId: "q")], allOrNone: false)
        return try QueryPage(try responses[0].successBody())
    }

    /// The batch at a `nextRecordsUrl`.
    public func nextPage(_ nextRecordsUrl: String) async throws(SalesforceFailure) -> QueryPage {
        try QueryPage(try await send(Request(method: "GET", path: nextRecordsUrl)).body)
    }

    /// Every record of a query, following `nextRecordsUrl` (each batch is a call), up to
    /// `maxRecords`: an org that keeps answering more pages than the caller can expect ends in a
    /// clear error, never in endless calls and memory (issue 34).
    public func queryAll(_ soql: String, includeDeleted: Bool = false, maxRecords: Int = SalesforceClient.maxQueryRecords) async throws(SalesforceFailure) -> [SalesforceRecord] {
        var page = try await queryPage(soql, includeDeleted: includeDeleted)
        var records = page.records
        // Pages hold at least 200 records (a query's smallest batch): more pages than that allows,
        // or a page that brings nothing and is not the last, is an answer gone wrong.
        var pages = 1
        while !page.done, let next = page.nextRecordsUrl {
            guard records.count < maxRecords, pages <= maxRecords / 200 + 1, !page.records.isEmpty else {
                throw .invalidResponse("the query kept answering past \(records.count) records in \(pages) pages (\(soql.prefix(80))…); Roster stopped reading it")
            }
            page = try await nextPage(next)
            records += page.records
            pages += 1
        }
        return records
    }

    /// The most records ``queryAll(_:includeDeleted:maxRecords:)`` reads unless told otherwise:
    /// every query Roster makes this way expects far fewer (a campaign's statuses, names to suggest).
    public static let maxQueryRecords = 50_000

    /// `DailyApiRequests` from the Limits resource (its answer's `Sforce-Limit-Info` updates
    /// ``apiUsage`` too, as every answer does).
    public func limits() async throws(SalesforceFailure) -> APIUsage {
        let (_, body) = try await send(Request(method: "GET", path: "/limits"))
        guard let daily = body["DailyApiRequests"], let max = daily["Max"]?.numberValue, let remaining = daily["Remaining"]?.numberValue else {
            throw .invalidResponse("the limits resource has no DailyApiRequests")
        }
        return APIUsage(used: Int(max - remaining), max: Int(max))
    }
}
