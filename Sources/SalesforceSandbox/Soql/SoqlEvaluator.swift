/// The rows a query selects, rendered, before paging.
struct SoqlResult: Sendable {
    var totalSize: Int
    var records: [JSONValue]
}

/// A field path checked against the schema: the reference fields to follow, then the field.
struct ResolvedPath {
    var hops: [SObjectField]
    var field: SObjectField
    /// Keys as the response names them: relationship names, then the field's API name.
    var keys: [String]
}

/// Runs a parsed query against the org: resolves fields (INVALID_FIELD as a real org words it),
/// picks an index for `=`/`IN` conjuncts, filters, sorts, pages and renders.
struct SoqlEvaluator {
    let state: OrgState
    let query: SoqlQuery
    let schema: SObjectSchema
    let version: String

    init(state: OrgState, query: SoqlQuery, version: String) throws(SalesforceError) {
        guard let schema = state.schema(query.from.text) else {
            throw SoqlErrors.located(
                "INVALID_TYPE", query.text, row: query.from.row, column: query.from.column,
                message: "sObject type '\(query.from.text)' is not supported. If you are attempting to use a custom "
                    + "object, be sure to append the '__c' after the entity name. Please reference your WSDL or the "
                    + "describe call for the appropriate names.")
        }
        self.state = state
        self.query = query
        self.schema = schema
        self.version = version
    }

    func run(includeDeleted: Bool) throws(SalesforceError) -> SoqlResult {
        var selected: [ResolvedPath] = []
        for item in query.select {
            if case .field(let path) = item { selected.append(try resolve(path)) }
        }
        var predicate: Predicate?
        var candidates: Set<SalesforceId>?
        if let condition = query.whereClause {
            predicate = try compile(condition)
            candidates = try indexCandidates(condition)
        }
        var order: [(ResolvedPath, SoqlOrderItem)] = []
        for item in query.orderBy { order.append((try resolve(item.path), item)) }

        var rows: [StoredRecord]
        let objectKey = schema.name.lowercased()
        if let candidates {
            rows = candidates.compactMap { state.record($0) }.filter { $0.objectKey == objectKey }
        } else {
            rows = Array(state.records(of: schema.name) ?? [:].values)
        }
        rows = rows.filter { (includeDeleted || !$0.isDeleted) && (predicate?($0) ?? true) }

        if order.isEmpty {
            rows.sort { $0.id < $1.id }
        } else {
            rows.sort { left, right in
                for (path, item) in order {
                    let a = value(left, path)
                    let b = value(right, path)
                    if a == b { continue }
                    if a.isNull { return item.nullsFirst }
                    if b.isNull { return !item.nullsFirst }
                    let ascending = SoqlEvaluator.less(a, b, path.field.type)
                    let descending = SoqlEvaluator.less(b, a, path.field.type)
                    if !ascending && !descending { continue }
                    return item.ascending ? ascending : descending
                }
                return left.id < right.id
            }
        }
        if let offset = query.offset { rows = Array(rows.dropFirst(offset)) }
        if let limit = query.limit { rows = Array(rows.prefix(limit)) }
        if query.isCount { return SoqlResult(totalSize: rows.count, records: []) }
        return SoqlResult(totalSize: rows.count, records: rows.map { render($0, selected) })
    }

    // MARK: Fields

