import Foundation
import HummingbirdTesting
@testable import SalesforceSandbox
import Testing

/// Issue 20, lead owners: against an org with an active Lead assignment rule (the sandbox's,
/// from Salesforce's "Assignment Rule Header"), records Roster updates keep their owner and new
/// Leads follow the `leadAssignment` setting.
@Suite("Lead owners and assignment rules")
struct LeadOwnerTests {
    static let seed = #"""
        {"users": [{"Username": "rep@acme.example", "LastName": "Rep"},
                   {"Username": "events@acme.example", "LastName": "Events"},
                   {"Username": "partners@acme.example", "LastName": "Partners"}],
         "records": {"Lead": [{"LastName": "K0", "Company": "Acme", "Email": "known0@example.org", "OwnerUsername": "rep@acme.example"},
                              {"LastName": "K1", "Company": "Acme", "Email": "known1@example.org", "OwnerUsername": "rep@acme.example"},
                              {"LastName": "K2", "Company": "Acme", "Email": "known2@example.org", "OwnerUsername": "rep@acme.example"}]},
         "assignmentRules": [{"Name": "Event leads", "SobjectType": "Lead", "Active": true, "AssigneeUsername": "events@acme.example"},
                             {"Name": "Partner leads", "SobjectType": "Lead", "Active": false, "AssigneeUsername": "partners@acme.example"}]}
        """#

    func owner(_ fixture: ConnectorFixture, _ email: String) throws -> String? {
        let owner = try fixture.org.query("SELECT OwnerId FROM Lead WHERE Email = '\(email)'").first?["OwnerId"]?.stringValue
        return try owner.flatMap { id in try fixture.org.query("SELECT Username FROM User WHERE Id = '\(id)'").first?["Username"]?.stringValue }
    }

    @Test("a rep's Leads updated keep their owner; new Leads follow activeRule, none, then a named inactive rule")
    func owners() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try SandboxSeed.apply(try JSONParser.parse(Array(Self.seed.utf8)), to: fixture.org)
            try await fixture.importPeople((0..<3).map { ConnectorFixture.person("known\($0)@example.org", company: "Acme Corp") }
                + [ConnectorFixture.person("new0@example.org")])
            try await fixture.connect()
            #expect(try await fixture.settings()["leadAssignment"] as? String == "activeRule")
            let first = try await fixture.forceSync()
            #expect(first["state"] as? String == "succeeded" && first["updated"] as? Int == 3, "\(first)")
            for index in 0..<3 { #expect(try owner(fixture, "known\(index)@example.org") == "rep@acme.example", "known\(index)") }
            #expect(try owner(fixture, "new0@example.org") == "events@acme.example", "the active rule owns new Leads")

            #expect(try await fixture.put(#"{"leadAssignment": "none"}"#).status == .ok)
            try await fixture.importPeople([ConnectorFixture.person("new1@example.org")])
            _ = try await fixture.forceSync()
            #expect(try owner(fixture, "new1@example.org") == fixture.org.query("SELECT Username FROM User WHERE Id = '\(fixture.org.adminUserId)'").first?["Username"]?.stringValue,
                    "no rule: the connected user owns them")

            let partnerRule = try #require(try fixture.org.query("SELECT Id FROM AssignmentRule WHERE Name = 'Partner leads'").first?["Id"]?.stringValue)
            #expect(try await fixture.put(#"{"leadAssignment": "\#(partnerRule)"}"#).status == .ok)
            try await fixture.importPeople([ConnectorFixture.person("new2@example.org"), ConnectorFixture.person("known0@example.org", company: "Acme Group")])
            _ = try await fixture.forceSync()
            #expect(try owner(fixture, "new2@example.org") == "partners@acme.example", "an inactive rule named by Id applies to creates")
            #expect(try owner(fixture, "known0@example.org") == "rep@acme.example", "and never to updates")
            #expect(try fixture.org.query("SELECT Company FROM Lead WHERE Email = 'known0@example.org'").first?["Company"]?.stringValue == "Acme Group")
        }
    }

    @Test("the check names a rule Id the org does not have; the setting refuses what is not a rule Id")
    func unknownRule() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try SandboxSeed.apply(try JSONParser.parse(Array(Self.seed.utf8)), to: fixture.org)
            try await fixture.connect()
            #expect(try await fixture.put(#"{"leadAssignment": "01Q000000000001AAA"}"#).status == .ok)
            let report = try await fixture.check()
            #expect(report.issues("errors").contains { $0.code == "lead_assignment_rule_not_found" && $0.field == "leadAssignment" }, "\(report)")
            #expect(report.message("errors", code: "lead_assignment_rule_not_found")?.contains("Event leads") == true)
            let refused = try await fixture.put(#"{"leadAssignment": "the events team"}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.apiError().details.first?["field"] as? String == "leadAssignment")
        }
    }
}
