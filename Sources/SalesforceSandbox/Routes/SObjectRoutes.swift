/// `/sobjects`: global and per-object describe, and single rows by Id or external Id.
enum SObjectRoutes {
    static func handle(_ request: RestRequest, _ parts: [String], version: String, _ context: RestContext) throws(SalesforceError) -> RestResponse {
        let method = request.method
        if parts.isEmpty {
            guard method == "GET" else { throw methodNotAllowed(method) }
            let objects = try context.access.read { state in
                state.schemas.values.sorted { $0.name < $1.name }.map { $0.globalDescribeJSON(version: version) }
            }
            return .json(200, .object(["encoding": "UTF-8", "maxBatchSize": 200, "sobjects": .array(objects)]))
        }
        let schema = try context.access.read { (state: OrgState) throws(SalesforceError) -> SObjectSchema in
            guard let schema = state.schema(parts[0]) else { throw .notFound() }
            return schema
        }
        let writeContext = request.writeContext(version: version)
        switch (method, parts.count) {
        case ("GET", 1):
            let recent = try context.access.read { state in
                Array((state.records(of: schema.name) ?? [:].values).filter { !$0.isDeleted }.sorted { $0.id > $1.id }
                    .prefix(10))
                    .map { state.render($0, fields: [schema.field("Id")!, schema.fields.first(where: \.nameField)]
                        .compactMap { $0 }, version: version) }
            }
            return .json(200, .object(["objectDescribe": schema.globalDescribeJSON(version: version),
                                       "recentItems": .array(recent)]))
        case ("POST", 1):
            let body = try request.objectBody()
            let id = try context.access.write { (state: inout OrgState) throws(SalesforceError) -> SalesforceId in
                try state.create(schema.name, body, context: writeContext)
            }
            return .json(201, saveResult(id: id.value, created: nil))
        case ("GET", 2) where parts[1] == "describe":
            return .json(200, schema.describeJSON(version: version))
        case ("GET", 2) where parts[1] == "deleted":
            return try deleted(request, schema: schema, context)
        case ("POST", 2) where parts[1].lowercased() == "id":
            // Documented special case: POST /sobjects/X/Id creates, Id being the external Id with a null value.
            let body = try request.objectBody()
            let id = try context.access.write { (state: inout OrgState) throws(SalesforceError) -> SalesforceId in
                try state.create(schema.name, body, context: writeContext)
            }
            return .json(201, saveResult(id: id.value, created: true))
        case ("GET", 2), ("PATCH", 2), ("DELETE", 2), ("HEAD", 2):
            return try row(request, schema: schema, idText: parts[1], version: version, writeContext, context)
        case ("GET", 3), ("PATCH", 3), ("DELETE", 3), ("POST", 3):
            return try byExternalId(request, schema: schema, field: parts[1], value: parts[2].removingPercentEncodingLoosely(plusAsSpace: false),
                                    version: version, writeContext, context)
        default:
            throw methodNotAllowed(method)
        }
    }

    /// `GET /sobjects/X/deleted/?start=&end=` (REST API Developer Guide, "Get Deleted Records"):
    /// the rows of X deleted between `start` and `end` (seconds truncated), for the whole org,
    /// with `earliestDateAvailable` and `latestDateCovered` (the next call's start, never past now
    /// nor before the start). A start more than 15 days back, or not more than a minute before the
    /// end, is `INVALID_REPLICATION_DATE`.
    private static func deleted(_ request: RestRequest, schema: SObjectSchema, _ context: RestContext) throws(SalesforceError) -> RestResponse {
        func minute(_ millis: Int64) -> Int64 { millis - ((millis % 60_000) + 60_000) % 60_000 }
        guard let startText = request.query["start"], let endText = request.query["end"],
              let start = SalesforceDate.parseDateTime(startText).map(minute), let end = SalesforceDate.parseDateTime(endText).map(minute)
        else {
            throw SalesforceError("MALFORMED_QUERY", "start and end are required date-times, such as 2026-12-01T00:00:00Z", status: 400)
        }
        let (records, now) = try context.access.read { state in
            (state.deletions.filter { $0.object == schema.name.lowercased() }, state.clock())
        }
        // REST API Developer Guide, "Get Deleted Records": "no more than 15 days previous to the day the call is executed".
        let earliest = minute(now - OrgState.deleteLogMilliseconds)
        guard start >= earliest else {
            throw SalesforceError("INVALID_REPLICATION_DATE", "startDate cannot be more than 15 days ago", status: 400)
        }
        guard end - start > 60_000 else {
            throw SalesforceError("INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate by more than one minute", status: 400)
        }
        let covered = max(start, min(end, minute(now)))
        let found = records.filter { $0.at >= start && $0.at < covered }
        return .json(200, .object([
            "deletedRecords": .array(found.map { .object(["id": .string($0.id.value), "deletedDate": .string(SalesforceDate.formatDateTime(milliseconds: $0.at))]) }),
            "earliestDateAvailable": .string(SalesforceDate.formatDateTime(milliseconds: earliest)),
            "latestDateCovered": .string(SalesforceDate.formatDateTime(milliseconds: covered)),
        ]))
    }

