import Foundation
import RosterCore
import RosterStore
import Testing

@Suite("An event's schema changed under the participants it has")
struct EventEditTests {
    static let fields = [
        FieldDefinition(code: "size", label: "T-shirt", type: .selectList, options: ["S", "M", "L"]),
        FieldDefinition(code: "bio", label: "Bio", type: .text),
        FieldDefinition(code: "spare", label: "Spare", type: .text),
    ]

    @Test("a field in use keeps its code, type, options and room for its longest value; the rest may change", arguments: TestDatabaseKind.available)
    func fieldsInUse(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let events = EventRepository(database: database)
            let event = Event(id: "e1", name: "Summit", fields: Self.fields, createdAt: Date(timeIntervalSince1970: 1_000))
            try await events.create(event)
            let participants = ParticipantRepository(database: database)
            for (email, bio) in [("a@example.com", "twelve chars"), ("b@example.com", "short")] {
                _ = try await participants.upsert(into: event, ParticipantDraft(email: email, firstName: "A", lastName: "B",
                                                                               fields: ["size": .string("M"), "bio": .string(bio)]))
            }

            var broken = event
            broken.fields = [
                FieldDefinition(code: "size", label: "T-shirt", type: .selectList, options: ["S", "L"]),
                FieldDefinition(code: "bio", label: "Bio", type: .text, maxLength: 11),
            ]
            await #expect {
                try await events.update(id: "e1") { [broken] _ in broken }
            } throws: { error in
                let conflict = error as? EventEditConflict
                return conflict?.issues.map(\.field) == ["size", "bio"]
                    && conflict?.issues[0].message == "2 participants hold a value for this field; options can be added, but 'M' can't be removed once it is in use"
                    && conflict?.issues[1].message == "the longest value stored has 12 characters; set a maxLength of at least that"
            }
            var retyped = event
            retyped.fields[1].type = .number
            retyped.fields.remove(at: 0)
            await #expect {
                try await events.update(id: "e1") { [retyped] _ in retyped }
            } throws: { error in
                (error as? EventEditConflict)?.issues.map(\.field) == ["size", "bio"]
            }
            #expect(try await events.find(id: "e1")?.fields == Self.fields, "nothing changed")

            // Relabelled, an option and a maxLength that fits, a field added, an unused one removed, a time zone.
            var edited = event
            edited.name = "Summit 2027"
            edited.timeZone = "Europe/Paris"
            edited.fields = [
                FieldDefinition(code: "size", label: "Taille", type: .selectList, options: ["S", "M", "L", "XL"], required: true),
                FieldDefinition(code: "bio", label: "Bio", type: .text, maxLength: 12),
                FieldDefinition(code: "diet", label: "Diet", type: .text),
            ]
            let stored = try await events.update(id: "e1") { [edited] _ in edited }
            #expect(stored == edited)
            #expect(try await events.find(id: "e1") == edited)

            // An edit is applied to the event as stored: a rename made after keeps the new fields.
            let renamed = try await events.update(id: "e1") { current in
                var next = current
                next.name = "Summit 2028"
                return next
            }
            #expect(renamed.fields == edited.fields && renamed.timeZone == "Europe/Paris")
            await #expect(throws: StoreError.self) { try await events.update(id: "nope") { $0 } }
        }
    }
}
