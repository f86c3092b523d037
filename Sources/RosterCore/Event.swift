import Foundation

/// An event whose participants Roster keeps (S1).
public struct Event: Sendable, Hashable, Identifiable {
    /// Roster's id for the event (a UUIDv7 by default).
    public var id: String
    /// The event's name: not blank, at most 255 characters.
    public var name: String
    /// When the event starts; `nil` when not set.
    public var startsAt: Date?
    /// When the event ends, never before `startsAt`; `nil` when not set.
    public var endsAt: Date?
    /// The event's time zone, an IANA name (`Europe/Paris`); `nil` when not set.
    public var timeZone: String?
    /// The custom participant fields, in display order.
    public var fields: [FieldDefinition]
    /// When the event was created in Roster.
    public var createdAt: Date

    /// Makes an event from its fields, unchecked; ``problems(name:startsAt:endsAt:fields:)`` checks them.
    public init(id: String, name: String, startsAt: Date? = nil, endsAt: Date? = nil, timeZone: String? = nil, fields: [FieldDefinition] = [],
                createdAt: Date) {
        self.id = id
        self.name = name
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.timeZone = timeZone
        self.fields = fields
        self.createdAt = createdAt
    }

    /// The IANA name of a time zone as the system's database spells it (any case), or `nil` for
    /// a name it does not hold (abbreviations and offsets such as `GMT+5` included). `UTC` and
    /// its links, which the system's list leaves out, are taken too: a browser in UTC names its
    /// zone so.
    public static func canonicalTimeZone(_ name: String) -> String? {
        guard name.utf8.count <= 64 else { return nil }
        let universal = ["UTC", "Etc/UTC", "GMT", "Etc/GMT"]
        return (TimeZone.knownTimeZoneIdentifiers + universal).first { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Checks what a new event would be: a name, coherent dates, a known time zone, a coherent schema.
    public static func problems(name: String, startsAt: Date?, endsAt: Date?, timeZone: String? = nil, fields: [FieldDefinition]) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let timeZone, canonicalTimeZone(timeZone) == nil {
            let shown = timeZone.count > 64 ? String(timeZone.prefix(64)) + "…" : timeZone
            issues.append(.init(field: "timeZone", message: "'\(shown)' is not a time zone name such as Europe/Paris or America/New_York"))
        }
        if name.isBlank {
            issues.append(.init(field: "name", message: "an event needs a name"))
        } else if name.unicodeScalars.count > 255 {
            issues.append(.init(field: "name", message: "\(name.count) characters is more than the 255 allowed"))
        }
        if let issue = ParticipantRules.controlCharacterIssue(name.trimmed(), field: "name") { issues.append(issue) }
        if let startsAt, let endsAt, endsAt < startsAt {
            issues.append(.init(field: "endsAt", message: "the event ends before it starts"))
        }
        return issues + FieldDefinition.problems(in: fields)
    }
}
