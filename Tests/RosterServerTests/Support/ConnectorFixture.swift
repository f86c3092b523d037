import Foundation
import HummingbirdTesting
import SalesforceSandbox
import Testing

/// An event whose connector points at the test sandbox, with a campaign "Tech Summit 2026"
/// (statuses Registered, Attended) in the org.
struct ConnectorFixture {
    let app: TestApp
    let eventId: String
    let running: RunningSandbox

    var base: String { "/api/v1/events/\(eventId)/connectors/salesforce" }
    var org: SandboxOrg { running.org }
    static let campaign = "Tech Summit 2026"

    /// - Parameter settings: top-level keys laid over the defaults by a second PUT (a JSON fragment).
    static func make(_ app: TestApp, settings: String = "") async throws -> ConnectorFixture {
        let running = try #require(app.sandbox)
        let campaignId = try running.org.create("Campaign", ["Name": .string(campaign), "IsActive": true])
        for label in ["Registered", "Attended"] {
            try running.org.create("CampaignMemberStatus", ["CampaignId": .string(campaignId), "Label": .string(label)])
        }
        try running.org.create("Campaign", ["Name": "Spring Webinar"])
        let fixture = ConnectorFixture(app: app, eventId: try await app.createEvent(), running: running)
        #expect(try await fixture.put(fixture.defaultSettings()).status == .ok)
        if !settings.isEmpty { #expect(try await fixture.put("{\(settings)}").status == .ok) }
        return fixture
    }

    /// Settings for the sandbox.
    func defaultSettings() -> String {
        let config = running.configuration
        return """
            {"enabled": true, "loginUrl": "\(running.baseURL)", "consumerKey": "\(config.consumerKey)",
             "consumerSecret": "\(config.consumerSecret)", "campaignName": "\(Self.campaign)", "registeredStatus": "Registered",
             "attendedStatus": "Attended", "allowLeadCreation": true, "allowUpdate": true}
            """
    }

    @discardableResult
    func put(_ json: String) async throws -> TestResponse { try await app.send(.put, base, json: json) }

    @discardableResult
    func connect() async throws -> TestResponse {
        let response = try await app.send(.post, "\(base)/connect", json: #"{"flow": "clientCredentials"}"#)
        #expect(response.status == .ok)
        return response
    }

    /// The check's answer.
    /// The check's report, on the stored settings or, with `unsaved` (a JSON object), on those laid over them.
    func check(unsaved: String? = nil, language: String? = nil) async throws -> [String: Any] {
        let response = try await app.send(.post, "\(base)/check", json: unsaved, language: language)
        #expect(response.status == .ok)
        return try response.json()
    }

    func settings() async throws -> [String: Any] { try await app.send(.get, base).json() }
}

extension [String: Any] {
    /// `(code, field)` of each entry of the check's `errors` or `warnings`.
    func issues(_ key: String) -> [(code: String, field: String)] {
        ((self[key] as? [[String: Any]]) ?? []).map { ($0["code"] as? String ?? "", $0["field"] as? String ?? "") }
    }

    func message(_ key: String, code: String) -> String? {
        ((self[key] as? [[String: Any]]) ?? []).first { $0["code"] as? String == code }?["message"] as? String
    }
}

extension ConnectorFixture {
    /// Imports participants (JSON objects as text) into the event.
    func importPeople(_ rows: [String]) async throws {
        let response = try await app.send(.post, "/api/v1/events/\(eventId)/participants/import", json: "[" + rows.joined(separator: ",") + "]")
        #expect(response.status == .ok)
        #expect((try response.json()["rejected"] as? [Any])?.isEmpty == true, "\(String(buffer: response.body))")
    }

    /// Starts a forced sync and waits (bounded) for it to finish; answers the run.
    func forceSync(dryRun: Bool = false) async throws -> [String: Any] {
        let started = try await app.send(.post, "\(base)/sync", json: #"{"dryRun": \#(dryRun)}"#)
        #expect(started.status == .accepted)
        let runId = try #require(try started.json()["runId"] as? String)
        return try await waitForRun(runId)
    }

    func waitForRun(_ runId: String, until states: Set<String> = ["succeeded", "failed", "paused"], within: Duration = .seconds(60)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + within
        while ContinuousClock.now < deadline {
            let run = try await app.send(.get, "\(base)/runs/\(runId)").json()
            if let state = run["state"] as? String, states.contains(state) { return run }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the run \(runId) did not finish within \(within)")
        return [:]
    }

    /// Polls until `condition` holds (bounded), for what the live sync does in the background.
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("\(what) did not happen within 20 seconds")
    }

    /// The participant with this email.
    func participant(_ email: String) async throws -> [String: Any] {
        let page = try await app.send(.get, "/api/v1/events/\(eventId)/participants?limit=1000").json()
        return try #require((page["items"] as? [[String: Any]])?.first { $0["email"] as? String == email })
    }

    /// The campaign's members by Contact or Lead Id, with their statuses.
    func members() throws -> [String: String] {
        let campaign = try #require(try org.query("SELECT Id FROM Campaign WHERE Name = '\(Self.campaign)'").first?["Id"]?.stringValue)
        var result: [String: String] = [:]
        for row in try org.query("SELECT ContactId, LeadId, Status FROM CampaignMember WHERE CampaignId = '\(campaign)'") {
            let person = row["ContactId"]?.stringValue ?? row["LeadId"]?.stringValue ?? ""
            #expect(result[person] == nil, "a person is twice in the campaign")
            result[person] = row["Status"]?.stringValue
        }
        return result
    }

    static func person(_ email: String, attended: Bool = false, registered: Bool = true, company: String = "", size: String = "M") -> String {
        #"{"email": "\#(email)", "firstName": "F", "lastName": "L \#(email.prefix(while: { $0 != "@" }))", "company": "\#(company)", "isRegistered": \#(registered), "hasAttended": \#(attended), "fields": {"size": "\#(size)"}}"#
    }
}
