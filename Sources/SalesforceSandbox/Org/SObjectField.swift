/// A field of an sObject with the metadata `describe` reports and the sandbox enforces.
public struct SObjectField: Sendable {
    /// The API name, e.g. `Email` or `Shirt_Size__c`; looked up case-insensitively.
    public var name: String
    /// The label describe reports and error messages start with (`Email: invalid email address…`).
    public var label: String
    /// The describe `type`, which decides how values are checked and compared.
    public var type: FieldType
    /// Maximum characters for text types (0 for others).
    public var length: Int
    /// Total digits for numeric types.
    public var precision: Int
    /// Digits after the decimal point for numeric types.
    public var scale: Int
    /// A create may set the field; otherwise it fails with `INVALID_FIELD_FOR_INSERT_UPDATE`.
    public var createable: Bool
    /// An update may set the field; otherwise it fails with `INVALID_FIELD_FOR_INSERT_UPDATE`.
    public var updateable: Bool
    /// The field may be empty; a create that leaves a non-nillable, createable field out fails with
    /// `REQUIRED_FIELD_MISSING` unless it is defaulted on create or a checkbox.
    public var nillable: Bool
    /// A value is filled in on create when none is given (so the field is not required).
    public var defaultedOnCreate: Bool
    /// A formula (or, with `rollup`, a roll-up summary): read-only.
    public var calculated: Bool
    /// The formula text describe reports for a calculated field; `nil` for others.
    public var calculatedFormula: String?
    /// The sandbox fills the field on create with the object's record count plus one, as text.
    public var autoNumber: Bool
    /// Marked External ID: usable as an upsert key, and indexed.
    public var externalId: Bool
    /// Usable as an upsert key without being an External ID (Salesforce sets it on `Id`, `Username`
    /// and the like).
    public var idLookup: Bool
    /// Salesforce refuses duplicate values; the sandbox reports it in describe and indexes the
    /// field, but does not check it.
    public var unique: Bool
    /// Reported in describe only: whether Salesforce compares the field's values with case.
    public var caseSensitive: Bool
    /// A custom field; by default, whether the name ends in `__c`.
    public var custom: Bool
    /// The object's name field (`Name`), which `GET /sobjects/{Object}` shows besides `Id` for
    /// recent records.
    public var nameField: Bool
    /// The values of a picklist or multi-select picklist, in describe order; empty for other types.
    public var picklistValues: [PicklistValue]
    /// Only the listed values are accepted (active ones, for a single-select picklist); others
    /// fail with `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`.
    public var restrictedPicklist: Bool
    /// The objects a reference field may point at (`["Account"]`); an Id of another object fails
    /// with `INVALID_CROSS_REFERENCE_KEY`.
    public var referenceTo: [String]
    /// The name SOQL uses to follow a reference (`Account` for `AccountId`); `nil` for other
    /// types.
    public var relationshipName: String?
    /// e.g. `richtextarea`, `plaintextarea`, `personname`, `imageurl`.
    public var extraTypeInfo: String?
    /// Reported in describe only: the value is HTML (rich text areas, some formulas).
    public var htmlFormatted: Bool
    /// The default a picklist or checkbox takes on create.
    public var defaultValue: JSONValue

    /// Creates a field; the defaults describe an ordinary, optional, read/write field.
    public init(
        _ name: String, _ type: FieldType, label: String? = nil, length: Int? = nil, precision: Int = 0, scale: Int = 0,
        createable: Bool = true, updateable: Bool = true, nillable: Bool = true, defaultedOnCreate: Bool = false,
        calculated: Bool = false, calculatedFormula: String? = nil, autoNumber: Bool = false, externalId: Bool = false,
        idLookup: Bool = false, unique: Bool = false, caseSensitive: Bool = false, custom: Bool? = nil,
        nameField: Bool = false, picklistValues: [PicklistValue] = [], restrictedPicklist: Bool = false,
        referenceTo: [String] = [], relationshipName: String? = nil, extraTypeInfo: String? = nil,
        htmlFormatted: Bool = false, defaultValue: JSONValue = .null
    ) {
        self.name = name
        self.label = label ?? SObjectField.defaultLabel(for: name)
        self.type = type
        self.length = length ?? SObjectField.defaultLength(for: type)
        self.precision = precision
        self.scale = scale
        self.createable = createable
        self.updateable = updateable
        self.nillable = nillable
        self.defaultedOnCreate = defaultedOnCreate
        self.calculated = calculated
        self.calculatedFormula = calculatedFormula
        self.autoNumber = autoNumber
        self.externalId = externalId
        self.idLookup = idLookup
        self.unique = unique
        self.caseSensitive = caseSensitive
        self.custom = custom ?? name.hasSuffix("__c")
        self.nameField = nameField
        self.picklistValues = picklistValues
        self.restrictedPicklist = restrictedPicklist
        self.referenceTo = referenceTo
        self.relationshipName = relationshipName
        self.extraTypeInfo = extraTypeInfo
        self.htmlFormatted = htmlFormatted
        self.defaultValue = defaultValue
    }

