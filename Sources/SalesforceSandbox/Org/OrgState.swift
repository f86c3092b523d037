/// One stored row. Values are keyed by lower-cased field name and already normalised to the
/// field's type (dates as `yyyy-MM-dd`, date-times as `…T…+0000`); a missing key is `null`.
struct StoredRecord: Sendable {
    var id: SalesforceId
    var objectKey: String
    var values: [String: JSONValue]

    var isDeleted: Bool { values["isdeleted"] == .bool(true) }

    subscript(field: String) -> JSONValue? {
        get { values[field] }
        set { values[field] = newValue == .null ? nil : newValue }
    }

    func string(_ field: String) -> String? { values[field]?.stringValue }
}

/// What a write request says about how to write, beyond the record itself.
struct WriteContext: Sendable {
    /// `Sforce-Duplicate-Rule-Header: allowSave=true`.
    var allowSaveDuplicates = false
    /// `Sforce-Auto-Assign` (REST API Developer Guide, "Assignment Rule Header").
    var autoAssign = AutoAssign.activeRule
    /// The API version the request used, for URLs in results.
    var apiVersion = SandboxDefaults.apiVersion
}

/// Which assignment rule a write of an Account, Case or Lead goes through (REST API Developer
/// Guide, "Assignment Rule Header"): `TRUE` or no header, the object's active rule, on creates and
/// updates alike; `FALSE`, none; a valid AssignmentRule Id, that rule (active or not) for
/// created records.
enum AutoAssign: Sendable, Equatable {
    case activeRule
    case none
    case rule(SalesforceId)

    /// The header's value; `nil` (no header) is the active rule.
    init(header: String?) {
        guard let header = header?.trimmingSpaces(), !header.isEmpty else { self = .activeRule; return }
        switch header.lowercased() {
        case "true": self = .activeRule
        case "false": self = .none
        default:
            // Not a documented value: the documented default, the active rule.
            self = SalesforceId(header).map(AutoAssign.rule) ?? .activeRule
        }
    }
}

/// The whole org: schemas, rows and their indexes. A value type guarded by one lock in
/// ``SandboxOrg``; every mutation goes through `put` so indexes and the undo log stay right.
struct OrgState: Sendable {
    private(set) var schemas: [String: SObjectSchema] = [:]
    private(set) var objectByPrefix: [String: String] = [:]
    private(set) var tables: [String: [SalesforceId: StoredRecord]] = [:]
    /// object → field → normalised value → ids; only for the fields `SObjectSchema.indexedFieldNames` names.
    private(set) var indexes: [String: [String: [String: Set<SalesforceId>]]] = [:]
    private var nextSerial: UInt64 = 1
    /// While a transaction is open: the previous state of every row touched, oldest first.
    private var undoLog: [(SalesforceId, StoredRecord?)]?
    /// Objects whose duplicate rule is active.
    var activeDuplicateRules: Set<String> = []
    /// Every row deleted through the API (those a delete took with it included), oldest first:
    /// what the Get Deleted resource answers (``OrgState/deleted(of:from:to:)``).
    private(set) var deletions: [Deletion] = []
    let clock: @Sendable () -> Int64
    private(set) var adminUserId: SalesforceId

    init(clock: @escaping @Sendable () -> Int64) {
        self.clock = clock
        adminUserId = SalesforceId(keyPrefix: "005", serial: 0)
        for schema in StandardObjects.all() { register(schema) }
    }

    // MARK: Schema

    mutating func register(_ schema: SObjectSchema) {
        let key = schema.name.lowercased()
        schemas[key] = schema
        objectByPrefix[schema.keyPrefix] = key
        if tables[key] == nil { tables[key] = [:] }
        var objectIndexes = indexes[key] ?? [:]
        for field in schema.indexedFieldNames where objectIndexes[field] == nil {
            var fieldIndex: [String: Set<SalesforceId>] = [:]
            for record in tables[key]!.values {
                if let value = record.values[field], let valueKey = indexKey(value, object: key, field: field) {
                    fieldIndex[valueKey, default: []].insert(record.id)
                }
            }
            objectIndexes[field] = fieldIndex
        }
        indexes[key] = objectIndexes
    }

