import Foundation
import Testing

@Suite("PATCH an event: name, dates, time zone, fields")
struct EventEditAPITests {
    @Test("an edit changes what it names; a field in use is refused 409 naming it; a new field takes values at once")
    func editAnEvent() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let path = "/api/v1/events/\(event)"
            let renamed = try await app.send(.patch, path, json: #"{"name": "Summit 2027", "timeZone": "America/Los_Angeles", "endsAt": "2026-12-02T18:00:00Z"}"#)
            #expect(renamed.status == .ok)
            #expect(try renamed.json()["name"] as? String == "Summit 2027")
            #expect(try renamed.json()["timeZone"] as? String == "America/Los_Angeles")
            #expect(try renamed.json()["startsAt"] as? String == "2026-12-01T09:00:00.000Z", "what the body leaves out stays")
            #expect(try await app.send(.get, path).json()["endsAt"] as? String == "2026-12-02T18:00:00.000Z")

            for zone in ["Mars/Olympus", "GMT+5", String(repeating: "Europe/Paris", count: 10)] {
                let badZone = try await app.send(.patch, path, json: #"{"timeZone": "\#(zone)"}"#)
                #expect(badZone.status == .unprocessableContent, "\(zone)")
                #expect(try badZone.apiError().details.first?["field"] as? String == "timeZone")
            }
            #expect(try await app.send(.patch, path, json: #"{"timeZone": "utc"}"#).json()["timeZone"] as? String == "UTC",
                    "UTC, which the system's list of zones leaves out, is what a browser in UTC names")
            #expect(try await app.send(.patch, path, json: #"{"timeZone": "europe/paris"}"#).json()["timeZone"] as? String == "Europe/Paris",
                    "stored as the zone database spells it")
            let backwards = try await app.send(.patch, path, json: #"{"endsAt": "2026-11-01T00:00:00Z"}"#)
            #expect(try backwards.apiError().details.first?["field"] as? String == "endsAt")

            try await app.send(.post, "\(path)/participants", json: #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "L", "fields": {"size": "M", "bio": "Countess"}}"#)
            let inUse = try await app.send(.patch, path, json: """
                {"fields": [{"code": "size", "label": "T-shirt", "type": "text"},
                            {"code": "bio", "label": "Bio", "type": "text", "maxLength": 3}]}
                """)
            #expect(inUse.status == .conflict)
            #expect(try inUse.apiError().code == "field_in_use")
            #expect(try inUse.apiError().details.map { $0["field"] as? String } == ["size", "bio"])
            #expect(try inUse.apiError().message.contains("its type (selectList) can't change once it is in use"))

            let edited = try await app.send(.patch, path, json: """
                {"fields": [{"code": "size", "label": "Taille", "type": "selectList", "options": ["S", "M", "L", "XL"]},
                            {"code": "bio", "label": "Bio", "type": "text", "maxLength": 200},
                            {"code": "diet", "label": "Diet", "type": "text", "maxLength": 80}]}
                """)
            #expect(edited.status == .ok)
            #expect((try edited.json()["fields"] as? [[String: Any]])?.map { $0["code"] as? String } == ["size", "bio", "diet"])
            let withNewField = try await app.send(.post, "\(path)/participants", json: #"{"email": "grace@example.com", "firstName": "Grace", "lastName": "H", "fields": {"size": "XL", "diet": "Vegan"}}"#)
            #expect(withNewField.status == .created, "the new field and option are taken at once")
            let gone = try await app.send(.post, "\(path)/participants", json: #"{"email": "alan@example.com", "firstName": "Alan", "lastName": "T", "fields": {"age": 41}}"#)
            #expect(try gone.apiError().details.first?["field"] as? String == "age", "the removed field is no more")

            // A field a registration tool's map fills is not removed behind its back.
            #expect(try await app.send(.post, "\(path)/webhooks", json: #"{"name": "Tito", "fieldMap": {"email": "/email", "fields.diet": "/diet"}}"#).status == .created)
            let mapped = try await app.send(.patch, path, json: """
                {"fields": [{"code": "size", "label": "Taille", "type": "selectList", "options": ["S", "M", "L", "XL"]},
                            {"code": "bio", "label": "Bio", "type": "text", "maxLength": 200}]}
                """)
            #expect(mapped.status == .conflict)
            #expect(try mapped.apiError().details.map { $0["field"] as? String } == ["diet"])
            #expect(try mapped.apiError().message.contains("the registration tool 'Tito' fills it; change its field map first"))
        }
    }
}
