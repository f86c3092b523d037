import RosterCore

/// A participant field as a mapping sees it: its code, type, and the longest value it can hold.
public struct ParticipantFieldInfo: Sendable, Hashable {
    /// The code a mapping names the field by (`firstName`, or a custom field's code).
    public var code: String
    /// The field's name as the back office shows it.
    public var label: String
    /// The field's type, which decides the Salesforce fields it may map to.
    public var type: FieldType
    /// The most characters a value can have; `nil` when unbounded.
    public var maxLength: Int?
    /// For list types, the allowed values.
    public var options: [String]
    /// Whether every event has the field (SPEC S2) rather than this event's schema.
    public var isBuiltIn: Bool
}

/// The participant fields a mapping may name: the built-ins (SPEC S2) and the event's own.
public enum ParticipantFieldCatalog {
    /// The built-in fields with their types. `isRegistered`, `hasAttended` and
    /// `allowNetworking` are nullable booleans in the seed's model, so not syncable (S33);
    /// the first two drive the member status instead. `checkedInAt` is the moment of the
    /// check-in, set by Roster: it goes to a Date/Time field as it is and to a Date field as the
    /// day in the event's time zone (``ValueConversion``).
    public static let builtIns: [ParticipantFieldInfo] = {
        let lengths = Dictionary(uniqueKeysWithValues: ParticipantRules.maxLengths.map { ($0.name, $0.max) })
        return [
            ("firstName", "First name", FieldType.text), ("lastName", "Last name", .text), ("email", "Email", .email),
            ("company", "Company", .text), ("jobTitle", "Job title", .text), ("isRegistered", "Is registered", .nullableBoolean),
            ("hasAttended", "Has attended", .nullableBoolean), ("allowNetworking", "Allow networking", .nullableBoolean),
            ("checkedInAt", "Checked in at", .date),
        ].map { ParticipantFieldInfo(code: $0.0, label: $0.1, type: $0.2, maxLength: lengths[$0.0], options: [], isBuiltIn: true) }
    }()

    /// Every field of the event, built-ins first.
    public static func fields(of event: Event) -> [ParticipantFieldInfo] {
        builtIns + event.fields.map {
            ParticipantFieldInfo(code: $0.code, label: $0.label, type: $0.type, maxLength: $0.maxLength, options: $0.options ?? [], isBuiltIn: false)
        }
    }

    /// The field with this code (custom codes exactly, built-ins in any case), or `nil`.
    public static func field(_ code: String, in event: Event) -> ParticipantFieldInfo? {
        if let builtIn = builtIns.first(where: { $0.code.lowercased() == code.lowercased() }) { return builtIn }
        return fields(of: event).first { $0.code == code }
    }
}
