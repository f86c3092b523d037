/// The definition of an sObject type: its key prefix, its fields and what the API may do with it.
public struct SObjectSchema: Sendable {
    /// The object's API name, e.g. `Lead` or `Event__c`.
    public var name: String
    /// The singular label describe reports, e.g. `Campaign Member`.
    public var label: String
    /// The plural label describe reports, e.g. `Campaign Members`.
    public var labelPlural: String
    /// The 3-character prefix of its record Ids (`003` for Contact).
    public var keyPrefix: String
    /// Records may be created; otherwise a create fails with `INSUFFICIENT_ACCESS_OR_READONLY`.
    public var createable: Bool
    /// Records may be updated; otherwise an update fails with `INSUFFICIENT_ACCESS_OR_READONLY`.
    public var updateable: Bool
    /// Records may be deleted; otherwise a delete fails with `INSUFFICIENT_ACCESS_OR_READONLY`.
    public var deletable: Bool
    /// Every field in describe order: the system fields (`Id`, `CreatedDate`…) first, then the
    /// object's own.
    public private(set) var fields: [SObjectField] = []
    private var fieldIndex: [String: Int] = [:]
    private var relationshipIndex: [String: Int] = [:]

    /// Makes a schema; the system fields every object has come before `fields`.
    public init(
        name: String, label: String, labelPlural: String, keyPrefix: String, createable: Bool = true,
        updateable: Bool = true, deletable: Bool = true, fields: [SObjectField]
    ) {
        self.name = name
        self.label = label
        self.labelPlural = labelPlural
        self.keyPrefix = keyPrefix
        self.createable = createable
        self.updateable = updateable
        self.deletable = deletable
        for field in SObjectSchema.systemFields(idLookup: true) + fields { add(field) }
    }

    /// Adds or replaces a field (custom fields come from seed files).
    public mutating func add(_ field: SObjectField) {
        let key = field.name.lowercased()
        if let index = fieldIndex[key] {
            fields[index] = field
        } else {
            fieldIndex[key] = fields.count
            fields.append(field)
        }
        if let relationship = field.relationshipName {
            relationshipIndex[relationship.lowercased()] = fieldIndex[key]
        }
    }

    /// The field named `name`, compared case-insensitively as Salesforce does.
    public func field(_ name: String) -> SObjectField? {
        fieldIndex[name.lowercased()].map { fields[$0] }
    }

    /// The reference field behind a relationship name (`Campaign` → `CampaignId`).
    func relationship(_ name: String) -> SObjectField? {
        relationshipIndex[name.lowercased()].map { fields[$0] }
    }

    /// Fields whose values the store indexes for fast equality and `IN` look-ups.
    var indexedFieldNames: [String] {
        fields.filter { $0.type == .reference || $0.externalId || $0.idLookup || $0.unique }
            .filter { $0.type != .id }
            .map { $0.name.lowercased() }
    }

    /// Fields every object has, owned by the platform.
    static func systemFields(idLookup: Bool) -> [SObjectField] {
        [
            SObjectField("Id", .id, label: "Record ID", createable: false, updateable: false, nillable: false,
                         defaultedOnCreate: true, idLookup: idLookup),
            SObjectField("IsDeleted", .boolean, label: "Deleted", createable: false, updateable: false,
                         nillable: false, defaultedOnCreate: true, defaultValue: .bool(false)),
            SObjectField("CreatedDate", .datetime, label: "Created Date", createable: false, updateable: false,
                         nillable: false, defaultedOnCreate: true),
            SObjectField("CreatedById", .reference, label: "Created By ID", createable: false, updateable: false,
                         nillable: false, defaultedOnCreate: true, referenceTo: ["User"], relationshipName: "CreatedBy"),
            SObjectField("LastModifiedDate", .datetime, label: "Last Modified Date", createable: false,
                         updateable: false, nillable: false, defaultedOnCreate: true),
            SObjectField("LastModifiedById", .reference, label: "Last Modified By ID", createable: false,
                         updateable: false, nillable: false, defaultedOnCreate: true, referenceTo: ["User"],
                         relationshipName: "LastModifiedBy"),
            SObjectField("SystemModstamp", .datetime, label: "System Modstamp", createable: false, updateable: false,
                         nillable: false, defaultedOnCreate: true),
        ]
    }

    /// The global describe entry (`GET /sobjects`).
    func globalDescribeJSON(version: String) -> JSONValue {
        .object(describeHeader(version: version))
    }

    /// The full describe (`GET /sobjects/X/describe`).
    func describeJSON(version: String) -> JSONValue {
        var object = describeHeader(version: version)
        object["fields"] = .array(fields.map(\.describeJSON))
        object["childRelationships"] = .array([])
        object["recordTypeInfos"] = .array([])
        object["supportedScopes"] = .array([.object(["label": "All", "name": "everything"])])
        object["namedLayoutInfos"] = .array([])
        object["networkScopeFieldName"] = .null
        object["listviewable"] = .null
        object["lookupLayoutable"] = .null
        object["searchLayoutable"] = .bool(true)
        object["actionOverrides"] = .array([])
        return .object(object)
    }

    private func describeHeader(version: String) -> JSONObject {
        let base = "/services/data/v\(version)/sobjects/\(name)"
        var object = JSONObject()
        object.append("activateable", .bool(false))
        object.append("createable", .bool(createable))
        object.append("custom", .bool(name.hasSuffix("__c")))
        object.append("customSetting", .bool(false))
        object.append("deepCloneable", .bool(false))
        object.append("deletable", .bool(deletable))
        object.append("deprecatedAndHidden", .bool(false))
        object.append("feedEnabled", .bool(false))
        object.append("hasSubtypes", .bool(false))
        object.append("isInterface", .bool(false))
        object.append("isSubtype", .bool(false))
        object.append("keyPrefix", .string(keyPrefix))
        object.append("label", .string(label))
        object.append("labelPlural", .string(labelPlural))
        object.append("layoutable", .bool(true))
        object.append("mergeable", .bool(["Account", "Contact", "Lead"].contains(name)))
        object.append("mruEnabled", .bool(true))
        object.append("name", .string(name))
        object.append("queryable", .bool(true))
        object.append("replicateable", .bool(true))
        object.append("retrieveable", .bool(true))
        object.append("searchable", .bool(true))
        object.append("triggerable", .bool(true))
        object.append("undeletable", .bool(deletable))
        object.append("updateable", .bool(updateable))
        object.append("urls", .object([
            "compactLayouts": .string("\(base)/describe/compactLayouts"),
            "rowTemplate": .string("\(base)/{ID}"),
            "describe": .string("\(base)/describe"),
            "sobject": .string(base),
        ]))
        return object
    }
}
