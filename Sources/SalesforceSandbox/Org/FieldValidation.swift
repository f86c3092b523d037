/// Turns the JSON a client sent for a field into the stored value, refusing what Salesforce
/// refuses with the same status codes and messages.
enum FieldValidation {
    /// The normalised value, or `nil` for null. `record` names the row for messages.
    static func coerce(_ value: JSONValue, for field: SObjectField, in state: OrgState) throws(SalesforceError) -> JSONValue? {
        if value.isNull {
            return nil
        }
        switch field.type {
        case .string, .textarea, .phone, .url, .encryptedstring, .combobox, .email, .picklist, .multipicklist:
            let text = try string(value, field)
            if text.isEmpty { return nil }
            if text.count > field.length {
                throw SalesforceError(
                    "STRING_TOO_LONG", "\(field.label): data value too large: \(text) (max length=\(field.length))",
                    fields: [field.name])
            }
            if field.type == .email, !isValidEmail(text) {
                throw SalesforceError("INVALID_EMAIL_ADDRESS", "\(field.label): invalid email address: \(text)",
                                      fields: [field.name])
            }
            if field.type == .picklist, field.restrictedPicklist, !field.picklistValues.isEmpty,
               !field.picklistValues.contains(where: { $0.active && $0.value == text })
            {
                throw restrictedPicklist(field, text)
            }
            if field.type == .multipicklist, field.restrictedPicklist {
                for item in text.split(separator: ";") where !field.picklistValues.contains(where: { $0.value == item }) {
                    throw restrictedPicklist(field, String(item))
                }
            }
            return .string(text)
        case .boolean:
            switch value {
            case .bool: return value
            case .string(let text) where text.lowercased() == "true" || text.lowercased() == "false":
                return .bool(text.lowercased() == "true")
            default: throw deserialize("boolean", value, field)
            }
        case .double, .int, .currency, .percent:
            var number: Double
            switch value {
            case .number(let raw): number = raw
            case .string(let text):
                guard let parsed = Double(text) else { throw deserialize("double", value, field) }
                number = parsed
            default: throw deserialize("double", value, field)
            }
            if field.type == .int { number = number.rounded() }
            let integerDigits = field.precision - field.scale
            if field.precision > 0, abs(number) >= pow10(integerDigits) {
                throw SalesforceError("NUMBER_OUTSIDE_VALID_RANGE",
                                      "\(field.label): value outside of valid range on numeric field: \(JSONWriter.format(number))",
                                      fields: [field.name])
            }
            return .number(number)
        case .date:
            guard let text = value.stringValue else { throw deserialize("date", value, field) }
            // Date fields accept a date-time and keep its date, as the REST API does.
            if let day = SalesforceDate.parseDate(text.prefix(10)), text.count == 10 || SalesforceDate.parseDateTime(text) != nil {
                return .string(SalesforceDate.formatDate(days: day))
            }
            throw deserialize("date", value, field)
        case .datetime:
            guard let text = value.stringValue else { throw deserialize("datetime", value, field) }
            if let millis = SalesforceDate.parseDateTime(text) {
                return .string(SalesforceDate.formatDateTime(milliseconds: millis))
            }
            if let day = SalesforceDate.parseDate(text) {
                return .string(SalesforceDate.formatDateTime(milliseconds: Int64(day) * 86_400_000))
            }
            throw deserialize("datetime", value, field)
        case .time:
            guard let text = value.stringValue, let millis = SalesforceDate.parseTime(text) else {
                throw deserialize("time", value, field)
            }
            return .string(SalesforceDate.formatTime(milliseconds: millis))
        case .reference, .id:
            let text = try string(value, field)
            if text.isEmpty { return nil }
            guard let id = SalesforceId(text) else {
                throw SalesforceError("MALFORMED_ID", "\(field.label): id value of incorrect type: \(text)",
                                      fields: [field.name])
            }
            guard let target = state.schema(for: id), field.referenceTo.contains(target.name) else {
                throw SalesforceError("FIELD_INTEGRITY_EXCEPTION", "\(field.label): id value of incorrect type: \(text)",
                                      fields: [field.name])
            }
            guard let row = state.record(id), !row.isDeleted else {
                throw SalesforceError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields: [])
            }
            return .string(id.value)
        case .location, .address:
            return value
        }
    }

    private static func string(_ value: JSONValue, _ field: SObjectField) throws(SalesforceError) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return JSONWriter.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: throw deserialize("String", value, field)
        }
    }

    private static func pow10(_ digits: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, digits) { result *= 10 }
        return result
    }

    static func restrictedPicklist(_ field: SObjectField, _ text: String) -> SalesforceError {
        SalesforceError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        "\(field.label): bad value for restricted picklist field: \(text)", fields: [field.name])
    }

    private static func deserialize(_ type: String, _ value: JSONValue, _ field: SObjectField) -> SalesforceError {
        let shown: String
        let token: String
        switch value {
        case .string(let text): shown = text; token = "VALUE_STRING"
        case .number(let number): shown = JSONWriter.format(number); token = "VALUE_NUMBER_INT"
        case .bool(let flag): shown = flag ? "true" : "false"; token = flag ? "VALUE_TRUE" : "VALUE_FALSE"
        case .array: shown = "["; token = "START_ARRAY"
        case .object: shown = "{"; token = "START_OBJECT"
        case .null: shown = "null"; token = "VALUE_NULL"
        }
        return SalesforceError(
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of \(type) from \(token) value \(shown) or request may be missing a required field",
            fields: [field.name])
    }

    /// The address shape Salesforce accepts: one `@`, a non-empty local part of allowed
    /// characters, and a dotted domain.
    static func isValidEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, !parts[1].isEmpty else { return false }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~.-")
        guard parts[0].allSatisfy({ localAllowed.contains($0) }), !parts[0].hasPrefix("."), !parts[0].hasSuffix(".")
        else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }
}
