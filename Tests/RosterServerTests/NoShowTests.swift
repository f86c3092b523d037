import Foundation
import SalesforceSandbox
import Testing

@Suite("No-shows: once the event is over, registered people who never came move to the no-show status")
struct NoShowTests {
    @Test("the pass is queued once, moves the no-shows in one run shown in the history, and a later check-in wins")
    func noShowPass() async throws {
        // Workers look for due passes every second here (every minute by default).
        try await TestApp.run(withSandbox: true, configure: { $0.pausedRunRetry = .seconds(1) }) { app in
            let fixture = try await ConnectorFixture.make(app)
            let campaign = try #require(try fixture.org.query("SELECT Id FROM Campaign WHERE Name = '\(ConnectorFixture.campaign)'").first?["Id"]?.stringValue)
            try fixture.org.create("CampaignMemberStatus", ["CampaignId": .string(campaign), "Label": "No-show"])
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("came@example.org", attended: true), ConnectorFixture.person("never@example.org"),
                                            ConnectorFixture.person("late@example.org")])
            #expect(try await fixture.forceSync()["state"] as? String == "succeeded")
            #expect(Set(try fixture.members().values) == ["Attended", "Registered"])

            // The event ended days ago (it starts on 1 December 2026); with a no-show status set,
            // the workers queue the pass.
            #expect(try await app.send(.patch, "/api/v1/events/\(fixture.eventId)", json: #"{"endsAt": "2026-12-01T18:00:00Z"}"#).status == .ok)
            let same = try await fixture.put(#"{"noShowStatus": "registered"}"#)
            #expect(same.status == .unprocessableContent, "a no-show status apart from the others")
            #expect(try same.apiError().details.first?["field"] as? String == "noShowStatus")
            #expect(try await fixture.put(#"{"noShowStatus": "No-show", "noShowGraceHours": 2}"#).status == .ok)
            var pass: [String: Any] = [:]
            try await fixture.eventually("the no-show pass") {
                let runs = try await app.send(.get, "\(fixture.base)/runs").json()["items"] as? [[String: Any]] ?? []
                pass = runs.first { $0["startedBy"] as? String == "no-shows" } ?? [:]
                return ["succeeded", "failed"].contains(pass["state"] as? String ?? "")
            }
            #expect(pass["state"] as? String == "succeeded")
            #expect(pass["failed"] as? Int == 0)
            let statuses = try fixture.members()
            #expect(statuses.values.sorted() == ["Attended", "No-show", "No-show"])

            // A later check-in wins; the pass is never queued twice.
            let late = try #require(try await fixture.participant("late@example.org")["id"] as? String)
            #expect(try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(late)", json: #"{"hasAttended": true}"#).status == .ok)
            try await fixture.eventually("the late check-in reaches the campaign") { try fixture.members().values.sorted() == ["Attended", "Attended", "No-show"] }
            let runs = try await app.send(.get, "\(fixture.base)/runs").json()["items"] as? [[String: Any]] ?? []
            #expect(runs.filter { $0["startedBy"] as? String == "no-shows" }.count == 1)
        }
    }
}
