import Foundation
import RosterStore
import SalesforceSandbox
import Testing

@Suite("The check-in desk and erasure on request")
struct DeskAndErasureAPITests {
    /// A token with `role` on the event.
    func token(_ app: TestApp, _ name: String, _ role: String, _ event: String) async throws -> String {
        let response = try await app.send(.post, "/api/v1/tokens", json: #"{"name": "\#(name)", "role": "\#(role)", "events": ["\#(event)"]}"#)
        #expect(response.status == .created)
        return try #require(try response.json()["token"] as? String)
    }

    @Test("the desk finds people without accents by name, company or email, masks emails for registrars, counts check-ins")
    func desk() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let people = [#"{"email": "helene.dupont@societe.fr", "firstName": "Hélène", "lastName": "Dupont", "company": "Société Générale"}"#,
                          #"{"email": "hmartin@corp.com", "firstName": "Helene", "lastName": "Martin", "company": "Corp"}"#,
                          #"{"email": "ada@lovelace.org", "firstName": "Ada", "lastName": "Lovelace"}"#]
            for person in people { #expect(try await app.send(.post, "/api/v1/events/\(event)/participants", json: person).status == .created) }
            let registrar = try await token(app, "door", "registrar", event)
            let desk = "/api/v1/events/\(event)/desk"

            let empty = try await app.send(.get, desk, as: registrar)
            #expect(empty.status == .ok)
            #expect((try empty.json()["items"] as? [[String: Any]])?.isEmpty == true, "no search, nobody listed")
            #expect(try empty.json()["participants"] as? Int == 3)
            #expect(try await app.send(.get, "\(desk)?q=ada", as: registrar).json()["items"].flatMap { ($0 as? [[String: Any]])?.first?["email"] as? String }
                    == "a…@lovelace.org")
            #expect(try empty.json()["checkedIn"] as? Int == 0)

            let found = try await app.send(.get, "\(desk)?q=helene", as: registrar).json()
            let items = try #require(found["items"] as? [[String: Any]])
            #expect(items.map { $0["lastName"] as? String } == ["Dupont", "Martin"], "by last name, accents ignored")
            #expect(items.map { $0["email"] as? String } == ["h…@societe.fr", "h…@corp.com"], "a registrar sees emails masked")
            #expect(found["total"] as? Int == 2)
            #expect(Set(items[0].keys) == ["id", "firstName", "lastName", "email", "company", "hasAttended", "checkedInAt"], "nothing more than the desk shows")
            #expect(try await app.send(.get, "\(desk)?q=SOCIETE", as: registrar).json()["total"] as? Int == 1, "by company")
            #expect(try await app.send(.get, "\(desk)?q=HMartin@Corp.com", as: registrar).json()["total"] as? Int == 1, "by a whole email")
            // A registrar can't list the event or rebuild addresses: no email's start, no domain,
            // no single letter, no more than "more than 20".
            for search in ["hmartin", "hmartin@", "@corp.com", "@", "h"] {
                #expect(try await app.send(.get, "\(desk)?q=\(search.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", as: registrar)
                    .json()["total"] as? Int == 0, "\(search)")
            }
            #expect(try await app.send(.get, "\(desk)?q=hmartin").json()["total"] as? Int == 1, "an organiser searches emails too")
            let many = (0..<25).map { #"{"email": "smith\#($0)@example.org", "firstName": "Sam", "lastName": "Smith"}"# }
            #expect(try await app.send(.post, "/api/v1/events/\(event)/participants/import", json: "[" + many.joined(separator: ",") + "]").status == .ok)
            let smiths = try await app.send(.get, "\(desk)?q=smith", as: registrar).json()
            #expect((smiths["items"] as? [[String: Any]])?.count == 20)
            #expect(smiths["total"] as? Int == 21, "more than 20")
            #expect(try await app.send(.get, "\(desk)?q=smith").json()["total"] as? Int == 25)

            let id = try #require(items[0]["id"] as? String)
            let checkIn = try await app.send(.patch, "/api/v1/events/\(event)/participants/\(id)", json: #"{"hasAttended": true}"#, as: registrar)
            #expect(checkIn.status == .ok)
            let after = try await app.send(.get, "\(desk)?q=dupont", as: registrar).json()
            #expect(after["checkedIn"] as? Int == 1)
            let person = try #require((after["items"] as? [[String: Any]])?.first)
            #expect(person["hasAttended"] as? Bool == true)
            #expect(person["checkedInAt"] is String)

            #expect(try await app.send(.get, "\(desk)?q=dupont").json()["items"].flatMap { ($0 as? [[String: Any]])?.first?["email"] as? String }
                    == "helene.dupont@societe.fr", "whoever may read participants sees the email")
            let viewer = try await token(app, "screen", "viewer", event)
            #expect(try await app.send(.get, "\(desk)?q=a", as: viewer).status == .forbidden, "viewers check nobody in")
            let long = String(repeating: "a", count: 201)
            #expect(try await app.send(.get, "\(desk)?q=\(long)", as: registrar).status == .badRequest)
        }
    }

