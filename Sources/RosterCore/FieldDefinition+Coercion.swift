import Foundation

extension FieldDefinition {
    /// Checks a raw value against this field's type and returns the typed value.
    ///
    /// `nil` means "no value" (null, or an empty CSV cell). Text arriving for a typed field is
    /// parsed the way a CSV cell would be ("12.5", "true", "2026-03-01").
    public func coerce(_ raw: InputValue) throws(ValidationFailure) -> FieldValue? {
        if case .null = raw { return try checkedAbsent() }
        if case .string(let text) = raw, text.isBlank, type != .text, type != .multilineText {
            return try checkedAbsent()
        }
        switch type {
        case .text, .multilineText, .phone, .file, .picture, .document:
            return .text(try checkedLength(try withoutControls(try textValue(raw))))
        case .email:
            let value = try checkedLength(try withoutControls(try textValue(raw).trimmed()))
            guard EmailAddress.isPlausible(value) else { throw fail("'\(value)' is not an email address") }
            return .text(value)
        case .url:
            let value = try checkedLength(try withoutControls(try textValue(raw).trimmed()))
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                throw fail("'\(value)' is not a web address (it must start with http:// or https://)")
            }
            return .text(value)
        case .number:
            return .number(try numberValue(raw))
        case .boolean, .nullableBoolean:
            return .bool(try boolValue(raw))
        case .date:
            return .date(try dateValue(raw))
        case .selectList:
            let value = try textValue(raw)
            guard let option = matchingOption(value) else { throw notAnOption(value) }
            return .text(option)
        case .multiselectList:
            let values: [String]
            switch raw {
            case .array(let items):
                values = try items.map { item throws(ValidationFailure) in try textValue(item) }
            case .string(let text):
                values = text.split(separator: ";").map { $0.trimmed() }.filter { !$0.isEmpty }
            default:
                throw fail("expected a list of options, got \(raw.kind)")
            }
            var chosen: [String] = []
            for value in values {
                guard let option = matchingOption(value) else { throw notAnOption(value) }
                if !chosen.contains(option) { chosen.append(option) }
            }
            return .list(chosen)
        }
    }

    private func checkedAbsent() throws(ValidationFailure) -> FieldValue? {
        if required { throw fail("a value is required") }
        return nil
    }

    private func fail(_ message: String) -> ValidationFailure {
        ValidationFailure(field: code, message: message)
    }

    private func notAnOption(_ value: String) -> ValidationFailure {
        let options = (options ?? []).map { "'\($0)'" }.joined(separator: ", ")
        return fail("'\(value)' is not one of the options: \(options)")
    }

    /// Options match case-insensitively, and the stored value takes the option's own spelling.
    private func matchingOption(_ value: String) -> String? {
        let wanted = value.trimmed()
        return (options ?? []).first { $0 == wanted } ?? (options ?? []).first { $0.caseInsensitiveCompare(wanted) == .orderedSame }
    }

    private func textValue(_ raw: InputValue) throws(ValidationFailure) -> String {
        switch raw {
        case .string(let text):
            if text.unicodeScalars.contains(ParticipantRules.replacementCharacter) { throw fail(ParticipantRules.lostText) }
            return text
        case .number(let number): return FieldValue.number(number).text
        default: throw fail("expected text, got \(raw.kind)")
        }
    }

    /// The text, unless it holds a control character; a cell of a spreadsheet may hold lines
    /// (Alt+Enter) in a text field whatever its type says.
    private func withoutControls(_ text: String) throws(ValidationFailure) -> String {
        if let issue = ParticipantRules.controlCharacterIssue(text, field: code, allowingLines: type == .text || type == .multilineText) {
            throw ValidationFailure([issue])
        }
        return text
    }

    private func checkedLength(_ text: String) throws(ValidationFailure) -> String {
        if let maxLength, text.count > maxLength {
            throw fail("\(text.count) characters is more than the \(maxLength) allowed")
        }
        return text
    }

    private func numberValue(_ raw: InputValue) throws(ValidationFailure) -> Double {
        switch raw {
        case .number(let number) where number.isFinite: return number
        case .string(let text):
            let trimmed = text.trimmed()
            // A decimal comma is common in French spreadsheets.
            let normalized = trimmed.contains(",") && !trimmed.contains(".") ? trimmed.replacingOccurrences(of: ",", with: ".") : trimmed
            if let number = Double(normalized), number.isFinite { return number }
            throw fail("'\(text)' is not a number")
        default: throw fail("expected a number, got \(raw.kind)")
        }
    }

    private func boolValue(_ raw: InputValue) throws(ValidationFailure) -> Bool {
        switch raw {
        case .bool(let value): return value
        case .number(let number) where number == 0 || number == 1: return number == 1
        case .string(let text):
            if let value = BooleanText.parse(text) { return value }
            throw fail("'\(text)' is not a yes/no value (use true or false)")
        default: throw fail("expected true or false, got \(raw.kind)")
        }
    }

    private func dateValue(_ raw: InputValue) throws(ValidationFailure) -> String {
        guard case .string(let text) = raw else { throw fail("expected a date YYYY-MM-DD, got \(raw.kind)") }
        let trimmed = text.trimmed()
        guard let date = CalendarDate(iso: trimmed) else {
            throw fail("'\(text)' is not a date; write it YYYY-MM-DD")
        }
        return date.iso
    }
}

/// Reads the many ways people write yes and no in spreadsheets.
public enum BooleanText {
    /// `true`/`false`, `yes`/`no`, `1`/`0`, `oui`/`non`, `y`/`n`, `x`/empty — case-insensitive.
    public static func parse(_ text: String) -> Bool? {
        switch text.trimmed().lowercased() {
        case "true", "yes", "y", "1", "oui", "vrai", "x": true
        case "false", "no", "n", "0", "non", "faux": false
        default: nil
        }
    }
}
