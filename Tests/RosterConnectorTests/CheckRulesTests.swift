import RosterConnector
import RosterCore
import SalesforceClient
import Testing

@Suite("Configuration check rules, without I/O")
struct CheckRulesTests {
    let event = Event(id: "e1", name: "Summit", fields: [
        FieldDefinition(code: "size", label: "Size", type: .selectList, options: ["S", "M", "XL"]),
        FieldDefinition(code: "notes", label: "Notes", type: .multilineText),
        FieldDefinition(code: "cv", label: "CV", type: .document),
    ], createdAt: .init(timeIntervalSince1970: 0))

    @Test("closest campaign names ignore case and stray spaces, then spelling")
    func suggestions() {
        let names = ["Tech Summit 2026", "Tech Summit 2025", "Spring Webinar", "tech summit 2026 EMEA"]
        #expect(CampaignSuggestions.closest(to: "Tech Sumit 2026 ", among: names).first == "Tech Summit 2026")
        #expect(CampaignSuggestions.closest(to: "  TECH   summit 2026", among: names).first == "Tech Summit 2026")
        #expect(!CampaignSuggestions.closest(to: "Tech Sumit 2026", among: names).contains("Spring Webinar"))
        #expect(CampaignSuggestions.closest(to: "Completely different", among: names).isEmpty)
    }

    @Test("the estimate follows its documented formula")
    func estimate() {
        #expect(SyncCostEstimate.calls(people: 0, knownMembers: 0) == 0)
        #expect(SyncCostEstimate.calls(people: 300, knownMembers: 0) == 4)
        // 10,000 people: ⌈(10 + 1)/5⌉ + 2·⌈50/5⌉ + 1 = 3 + 20 + 1.
        #expect(SyncCostEstimate.calls(people: 10_000, knownMembers: 0) == 24)
        // 100,000: ⌈(100 + 1)/5⌉ + 2·⌈500/5⌉ + 1 = 21 + 200 + 1.
        #expect(SyncCostEstimate.calls(people: 100_000, knownMembers: 0) == 222)
    }

    @Test("without a connection the local problems are still all reported")
    func offline() {
        var settings = ConnectorSettings(consumerKey: "key", campaignName: "Summit", registeredStatus: "Registered", attendedStatus: "")
        settings.mappings.contact = FieldMapping([
            MappingEntry(participantField: "notes", salesforceField: "Description"),
            MappingEntry(participantField: "cv", salesforceField: "CV__c"),
            MappingEntry(participantField: "allowNetworking", salesforceField: "Networking__c"),
            MappingEntry(participantField: "ghost", salesforceField: "Ghost__c"),
        ])
        let broken = SalesforceConnection(state: .broken, error: "invalid_grant")
        let (errors, _) = ConfigurationCheck.run(settings: settings, hasConsumerSecret: false, connection: broken, event: event, org: nil)
        let found = errors.map { "\($0.code) \($0.field)" }
        #expect(found.contains("consumer_secret_missing consumerSecret"))
        #expect(found.contains("connection_broken connection"))
        #expect(found.contains("attended_status_missing attendedStatus"))
        #expect(found.contains("mapping_field_not_syncable mappings.contact.cv"))
        #expect(found.contains("mapping_field_not_syncable mappings.contact.allowNetworking"))
        #expect(found.contains("mapping_unknown_participant_field mappings.contact.ghost"))
        // multilineText → Text Area is allowed (S33 beyond); without describes nothing more is known.
        #expect(!found.contains { $0.hasSuffix("mappings.contact.notes") })
    }

