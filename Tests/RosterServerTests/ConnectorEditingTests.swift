import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The routes behind the connector screen: campaign lookup, field catalog, mapping validation, run results, live queue")
struct ConnectorEditingTests {
    @Test("a campaign name finds its statuses, or the closest names when misspelled")
    func campaignLookup() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            let notConnected = try await app.send(.get, "\(fixture.base)/campaigns?name=x")
            #expect(notConnected.status == .conflict)
            #expect(try notConnected.apiError().code == "not_connected")
            try await fixture.connect()

            let found = try await app.send(.get, "\(fixture.base)/campaigns?name=tech%20summit%202026").json()
            #expect(found["matches"] as? Int == 1)
            let campaign = try #require(found["campaign"] as? [String: Any])
            #expect(campaign["name"] as? String == ConnectorFixture.campaign)
            #expect(campaign["statuses"] as? [String] == ["Sent", "Responded", "Registered", "Attended"])

            let misspelled = try await app.send(.get, "\(fixture.base)/campaigns?name=Tech%20Sumit%202026%20").json()
            #expect(misspelled["matches"] as? Int == 0)
            #expect(misspelled["campaign"] == nil)
            #expect((misspelled["suggestions"] as? [String])?.first == ConnectorFixture.campaign)
        }
    }

    @Test("the screens reuse what they read for 30 s per connection; the check still asks Salesforce once; a new login starts afresh")
    func screenReadsAreReused() async throws {
        let clock = MovableClock()
        try await TestApp.run(withSandbox: true, now: { clock.now }) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            let sandbox = try #require(app.sandbox).sandbox
            func calls(_ body: () async throws -> Void) async throws -> Int {
                let before = sandbox.apiCallCount
                try await body()
                return sandbox.apiCallCount - before
            }
            let lookUp = { try await app.send(.get, "\(fixture.base)/campaigns?name=tech%20summit%202026").json() }
            let check = { try await app.send(.post, "\(fixture.base)/check").json() }

            #expect(try await calls { _ = try await lookUp() } == 2, "the campaign, then its statuses")
            #expect(try await calls { _ = try await lookUp() } == 0, "the same answer again, from memory")
            #expect(try await calls { _ = try await app.send(.get, "\(fixture.base)/fields") } == 1, "the four describes, one composite")
            var report: [String: Any] = [:]
            #expect(try await calls { report = try await check() } == 1, "the check asks for the campaign afresh, reuses the rest")
            #expect((report["errors"] as? [Any])?.isEmpty == true, "\(report)")
            #expect(report["apiUsage"] != nil)

            clock.advance(by: 31)
            #expect(try await calls { _ = try await lookUp() } == 2, "older than 30 s: read again")
            #expect(try await calls { _ = try await check() } == 2, "the campaign afresh and the describes again")

            // A new login is a new connection: nothing of the old one is reused.
            try await fixture.connect()
            #expect(try await calls { _ = try await lookUp() } == 2)
            #expect(try await calls { _ = try await lookUp() } == 0)
            // Another process's login (a web process, while this one syncs) is seen here too: the
            // client of the old connection is dropped with what it read.
            try await app.withDatabase { database in
                try await database.writer.raw("UPDATE salesforce_connectors SET connected_at = connected_at + 1").run()
            }
            #expect(try await calls { _ = try await lookUp() } == 2)

            // A misspelt name is not remembered as missing: a campaign made meanwhile is found.
            let missing = try await app.send(.get, "\(fixture.base)/campaigns?name=Autumn%20Forum").json()
            #expect(missing["matches"] as? Int == 0)
            try fixture.org.create("Campaign", ["Name": "Autumn Forum", "IsActive": true])
            let found = try await app.send(.get, "\(fixture.base)/campaigns?name=Autumn%20Forum").json()
            #expect(found["matches"] as? Int == 1)
        }
    }

    @Test("the catalog lists participant fields with the Salesforce fields each may feed; validation names the key")
    func catalogAndValidation() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            let offline = try await app.send(.get, "\(fixture.base)/fields").json()
            #expect(offline["salesforceError"] is String, "not connected: participant fields only, and why")
            try await fixture.connect()

            let catalog = try await app.send(.get, "\(fixture.base)/fields").json()
            let fields = try #require(catalog["participantFields"] as? [[String: Any]])
            let size = try #require(fields.first { $0["code"] as? String == "size" })
            let contactTargets = try #require((size["compatible"] as? [String: [String]])?["contact"])
            #expect(contactTargets.contains("Title"))
            #expect(!contactTargets.contains("Email"), "reserved for matching")
            #expect(!contactTargets.contains("Birthdate"), "a select list can't feed a date")
            let registered = try #require(fields.first { $0["code"] as? String == "isRegistered" })
            #expect(registered["syncable"] as? Bool == false)
            let contact = try #require((catalog["salesforceFields"] as? [String: [[String: Any]]])?["contact"])
            #expect(contact.first { $0["name"] as? String == "Id" }?["writable"] as? Bool == false)

            let checked = try await app.send(.post, "\(fixture.base)/mappings/validate",
                                             json: #"{"object": "contact", "mapping": {"size": "Titel", "day": "Birthdate"}}"#).json()
            #expect(checked.issues("errors").map(\.code) == ["mapping_unknown_salesforce_field"])
            #expect(checked.issues("errors").map(\.field) == ["mappings.contact.size"])
            let text = try await app.send(.post, "\(fixture.base)/mappings/validate", json: #"{"object": "lead", "mapping": "{\"size\": \"Title\"}"}"#).json()
            #expect(text.issues("errors").isEmpty)
            let broken = try await app.send(.post, "\(fixture.base)/mappings/validate", json: #"{"object": "lead", "mapping": "{\"size\": "}"#)
            #expect(broken.status == .badRequest)
            #expect(try broken.apiError().code == "invalid_mapping")
        }
    }

    @Test("a dry run's per-person results say what would be done; the live queue empties")
    func runResultsAndQueue() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("one@example.com"), ConnectorFixture.person("two@example.com")])
            try await fixture.eventually("the live queue drained") {
                try await app.send(.get, "\(fixture.base)/queue").json()["pending"] as? Int == 0
            }

            let run = try await fixture.forceSync(dryRun: true)
            let runId = try #require(run["id"] as? String)
            let results = try await app.send(.get, "\(fixture.base)/runs/\(runId)/results").json()
            let items = try #require(results["items"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["email"] as? String }) == ["one@example.com", "two@example.com"])
            #expect(items.allSatisfy { $0["outcome"] as? String == "planned" })
            #expect(try await app.send(.get, "\(fixture.base)/runs/nope/results").status == .notFound)
        }
    }
}

/// Roster's clock, moved by hand.
final class MovableClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
