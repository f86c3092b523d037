/// What `GET /sobjects/{Object}/describe` says of an object, for the running user.
public struct SObjectDescribe: Sendable, Hashable, Decodable {
    /// The object's API name, e.g. `Lead` or `Event__c`.
    public var name: String
    /// The object's label; the API name when describe gives none.
    public var label: String
    /// The user may create rows of this object.
    public var createable: Bool
    /// The user may update rows of this object.
    public var updateable: Bool
    /// The fields the running user can see (field-level security hides the others).
    public var fields: [FieldDescribe]

    /// Makes a describe from its parts.
    public init(name: String, label: String, createable: Bool, updateable: Bool, fields: [FieldDescribe]) {
        self.name = name
        self.label = label
        self.createable = createable
        self.updateable = updateable
        self.fields = fields
    }

    /// The field with this API name, in any case (API names are case-insensitive).
    public func field(_ name: String) -> FieldDescribe? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }
    }

    enum CodingKeys: String, CodingKey { case name, label, createable, updateable, fields }

    /// Reads describe JSON: a missing `label` falls back to the name, missing flags to `false`,
    /// missing `fields` to none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        label = try container.decodeIfPresent(String.self, forKey: .label) ?? name
        createable = try container.decodeIfPresent(Bool.self, forKey: .createable) ?? false
        updateable = try container.decodeIfPresent(Bool.self, forKey: .updateable) ?? false
        fields = try container.decodeIfPresent([FieldDescribe].self, forKey: .fields) ?? []
    }
}

/// One field of a describe result.
public struct FieldDescribe: Sendable, Hashable, Decodable {
    /// The field's API name, e.g. `Email` or `Shirt_Size__c`.
    public var name: String
    /// The field's label; the API name when describe gives none.
    public var label: String
    /// Salesforce's SOAP type name: `string`, `textarea`, `email`, `phone`, `url`, `picklist`,
    /// `multipicklist`, `double`, `int`, `currency`, `percent`, `date`, `datetime`, `boolean`,
    /// `reference`, `encryptedstring`, `id`, `location`, `time`, `combobox`…
    public var type: String
    /// The most characters a text value may have.
    public var length: Int
    /// The user may set this field when creating a row.
    public var createable: Bool
    /// The user may change this field on an existing row.
    public var updateable: Bool
    /// The field may be left empty.
    public var nillable: Bool
    /// Salesforce fills the field on create when no value is given (e.g. `OwnerId`).
    public var defaultedOnCreate: Bool
    /// A formula or roll-up summary.
    public var calculated: Bool
    /// Salesforce numbers the field itself; it cannot be written.
    public var autoNumber: Bool
    /// The field is marked External ID: indexed, and usable as an upsert key.
    public var externalId: Bool
    /// The active picklist values.
    public var picklistValues: [String]
    /// Only the listed picklist values are accepted.
    public var restrictedPicklist: Bool
    /// The objects a lookup or master-detail field may point at (e.g. `["Account"]`); empty
    /// for other types.
    public var referenceTo: [String]

    /// Makes a field describe; `label` defaults to the name, the flags to a writable, optional field.
    public init(name: String, label: String? = nil, type: String, length: Int = 0, createable: Bool = true, updateable: Bool = true,
                nillable: Bool = true, defaultedOnCreate: Bool = false, calculated: Bool = false, autoNumber: Bool = false,
                externalId: Bool = false, picklistValues: [String] = [], restrictedPicklist: Bool = false, referenceTo: [String] = []) {
        self.name = name
        self.label = label ?? name
        self.type = type
        self.length = length
        self.createable = createable
        self.updateable = updateable
        self.nillable = nillable
        self.defaultedOnCreate = defaultedOnCreate
        self.calculated = calculated
        self.autoNumber = autoNumber
        self.externalId = externalId
        self.picklistValues = picklistValues
        self.restrictedPicklist = restrictedPicklist
        self.referenceTo = referenceTo
    }

