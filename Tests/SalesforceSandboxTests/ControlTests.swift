import Testing
@testable import SalesforceSandbox
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Test control, seeds, faults and persistence")
struct ControlTests {
    static let seedPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/demo-seed.json").path

    @Test("a seed file creates custom fields, campaigns with their statuses, records and duplicate rules")
    func seed() throws {
        let sandbox = try SalesforceSandbox(configuration: SandboxConfiguration(seedFile: Self.seedPath))
        let org = sandbox.org
        let campaign = try #require(try org.query("SELECT Id FROM Campaign WHERE Name = 'Paris Summit 2026'").first?["Id"]?.stringValue)
        let statuses = try org.query("SELECT Label, IsDefault, HasResponded FROM CampaignMemberStatus WHERE CampaignId = '\(campaign)' ORDER BY SortOrder")
        #expect(statuses.map { $0["Label"] } == ["Registered", "Attended"])
        #expect(statuses[0]["IsDefault"] == true)
        #expect(try org.query("SELECT Id FROM Contact WHERE Diet__c = 'Vegan'").count == 1)
        let duplicate = #expect(throws: SalesforceError.self) {
            try org.create("Lead", ["LastName": "H", "Company": "X", "Email": "GRACE@example.com"])
        }
        #expect(duplicate?.errorCode == "DUPLICATES_DETECTED")
        let badge = #expect(throws: SalesforceError.self) { try org.create("Lead", ["LastName": "H", "Company": "X", "Badge__c": "1"]) }
        #expect(badge?.errorCode == "INVALID_FIELD_FOR_INSERT_UPDATE", "auto-number fields are read-only")
        let lead = try org.create("Lead", ["LastName": "N", "Company": "X"])
        #expect(org.record(lead)?["Badge__c"] == "2", "the platform numbers them")
    }

    @Test("queued faults: 503, 500, dropped before or after the commit, UNABLE_TO_LOCK_ROW")
    func faults() async throws {
        let harness = try SandboxHarness()
        harness.sandbox.queueFaults([.serverUnavailable, .internalServerError, .unableToLockRow, .requestLimitExceeded])
        try await harness.run { client in
            #expect(try await client.call(.get, "limits").status == 503)
            #expect(try await client.call(.get, "limits").errorCode == "UNKNOWN_EXCEPTION")
            let locked = try await client.call(.post, "composite/sobjects", json: .object([
                "records": [row("Contact", ["LastName": "A"]), row("Contact", ["LastName": "B"])],
            ]))
            #expect(locked.json?.arrayValue?.allSatisfy { $0["errors"]?.arrayValue?.first?["statusCode"] == "UNABLE_TO_LOCK_ROW" } == true)
            #expect(try await client.call(.get, "limits").errorCode == "REQUEST_LIMIT_EXCEEDED")
        }
        #expect(harness.org.count("Contact") == 0)
    }

    @Test("an expired session answers 401 INVALID_SESSION_ID and stays expired; every fault fired is counted")
    func sessionExpiry() async throws {
        let harness = try SandboxHarness()
        harness.sandbox.queueFaults([.sessionExpired, .serverUnavailable])
        try await harness.run { client in
            let expired = try await client.call(.get, "limits")
            #expect(expired.status == 401 && expired.errorCode == "INVALID_SESSION_ID")
            #expect(try await client.call(.get, "limits").errorCode == "INVALID_SESSION_ID", "the token itself expired, not just one answer")
        }
        #expect(harness.sandbox.apiCallCount == 0, "a refused session costs no call")
        #expect(harness.sandbox.controlState { $0.faults.injected } == [.sessionExpired: 1])
        harness.sandbox.reset()
        #expect(harness.sandbox.controlState { $0.faults.injected }.isEmpty)
    }

    @Test("past an object's CPU limit every record of it in the request fails as a trigger out of CPU does; other objects are written")
    func cpuLimit() async throws {
        let harness = try SandboxHarness()
        harness.sandbox.setCPULimit(object: "Lead", records: 2)
        try await harness.run { client in
            let leads = (0..<3).map { row("Lead", ["LastName": .string("L\($0)"), "Company": "C"]) }
            let reply = try await client.call(.post, "composite/sobjects", json: .object(["records": .array(leads + [row("Contact", ["LastName": "A"])])]))
            let results = try #require(reply.json?.arrayValue)
            #expect(results.prefix(3).allSatisfy { $0["errors"]?.arrayValue?.first?["statusCode"] == "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY" })
            #expect(results[0]["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains("System.LimitException: Apex CPU time limit exceeded") == true)
            #expect(results[3]["success"] == true)
            let two = try await client.call(.post, "composite/sobjects", json: .object(["records": .array(Array(leads.prefix(2)))]))
            #expect(two.json?.arrayValue?.allSatisfy { $0["success"] == true } == true, "at the limit, the automation copes")
        }
        #expect(harness.org.count("Lead") == 2 && harness.org.count("Contact") == 1)
        harness.sandbox.reset()
        #expect(harness.sandbox.controlState { $0.cpuLimits }.isEmpty)
    }

    @Test("dropAfterCommit writes, dropBeforeCommit does not (live server)")
    func drops() async throws {
        let running = try await SalesforceSandbox.start(configuration: SandboxConfiguration())
        let token = running.sandbox.issueAccessToken()
        running.sandbox.queueFaults([.dropBeforeCommit, .dropAfterCommit])
        for _ in 0..<2 {
            var request = URLRequest(url: URL(string: "\(running.baseURL)/services/data/v62.0/sobjects/Contact")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"LastName":"Dropped"}"#.utf8)
            await #expect(throws: (any Error).self) { _ = try await LiveHTTP.send(request) }
        }
        #expect(running.org.count("Contact") == 1)
        await running.shutdown()
    }

    @Test("reset empties the org and the counters")
    func reset() async throws {
        let harness = try SandboxHarness()
        try harness.org.create("Contact", ["LastName": "A"])
        try await harness.run { client in _ = try await client.call(.get, "limits") }
        harness.sandbox.reset()
        #expect(harness.org.count("Contact") == 0)
        #expect(harness.sandbox.apiCallCount == 0)
        #expect(harness.sandbox.requests.isEmpty)
        #expect(harness.org.count("User") == 1, "the admin user is back")
    }

    @Test("control routes: seed, convert, calls, api-usage")
    func routes() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let seed = try await client.call(.post, "/__sandbox/seed", raw: #"{"records": {"Lead": [{"LastName": "L", "Company": "C"}]}}"#)
            #expect(seed.status == 200)
            let lead = try #require(try harness.org.query("SELECT Id FROM Lead").first?["Id"]?.stringValue)
            let converted = try await client.call(.post, "/__sandbox/leads/\(lead)/convert", raw: "{}")
            #expect(converted.json?["contactId"]?.stringValue?.hasPrefix("003") == true)
            _ = try await client.call(.post, "/__sandbox/api-usage", raw: #"{"used": 100}"#)
            _ = try await client.call(.get, "limits")
            let calls = try await client.call(.get, "/__sandbox/calls")
            #expect(calls.json?["apiCalls"] == 101)
            #expect(calls.json?["requests"]?.arrayValue?.last?["uri"] == "/services/data/v62.0/limits")
        }
    }

    @Test("persistence keeps records and Ids across restarts")
    func persistence() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UInt64.random(in: 0...UInt64.max)).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = SandboxConfiguration(seedFile: Self.seedPath, persistencePath: path)
        let first = try SalesforceSandbox(configuration: configuration)
        let id = try first.org.create("Contact", ["LastName": "Kept", "Roster_Id__c": "k-1"])
        try first.persist()
        let second = try SalesforceSandbox(configuration: configuration)
        #expect(second.org.record(id)?["LastName"] == "Kept")
        #expect(second.org.count("Contact") == 3, "the seed is not applied again")
        let next = try second.org.create("Contact", ["LastName": "New"])
        #expect(next != id)
    }
}
