import Foundation
import RosterCore
import RosterStore

/// The demo event `roster demo` starts with: a few hundred participants with typed custom
/// fields, some checked in, some already known to the demo Salesforce org by email.
public enum DemoEvent {
    /// The demo event's name; seeding skips when an event already has it.
    public static let name = "Roster Demo Summit"
    /// How many participants seeding imports into the demo event.
    public static let participantCount = 300

    /// The email of the n-th demo participant; the demo org knows the first ones as Contacts and Leads.
    public static func email(_ index: Int) -> String { "attendee\(index)@demo.example" }

    static let fields = [
        FieldDefinition(code: "tshirt", label: "T-shirt size", type: .selectList, options: ["S", "M", "L", "XL"]),
        FieldDefinition(code: "diet", label: "Diet", type: .selectList, options: ["None", "Vegetarian", "Vegan"]),
        FieldDefinition(code: "newsletter", label: "Newsletter", type: .boolean),
        FieldDefinition(code: "arrival", label: "Arrival day", type: .date),
        FieldDefinition(code: "sessions", label: "Sessions", type: .multiselectList, options: ["Keynote", "Workshops", "Networking"]),
        FieldDefinition(code: "notes", label: "Notes", type: .multilineText),
    ]

    /// Creates the demo event and its participants unless an event of that name exists.
    /// - Returns: the event's id.
    @discardableResult
    public static func seed(into database: RosterDatabase, now: Date = Date()) async throws -> String {
        let events = EventRepository(database: database)
        if let existing = try await events.all().first(where: { $0.name == name }) { return existing.id }
        let event = Event(id: UUIDv7Generator().next(), name: name,
                          startsAt: now.addingTimeInterval(14 * 86_400), endsAt: now.addingTimeInterval(15 * 86_400),
                          fields: fields, createdAt: now)
        try await events.create(event)
        let first = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances"]
        let last = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen"]
        let companies = ["Analytical Engines", "Navy Labs", "Bletchley", "NASA Langley", "Kernel Co", "Apollo", "Bell Labs", "MIT", "Unix Ltd", "IBM Research"]
        let rows = (0..<participantCount).map { index in
            ImportRow(number: index + 1, draft: ParticipantDraft(record: [
                "email": .string(email(index)),
                "firstName": .string(first[index % first.count]),
                "lastName": .string("\(last[(index / first.count) % last.count])"),
                "company": .string(companies[index % companies.count]),
                "jobTitle": .string(index % 3 == 0 ? "Engineer" : index % 3 == 1 ? "Manager" : "Director"),
                "hasAttended": .bool(index % 3 == 0),
                "allowNetworking": .bool(index % 2 == 0),
                "tshirt": .string(["S", "M", "L", "XL"][index % 4]),
                "diet": .string(["None", "Vegetarian", "Vegan"][index % 3]),
                "newsletter": .bool(index % 5 != 0),
                "arrival": .string(index % 2 == 0 ? "2026-12-08" : "2026-12-09"),
                "sessions": .string(index % 2 == 0 ? "Keynote;Workshops" : "Keynote;Networking"),
            ]))
        }
        _ = try await ParticipantRepository(database: database).importRows(into: event, rows)
        return event.id
    }

    /// The demo event's connector, filled in for the bundled sandbox (not connected), unless it
    /// was configured already.
    public static func prefillConnector(eventId: String, into database: RosterDatabase, secrets: SecretBox, sandboxURL: String,
                                        consumerKey: String, consumerSecret: String) async throws {
        let connectors = ConnectorRepository(database: database, secrets: secrets)
        guard try await connectors.find(eventId: eventId) == nil else { return }
        let people = FieldMapping([
            MappingEntry(participantField: "tshirt", salesforceField: "T_Shirt_Size__c"),
            MappingEntry(participantField: "diet", salesforceField: "Diet__c"),
            MappingEntry(participantField: "newsletter", salesforceField: "Newsletter__c", overwrite: .ifEmpty),
        ])
        let settings = ConnectorSettings(
            enabled: true, loginUrl: sandboxURL, consumerKey: consumerKey, campaignName: name,
            registeredStatus: "Registered", attendedStatus: "Attended", allowLeadCreation: true, allowUpdate: true,
            mappings: ConnectorMappings(contact: people, lead: people, campaignMember: FieldMapping([
                MappingEntry(participantField: "arrival", salesforceField: "Arrival_Date__c"),
                MappingEntry(participantField: "sessions", salesforceField: "Sessions__c"),
            ]))
        )
        try await connectors.save(eventId: eventId, settings: settings, consumerSecret: consumerSecret)
    }
}
