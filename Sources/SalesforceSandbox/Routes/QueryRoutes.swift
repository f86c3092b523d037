/// Open query cursors: the rest of a result set, served in batches through `nextRecordsUrl`.
final class QueryCursorStore: Sendable {
    private struct Cursor {
        var records: [JSONValue]
        var batchSize: Int
    }

    private struct State {
        var cursors: [String: Cursor] = [:]
        var order: [String] = []
        var serial: UInt64 = 1
    }

    private let state = ReadWriteLocked(State())

    /// Keeps `records` for paging and answers the locator of the cursor.
    func open(_ records: [JSONValue], batchSize: Int) -> String {
        state.write { state in
            let locator = SalesforceId(keyPrefix: "01g", serial: state.serial).value
            state.serial += 1
            state.cursors[locator] = Cursor(records: records, batchSize: batchSize)
            state.order.append(locator)
            // Opening one cursor too many drops the oldest, as an org does.
            while state.order.count > SandboxDefaults.openCursorLimit {
                state.cursors[state.order.removeFirst()] = nil
            }
            return locator
        }
    }

    /// The records from `offset` of the cursor, or `nil` when the locator is unknown or expired.
    func page(_ locator: String, from offset: Int) -> (records: ArraySlice<JSONValue>, batchSize: Int, total: Int)? {
        state.write { state in
            guard let cursor = state.cursors[locator], offset >= 0, offset <= cursor.records.count else { return nil }
            let end = min(cursor.records.count, offset + cursor.batchSize)
            if end == cursor.records.count {
                state.cursors[locator] = nil
                state.order.removeAll { $0 == locator }
            }
            return (cursor.records[offset..<end], cursor.batchSize, cursor.records.count)
        }
    }

    func removeAll() { state.write { $0 = State() } }
}

/// `query` and `queryAll`: SOQL with paging.
enum QueryRoutes {
    static func handle(_ request: RestRequest, _ parts: [String], all: Bool, version: String, _ context: RestContext) throws(SalesforceError) -> RestResponse {
        let resource = all ? "queryAll" : "query"
        if parts.count == 1 {
            return try more(locatorAndOffset: parts[0], resource: resource, version: version, context)
        }
        guard parts.isEmpty else { throw .notFound() }
        guard let soql = request.query["q"] else {
            throw SalesforceError("MALFORMED_QUERY", "A query string has to be specified")
        }
        let body = try run(soql, all: all, batchSize: batchSize(request.headers["sforce-query-options"]),
                           version: version, context)
        return .json(200, body)
    }

    /// Runs a query and answers its first batch as the REST API does.
    static func run(_ soql: String, all: Bool, batchSize: Int, version: String, _ context: RestContext) throws(SalesforceError) -> JSONValue {
        let query = try SoqlParser.parse(soql, nowMilliseconds: context.nowMilliseconds)
        let result = try context.access.read { (state: OrgState) throws(SalesforceError) -> SoqlResult in
            try SoqlEvaluator(state: state, query: query, version: version).run(includeDeleted: all)
        }
        guard result.records.count > batchSize else {
            return .object(["totalSize": .number(Double(result.totalSize)), "done": true, "records": .array(result.records)])
        }
        let locator = context.cursors.open(result.records, batchSize: batchSize)
        return .object([
            "totalSize": .number(Double(result.totalSize)), "done": false,
            "nextRecordsUrl": .string("/services/data/v\(version)/\(all ? "queryAll" : "query")/\(locator)-\(batchSize)"),
            "records": .array(Array(result.records.prefix(batchSize))),
        ])
    }

    private static func more(locatorAndOffset: String, resource: String, version: String, _ context: RestContext) throws(SalesforceError) -> RestResponse {
        let pieces = locatorAndOffset.split(separator: "-")
        guard pieces.count == 2, let offset = Int(pieces[1]),
              let page = context.cursors.page(String(pieces[0]), from: offset)
        else {
            throw SalesforceError("INVALID_QUERY_LOCATOR", "invalid query locator")
        }
        let end = offset + page.records.count
        var object: JSONObject = ["totalSize": .number(Double(page.total)), "done": .bool(end >= page.total)]
        if end < page.total {
            object["nextRecordsUrl"] = .string("/services/data/v\(version)/\(resource)/\(pieces[0])-\(end)")
        }
        object["records"] = .array(Array(page.records))
        return .json(200, .object(object))
    }

    /// `Sforce-Query-Options: batchSize=N`, clamped to the documented 200…2,000.
    static func batchSize(_ header: String?) -> Int {
        guard let header else { return SandboxDefaults.queryBatchSize }
        for option in header.split(separator: ",") {
            let kv = option.split(separator: "=")
            if kv.count == 2, kv[0].trimmingSpaces().lowercased() == "batchsize", let size = Int(kv[1].trimmingSpaces()) {
                return min(2000, max(200, size))
            }
        }
        return SandboxDefaults.queryBatchSize
    }
}
