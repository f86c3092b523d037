/// Creating, updating, deleting and upserting rows with the checks a real org makes.
extension OrgState {
    /// Creates a row of `objectName` from the fields in `body` and answers its Id.
    mutating func create(_ objectName: String, _ body: JSONObject, context: WriteContext) throws(SalesforceError) -> SalesforceId {
        guard let schema = schema(objectName) else { throw .invalidType(objectName) }
        guard schema.createable else {
            throw SalesforceError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
        }
        var record = StoredRecord(id: newId(for: schema), objectKey: schema.name.lowercased(), values: [:])
        try apply(body, to: &record, schema: schema, isCreate: true)
        for field in schema.fields where field.defaultedOnCreate && record.values[field.name.lowercased()] == nil {
            if !field.defaultValue.isNull { record[field.name.lowercased()] = field.defaultValue }
        }
        if schema.field("OwnerId") != nil, record["ownerid"] == nil { record["ownerid"] = .string(adminUserId.value) }
        for field in schema.fields where field.autoNumber {
            // Auto-number fields count per object, formatted like the default display format `{0}`.
            let next = (records(of: schema.name) ?? [:].values).count + 1
            record[field.name.lowercased()] = .string(String(next))
        }
        assign(&record, context: context, isCreate: true)
        try applyObjectRules(to: &record, previous: nil, schema: schema)
        try checkRequired(record, schema: schema)
        try checkDuplicates(record, schema: schema, context: context)
        stamp(&record, created: true)
        put(record)
        afterCreate(record)
        return record.id
    }

    /// Updates the row `id` with the fields in `body`.
    mutating func update(_ id: SalesforceId, _ body: JSONObject, context: WriteContext) throws(SalesforceError) {
        guard let schema = schema(for: id), var record = record(id) else { throw .notFound() }
        if record.isDeleted { throw .entityIsDeleted() }
        guard schema.updateable else {
            throw SalesforceError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
        }
        if record.objectKey == "lead", record["isconverted"] == .bool(true) {
            throw SalesforceError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
        }
        let previous = record
        try apply(body, to: &record, schema: schema, isCreate: false)
        assign(&record, context: context, isCreate: false)
        try applyObjectRules(to: &record, previous: previous, schema: schema)
        try checkRequired(record, schema: schema)
        if record["email"]?.stringValue?.lowercased() != previous["email"]?.stringValue?.lowercased() {
            try checkDuplicates(record, schema: schema, context: context)
        }
        stamp(&record, created: false)
        put(record)
    }

    /// Moves the row `id` to the recycle bin, with the rows Salesforce deletes along with it.
    mutating func delete(_ id: SalesforceId) throws(SalesforceError) {
        guard let schema = schema(for: id), var record = record(id) else { throw .notFound() }
        if record.isDeleted { throw .entityIsDeleted() }
        guard schema.deletable else {
            throw SalesforceError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
        }
        logDeletion(id, of: record.objectKey)
        switch record.objectKey {
        case "campaignmember", "campaignmemberstatus":
            // Campaign members and statuses never go to the recycle bin.
            purge(id)
            return
        case "contact", "lead":
            let field = record.objectKey == "contact" ? "contactid" : "leadid"
            for member in lookup(object: "campaignmember", field: field, value: .string(id.value)) ?? [] {
                logDeletion(member, of: "campaignmember")
                purge(member)
            }
        case "campaign":
            for object in ["campaignmember", "campaignmemberstatus"] {
                for child in lookup(object: object, field: "campaignid", value: .string(id.value)) ?? [] {
                    logDeletion(child, of: object)
                    purge(child)
                }
            }
        default: break
        }
        record["isdeleted"] = true
        stamp(&record, created: false)
        put(record)
    }

    /// The live rows of `objectName` whose `fieldName` equals `value`, for upserts.
    func matches(_ schema: SObjectSchema, field: SObjectField, value: String) -> [SalesforceId] {
        let key = field.name.lowercased()
        let candidates: [SalesforceId]
        if let indexed = lookup(object: schema.name.lowercased(), field: key, value: .string(value)) {
            candidates = Array(indexed)
        } else {
            candidates = (records(of: schema.name) ?? [:].values).filter {
                $0[key]?.stringValue?.lowercased() == value.lowercased()
            }.map(\.id)
        }
        return candidates.filter { record($0)?.isDeleted == false }.sorted()
    }

    /// Upsert on an external-Id or id-lookup field: creates, updates, or reports several matches.
    mutating func upsert(
        _ objectName: String, field fieldName: String, value: String, _ body: JSONObject, context: WriteContext
    ) throws(SalesforceError) -> (id: SalesforceId, created: Bool) {
        guard let schema = schema(objectName) else { throw .invalidType(objectName) }
        let field = try upsertField(schema, fieldName)
        if field.type == .id {
            guard let id = SalesforceId(value), record(id) != nil else { throw .notFound() }
            try update(id, body, context: context)
            return (id, false)
        }
        let found = matches(schema, field: field, value: value)
        var body = body
        body[field.name] = nil
        if let existing = body.keys.first(where: { $0.lowercased() == field.name.lowercased() }) { body[existing] = nil }
        switch found.count {
        case 0:
            body[field.name] = .string(value)
            return (try create(schema.name, body, context: context), true)
        case 1:
            try update(found[0], body, context: context)
            return (found[0], false)
        default:
            throw SalesforceError("MULTIPLE_CHOICES", "Multiple records found", status: 300,
                                  extra: ["ids": .array(found.map { .string($0.value) })])
        }
    }

