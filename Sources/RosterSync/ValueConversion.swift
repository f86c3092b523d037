import Foundation
import RosterConnector
import RosterCore
import SalesforceClient

/// A participant value as a Salesforce field takes it (S30/S31), or why it can't be sent.
public enum ValueConversion {
    /// Why a participant value can't be written to a Salesforce field.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case tooLong(field: String, length: Int, max: Int)
        case notInPicklist(field: String, value: String)

        /// Names the field and what Salesforce refuses; it becomes the person's sync error.
        public var description: String {
            switch self {
            case .tooLong(let field, let length, let max): "\(field) has \(length) characters but Salesforce holds \(max)"
            case .notInPicklist(let field, let value): "\(field): \"\(value)\" is not a value of the Salesforce picklist"
            }
        }
    }

    /// The value of a participant field code (built-in or custom).
    public static func participantValue(_ participant: Participant, code: String) -> FieldValue? {
        switch code.lowercased() {
        case "firstname": return participant.firstName.isEmpty ? nil : .text(participant.firstName)
        case "lastname": return .text(participant.lastName)
        case "email": return .text(participant.email)
        case "company": return participant.company.isEmpty ? nil : .text(participant.company)
        case "jobtitle": return participant.jobTitle.isEmpty ? nil : .text(participant.jobTitle)
        default: return participant.fields[code]
        }
    }

    /// A participant field's value as `field` takes it: ``salesforceValue(_:for:truncate:)`` of
    /// its value, except `checkedInAt`, a moment rather than a stored value, which a Date/Time
    /// field takes as it is and a Date field as its day in `timeZone` (the event's; UTC when it has
    /// none): checked in at 23:30 in Paris is that day, not the next.
    public static func salesforceValue(of participant: Participant, code: String, for field: FieldDescribe, truncate: Bool,
                                       timeZone: String?) throws(Failure) -> (SalesforceValue, truncated: Bool) {
        guard code.lowercased() == "checkedinat" else {
            return try salesforceValue(participantValue(participant, code: code), for: field, truncate: truncate)
        }
        guard let moment = participant.checkedInAt else { return (.null, false) }
        guard field.type == "date" else { return (.string(RFC3339.string(from: moment)), false) }
        return (.string(CalendarDate(moment, in: timeZone.flatMap(TimeZone.init(identifier:)) ?? .gmt).iso), false)
    }

    /// Converts for a field of the describe. Text longer than the field is an error, or cut
    /// when `truncate` (the caller logs it).
    public static func salesforceValue(_ value: FieldValue?, for field: FieldDescribe, truncate: Bool) throws(Failure) -> (SalesforceValue, truncated: Bool) {
        guard let value else { return (.null, false) }
        var text: String
        switch (value, field.type) {
        case (.number(let number), _): return (.number(number), false)
        case (.bool(let flag), _): return (.bool(flag), false)
        case (.date(let day), "datetime"): return (.string(day + "T00:00:00.000Z"), false)
        case (.date(let day), _): return (.string(day), false)
        case (.list(let values), _):
            if field.restrictedPicklist, let bad = values.first(where: { !field.picklistValues.contains($0) }) {
                throw .notInPicklist(field: field.name, value: bad)
            }
            text = values.joined(separator: ";")
        case (.text(let value), _):
            if field.type == "picklist", field.restrictedPicklist, !field.picklistValues.contains(value) {
                throw .notInPicklist(field: field.name, value: value)
            }
            text = value
        }
        if field.length > 0, text.count > field.length {
            guard truncate else { throw .tooLong(field: field.name, length: text.count, max: field.length) }
            text = String(text.prefix(field.length))
            return (.string(text), true)
        }
        return (text.isEmpty ? .null : .string(text), false)
    }
}