    @Test("erasing a person deletes their data, keeps a tombstone and the counts, refuses registrars; the campaign member goes only when asked")
    func erasure() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("ada@example.com", attended: true), ConnectorFixture.person("grace@example.com"),
                                            ConnectorFixture.person("alan@example.com")])
            let run = try await fixture.forceSync()
            #expect(run["state"] as? String == "succeeded")
            #expect(try fixture.members().count == 3)
            let event = fixture.eventId
            let ada = try #require(try await fixture.participant("ada@example.com")["id"] as? String)
            let grace = try #require(try await fixture.participant("grace@example.com")["id"] as? String)
            let adaState = try #require(try await fixture.participant("ada@example.com")["salesforce"] as? [String: Any])
            let adaRecord = try #require((adaState["contactId"] as? String) ?? (adaState["leadId"] as? String))
            let adaObject = adaState["contactId"] is String ? "Contact" : "Lead"

            let registrar = try await token(app, "door", "registrar", event)
            #expect(try await app.send(.delete, "/api/v1/events/\(event)/participants/\(ada)", as: registrar).status == .forbidden)

            // Ada asks to be erased, and to leave the campaign.
            let erased = try await app.send(.delete, "/api/v1/events/\(event)/participants/\(ada)?salesforce=removeMember")
            #expect(erased.status == .noContent)
            #expect(try await app.send(.get, "/api/v1/events/\(event)/participants/\(ada)").status == .notFound)
            #expect(try await app.send(.get, "/api/v1/events/\(event)/participants?q=ada").json()["total"] as? Int == 0)
            #expect(try fixture.members().count == 2, "her campaign member is gone")
            #expect(try fixture.org.query("SELECT Id FROM \(adaObject) WHERE Id = '\(adaRecord)'").count == 1, "her Contact or Lead stays: it belongs to the org")
            #expect(try await app.send(.delete, "/api/v1/events/\(event)/participants/\(ada)").status == .notFound, "erased once")

            // Grace is erased, her membership kept (the default).
            #expect(try await app.send(.delete, "/api/v1/events/\(event)/participants/\(grace)").status == .noContent)
            #expect(try fixture.members().count == 1 + 1)
            #expect(try await app.send(.get, "/api/v1/events/\(event)/participants").json()["total"] as? Int == 1)

            // Nothing more is sent for them: a forced sync sees one person.
            let again = try await fixture.forceSync()
            #expect(again["total"] as? Int == 1)
            #expect(try fixture.members().count == 2)

            // The tombstones hold ids, never the person's data.
            let database = try RosterDatabase(url: .sqlite(path: app.databasePath), logger: .init(label: "test"))
            let rows = try await database.writer.raw("SELECT * FROM participant_erasures ORDER BY erased_at, participant_id").all()
            #expect(rows.count == 2)
            let kept = try rows.map { row in
                (try row.decode(column: "participant_id", as: String.self), try row.decode(column: "campaign_member", as: String.self),
                 try row.decode(column: "had_attended", as: Bool.self), try row.decode(column: "erased_by", as: String?.self))
            }
            #expect(kept.map(\.0).sorted() == [ada, grace].sorted())
            #expect(kept.first { $0.0 == ada }.map { [$0.1, String($0.2), $0.3 ?? ""] } == ["removed", "true", "tests"])
            #expect(kept.first { $0.0 == grace }?.1 == "kept")
            try await database.shutdown()
        }
    }

    @Test("when Salesforce refuses removing the member, nobody is erased and the error says what to do")
    func erasureWaitsForSalesforce() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("ada@example.com")])
            #expect(try await fixture.forceSync()["state"] as? String == "succeeded")
            let ada = try #require(try await fixture.participant("ada@example.com")["id"] as? String)
            #expect(try await fixture.app.send(.delete, "\(fixture.base)/connection").status == .ok)
            let refused = try await app.send(.delete, "/api/v1/events/\(fixture.eventId)/participants/\(ada)?salesforce=removeMember")
            #expect(refused.status == .conflict)
            #expect(try refused.apiError().code == "not_connected")
            #expect(try refused.apiError().message.contains("the person was not erased"))
            #expect(try refused.apiError().message.contains("salesforce=keep"))
            #expect(try await app.send(.get, "/api/v1/events/\(fixture.eventId)/participants/\(ada)").status == .ok)
            #expect(try fixture.members().count == 1)
        }
    }
}