    @Test("multilineText fits a Text Area but not a Text field; a restricted picklist must hold every option")
    func compatibility() {
        var org = OrgFacts()
        org.describes[.contact] = SObjectDescribe(name: "Contact", label: "Contact", createable: true, updateable: true, fields: [
            FieldDescribe(name: "Description", type: "textarea", length: 32_000),
            FieldDescribe(name: "Department", type: "string", length: 80),
            FieldDescribe(name: "Size__c", type: "picklist", length: 255, picklistValues: ["S", "M"], restrictedPicklist: true),
            FieldDescribe(name: "Score__c", type: "double", createable: false, updateable: false, calculated: true),
            FieldDescribe(name: "AccountId", type: "reference", referenceTo: ["Account"]),
        ])
        org.campaignsNamed = [("701000000000001AAA", "Summit")]
        org.statuses = ["Registered", "Attended"]
        var settings = ConnectorSettings(enabled: true, consumerKey: "key", campaignName: "Summit", registeredStatus: "registered", attendedStatus: "Attended")
        settings.mappings.contact = FieldMapping([
            MappingEntry(participantField: "notes", salesforceField: "Description"),
            MappingEntry(participantField: "size", salesforceField: "Size__c"),
            MappingEntry(participantField: "jobTitle", salesforceField: "Score__c"),
            MappingEntry(participantField: "company", salesforceField: "AccountId"),
            MappingEntry(participantField: "email", salesforceField: "Email"),
        ])
        let (errors, warnings) = ConfigurationCheck.run(settings: settings, hasConsumerSecret: true,
                                                        connection: SalesforceConnection(state: .connected), event: event, org: org)
        let found = Set(errors.map { "\($0.code) \($0.field)" })
        #expect(found == [
            "mapping_picklist_values_missing mappings.contact.size", "mapping_field_read_only mappings.contact.jobTitle",
            "mapping_field_read_only mappings.contact.company", "mapping_reserved_field mappings.contact.email",
        ])
        #expect(errors.first { $0.field == "mappings.contact.size" }?.message.contains("\"XL\"") == true)
        #expect(warnings.map(\.field) == ["mappings.contact.notes"])
    }

    @Test("fixed values are checked like mappings: the field, its access, its type, an active picklist value, nothing the connector sets itself")
    func fixedValues() {
        let describe = SObjectDescribe(name: "Lead", label: "Lead", createable: true, updateable: true, fields: [
            FieldDescribe(name: "LeadSource", type: "picklist", length: 255, picklistValues: ["Web", "Partner Referral"]),
            FieldDescribe(name: "Score__c", type: "double", createable: false, updateable: false, calculated: true),
            FieldDescribe(name: "Rating__c", type: "double"),
            FieldDescribe(name: "Hot__c", type: "boolean"),
            FieldDescribe(name: "Code__c", type: "string", length: 3),
        ])
        let values: [String: FixedValue] = [
            "LeadSource": .text("partner referral"), "Score__c": .number(1), "Rating__c": .text("high"), "Hot__c": .flag(true),
            "Code__c": .text("ABCD"), "Sourse": .text("x"), "Email": .text("a@b.co"),
        ]
        func issues(_ values: [String: FixedValue]) -> [CheckIssue] {
            var org = OrgFacts()
            org.describes = [.lead: describe]
            var settings = ConnectorSettings(enabled: true, consumerKey: "key", campaignName: "Summit", registeredStatus: "Registered", attendedStatus: "Attended")
            settings.fixedValues = ["lead": values]
            return ConfigurationCheck.run(settings: settings, hasConsumerSecret: true, connection: SalesforceConnection(state: .connected),
                                          event: event, org: org).errors.filter { $0.code.hasPrefix("fixed_value") }
        }
        #expect(Set(issues(values).map { "\($0.code) \($0.field)" }) == [
            "fixed_value_field_read_only fixedValues.lead.Score__c", "fixed_value_invalid fixedValues.lead.Rating__c",
            "fixed_value_too_long fixedValues.lead.Code__c", "fixed_value_field_not_found fixedValues.lead.Sourse",
            "fixed_value_reserved_field fixedValues.lead.Email",
        ])
        let picklist = issues(["LeadSource": .text("Trade Show")])
        #expect(picklist.map { $0.code } == ["fixed_value_not_in_picklist"])
        #expect(picklist.first?.message.contains("\"Web\", \"Partner Referral\"") == true)
    }

    @Test("the exclusion list matches whole addresses and whole domains, in any case")
    func exclusions() {
        let settings = ConnectorSettings(exclusions: ["Staff@Corp.com", "@test.example"])
        #expect(settings.isExcluded(email: "staff@corp.COM"))
        #expect(settings.isExcluded(email: "anyone@TEST.example"))
        #expect(!settings.isExcluded(email: "other@corp.com"))
        #expect(!settings.isExcluded(email: "me@nottest.example.org"))
    }
}