    func upsertField(_ schema: SObjectSchema, _ name: String) throws(SalesforceError) -> SObjectField {
        guard let field = schema.field(name), field.externalId || field.idLookup else {
            throw SalesforceError("NOT_FOUND", "Provided external ID field does not exist or is not accessible: \(name)",
                                  status: 404)
        }
        return field
    }

    // MARK: Steps

    private func apply(_ body: JSONObject, to record: inout StoredRecord, schema: SObjectSchema, isCreate: Bool) throws(SalesforceError) {
        var readOnly: [String] = []
        var pending: [(SObjectField, JSONValue)] = []
        for (name, value) in body where name != "attributes" {
            guard let field = schema.field(name) else {
                throw SalesforceError("INVALID_FIELD", "No such column '\(name)' on sobject of type \(schema.name)")
            }
            if field.type == .id {
                if isCreate {
                    throw SalesforceError("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call",
                                          fields: ["Id"])
                }
                guard let given = value.stringValue, SalesforceId(given) == record.id else {
                    throw SalesforceError("MALFORMED_ID", "Record ID: id value of incorrect type: \(value.stringValue ?? "")",
                                          fields: ["Id"])
                }
                continue
            }
            if isCreate ? !field.createable : !field.updateable {
                readOnly.append(field.name)
                continue
            }
            pending.append((field, value))
        }
        if !readOnly.isEmpty {
            throw SalesforceError(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: \(readOnly.joined(separator: ", ")). Please check the security "
                    + "settings of this field and verify that it is read/write for your profile or permission set.",
                fields: readOnly)
        }
        for (field, value) in pending {
            record[field.name.lowercased()] = try FieldValidation.coerce(value, for: field, in: self) ?? .null
        }
    }

    private func checkRequired(_ record: StoredRecord, schema: SObjectSchema) throws(SalesforceError) {
        let missing = schema.fields.filter { $0.isRequiredOnCreate && record.values[$0.name.lowercased()] == nil }
        guard missing.isEmpty else {
            let names = missing.map(\.name)
            throw SalesforceError("REQUIRED_FIELD_MISSING", "Required fields are missing: [\(names.joined(separator: ", "))]",
                                  fields: names)
        }
    }

    private mutating func stamp(_ record: inout StoredRecord, created: Bool) {
        let now = JSONValue.string(SalesforceDate.formatDateTime(milliseconds: clock()))
        if created {
            record["createddate"] = now
            record["createdbyid"] = .string(adminUserId.value)
            record["isdeleted"] = false
        }
        record["lastmodifieddate"] = now
        record["lastmodifiedbyid"] = .string(adminUserId.value)
        record["systemmodstamp"] = now
    }

    // MARK: Assignment rules

    /// Gives an Account, Case or Lead the owner its assignment rule names, as the header says:
    /// the object's active rule on creates and updates, a named rule on creates only.
    mutating func assign(_ record: inout StoredRecord, context: WriteContext, isCreate: Bool) {
        let object = record.objectKey
        guard ["account", "case", "lead"].contains(object) else { return }
        let rule: StoredRecord?
        switch context.autoAssign {
        case .none: return
        case .activeRule: rule = assignmentRules(for: object).first { $0["active"] == .bool(true) }
        case .rule(let id):
            guard isCreate else { return }
            rule = assignmentRules(for: object).first { $0.id == id }
        }
        if let assignee = rule?["assigneeid"] { record["ownerid"] = assignee }
    }

    /// The org's assignment rules for `object` (lower-cased name).
    func assignmentRules(for object: String) -> [StoredRecord] {
        (records(of: "AssignmentRule") ?? [:].values).filter { $0.string("sobjecttype")?.lowercased() == object && !$0.isDeleted }
    }

    /// Adds an assignment rule that gives `assignee` what it assigns; an active one makes the
    /// object's other rules inactive (an org has at most one active rule an object).
    mutating func addAssignmentRule(name: String, object: String, active: Bool, assignee: SalesforceId?) -> SalesforceId {
        guard let schema = schema("AssignmentRule") else { preconditionFailure("AssignmentRule is a standard object") }
        if active {
            for var other in assignmentRules(for: object.lowercased()) where other["active"] == .bool(true) {
                other["active"] = false
                stamp(&other, created: false)
                put(other)
            }
        }
        var rule = StoredRecord(id: newId(for: schema), objectKey: "assignmentrule", values: [:])
        rule["name"] = .string(name)
        rule["sobjecttype"] = .string(object)
        rule["active"] = .bool(active)
        if let assignee { rule["assigneeid"] = .string(assignee.value) }
        stamp(&rule, created: true)
        put(rule)
        return rule.id
    }

    /// Adds an active user (an owner for records and rules); answers its Id.
    mutating func addUser(username: String, lastName: String, email: String) -> SalesforceId {
        guard let schema = schema("User") else { preconditionFailure("User is a standard object") }
        var user = StoredRecord(id: newId(for: schema), objectKey: "user", values: [:])
        user["username"] = .string(username)
        user["lastname"] = .string(lastName)
        user["email"] = .string(email)
        user["alias"] = .string(String(username.prefix(8)))
        user["communitynickname"] = .string(username)
        user["isactive"] = true
        user["timezonesidkey"] = "Europe/Paris"
        user["localesidkey"] = "en_US"
        user["languagelocalekey"] = "en_US"
        stamp(&user, created: true)
        put(user)
        return user.id
    }
}
