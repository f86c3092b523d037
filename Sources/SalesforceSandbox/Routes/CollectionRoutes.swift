/// sObject Collections (`/composite/sobjects`): up to 200 rows a call, results in request order.
enum CollectionRoutes {
    static func handle(_ request: RestRequest, _ parts: [String], version: String, _ context: RestContext) throws(SalesforceError) -> RestResponse {
        let writeContext = request.writeContext(version: version)
        switch (request.method, parts.count) {
        case ("POST", 0), ("PATCH", 0):
            let (records, allOrNone) = try recordsBody(request, context)
            let isCreate = request.method == "POST"
            let overLimit = overCPULimit(records, context)
            let locked = Set(records.compactMap { $0["attributes"]?["type"]?.stringValue?.lowercased() }).filter(context.rowLocked)
            let results = try write(records, allOrNone: allOrNone, context) { state, record throws(SalesforceError) in
                let type = try recordType(record)
                if overLimit.contains(type.lowercased()) { throw cpuLimitExceeded(type, isCreate: isCreate) }
                if locked.contains(type.lowercased()) { throw SalesforceError.unableToLockRow(record["Id"]?.stringValue ?? "") }
                if isCreate {
                    if record.keys.contains(where: { $0.lowercased() == "id" }) {
                        throw SalesforceError("INVALID_FIELD", "cannot specify Id in an insert call", fields: ["Id"])
                    }
                    return (try state.create(type, record, context: writeContext), nil)
                }
                guard let idKey = record.keys.first(where: { $0.lowercased() == "id" }),
                      let idText = record[idKey]?.stringValue
                else { throw SalesforceError("MISSING_ARGUMENT", "Id not specified in an update call", fields: []) }
                guard let id = SalesforceId(idText), state.schema(for: id)?.name.lowercased() == type.lowercased() else {
                    throw SalesforceError("MALFORMED_ID", "\(type) ID: id value of incorrect type: \(idText)", fields: ["Id"])
                }
                try state.update(id, record, context: writeContext)
                return (id, nil)
            }
            return .json(200, .array(results))
        case ("PATCH", 2):
            return try upsert(request, object: parts[0], field: parts[1], writeContext, context)
        case ("DELETE", 0):
            let ids = (request.query["ids"] ?? "").split(separator: ",").map { String($0).trimmingSpaces() }
            try checkCount(ids.count)
            let allOrNone = context.forcedAllOrNone ?? (request.query["allOrNone"]?.lowercased() == "true")
            let rows: [JSONObject] = ids.map { ["id": .string($0)] }
            let results = try write(rows, allOrNone: allOrNone, context) { state, row throws(SalesforceError) in
                let text = row["id"]?.stringValue ?? ""
                guard let id = SalesforceId(text) else {
                    throw SalesforceError("MALFORMED_ID", "malformed id \(text)", fields: [])
                }
                do throws(SalesforceError) {
                    try state.delete(id)
                } catch where error.errorCode == "NOT_FOUND" {
                    throw SalesforceError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields: [])
                }
                return (id, nil)
            }
            return .json(200, .array(results))
        case ("GET", 1), ("POST", 1):
            return try retrieve(request, object: parts[0], version: version, context)
        default:
            throw SObjectRoutes.methodNotAllowed(request.method)
        }
    }

    /// The objects of which this request writes more records than their automation can take in
    /// one transaction (test control). Apex Developer Guide, "Execution Governors and Limits":
    /// triggers run once per chunk of up to 200 records, and a `System.LimitException` cannot be
    /// caught: it fails every record of the chunk.
    private static func overCPULimit(_ records: [JSONObject], _ context: RestContext) -> Set<String> {
        guard !context.cpuLimits.isEmpty else { return [] }
        var counts: [String: Int] = [:]
        for record in records { if let type = record["attributes"]?["type"]?.stringValue { counts[type.lowercased(), default: 0] += 1 } }
        return Set(counts.filter { object, count in context.cpuLimits[object].map { count > $0 } ?? false }.keys)
    }

    /// How the API reports a trigger that ran out of CPU time, on each record of the chunk.
    static func cpuLimitExceeded(_ type: String, isCreate: Bool) -> SalesforceError {
        SalesforceError("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
                        "\(type)Trigger: execution of \(isCreate ? "AfterInsert" : "AfterUpdate")\n\ncaused by: System.LimitException: Apex CPU time limit exceeded",
                        fields: [])
    }

    private static func checkCount(_ count: Int) throws(SalesforceError) {
        if count > SandboxDefaults.collectionLimit {
            throw SalesforceError("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call")
        }
    }

    private static func recordsBody(_ request: RestRequest, _ context: RestContext) throws(SalesforceError) -> ([JSONObject], Bool) {
        let body = try request.objectBody()
        guard let array = body["records"]?.arrayValue else {
            throw SalesforceError("INVALID_FIELD", "No records specified", fields: [])
        }
        try checkCount(array.count)
        var records: [JSONObject] = []
        for item in array {
            guard let object = item.objectValue else {
                throw .jsonParser("Cannot deserialize instance of SObject from \(item.arrayValue != nil ? "START_ARRAY" : "VALUE_STRING") value")
            }
            records.append(object)
        }
        return (records, context.forcedAllOrNone ?? (body["allOrNone"]?.boolValue ?? false))
    }

    private static func recordType(_ record: JSONObject) throws(SalesforceError) -> String {
        guard let type = record["attributes"]?["type"]?.stringValue else {
            throw SalesforceError("INVALID_TYPE", "Must specify a type in the attributes of each record", fields: [])
        }
        return type
    }

    /// Writes each row in its own nested transaction; with `allOrNone`, one failure rolls all back
    /// and the rows that had succeeded report `ALL_OR_NONE_OPERATION_ROLLED_BACK`.
    static func write(
        _ rows: [JSONObject], allOrNone: Bool, _ context: RestContext,
        _ body: (inout OrgState, JSONObject) throws(SalesforceError) -> (SalesforceId, Bool?)
    ) throws(SalesforceError) -> [JSONValue] {
        var results: [Result<(SalesforceId, Bool?), SalesforceError>] = []
        let rollback = SalesforceError("__rollback__", "")
        do throws(SalesforceError) {
            try context.access.write { (state: inout OrgState) throws(SalesforceError) in
                for row in rows {
                    do throws(SalesforceError) {
                        if context.lockRowFault() {
                            let id = row["id"]?.stringValue ?? row["Id"]?.stringValue ?? ""
                            throw SalesforceError.unableToLockRow(id)
                        }
                        let outcome = try state.transaction { (inner: inout OrgState) throws(SalesforceError) in
                            try body(&inner, row)
                        }
                        results.append(.success(outcome))
                    } catch {
                        results.append(.failure(error))
                    }
                }
                if allOrNone, results.contains(where: { if case .failure = $0 { true } else { false } }) {
                    throw rollback
                }
            }
        } catch where error.errorCode == rollback.errorCode {
            return results.map { result in
                switch result {
                case .success: failure(.rolledBack)
                case .failure(let error): failure(error)
                }
            }
        }
        return results.map { result in
            switch result {
            case .success(let (id, created)): SObjectRoutes.saveResult(id: id.value, created: created)
            case .failure(let error): failure(error)
            }
        }
    }

    private static func failure(_ error: SalesforceError) -> JSONValue {
        .object(["success": false, "errors": .array([error.saveResultJSON])])
    }

    private static func upsert(
        _ request: RestRequest, object: String, field name: String, _ writeContext: WriteContext, _ context: RestContext
    ) throws(SalesforceError) -> RestResponse {
        let (records, allOrNone) = try recordsBody(request, context)
        let (schema, field) = try context.access.read { (state: OrgState) throws(SalesforceError) -> (SObjectSchema, SObjectField) in
            guard let schema = state.schema(object) else { throw .notFound() }
            return (schema, try state.upsertField(schema, name))
        }
        func key(_ record: JSONObject) -> String? {
            record.members.first { $0.key.lowercased() == field.name.lowercased() }?.value.stringValue?.lowercased()
        }
        var seen: [String: Int] = [:]
        for record in records { if let value = key(record) { seen[value, default: 0] += 1 } }
        let results = try write(records, allOrNone: allOrNone, context) { state, record throws(SalesforceError) in
            guard try recordType(record).lowercased() == schema.name.lowercased() else {
                throw SalesforceError("INVALID_TYPE", "Record type does not match the object in the URL", fields: [])
            }
            guard let value = record.members.first(where: { $0.key.lowercased() == field.name.lowercased() })?.value.stringValue
            else { throw SalesforceError("MISSING_ARGUMENT", "\(field.name) not specified", fields: []) }
            if (seen[value.lowercased()] ?? 0) > 1 {
                throw SalesforceError("DUPLICATE_EXTERNAL_ID", "Duplicate external id specified: \(value)", fields: [field.name])
            }
            do throws(SalesforceError) {
                let (id, created) = try state.upsert(schema.name, field: field.name, value: value, record, context: writeContext)
                return (id, created)
            } catch where error.errorCode == "MULTIPLE_CHOICES" {
                let ids = error.extra["ids"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? ""
                throw SalesforceError("DUPLICATE_EXTERNAL_ID",
                                      "\(field.label): more than one record found for external id field: [\(ids)]",
                                      fields: [field.name])
            }
        }
        return .json(200, .array(results))
    }

    private static func retrieve(_ request: RestRequest, object: String, version: String, _ context: RestContext) throws(SalesforceError) -> RestResponse {
        var ids: [String]
        var fieldNames: [String]
        if request.method == "POST" {
            let body = try request.objectBody()
            ids = body["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            fieldNames = body["fields"]?.arrayValue?.compactMap(\.stringValue) ?? []
        } else {
            ids = (request.query["ids"] ?? "").split(separator: ",").map { String($0).trimmingSpaces() }
            fieldNames = (request.query["fields"] ?? "").split(separator: ",").map { String($0).trimmingSpaces() }
        }
        if request.method == "GET" { try checkCount(ids.count) } else if ids.count > 2000 {
            throw SalesforceError("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 2000 records into this call")
        }
        guard !fieldNames.isEmpty else {
            throw SalesforceError("MISSING_ARGUMENT", "fields parameter is required", fields: [])
        }
        let records = try context.access.read { (state: OrgState) throws(SalesforceError) -> [JSONValue] in
            guard let schema = state.schema(object) else { throw .notFound() }
            var fields: [SObjectField] = []
            for name in fieldNames {
                guard let field = schema.field(name) else {
                    throw SalesforceError("INVALID_FIELD", "No such column '\(name)' on entity '\(schema.name)'. If you are "
                        + "attempting to use a custom field, be sure to append the '__c' after the custom field name. "
                        + "Please reference your WSDL or the describe call for the appropriate names.")
                }
                fields.append(field)
            }
            return ids.map { text in
                guard let id = SalesforceId(text), let record = state.record(id), !record.isDeleted,
                      record.objectKey == schema.name.lowercased()
                else { return .null }
                return state.render(record, fields: fields, version: version)
            }
        }
        return .json(200, .array(records))
    }
}