    /// Required on create: not nillable, writable, and not filled in by the platform.
    var isRequiredOnCreate: Bool { !nillable && createable && !defaultedOnCreate && type != .boolean }

    /// Whether the platform, not the client, owns the value.
    var isReadOnly: Bool { calculated || autoNumber || (!createable && !updateable) }

    private static func defaultLabel(for name: String) -> String {
        var base = name.hasSuffix("__c") ? String(name.dropLast(3)) : name
        if base.hasSuffix("Id"), base.count > 2 { base = String(base.dropLast(2)) + " ID" }
        return base.split(separator: "_").joined(separator: " ")
    }

    private static func defaultLength(for type: FieldType) -> Int {
        switch type {
        case .id, .reference: 18
        case .string, .url, .encryptedstring, .combobox: 255
        case .email: 80
        case .phone: 40
        case .picklist: 255
        case .multipicklist: 4099
        case .textarea: 255
        default: 0
        }
    }

    /// The field's entry in an sObject describe, with the same members a real org returns.
    var describeJSON: JSONValue {
        let digits = type == .int ? max(precision, 9) : 0
        var object = JSONObject()
        object.append("aggregatable", .bool(type != .textarea || length <= 255))
        object.append("aiPredictionField", .bool(false))
        object.append("autoNumber", .bool(autoNumber))
        object.append("byteLength", .number(Double(type.isText || type == .id || type == .reference ? length * 3 : 0)))
        object.append("calculated", .bool(calculated))
        object.append("calculatedFormula", .from(calculatedFormula))
        object.append("cascadeDelete", .bool(false))
        object.append("caseSensitive", .bool(caseSensitive))
        object.append("compoundFieldName", .null)
        object.append("controllerName", .null)
        object.append("createable", .bool(createable))
        object.append("custom", .bool(custom))
        object.append("defaultValue", defaultValue)
        object.append("defaultValueFormula", .null)
        object.append("defaultedOnCreate", .bool(defaultedOnCreate))
        object.append("dependentPicklist", .bool(false))
        object.append("deprecatedAndHidden", .bool(false))
        object.append("digits", .number(Double(digits)))
        object.append("displayLocationInDecimal", .bool(false))
        object.append("encrypted", .bool(type == .encryptedstring))
        object.append("externalId", .bool(externalId))
        object.append("extraTypeInfo", .from(extraTypeInfo))
        object.append("filterable", .bool(type != .textarea || length <= 255))
        object.append("filteredLookupInfo", .null)
        object.append("formulaTreatNullNumberAsZero", .bool(false))
        object.append("groupable", .bool(!type.isNumeric && type != .textarea && type != .datetime))
        object.append("highScaleNumber", .bool(false))
        object.append("htmlFormatted", .bool(htmlFormatted))
        object.append("idLookup", .bool(idLookup))
        object.append("inlineHelpText", .null)
        object.append("label", .string(label))
        object.append("length", .number(Double(length)))
        object.append("mask", .null)
        object.append("maskType", .null)
        object.append("name", .string(name))
        object.append("nameField", .bool(nameField))
        object.append("namePointing", .bool(false))
        object.append("nillable", .bool(nillable))
        object.append("permissionable", .bool(nillable && !calculated && custom))
        object.append("picklistValues", .array(picklistValues.map(\.json)))
        object.append("polymorphicForeignKey", .bool(referenceTo.count > 1))
        object.append("precision", .number(Double(type == .int ? 0 : precision)))
        object.append("queryByDistance", .bool(false))
        object.append("referenceTargetField", .null)
        object.append("referenceTo", .array(referenceTo.map(JSONValue.string)))
        object.append("relationshipName", .from(relationshipName))
        object.append("relationshipOrder", .null)
        object.append("restrictedDelete", .bool(false))
        object.append("restrictedPicklist", .bool(restrictedPicklist))
        object.append("scale", .number(Double(scale)))
        object.append("searchPrefilterable", .bool(type == .reference))
        object.append("soapType", .string(type.soapType))
        object.append("sortable", .bool(type != .textarea || length <= 255))
        object.append("type", .string(type.rawValue))
        object.append("unique", .bool(unique))
        object.append("updateable", .bool(updateable))
        object.append("writeRequiresMasterRead", .bool(false))
        return .object(object)
    }
}