    static func methodNotAllowed(_ method: String) -> SalesforceError {
        SalesforceError("METHOD_NOT_ALLOWED", "HTTP Method '\(method)' not allowed. Allowed are GET,POST,PATCH,DELETE",
                        status: 405)
    }

    static func saveResult(id: String, created: Bool?) -> JSONValue {
        var object: JSONObject = ["id": .string(id), "success": true, "errors": []]
        if let created { object["created"] = .bool(created) }
        return .object(object)
    }

    /// The fields named by `?fields=a,b` (all when absent); unknown names are INVALID_FIELD.
    static func selectedFields(_ request: RestRequest, _ schema: SObjectSchema) throws(SalesforceError) -> [SObjectField]? {
        guard let list = request.query["fields"], !list.isEmpty else { return nil }
        var fields: [SObjectField] = []
        for name in list.split(separator: ",").map({ $0.trimmingSpaces() }) {
            guard let field = schema.field(name) else {
                throw SalesforceError("INVALID_FIELD", "No such column '\(name)' on entity '\(schema.name)'. If you are "
                    + "attempting to use a custom field, be sure to append the '__c' after the custom field name. Please "
                    + "reference your WSDL or the describe call for the appropriate names.")
            }
            fields.append(field)
        }
        return fields
    }

    private static func row(
        _ request: RestRequest, schema: SObjectSchema, idText: String, version: String, _ writeContext: WriteContext,
        _ context: RestContext
    ) throws(SalesforceError) -> RestResponse {
        // A value that is not an Id of this object is read as an external Id on Id, which fails the way Salesforce words it.
        guard let id = SalesforceId(idText), id.keyPrefix == schema.keyPrefix else {
            throw SalesforceError("NOT_FOUND", "Provided external ID field does not exist or is not accessible: \(idText)",
                                  status: 404)
        }
        switch request.method {
        case "GET", "HEAD":
            let fields = try selectedFields(request, schema)
            let rendered = try context.access.read { (state: OrgState) throws(SalesforceError) -> JSONValue in
                guard let record = state.record(id), !record.isDeleted else { throw .notFound() }
                return state.render(record, fields: fields, version: version)
            }
            return .json(200, rendered)
        case "PATCH":
            let body = try request.objectBody()
            try context.access.write { (state: inout OrgState) throws(SalesforceError) in
                try state.update(id, body, context: writeContext)
            }
            return .noContent
        default:
            try context.access.write { (state: inout OrgState) throws(SalesforceError) in try state.delete(id) }
            return .noContent
        }
    }

    private static func byExternalId(
        _ request: RestRequest, schema: SObjectSchema, field name: String, value: String, version: String,
        _ writeContext: WriteContext, _ context: RestContext
    ) throws(SalesforceError) -> RestResponse {
        switch request.method {
        case "PATCH", "POST":
            let body = try request.objectBody()
            do throws(SalesforceError) {
                let (id, created) = try context.access.write {
                    (state: inout OrgState) throws(SalesforceError) -> (id: SalesforceId, created: Bool) in
                    if request.query["updateOnly"] == "true" {
                        let field = try state.upsertField(schema, name)
                        guard state.matches(schema, field: field, value: value).count == 1 else { throw .notFound() }
                    }
                    return try state.upsert(schema.name, field: name, value: value, body, context: writeContext)
                }
                // Since API 46.0 an update answers 200 with the result; earlier versions 204.
                if !created, (Double(version) ?? 0) < 46 { return .noContent }
                return .json(created ? 201 : 200, saveResult(id: id.value, created: created))
            } catch where error.errorCode == "MULTIPLE_CHOICES" {
                let urls = error.extra["ids"]?.arrayValue?.compactMap(\.stringValue)
                    .map { JSONValue.string("/services/data/v\(version)/sobjects/\(schema.name)/\($0)") } ?? []
                return .json(300, .array(urls))
            }
        case "GET", "DELETE":
            let ids = try context.access.read { (state: OrgState) throws(SalesforceError) -> [SalesforceId] in
                let field = try state.upsertField(schema, name)
                return state.matches(schema, field: field, value: value)
            }
            if ids.count > 1 {
                return .json(300, .array(ids.map { .string("/services/data/v\(version)/sobjects/\(schema.name)/\($0.value)") }))
            }
            guard let id = ids.first else { throw .notFound() }
            if request.method == "DELETE" {
                try context.access.write { (state: inout OrgState) throws(SalesforceError) in try state.delete(id) }
                return .noContent
            }
            let fields = try selectedFields(request, schema)
            return .json(200, try context.access.read { state in state.render(state.record(id)!, fields: fields, version: version) })
        default:
            throw methodNotAllowed(request.method)
        }
    }
}