    /// Adds a custom field to an object (from a seed file).
    mutating func addField(_ field: SObjectField, to object: String) throws(SalesforceError) {
        guard var schema = schemas[object.lowercased()] else { throw .invalidType(object) }
        schema.add(field)
        register(schema)
    }

    /// Sets what the running user may do with an object, as a profile or permission set does;
    /// describe shows it and writes honour it.
    mutating func setPermissions(of object: String, createable: Bool, updateable: Bool) throws(SalesforceError) {
        guard var schema = schemas[object.lowercased()] else { throw .invalidType(object) }
        schema.createable = createable
        schema.updateable = updateable
        register(schema)
    }

    func schema(_ name: String) -> SObjectSchema? { schemas[name.lowercased()] }

    func schema(for id: SalesforceId) -> SObjectSchema? {
        objectByPrefix[id.keyPrefix].flatMap { schemas[$0] }
    }

    // MARK: Rows

    func record(_ id: SalesforceId) -> StoredRecord? {
        guard let object = objectByPrefix[id.keyPrefix] else { return nil }
        return tables[object]?[id]
    }

    func records(of object: String) -> Dictionary<SalesforceId, StoredRecord>.Values? {
        tables[object.lowercased()]?.values
    }

    func count(of object: String, includeDeleted: Bool = false) -> Int {
        guard let table = tables[object.lowercased()] else { return 0 }
        return includeDeleted ? table.count : table.values.reduce(0) { $0 + ($1.isDeleted ? 0 : 1) }
    }

    /// Ids whose indexed `field` equals `value` (text compared case-insensitively), deleted ones included.
    func lookup(object: String, field: String, value: JSONValue) -> Set<SalesforceId>? {
        if field == "id" {
            // Rows are keyed by Id already; no separate index is kept.
            guard let text = value.stringValue, let id = SalesforceId(text), tables[object]?[id] != nil else { return [] }
            return [id]
        }
        guard let fieldIndex = indexes[object]?[field] else { return nil }
        guard let key = indexKey(value, object: object, field: field) else { return [] }
        return fieldIndex[key] ?? []
    }

    func isIndexed(object: String, field: String) -> Bool { field == "id" || indexes[object]?[field] != nil }