    /// A value must be given when creating a row.
    public var isRequiredOnCreate: Bool { createable && !nillable && !defaultedOnCreate && type != "boolean" }

    private struct PicklistEntry: Decodable {
        var value: String
        var active: Bool?
    }

    enum CodingKeys: String, CodingKey {
        case name, label, type, length, createable, updateable, nillable, defaultedOnCreate, calculated, autoNumber
        case externalId, picklistValues, restrictedPicklist, referenceTo
    }

    /// Reads describe JSON, with Salesforce's defaults for missing members; inactive picklist
    /// values are dropped.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        label = try c.decodeIfPresent(String.self, forKey: .label) ?? name
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? "string"
        length = try c.decodeIfPresent(Int.self, forKey: .length) ?? 0
        createable = try c.decodeIfPresent(Bool.self, forKey: .createable) ?? false
        updateable = try c.decodeIfPresent(Bool.self, forKey: .updateable) ?? false
        nillable = try c.decodeIfPresent(Bool.self, forKey: .nillable) ?? true
        defaultedOnCreate = try c.decodeIfPresent(Bool.self, forKey: .defaultedOnCreate) ?? false
        calculated = try c.decodeIfPresent(Bool.self, forKey: .calculated) ?? false
        autoNumber = try c.decodeIfPresent(Bool.self, forKey: .autoNumber) ?? false
        externalId = try c.decodeIfPresent(Bool.self, forKey: .externalId) ?? false
        picklistValues = (try c.decodeIfPresent([PicklistEntry].self, forKey: .picklistValues) ?? [])
            .filter { $0.active ?? true }.map(\.value)
        restrictedPicklist = try c.decodeIfPresent(Bool.self, forKey: .restrictedPicklist) ?? false
        referenceTo = try c.decodeIfPresent([String].self, forKey: .referenceTo) ?? []
    }
}

extension SalesforceClient {
    /// The object's describe, cached for this connection and API version; `refresh` asks again
    /// (the "check configuration" button does, so a field added in Salesforce shows up).
    public func describe(_ object: String, refresh: Bool = false) async throws(SalesforceFailure) -> SObjectDescribe {
        let key = object.lowercased()
        if !refresh, let cached = await session.cachedDescribe(key) { return cached }
        let (_, body) = try await send(Request(method: "GET", path: "/sobjects/\(object)/describe"))
        let describe = try Self.decode(SObjectDescribe.self, from: body, what: "describe \(object)")
        await session.cache(describe, for: key)
        return describe
    }

    /// Several describes in one call (a Composite request of describe subrequests), cached like
    /// ``describe(_:refresh:)``.
    public func describe(_ objects: [String], refresh: Bool = false) async throws(SalesforceFailure) -> [String: SObjectDescribe] {
        var result: [String: SObjectDescribe] = [:]
        var missing: [String] = []
        for object in objects {
            if !refresh, let cached = await session.cachedDescribe(object.lowercased()) { result[object] = cached } else { missing.append(object) }
        }
        guard !missing.isEmpty else { return result }
        let subrequests = missing.enumerated().map { index, object in
            CompositeSubrequest(method: "GET", url: "\(dataPath)/sobjects/\(object)/describe", referenceId: "d\(index)")
        }
        let responses = try await composite(subrequests, allOrNone: false)
        for (object, response) in zip(missing, responses) {
            let describe = try Self.decode(SObjectDescribe.self, from: try response.successBody(), what: "describe \(object)")
            await session.cache(describe, for: object.lowercased())
            result[object] = describe
        }
        return result
    }

    /// Decodes a JSON value already read into a typed shape.
    static func decode<T: Decodable>(_ type: T.Type, from value: SalesforceValue, what: String) throws(SalesforceFailure) -> T {
        try SalesforceJSON.decode(type, from: try SalesforceJSON.encode(value), what: what)
    }
}
