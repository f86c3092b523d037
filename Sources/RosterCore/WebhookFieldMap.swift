import Foundation

/// Where a registration tool's delivered JSON keeps each participant field: participant field →
/// JSON Pointer into each delivered object (`{"email": "/attendee/email"}`). Keys are the
/// built-in fields (`email`, `firstName`, `lastName`, `company`, `jobTitle`, `isRegistered`,
/// `hasAttended`, `allowNetworking`) and `fields.<code>` for an event's own fields.
public struct WebhookFieldMap: Sendable, Hashable {
    /// The built-in fields a map may fill.
    public static let builtInKeys = ["email", "firstName", "lastName", "company", "jobTitle", "isRegistered", "hasAttended", "allowNetworking"]

    /// Each field and where its value is, in key order.
    public let entries: [(key: String, pointer: JSONPointer)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.entries.map(\.key) == rhs.entries.map(\.key) && lhs.entries.map(\.pointer) == rhs.entries.map(\.pointer)
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries { hasher.combine(entry.key); hasher.combine(entry.pointer) }
    }

    /// Checks a map against an event's fields.
    /// - Throws: every problem at once, each naming its key (`fieldMap.<key>`): an unknown field,
    ///   a pointer that is not RFC 6901.
    public init(_ raw: [String: String], fields: [FieldDefinition]) throws(ValidationFailure) {
        var issues: [ValidationIssue] = []
        var entries: [(String, JSONPointer)] = []
        let codes = Set(fields.map(\.code))
        for (key, text) in raw.sorted(by: { $0.key < $1.key }) {
            let known = Self.builtInKeys.contains(key) || (key.hasPrefix("fields.") && codes.contains(String(key.dropFirst("fields.".count))))
            if !known {
                let choices = Self.builtInKeys + fields.map { "fields.\($0.code)" }
                issues.append(.init(field: "fieldMap.\(key)", message: "'\(key)' is not a participant field of this event; use one of: \(choices.joined(separator: ", "))"))
                continue
            }
            do { entries.append((key, try JSONPointer(text))) } catch { issues.append(.init(field: "fieldMap.\(key)", message: error.issues[0].message)) }
        }
        if !raw.isEmpty, raw["email"] == nil {
            issues.append(.init(field: "fieldMap.email", message: "a field map must say where the email is: every participant is known by it"))
        }
        guard issues.isEmpty else { throw ValidationFailure(issues) }
        self.entries = entries
    }

    /// The map as the API shows it.
    public var raw: [String: String] { Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.pointer.description) }) }

    /// The participant a delivered object describes: each mapped value found, the others absent.
    public func draft(from object: InputValue) -> ParticipantDraft {
        var record: [String: InputValue] = [:]
        var custom: [String: InputValue] = [:]
        for (key, pointer) in entries {
            guard let value = pointer.value(in: object) else { continue }
            if key.hasPrefix("fields.") { custom[String(key.dropFirst("fields.".count))] = value } else { record[key] = value }
        }
        if !custom.isEmpty { record["fields"] = .object(custom) }
        return ParticipantDraft(record: record)
    }
}

/// A ready-made field map for a registration tool whose attendee payload is publicly documented.
public struct WebhookPreset: Sendable, Hashable {
    /// A stable name: `tito`, `zoom-webinar`, `eventbrite-attendee`.
    public var id: String
    /// What the organiser sees.
    public var name: String
    /// Participant field → JSON Pointer into one delivered object.
    public var fieldMap: [String: String]

    /// The presets, documented with their sources in docs/webhooks.md.
    public static let all: [WebhookPreset] = [
        // Tito's ticket webhooks (ticket.created, ticket.completed, ticket.updated) deliver the ticket object.
        WebhookPreset(id: "tito", name: "Tito (ticket webhooks)",
                      fieldMap: ["email": "/email", "firstName": "/first_name", "lastName": "/last_name", "company": "/company_name"]),
        // Zoom's webinar.registration_created event nests the registrant in its envelope.
        WebhookPreset(id: "zoom-webinar", name: "Zoom Webinars (webinar.registration_created)",
                      fieldMap: ["email": "/payload/object/registrant/email", "firstName": "/payload/object/registrant/first_name",
                                 "lastName": "/payload/object/registrant/last_name", "company": "/payload/object/registrant/org",
                                 "jobTitle": "/payload/object/registrant/job_title"]),
        // Eventbrite's Attendee object as its API returns it (its webhooks send only the object's URL).
        WebhookPreset(id: "eventbrite-attendee", name: "Eventbrite (Attendee object)",
                      fieldMap: ["email": "/profile/email", "firstName": "/profile/first_name", "lastName": "/profile/last_name",
                                 "company": "/profile/company", "jobTitle": "/profile/job_title", "hasAttended": "/checked_in"]),
    ]
}