    func resolve(_ path: SoqlFieldPath) throws(SalesforceError) -> ResolvedPath {
        var current = schema
        var hops: [SObjectField] = []
        var keys: [String] = []
        var parts = path.parts
        // A path may start with the object's own name: `Contact.Email` FROM Contact.
        if parts.count > 1, parts[0].text.lowercased() == schema.name.lowercased(), current.relationship(parts[0].text) == nil {
            parts.removeFirst()
        }
        for part in parts.dropLast() {
            guard let reference = current.relationship(part.text), let target = reference.referenceTo.first,
                  reference.referenceTo.count == 1, let next = state.schema(target)
            else {
                throw SoqlErrors.located(
                    "INVALID_FIELD", query.text, row: part.row, column: part.column,
                    message: "Didn't understand relationship '\(part.text)' in field path. If you are attempting to use a "
                        + "custom relationship, be sure to append the '__r' after the custom relationship name. Please "
                        + "reference your WSDL or the describe call for the appropriate names.")
            }
            hops.append(reference)
            keys.append(reference.relationshipName ?? part.text)
            current = next
        }
        let last = parts[parts.count - 1]
        guard let field = current.field(last.text) else {
            throw SoqlErrors.located(
                "INVALID_FIELD", query.text, row: last.row, column: last.column,
                message: "No such column '\(last.text)' on entity '\(current.name)'. If you are attempting to use a "
                    + "custom field, be sure to append the '__c' after the custom field name. Please reference your "
                    + "WSDL or the describe call for the appropriate names.")
        }
        keys.append(field.name)
        return ResolvedPath(hops: hops, field: field, keys: keys)
    }

    func value(_ record: StoredRecord, _ path: ResolvedPath) -> JSONValue {
        var row = record
        for hop in path.hops {
            guard let text = state.fieldValue(row, hop).stringValue, let id = SalesforceId(text),
                  let parent = state.record(id), !parent.isDeleted
            else { return .null }
            row = parent
        }
        return state.fieldValue(row, path.field)
    }

    private func render(_ record: StoredRecord, _ paths: [ResolvedPath]) -> JSONValue {
        var object = JSONObject()
        object.append("attributes", state.attributes(record, version: version))
        for path in paths { place(path, depth: 0, from: record, into: &object) }
        return .object(object)
    }

    /// Writes one selected path into the nested result, sharing parent objects between paths.
    private func place(_ path: ResolvedPath, depth: Int, from record: StoredRecord, into object: inout JSONObject) {
        let key = path.keys[depth]
        if depth == path.hops.count {
            object[key] = state.fieldValue(record, path.field)
            return
        }
        let hop = path.hops[depth]
        guard let text = state.fieldValue(record, hop).stringValue, let id = SalesforceId(text),
              let parent = state.record(id), !parent.isDeleted
        else {
            if object[key] == nil { object[key] = .null }
            return
        }
        var nested = object[key]?.objectValue ?? ["attributes": state.attributes(parent, version: version)]
        place(path, depth: depth + 1, from: parent, into: &nested)
        object[key] = .object(nested)
    }

    // MARK: Index use

    /// For top-level `AND`ed `field = value` / `field IN (…)` on an indexed field, the ids that can
    /// match (the smallest such set); `nil` when a full scan is needed.
    private func indexCandidates(_ condition: SoqlCondition) throws(SalesforceError) -> Set<SalesforceId>? {
        var best: Set<SalesforceId>?
        var stack = [condition]
        let objectKey = schema.name.lowercased()
        while let next = stack.popLast() {
            var found: Set<SalesforceId>?
            switch next {
            case .and(let left, let right):
                stack.append(left)
                stack.append(right)
            case .compare(let path, .equal, let literal) where path.parts.count == 1:
                let field = try resolve(path).field
                if state.isIndexed(object: objectKey, field: field.name.lowercased()), let value = literal.jsonValue {
                    found = state.lookup(object: objectKey, field: field.name.lowercased(), value: value)
                }
            case .inList(let path, let values, negated: false) where path.parts.count == 1:
                let field = try resolve(path).field
                if state.isIndexed(object: objectKey, field: field.name.lowercased()) {
                    var union = Set<SalesforceId>()
                    for literal in values {
                        if let value = literal.jsonValue {
                            union.formUnion(state.lookup(object: objectKey, field: field.name.lowercased(), value: value) ?? [])
                        }
                    }
                    found = union
                }
            default: break
            }
            if let found, found.count < (best?.count ?? Int.max) { best = found }
        }
        return best
    }
}

extension SoqlLiteral {
    /// The stored form of a literal usable as an index key; `nil` for null and ranges.
    var jsonValue: JSONValue? {
        switch self {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        case .date(let days): .string(SalesforceDate.formatDate(days: days))
        case .dateTime(let ms): .string(SalesforceDate.formatDateTime(milliseconds: ms))
        case .null, .relativeDate: nil
        }
    }
}
