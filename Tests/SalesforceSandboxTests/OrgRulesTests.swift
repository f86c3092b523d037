import Testing
@testable import SalesforceSandbox

@Suite("Org rules and error codes")
struct OrgRulesTests {
    let org = SandboxOrg()

    func code<T>(_ body: () throws -> T) -> SalesforceError? {
        do { _ = try body(); return nil } catch { return error as? SalesforceError }
    }

    @Test("REQUIRED_FIELD_MISSING names every missing field")
    func required() {
        let error = code { try org.create("Lead", ["FirstName": "Ada"]) }
        #expect(error?.errorCode == "REQUIRED_FIELD_MISSING")
        #expect(error?.fields == ["LastName", "Company"])
        #expect(error?.message == "Required fields are missing: [LastName, Company]")
    }

    @Test("STRING_TOO_LONG, INVALID_EMAIL_ADDRESS, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    func fieldValues() throws {
        let long = code { try org.create("Contact", ["LastName": .string(String(repeating: "x", count: 81))]) }
        #expect(long?.errorCode == "STRING_TOO_LONG")
        #expect(long?.message.hasSuffix("(max length=80)") == true)
        let email = code { try org.create("Contact", ["LastName": "A", "Email": "not-an-email"]) }
        #expect(email?.errorCode == "INVALID_EMAIL_ADDRESS")
        #expect(email?.fields == ["Email"])
        try org.addField(SObjectField("Diet__c", .picklist, picklistValues: [PicklistValue("Vegan")], restrictedPicklist: true), to: "Contact")
        let picklist = code { try org.create("Contact", ["LastName": "A", "Diet__c": "Carnivore"]) }
        #expect(picklist?.errorCode == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
        #expect(code { try org.create("Contact", ["LastName": "A", "Diet__c": "Vegan"]) } == nil)
    }

    @Test("INVALID_FIELD for unknown fields, INVALID_FIELD_FOR_INSERT_UPDATE for read-only ones")
    func fieldAccess() throws {
        #expect(code { try org.create("Contact", ["LastName": "A", "Nope__c": "x"]) }?.errorCode == "INVALID_FIELD")
        let readOnly = code { try org.create("Contact", ["LastName": "A", "Name": "Full", "CreatedDate": "2020-01-01T00:00:00Z"]) }
        #expect(readOnly?.errorCode == "INVALID_FIELD_FOR_INSERT_UPDATE")
        #expect(readOnly?.fields == ["Name", "CreatedDate"])
        let lead = try org.create("Lead", ["LastName": "L", "Company": "C"])
        #expect(code { try org.update(lead, ["IsConverted": true]) }?.errorCode == "INVALID_FIELD_FOR_INSERT_UPDATE")
    }