    /// The index key of a value: Ids in their 18-character form (so 15- and 18-character Ids
    /// meet), text lower-cased (SOQL compares text case-insensitively).
    func indexKey(_ value: JSONValue, object: String, field: String) -> String? {
        switch value {
        case .string(let text):
            let type = schemas[object]?.field(field)?.type
            if type == .id || type == .reference { return SalesforceId(text)?.value ?? text }
            return text.lowercased()
        case .number(let number): return JSONWriter.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    mutating func newId(for schema: SObjectSchema) -> SalesforceId {
        defer { nextSerial += 1 }
        return SalesforceId(keyPrefix: schema.keyPrefix, serial: nextSerial)
    }

    /// Stores `record`, replacing any row with its Id, keeping indexes and the undo log current.
    mutating func put(_ record: StoredRecord) {
        let old = tables[record.objectKey]?[record.id]
        undoLog?.append((record.id, old))
        reindex(id: record.id, object: record.objectKey, old: old, new: record)
        setRow(record.id, object: record.objectKey, to: record)
    }

    /// Puts back a saved row and keeps new Ids clear of it.
    mutating func restore(_ record: StoredRecord) {
        if record.id == adminUserId { return }
        put(record)
        nextSerial = max(nextSerial, record.id.serial + 1)
    }

    /// Removes a row outright (rows deleted through the API stay, flagged `IsDeleted`).
    mutating func purge(_ id: SalesforceId) {
        guard let object = objectByPrefix[id.keyPrefix], let old = tables[object]?[id] else { return }
        undoLog?.append((id, old))
        reindex(id: id, object: object, old: old, new: nil)
        setRow(id, object: object, to: nil)
    }

    // The nested collections are moved out, changed and moved back so that each stays uniquely
    // referenced: changing them through a chain of subscripts copied a 100,000-row table per write.
    private mutating func setRow(_ id: SalesforceId, object: String, to record: StoredRecord?) {
        var table = tables.removeValue(forKey: object) ?? [:]
        table[id] = record
        tables[object] = table
    }

    private mutating func reindex(id: SalesforceId, object: String, old: StoredRecord?, new: StoredRecord?) {
        guard var objectIndexes = indexes.removeValue(forKey: object) else { return }
        defer { indexes[object] = objectIndexes }
        for field in Array(objectIndexes.keys) {
            let oldKey = old?.values[field].flatMap { indexKey($0, object: object, field: field) }
            let newKey = new?.values[field].flatMap { indexKey($0, object: object, field: field) }
            if oldKey == newKey { continue }
            var fieldIndex = objectIndexes.removeValue(forKey: field) ?? [:]
            if let oldKey, var ids = fieldIndex.removeValue(forKey: oldKey) {
                ids.remove(id)
                if !ids.isEmpty { fieldIndex[oldKey] = ids }
            }
            if let newKey {
                var ids = fieldIndex.removeValue(forKey: newKey) ?? []
                ids.insert(id)
                fieldIndex[newKey] = ids
            }
            objectIndexes[field] = fieldIndex
        }
    }

    // MARK: Transactions

    /// Runs `body` so that, if it throws, every row it touched is put back as it was.
    mutating func transaction<T>(_ body: (inout OrgState) throws(SalesforceError) -> T) throws(SalesforceError) -> T {
        let outer = undoLog
        let logged = deletions.count
        undoLog = []
        do {
            let result = try body(&self)
            if let outer { undoLog = outer + (undoLog ?? []) } else { undoLog = nil }
            return result
        } catch {
            rollback()
            deletions.removeLast(max(0, deletions.count - logged))
            undoLog = outer
            throw error
        }
    }

    private mutating func rollback() {
        guard let log = undoLog else { return }
        undoLog = nil
        for (id, previous) in log.reversed() {
            guard let object = objectByPrefix[id.keyPrefix] else { continue }
            let current = tables[object]?[id]
            reindex(id: id, object: object, old: current, new: previous)
            setRow(id, object: object, to: previous)
        }
    }

    /// Notes that the row `id` of `object` was deleted now.
    mutating func logDeletion(_ id: SalesforceId, of object: String) {
        let now = clock()
        // Nothing older than the log answers for is kept (Get Deleted Records: 15 days).
        if let first = deletions.first, first.at < now - Self.deleteLogMilliseconds {
            deletions.removeAll { $0.at < now - Self.deleteLogMilliseconds }
        }
        deletions.append(Deletion(object: object, id: id, at: now))
    }

    /// How long the delete log keeps a deletion: 15 days.
    static let deleteLogMilliseconds: Int64 = 15 * 86_400_000

    /// Forgets every row, keeping schemas (custom fields included).
    mutating func removeAllRecords() {
        deletions = []
        for key in tables.keys { tables[key] = [:] }
        for (object, fields) in indexes { for field in fields.keys { indexes[object]![field] = [:] } }
        activeDuplicateRules = []
    }

    /// Re-creates the platform's own rows (the admin user).
    mutating func ensureAdminUser(username: String, email: String) {
        let now = SalesforceDate.formatDateTime(milliseconds: clock())
        var admin = StoredRecord(id: adminUserId, objectKey: "user", values: [:])
        admin["username"] = .string(username)
        admin["lastname"] = "Admin"
        admin["firstname"] = "Sandbox"
        admin["email"] = .string(email)
        admin["alias"] = "sadmin"
        admin["communitynickname"] = "sandbox.admin"
        admin["isactive"] = true
        admin["timezonesidkey"] = "Europe/Paris"
        admin["localesidkey"] = "en_US"
        admin["languagelocalekey"] = "en_US"
        admin["title"] = "System Administrator"
        for field in ["createddate", "lastmodifieddate", "systemmodstamp"] { admin[field] = .string(now) }
        admin["createdbyid"] = .string(adminUserId.value)
        admin["lastmodifiedbyid"] = .string(adminUserId.value)
        admin["isdeleted"] = false
        put(admin)
    }
}

/// A row deleted through the API, as the delete log keeps it.
struct Deletion: Sendable {
    /// The object's key (lowercased name).
    let object: String
    let id: SalesforceId
    /// When, in milliseconds since the epoch.
    let at: Int64
}
