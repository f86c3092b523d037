/// The `type` of a field in describe results (Salesforce's `soapType` is derived from it).
public enum FieldType: String, Sendable, CaseIterable {
    case id, string, textarea, email, phone, url, picklist, multipicklist, combobox
    case double, int, currency, percent, date, datetime, time, boolean, reference
    case location, encryptedstring, address

    /// The XML schema type describe reports as `soapType`.
    var soapType: String {
        switch self {
        case .id, .reference: "tns:ID"
        case .double, .currency, .percent: "xsd:double"
        case .int: "xsd:int"
        case .date: "xsd:date"
        case .datetime: "xsd:dateTime"
        case .time: "xsd:time"
        case .boolean: "xsd:boolean"
        case .location: "urn:location"
        case .address: "urn:address"
        default: "xsd:string"
        }
    }

    /// Whether values are compared as text (case-insensitively, as SOQL does).
    var isText: Bool {
        switch self {
        case .string, .textarea, .email, .phone, .url, .picklist, .multipicklist, .combobox, .encryptedstring: true
        default: false
        }
    }

    var isNumeric: Bool {
        switch self {
        case .double, .int, .currency, .percent: true
        default: false
        }
    }
}

/// One value of a picklist as describe reports it.
public struct PicklistValue: Sendable, Equatable {
    /// The API value, the one records store and requests send.
    public var value: String
    /// The label shown in Salesforce; the value when none is given.
    public var label: String
    /// Whether the value can still be chosen; a restricted single-select picklist refuses inactive ones.
    public var active: Bool
    /// Whether describe marks this as the default (a create fills in the field's `defaultValue`).
    public var defaultValue: Bool

    /// Makes a picklist value; `label` defaults to the value itself.
    public init(_ value: String, label: String? = nil, active: Bool = true, defaultValue: Bool = false) {
        self.value = value
        self.label = label ?? value
        self.active = active
        self.defaultValue = defaultValue
    }

    var json: JSONValue {
        .object([
            "active": .bool(active), "defaultValue": .bool(defaultValue), "label": .string(label),
            "validFor": .null, "value": .string(value),
        ])
    }
}
