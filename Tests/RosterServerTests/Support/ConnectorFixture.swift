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
    func check() async throws -> [String: Any] {
        let response = try await app.send(.post, "\(base)/check")
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