    @Test("references: MALFORMED_ID for junk, INVALID_CROSS_REFERENCE_KEY for missing rows")
    func references() {
        #expect(code { try org.create("Contact", ["LastName": "A", "AccountId": "junk"]) }?.errorCode == "MALFORMED_ID")
        let missing = SalesforceId(keyPrefix: "001", serial: 999_999).value
        #expect(code { try org.create("Contact", ["LastName": "A", "AccountId": .string(missing)]) }?.errorCode
            == "INVALID_CROSS_REFERENCE_KEY")
    }

    @Test("a campaign starts with Sent/Responded; members are unique per person (DUPLICATE_VALUE)")
    func campaignMembers() throws {
        let campaign = try org.create("Campaign", ["Name": "Summit"])
        let statuses = try org.query("SELECT Label, IsDefault FROM CampaignMemberStatus WHERE CampaignId = '\(campaign)' ORDER BY SortOrder")
        #expect(statuses.map { $0["Label"] } == ["Sent", "Responded"])
        let contact = try org.create("Contact", ["LastName": "A", "Email": "a@example.com"])
        let member = try org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(contact)])
        #expect(org.record(member)?["Status"] == "Sent", "the default status applies")
        #expect(org.record(member)?["Email"] == "a@example.com", "member details derive from the Contact")
        let again = code { try org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(contact)]) }
        #expect(again?.errorCode == "DUPLICATE_VALUE")
        let badStatus = code { try org.update(member, ["Status": "Attended"]) }
        #expect(badStatus?.errorCode == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
        try org.update(member, ["Status": "Responded"])
        #expect(org.record(member)?["HasResponded"] == true)
        #expect(org.record(campaign)?["NumberOfContacts"] == 1)
    }

    @Test("converted Leads refuse updates and new memberships (CANNOT_UPDATE_CONVERTED_LEAD)")
    func convertedLead() throws {
        let sandbox = try SalesforceSandbox()
        let campaign = try sandbox.org.create("Campaign", ["Name": "Summit"])
        let lead = try sandbox.org.create("Lead", ["LastName": "L", "Company": "Co", "Email": "l@example.com"])
        try sandbox.org.create("CampaignMember", ["CampaignId": .string(campaign), "LeadId": .string(lead)])
        let contact = try sandbox.convertLead(lead)
        let converted = try #require(sandbox.org.record(lead))
        #expect(converted["IsConverted"] == true)
        #expect(converted["ConvertedContactId"] == .string(contact))
        #expect(sandbox.org.record(contact)?["Email"] == "l@example.com")
        let members = try sandbox.org.query("SELECT ContactId, LeadId FROM CampaignMember WHERE CampaignId = '\(campaign)'")
        #expect(members.first?["ContactId"] == .string(contact), "the membership follows the Contact")
        #expect(code { try sandbox.org.update(lead, ["Title": "x"]) }?.errorCode == "CANNOT_UPDATE_CONVERTED_LEAD")
        let other = try sandbox.org.create("Campaign", ["Name": "Other"])
        #expect(code { try sandbox.org.create("CampaignMember", ["CampaignId": .string(other), "LeadId": .string(lead)]) }?
            .errorCode == "CANNOT_UPDATE_CONVERTED_LEAD")
    }

    @Test("DUPLICATES_DETECTED when the rule is active, with the documented duplicateResult")
    func duplicateRules() throws {
        let first = try org.create("Contact", ["LastName": "A", "Email": "dup@example.com"])
        try org.create("Contact", ["LastName": "B", "Email": "DUP@example.com"])  // rule off: allowed
        org.setDuplicateRule(object: "Contact", active: true)
        let error = code { try org.create("Contact", ["LastName": "C", "Email": "dup@example.com"]) }
        #expect(error?.errorCode == "DUPLICATES_DETECTED")
        let result = error?.extra["duplicateResult"]
        #expect(result?["allowSave"] == false)
        let matches = result?["matchResults"]?.arrayValue?.first?["matchRecords"]?.arrayValue ?? []
        #expect(matches.first?["record"]?["Id"] == .string(first))
        #expect(matches.count == 2)
    }

    @Test("deleting a Contact removes its campaign memberships; deleted rows are ENTITY_IS_DELETED")
    func deletion() throws {
        let campaign = try org.create("Campaign", ["Name": "Summit"])
        let contact = try org.create("Contact", ["LastName": "A"])
        try org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(contact)])
        try org.delete(contact)
        #expect(org.count("CampaignMember") == 0)
        #expect(code { try org.delete(contact) }?.errorCode == "ENTITY_IS_DELETED")
        #expect(code { try org.update(contact, ["LastName": "B"]) }?.errorCode == "ENTITY_IS_DELETED")
        #expect(try org.query("SELECT Id FROM Contact", includeDeleted: true).count == 1)
        #expect(try org.query("SELECT Id FROM Contact").isEmpty)
    }

    @Test("merge deletes the losers, points them at the master and moves memberships")
    func merge() throws {
        let sandbox = try SalesforceSandbox()
        let org = sandbox.org
        let campaign = try org.create("Campaign", ["Name": "Summit"])
        let master = try org.create("Contact", ["LastName": "Master"])
        let loser = try org.create("Contact", ["LastName": "Loser"])
        try org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(loser)])
        try sandbox.merge(master: master, duplicates: [loser])
        #expect(org.record(loser)?["IsDeleted"] == true)
        #expect(org.record(loser)?["MasterRecordId"] == .string(master))
        #expect(try org.query("SELECT Id FROM CampaignMember WHERE ContactId = '\(master)'").count == 1)
    }
}
