import Foundation
import HummingbirdTesting
import SalesforceSandbox
import Testing

/// One situation the check must name, set up for real in the sandbox.
struct CheckScenario: Sendable, CustomTestStringConvertible {
    var code: String
    var field: String
    var isWarning = false
    /// Top-level settings laid over the fixture's (a JSON fragment), as a screen shows them
    /// unsaved: sent with the check, never stored (a mapping with errors can't be saved).
    var settings = ""
    var connect = true
    var org: @Sendable (RunningSandbox) throws -> Void = { _ in }

    var testDescription: String { "\(code) on \(field)" }
}

@Suite("Check configuration: every code, against the sandbox")
struct CheckCodeTests {
    static let scenarios: [CheckScenario] = [
        CheckScenario(code: "not_connected", field: "connection", connect: false),
        CheckScenario(code: "consumer_key_missing", field: "consumerKey", settings: #""consumerKey": """#, connect: false),
        CheckScenario(code: "object_not_createable", field: "objects.Lead",
                      org: { try $0.org.setPermissions(of: "Lead", createable: false, updateable: true) }),
        CheckScenario(code: "object_not_createable", field: "objects.Contact", settings: #""allowLeadCreation": false"#,
                      org: { try $0.org.setPermissions(of: "Contact", createable: false, updateable: true) }),
        CheckScenario(code: "object_not_updateable", field: "objects.CampaignMember",
                      org: { try $0.org.setPermissions(of: "CampaignMember", createable: true, updateable: false) }),
        CheckScenario(code: "object_not_createable", field: "objects.CampaignMember",
                      org: { try $0.org.setPermissions(of: "CampaignMember", createable: false, updateable: false) }),
        CheckScenario(code: "object_not_createable", field: "objects.Account", settings: #""allowLeadCreation": false"#,
                      org: { try $0.org.setPermissions(of: "Account", createable: false, updateable: true) }),
        CheckScenario(code: "campaign_name_missing", field: "campaignName", settings: #""campaignName": "  ""#),
        CheckScenario(code: "campaign_not_found", field: "campaignName", settings: #""campaignName": "Tech Sumit 2026 ""#),
        CheckScenario(code: "campaign_ambiguous", field: "campaignName",
                      org: { try $0.org.create("Campaign", ["Name": .string(ConnectorFixture.campaign)]) }),
        CheckScenario(code: "registered_status_missing", field: "registeredStatus", settings: #""registeredStatus": """#),
        CheckScenario(code: "attended_status_not_found", field: "attendedStatus", settings: #""attendedStatus": "Came""#),
        CheckScenario(code: "no_show_status_not_found", field: "noShowStatus", settings: #""noShowStatus": "Absent""#),
        CheckScenario(code: "mapping_unknown_participant_field", field: "mappings.contact.shoe", settings: #""mappings": {"contact": {"shoe": "Title"}}"#),
        CheckScenario(code: "mapping_field_not_syncable", field: "mappings.contact.isRegistered", settings: #""mappings": {"contact": {"isRegistered": "Department"}}"#),
        CheckScenario(code: "mapping_unknown_salesforce_field", field: "mappings.lead.size", settings: #""mappings": {"lead": {"size": "Shirt__c"}}"#),
        CheckScenario(code: "mapping_field_read_only", field: "mappings.contact.bio", settings: #""mappings": {"contact": {"bio": "Name"}}"#),
        CheckScenario(code: "mapping_incompatible_types", field: "mappings.contact.age", settings: #""mappings": {"contact": {"age": "Birthdate"}}"#),
        CheckScenario(code: "mapping_picklist_values_missing", field: "mappings.contact.size", settings: #""mappings": {"contact": {"size": "Size__c"}}"#,
                      org: { try $0.org.addField(SObjectField("Size__c", .picklist, picklistValues: [PicklistValue("S"), PicklistValue("M")], restrictedPicklist: true), to: "Contact") }),
        CheckScenario(code: "mapping_duplicate_target", field: "mappings.contact.size", settings: #""mappings": {"contact": {"bio": "Department", "size": "Department"}}"#),
        CheckScenario(code: "mapping_reserved_field", field: "mappings.campaignMember.size", settings: #""mappings": {"campaignMember": {"size": "Status"}}"#),
        CheckScenario(code: "required_field_unmapped", field: "mappings.lead",
                      org: { try $0.org.addField(SObjectField("Region__c", .string, nillable: false), to: "Lead") }),
        CheckScenario(code: "mapping_text_may_be_too_long", field: "mappings.contact.bio", isWarning: true, settings: #""mappings": {"contact": {"bio": "Department"}}"#),
        CheckScenario(code: "api_budget_low", field: "apiBudgetShare", isWarning: true, org: { $0.sandbox.setAPIUsage(11_998) }),
        CheckScenario(code: "connector_disabled", field: "enabled", isWarning: true, settings: #""enabled": false"#),
    ]

    @Test("the check names the code and the field", arguments: scenarios)
    func scenario(_ scenario: CheckScenario) async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try scenario.org(fixture.running)
            // Some participants, so the cost estimate is not zero.
            try await app.send(.post, "/api/v1/events/\(fixture.eventId)/participants/import",
                               json: "[" + (0..<50).map { #"{"email": "p\#($0)@example.org", "firstName": "P", "lastName": "L"}"# }.joined(separator: ",") + "]")
            if scenario.connect { try await fixture.connect() }
            let report = try await fixture.check(unsaved: "{\(scenario.settings)}")
            let found = report.issues(scenario.isWarning ? "warnings" : "errors")
            #expect(found.contains { $0 == (scenario.code, scenario.field) }, "\(report)")
            #expect(report["ok"] as? Bool == (scenario.isWarning ? true : false), "\(report)")
            let message = try #require(report.message(scenario.isWarning ? "warnings" : "errors", code: scenario.code))
            #expect(message.count > 20)
            // The same finding for a French screen: the code and field as they are, the words French.
            let french = try await fixture.check(unsaved: "{\(scenario.settings)}", language: "fr-FR,fr;q=0.9")
            #expect(french.issues(scenario.isWarning ? "warnings" : "errors").contains { $0 == (scenario.code, scenario.field) })
            let translated = try #require(french.message(scenario.isWarning ? "warnings" : "errors", code: scenario.code))
            #expect(translated != message, "no French for: \(message)")
            // Nothing the check looked at was saved.
            let stored = try await fixture.settings()
            #expect((stored["mappings"] as? [String: Any])?["contact"] as? [String: String] == [:])
        }
    }

    @Test("a user without Marketing User is named before the first sync, and a membership Salesforce refuses says what to give")
    func marketingUser() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try fixture.org.setPermissions(of: "CampaignMember", createable: false, updateable: false)
            try await fixture.importPeople([ConnectorFixture.person("ada@example.org")])
            try await fixture.connect()
            let report = try await fixture.check()
            let message = try #require(report.message("errors", code: "object_not_createable"))
            #expect(message.contains("Marketing User") && message.contains("Read on Campaigns"), "\(message)")
            let run = try await fixture.forceSync()
            #expect(run["failed"] as? Int == 1, "\(run)")
            let person = try await fixture.participant("ada@example.org")
            let error = try #require((person["salesforce"] as? [String: Any])?["error"] as? String)
            #expect(error.hasPrefix("INSUFFICIENT_ACCESS_OR_READONLY") && error.contains("needs the Marketing User checkbox"), "\(error)")
        }
    }
}
