import Foundation
import HummingbirdTesting
import Testing

@Suite("Salesforce connector settings")
struct ConnectorSettingsAPITests {
    @Test("settings round-trip; the consumer secret is never returned, and survives a PUT without it")
    func roundTrip() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""mappings": {"contact": {"size": "Title"}, "lead": {"size": {"field": "Title", "overwrite": "ifEmpty"}}}"#)
            let saved = try await fixture.settings()
            #expect(saved["consumerSecret"] == nil)
            #expect(saved["consumerSecretSet"] as? Bool == true)
            #expect(saved["campaignName"] as? String == ConnectorFixture.campaign)
            #expect(saved["campaignId"] is NSNull)
            #expect(saved["duplicateRules"] as? String == "respect")
            #expect(saved["apiBudgetShare"] as? Double == 0.8)
            let mappings = try #require(saved["mappings"] as? [String: Any])
            #expect((mappings["contact"] as? [String: String]) == ["size": "Title"])
            #expect(((mappings["lead"] as? [String: Any])?["size"] as? [String: String]) == ["field": "Title", "overwrite": "ifEmpty"])
            let connection = try #require(saved["connection"] as? [String: Any])
            #expect(connection["state"] as? String == "disconnected")
            #expect(connection["connected"] as? Bool == false)

            try await fixture.put(#"{"campaignName": "Other", "exclusions": ["staff@corp.com", "@corp.com"]}"#)
            let again = try await fixture.settings()
            #expect(again["consumerSecretSet"] as? Bool == true)
            #expect(again["campaignName"] as? String == "Other")
            #expect(again["registeredStatus"] as? String == "Registered")
            #expect(again["exclusions"] as? [String] == ["staff@corp.com", "@corp.com"])
            let text = String(buffer: try await app.send(.get, fixture.base).body)
            #expect(!text.contains(fixture.running.configuration.consumerSecret))
        }
    }

    @Test("a mapping that is not a flat object of names is refused with 400 naming the key")
    func badMappings() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            let cases: [(json: String, field: String, says: String)] = [
                (#"{"mappings": {"lead": "{\"size\": \"Title\", oops}"}}"#, "mappings.lead", "not valid JSON"),
                (#"{"mappings": {"lead": {"size": ["Title"]}}}"#, "mappings.lead.size", "API name"),
                (#"{"mappings": {"contact": {"size": {"field": "Title", "overwrite": "sometimes"}}}}"#, "mappings.contact.size.overwrite", "ifEmpty"),
                (#"{"mappings": {"contact": ["size"]}}"#, "mappings.contact", "JSON object"),
                (#"{"mappings": {"account": {"size": "Title"}}}"#, "mappings.account", "contact, lead"),
                (#"{"mappings": {"lead": {"size": "Bad Name!"}}}"#, "mappings.lead.size", "not a Salesforce API name"),
            ]
            for (json, field, says) in cases {
                let response = try await fixture.put(json)
                #expect(response.status == .badRequest, "\(json)")
                let error = try response.apiError()
                #expect(error.code == "invalid_mapping")
                #expect(error.details.first?["field"] as? String == field, "\(json)")
                #expect(error.message.contains(says), "\(error.message)")
            }
            let parse = try await fixture.put(#"{"mappings": {"lead": "{\"size\": \"Title\", oops}"}}"#).apiError()
            #expect(parse.message.contains("character") || parse.message.contains("line"), "\(parse.message)")
        }
    }

    @Test("settings that can't work are refused with 422 naming the field")
    func badSettings() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            for (json, field) in [(#"{"loginUrl": "ftp://login.salesforce.com"}"#, "loginUrl"),
                                  (#"{"loginUrl": "http://login.salesforce.com"}"#, "loginUrl"),
                                  (#"{"apiBudgetShare": 1.5}"#, "apiBudgetShare"),
                                  (#"{"apiVersion": "sixty"}"#, "apiVersion"),
                                  (#"{"exclusions": ["not-an-email"]}"#, "exclusions[0]")] {
                let response = try await fixture.put(json)
                #expect(response.status == .unprocessableContent, "\(json)")
                #expect(try response.apiError().details.first?["field"] as? String == field)
            }
        }
    }

    @Test("a mapping with errors is refused with 422, each finding naming mappings.<object>.<code>, and nothing is saved")
    func mappingsWithErrorsAreNotSaved() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""mappings": {"contact": {"size": "Title"}}"#)
            try await fixture.connect()
            let refused = try await fixture.put(#"{"mappings": {"contact": {"size": "Title", "nope": "Department", "day": "NoSuchField__c"}}}"#)
            #expect(refused.status == .unprocessableContent)
            let error = try refused.apiError()
            #expect(error.code == "validation_failed")
            #expect(error.message == "2 problems in the mappings; nothing was saved")
            let fields = error.details.compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["mappings.contact.nope", "mappings.contact.day"])
            let saved = try #require(try await fixture.settings()["mappings"] as? [String: Any])
            #expect((saved["contact"] as? [String: String]) == ["size": "Title"])

            // A change elsewhere is saved though a stored mapping is not re-checked; a good mapping is saved.
            #expect(try await fixture.put(#"{"campaignName": "Other"}"#).status == .ok)
            #expect(try await fixture.put(#"{"mappings": {"lead": {"size": "Title"}}}"#).status == .ok)
        }
    }

    @Test("the check looks at the settings a screen shows, unsaved: a new consumer key is not connected; nothing is stored")
    func checkOfUnsavedSettings() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            #expect(try await fixture.check()["ok"] as? Bool == true)
            let unsaved = try await fixture.check(unsaved: #"{"consumerKey": "3MVG9other", "campaignName": "Tech Sumit"}"#)
            #expect(unsaved.issues("errors").map(\.code) == ["consumer_secret_missing", "not_connected"])
            let misspelt = try await fixture.check(unsaved: #"{"campaignName": "Tech Sumit"}"#)
            #expect(misspelt.issues("errors").map(\.code) == ["campaign_not_found"])
            let stored = try await fixture.settings()
            #expect(stored["campaignName"] as? String == ConnectorFixture.campaign)
            #expect(stored["consumerKey"] as? String == fixture.running.configuration.consumerKey)
            #expect((stored["connection"] as? [String: Any])?["state"] as? String == "connected")
        }
    }
}
