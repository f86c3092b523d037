import RosterCore
import SalesforceClient

/// Which participant types may feed which Salesforce field types: the seed's table (S30)
/// widened as S31 *beyond* allows, and never a field Salesforce computes or guards (S31).
public enum FieldCompatibility {
    /// Why a participant type can never be synced (S33), or `nil` when it can.
    public static func unsyncableReason(_ type: FieldType) -> String? {
        switch type {
        case .nullableBoolean: "a nullable boolean has three states and no Salesforce checkbox does"
        case .file, .picture, .document: "files, pictures and documents are not sent to Salesforce"
        default: nil
        }
    }

    /// The Salesforce types a participant type may be written to.
    public static func targets(for type: FieldType) -> [String] {
        switch type {
        case .text: ["string", "textarea", "combobox"]
        case .multilineText: ["textarea"]
        case .number: ["double", "int", "long", "currency", "percent"]
        case .selectList: ["string", "picklist", "combobox"]
        case .multiselectList: ["string", "multipicklist", "textarea"]
        case .date: ["date", "datetime"]
        case .boolean: ["boolean"]
        case .email: ["email", "string"]
        case .phone: ["phone", "string"]
        case .url: ["url", "string"]
        case .nullableBoolean, .file, .picture, .document: []
        }
    }

    /// Why a Salesforce field can't be written by the connector, or `nil`.
    public static func readOnlyReason(_ field: FieldDescribe) -> String? {
        if field.calculated { return "it is a formula or roll-up summary field, computed by Salesforce" }
        if field.autoNumber { return "it is an auto-number field, numbered by Salesforce" }
        switch field.type {
        case "reference": return "it is a lookup or master-detail relationship; Roster does not write record links"
        case "encryptedstring": return "it is an encrypted text field"
        case "id": return "it is the record Id"
        case "location", "address": return "it is a compound (geolocation or address) field"
        case "time": return "it is a time field, which no participant type holds"
        default: break
        }
        if !field.createable && !field.updateable { return "the connected user may neither set nor change it" }
        return nil
    }

    /// A person's words for a Salesforce type.
    public static func label(_ salesforceType: String) -> String {
        switch salesforceType {
        case "string": "Text"
        case "textarea": "Text Area"
        case "double", "int", "long": "Number"
        case "currency": "Currency"
        case "percent": "Percent"
        case "picklist": "Picklist"
        case "multipicklist": "Multi-select Picklist"
        case "date": "Date"
        case "datetime": "Date/Time"
        case "boolean": "Checkbox"
        case "email": "Email"
        case "phone": "Phone"
        case "url": "URL"
        case "combobox": "Combo box"
        default: salesforceType
        }
    }

    /// A fixed value as `field` holds it: a checkbox a boolean, a number field a number, any other
    /// field the text; `nil` when it does not fit (the check names it).
    public static func salesforceValue(_ value: FixedValue, for field: FieldDescribe) -> SalesforceValue? {
        switch (field.type, value) {
        case ("boolean", .flag(let flag)): .bool(flag)
        case ("boolean", .text(let text)) where ["true", "false"].contains(text.lowercased()): .bool(text.lowercased() == "true")
        case ("boolean", _): nil
        case ("double", .number(let number)), ("currency", .number(let number)), ("percent", .number(let number)), ("int", .number(let number)):
            .number(number)
        case ("double", .text(let text)), ("currency", .text(let text)), ("percent", .text(let text)), ("int", .text(let text)):
            Double(text).map(SalesforceValue.number)
        case ("double", _), ("currency", _), ("percent", _), ("int", _): nil
        default: .string(value.text)
        }
    }
}
