import Foundation
import Testing

@Suite("Each person's state with Salesforce, the list filtered on it, and people in error sent again")
struct PersonSyncStateTests {
    static let email = "organiser@example.org"
    static let password = "a long enough password"

    @Test("synced, pending, excluded (by which rule), error, notSynced; excluded people never wait; a retry sends those in error again")
    func states() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "exclusions": ["Staff@Corp.example", "@vendor.example"]"#)
            try await fixture.importPeople(["ada@example.org", "bob@example.org", "staff@corp.example", "x@vendor.example"].map { ConnectorFixture.person($0) })
            try await fixture.connect()
            #expect(try await fixture.forceSync()["state"] as? String == "succeeded")

            // Grace's membership is refused (no Marketing User); Bob changes while the connector is off; Nell is new.
            try fixture.org.setPermissions(of: "CampaignMember", createable: false, updateable: false)
            try await fixture.importPeople([ConnectorFixture.person("grace@example.org")])
            #expect(try await fixture.forceSync()["failed"] as? Int == 1)
            let bob = try await fixture.participant("bob@example.org")
            #expect(try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(bob["id"] as! String)", json: #"{"company": "Moved On Ltd"}"#).status == .ok)
            try await fixture.importPeople([ConnectorFixture.person("nell@example.org")])

            func state(_ email: String) async throws -> (String?, String?) {
                let salesforce = try #require(try await fixture.participant(email)["salesforce"] as? [String: Any])
                return (salesforce["state"] as? String, salesforce["excludedBy"] as? String)
            }
            #expect(try await state("ada@example.org") == ("synced", nil))
            #expect(try await state("bob@example.org") == ("pending", nil))
            #expect(try await state("staff@corp.example") == ("excluded", "Staff@Corp.example"))
            #expect(try await state("x@vendor.example") == ("excluded", "@vendor.example"))
            #expect(try await state("grace@example.org") == ("error", nil))
            #expect(try await state("nell@example.org") == ("notSynced", nil))

            func listed(_ state: String, search: String = "") async throws -> [String] {
                let page = try await app.send(.get, "/api/v1/events/\(fixture.eventId)/participants?salesforceState=\(state)\(search)").json()
                let emails = ((page["items"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String }.sorted()
                #expect(page["total"] as? Int == emails.count, "the total counts the same people")
                return emails
            }
            #expect(try await listed("excluded") == ["staff@corp.example", "x@vendor.example"])
            #expect(try await listed("error") == ["grace@example.org"])
            #expect(try await listed("synced") == ["ada@example.org"])
            #expect(try await listed("pending") == ["bob@example.org"])
            #expect(try await listed("notSynced") == ["nell@example.org"])
            #expect(try await listed("synced", search: "&q=bo").isEmpty, "with a search too")
            #expect(try await listed("pending", search: "&q=bo") == ["bob@example.org"])
            let wrong = try await app.send(.get, "/api/v1/events/\(fixture.eventId)/participants?salesforceState=waiting")
            #expect(wrong.status == .badRequest)
            #expect(try await fixture.settings()["unsyncedParticipants"] as? Int == 3, "Bob, Grace and Nell; excluded people never wait")

            // On screen: the grid's filter with its counts, an excluded person's rule, the retry button.
            try await app.createUser(Self.email, Self.password)
            let browser = Browser(app)
            _ = try await browser.signIn(Self.email, Self.password)
            let grid = try await browser.get("/events/\(fixture.eventId)/participants?state=error").text
            #expect(grid.contains(#"<option value="error" selected>In error (1)</option>"#), "the filter says how many")
            #expect(grid.contains(#"<option value="excluded" >Excluded (2)</option>"#))
            #expect(grid.contains("grace@example.org") && !grid.contains("ada@example.org"), "only the people in error")
            let staff = try await fixture.participant("staff@corp.example")
            let staffPage = try await browser.get("/events/\(fixture.eventId)/participants/\(staff["id"] as! String)").text
            #expect(staffPage.contains("the connector\u{2019}s exclusion “Staff@Corp.example” covers this email") || staffPage.contains("exclusion “Staff@Corp.example”"), "by which rule")
            #expect(!staffPage.contains("person-retry"))
            let gracePage = try await browser.get("/events/\(fixture.eventId)/participants/\(try await fixture.participant("grace@example.org")["id"] as! String)").text
            #expect(gracePage.contains(#"id="person-retry""#) && gracePage.contains(#"data-state="error""#))

            // The live sync on, still without Marketing User: its failure is in the Sync history too.
            _ = try await fixture.put(#"{"enabled": true}"#)
            let grace = try await fixture.participant("grace@example.org")
            #expect(try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(grace["id"] as! String)", json: #"{"company": "Again Ltd"}"#).status == .ok)
            try await fixture.eventually("the live failure in the Sync history") {
                let history = try await browser.get("/events/\(fixture.eventId)/salesforce/history").text
                guard let section = history.range(of: #"id="live-failures""#) else { return false }
                return history[section.upperBound...].prefix(2_000).contains("grace@example.org")
            }

            // Everyone in error is sent again on request (counted while Marketing User is still
            // missing, so no retry of the live sync's own can have sent Grace already); once it is
            // given, asking again ends the live sync's back-off and Grace goes at once.
            let none = try await app.send(.post, "/api/v1/events/\(fixture.eventId)/participants/\(bob["id"] as! String)/salesforce/retry")
            #expect(none.status == .accepted)
            #expect(try none.json()["queued"] as? Int == 0, "Bob is not in error")
            let retried = try await app.send(.post, "\(fixture.base)/retry")
            #expect(retried.status == .accepted)
            #expect(try retried.json()["queued"] as? Int == 1)
            try fixture.org.setPermissions(of: "CampaignMember", createable: true, updateable: true)
            #expect(try await app.send(.post, "\(fixture.base)/retry").status == .accepted)
            try await fixture.eventually("Grace to reach the campaign") { try await state("grace@example.org").0 == "synced" }
            #expect(try await app.send(.post, "/api/v1/events/\(fixture.eventId)/participants/nobody/salesforce/retry").status == .notFound)
        }
    }
}
