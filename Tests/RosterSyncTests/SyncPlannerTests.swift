import Foundation
import RosterConnector
import RosterCore
import RosterSync
import SalesforceClient
import Testing

@Suite("Sync planner: decisions without I/O")
struct SyncPlannerTests {
    static let event = Event(id: "e", name: "Summit", fields: [
        FieldDefinition(code: "size", label: "Size", type: .selectList, options: ["S", "M", "L"]),
        FieldDefinition(code: "bio", label: "Bio", type: .text),
        FieldDefinition(code: "day", label: "Day", type: .date),
    ], createdAt: Date(timeIntervalSince1970: 0))

    static let describes: [MappingTarget: SObjectDescribe] = [
        .contact: SObjectDescribe(name: "Contact", label: "Contact", createable: true, updateable: true, fields: [
            FieldDescribe(name: "Size__c", type: "picklist", length: 255, picklistValues: ["S", "M", "L"], restrictedPicklist: true),
            FieldDescribe(name: "Bio__c", type: "string", length: 10),
            FieldDescribe(name: "Day__c", type: "datetime"),
        ]),
        .lead: SObjectDescribe(name: "Lead", label: "Lead", createable: true, updateable: true, fields: [FieldDescribe(name: "Size__c", type: "string", length: 255)]),
        .campaignMember: SObjectDescribe(name: "CampaignMember", label: "Campaign Member", createable: true, updateable: true, fields: [FieldDescribe(name: "Day__c", type: "date")]),
    ]

    func planner(_ change: (inout ConnectorSettings) -> Void = { _ in }) -> SyncPlanner {
        var settings = ConnectorSettings(enabled: true, campaignName: "Summit", registeredStatus: "Registered", attendedStatus: "Attended",
                                         allowLeadCreation: true, allowUpdate: true)
        settings.mappings.contact = FieldMapping([MappingEntry(participantField: "size", salesforceField: "Size__c"),
                                                  MappingEntry(participantField: "bio", salesforceField: "Bio__c")])
        settings.mappings.lead = FieldMapping([MappingEntry(participantField: "size", salesforceField: "Size__c")])
        settings.mappings.campaignMember = FieldMapping([MappingEntry(participantField: "day", salesforceField: "Day__c")])
        change(&settings)
        return SyncPlanner(settings: settings, event: Self.event, describes: Self.describes)
    }

    func person(_ email: String = "ada@example.org", company: String = "", attended: Bool = false, registered: Bool = true,
                fields: [String: FieldValue] = ["size": .text("M")], salesforce: SalesforceState = .init()) -> Participant {
        Participant(id: "p-\(email)", eventId: "e", email: email, firstName: "Ada", lastName: "Lovelace", company: company,
                    isRegistered: registered, hasAttended: attended, fields: fields, createdAt: .init(timeIntervalSince1970: 0),
                    updatedAt: .init(timeIntervalSince1970: 0), salesforce: salesforce)
    }

    @Test("a date goes to a Date/Time field as midnight UTC")
    func dateTime() {
        let plan = planner { $0.allowLeadCreation = false; $0.mappings.contact.entries.append(MappingEntry(participantField: "day", salesforceField: "Day__c")) }
            .plan(person(fields: ["day": .date("2026-12-08")]), in: OrgSnapshot())
        if case .create(_, let fields) = plan.person { #expect(fields["Day__c"] == "2026-12-08T00:00:00.000Z") } else { Issue.record("\(plan.person)") }
    }

    @Test("a new person becomes a Lead with the placeholder company, and a registered member")
    func createLead() {
        let plan = planner().plan(person(), in: OrgSnapshot())
        #expect(plan.person == .create(.lead, ["FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.org",
                                               "Company": .string(ConnectorSettings.leadCompanyPlaceholder), "Size__c": "M"]))
        #expect(plan.member == .create(status: "Registered", [:]))
    }

    @Test("without lead creation a new person becomes a Contact; attended wins over registered")
    func createContact() {
        let plan = planner { $0.allowLeadCreation = false }.plan(person(attended: true, fields: ["size": .text("S"), "day": .date("2026-12-08")]), in: OrgSnapshot())
        #expect(plan.person == .create(.contact, ["FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.org",
                                                  "Size__c": "S"]))
        #expect(plan.member == .create(status: "Attended", ["Day__c": "2026-12-08"]))
    }

    @Test("Contacts come before Leads; several Contacts: the newest, with a warning")
    func matching() {
        let snapshot = OrgSnapshot(records: [
            PersonRecord(kind: .lead, id: "00Q1", email: "ADA@example.org"),
            PersonRecord(kind: .contact, id: "0031", email: "ada@example.org", lastModified: "2026-01-01T00:00:00.000+0000"),
            PersonRecord(kind: .contact, id: "0032", email: "Ada@Example.org", lastModified: "2026-06-01T00:00:00.000+0000"),
        ])
        let plan = planner { $0.allowUpdate = false }.plan(person(), in: snapshot)
        #expect(plan.person == .link(.contact, id: "0032"))
        #expect(plan.warning?.contains("2 Contacts") == true)
    }

    @Test("a converted Lead leads to its Contact; a remembered Id wins over the email")
    func convertedAndRemembered() {
        let converted = OrgSnapshot(records: [
            PersonRecord(kind: .lead, id: "00Q1", email: "ada@example.org", isConverted: true, convertedContactId: "0039"),
            PersonRecord(kind: .contact, id: "0039", email: "ada@work.example"),
        ])
        #expect(planner { $0.allowUpdate = false }.plan(person(), in: converted).person == .link(.contact, id: "0039"))
        let remembered = OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0035", email: "old@example.org"),
                                               PersonRecord(kind: .contact, id: "0036", email: "ada@example.org")])
        let plan = planner { $0.allowUpdate = false }.plan(person(salesforce: .init(contactId: "0035")), in: remembered)
        #expect(plan.person == .link(.contact, id: "0035"))
    }

    @Test("updates send only what differs, and honour never and ifEmpty")
    func changedFieldsOnly() {
        let current: SalesforceRecord = ["FirstName": "Ada", "LastName": "Lovelace", "Email": "ADA@example.org", "Title": .null,
                                         "Size__c": "S", "Bio__c": "Old bio"]
        let snapshot = OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org", fields: current)])
        let plan = planner {
            $0.mappings.contact = FieldMapping([MappingEntry(participantField: "size", salesforceField: "Size__c", overwrite: .ifEmpty),
                                                MappingEntry(participantField: "bio", salesforceField: "Bio__c", overwrite: .never)])
        }.plan(person(fields: ["size": .text("M"), "bio": .text("New")]), in: snapshot)
        #expect(plan.person == .link(.contact, id: "0031"))
        let renamed = planner().plan(Participant(id: "p", eventId: "e", email: "ada@example.org", firstName: "Augusta", lastName: "Lovelace",
                                                 fields: ["size": .text("S"), "bio": .text("Old bio")], createdAt: .now, updatedAt: .now), in: snapshot)
        #expect(renamed.person == .update(.contact, id: "0031", ["FirstName": "Augusta"]))
    }

    @Test("statuses only move forward; a person neither registered nor attended is not added")
    func statuses() {
        let attendedMember = OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org")],
                                         members: [MemberRecord(id: "00v1", personId: "0031", status: "Attended", fields: ["Day__c": .null])])
        #expect(planner { $0.allowUpdate = false }.plan(person(fields: [:]), in: attendedMember).member == .keep(id: "00v1"))
        let sentMember = OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org")],
                                     members: [MemberRecord(id: "00v1", personId: "0031", status: "Sent", fields: ["Day__c": .null])])
        #expect(planner { $0.allowUpdate = false }.plan(person(attended: true, fields: [:]), in: sentMember).member == .update(id: "00v1", ["Status": "Attended"]))
        let nobody = planner().plan(person(registered: false), in: OrgSnapshot())
        #expect(nobody.member == .none)
        if case .skip = nobody.person {} else { Issue.record("an unregistered stranger was planned: \(nobody.person)") }
    }

    @Test("a cancelled registration moves its member to the cancelled status, never an attendee's, never adds anyone; without the setting nothing moves")
    func cancellations() {
        func snapshot(_ status: String) -> OrgSnapshot {
            OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org")],
                        members: [MemberRecord(id: "00v1", personId: "0031", status: status, fields: ["Day__c": .null])])
        }
        let cancelling = planner { $0.allowUpdate = false; $0.cancelledStatus = "Cancelled" }
        let cancelled = person(registered: false, fields: [:])
        #expect(cancelling.plan(cancelled, in: snapshot("Registered")).member == .update(id: "00v1", ["Status": "Cancelled"]))
        #expect(cancelling.plan(cancelled, in: snapshot("Sent")).member == .update(id: "00v1", ["Status": "Cancelled"]))
        #expect(cancelling.plan(cancelled, in: snapshot("Attended")).member == .keep(id: "00v1"), "an attendee stays attended")
        #expect(cancelling.plan(cancelled, in: snapshot("cancelled")).member == .keep(id: "00v1"))
        #expect(planner { $0.allowUpdate = false }.plan(cancelled, in: snapshot("Registered")).member == .keep(id: "00v1"), "no setting: as before")
        let stranger = cancelling.plan(person("new@example.org", registered: false), in: OrgSnapshot())
        #expect(stranger.member == .none)
        if case .skip = stranger.person {} else { Issue.record("a cancelled stranger was planned: \(stranger.person)") }
        #expect(cancelling.plan(person(fields: [:]), in: snapshot("Cancelled")).member == .update(id: "00v1", ["Status": "Registered"]),
                "registering again moves the member forward")
    }

    @Test("fixed values go on new records, and on existing ones only where the field is empty; a mapping of the same field wins")
    func fixedValues() {
        let fixing = planner { settings in
            settings.fixedValues = ["lead": ["Size__c": .text("L")], "contact": ["Bio__c": .text("Event")], "campaignMember": ["Day__c": .text("2026-12-01")]]
            settings.mappings.contact = FieldMapping([])
            settings.mappings.campaignMember = FieldMapping([])
        }
        let created = fixing.plan(person("new@example.org"), in: OrgSnapshot())
        guard case .create(.lead, let fields) = created.person else { Issue.record("\(created.person)"); return }
        #expect(fields["Size__c"] == "M", "the lead mapping of Size__c wins over the fixed value")
        guard case .create(_, let member) = created.member else { Issue.record("\(created.member)"); return }
        #expect(member["Day__c"] == "2026-12-01")

        let filled = OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org",
                                                        fields: ["FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.org", "Bio__c": "Keynote"])],
                                 members: [MemberRecord(id: "00v1", personId: "0031", status: "Registered", fields: ["Day__c": .null])])
        #expect(fixing.plan(person(fields: [:]), in: filled).person == .link(.contact, id: "0031"), "a filled field keeps its value")
        #expect(fixing.plan(person(fields: [:]), in: filled).member == .update(id: "00v1", ["Day__c": "2026-12-01"]), "an empty member field gets it")
        let empty = OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org",
                                                       fields: ["FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.org", "Bio__c": .null])])
        #expect(fixing.plan(person(fields: [:]), in: empty).person == .update(.contact, id: "0031", ["Bio__c": "Event"]))
        #expect(SyncPlanner.readFields(.contact, settings: fixing.settings).contains("Bio__c"), "its field is read to know whether it is empty")
    }

    @Test("the check-in time reaches a member's Date/Time field as the moment, a Date field as its day in the event's zone")
    func checkInTime() {
        var paris = Self.event
        paris.timeZone = "Europe/Paris"
        let describes = Self.describes.merging([.campaignMember: SObjectDescribe(name: "CampaignMember", label: "Campaign Member", createable: true,
                                                                                updateable: true, fields: [FieldDescribe(name: "CheckedIn__c", type: "datetime"),
                                                                                                           FieldDescribe(name: "Day__c", type: "date")])]) { _, new in new }
        var settings = planner().settings
        settings.mappings.campaignMember = FieldMapping([MappingEntry(participantField: "checkedInAt", salesforceField: "CheckedIn__c"),
                                                         MappingEntry(participantField: "checkedInAt", salesforceField: "Day__c")])
        let planner = SyncPlanner(settings: settings, event: paris, describes: describes)
        var ada = person(attended: true)
        // 00:30 in Paris on 9 December is 23:30 UTC on the 8th: the day is the 9th there.
        ada.checkedInAt = Date(timeIntervalSince1970: 1_796_772_600)
        guard case .create(let status, let member) = planner.plan(ada, in: OrgSnapshot()).member else { Issue.record("no member"); return }
        #expect(status == "Attended")
        #expect(member["CheckedIn__c"] == "2026-12-08T23:30:00.000Z")
        #expect(member["Day__c"] == "2026-12-09")
        // Undone: the fields are left out of a new member, and emptied on an existing one.
        ada.checkedInAt = nil
        ada.hasAttended = false
        guard case .create(_, let none) = planner.plan(ada, in: OrgSnapshot()).member else { Issue.record("no member"); return }
        #expect(none["CheckedIn__c"] == nil)
        #expect(ParticipantFieldCatalog.field("checkedInAt", in: paris)?.type == .date, "mappable to Date and Date/Time fields")
        // On a Contact, which outlives the event, not being checked in empties nothing.
        settings.mappings.contact = FieldMapping([MappingEntry(participantField: "checkedInAt", salesforceField: "Day__c")])
        settings.allowLeadCreation = false
        let contacts = SyncPlanner(settings: settings, event: paris, describes: describes)
        let known = OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org",
                                                       fields: ["FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.org", "Day__c": "2026-11-02T09:00:00.000Z"])])
        #expect(contacts.plan(ada, in: known).person == .link(.contact, id: "0031"))
    }

    @Test("once the event is over by the grace period, registered people who never came get the no-show status; a check-in wins")
    func noShows() {
        var over = Self.event
        over.endsAt = Date(timeIntervalSince1970: 1_800_000_000)
        var settings = planner().settings
        settings.noShowStatus = "No-show"
        settings.noShowGraceHours = 2
        let before = SyncPlanner(settings: settings, event: over, describes: Self.describes, now: over.endsAt!.addingTimeInterval(3599 * 2))
        let after = SyncPlanner(settings: settings, event: over, describes: Self.describes, now: over.endsAt!.addingTimeInterval(7200))
        func member(_ status: String) -> OrgSnapshot {
            OrgSnapshot(records: [PersonRecord(kind: .contact, id: "0031", email: "ada@example.org", fields: ["FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.org"])],
                        members: [MemberRecord(id: "00v1", personId: "0031", status: status, fields: [:])])
        }
        #expect(before.plan(person(fields: [:]), in: member("Registered")).member == .keep(id: "00v1"), "within the grace period: still registered")
        #expect(after.plan(person(fields: [:]), in: member("Registered")).member == .update(id: "00v1", ["Status": "No-show"]))
        guard case .create(let status, _) = after.plan(person(fields: [:]), in: OrgSnapshot()).member else { Issue.record("no member"); return }
        #expect(status == "No-show", "someone registered who never came and was never synced")
        #expect(after.plan(person(attended: true, fields: [:]), in: member("No-show")).member == .update(id: "00v1", ["Status": "Attended"]), "a later check-in wins")
        #expect(after.plan(person(attended: true, fields: [:]), in: member("Attended")).member == .keep(id: "00v1"))
        #expect(after.plan(person(registered: false, fields: [:]), in: member("No-show")).member == .keep(id: "00v1"), "no cancelled status: left alone")
        var noEnd = over
        noEnd.endsAt = nil
        #expect(SyncPlanner(settings: settings, event: noEnd, describes: Self.describes, now: .distantFuture).noShowsDue == false, "no end, no no-shows")
    }

    @Test("excluded emails are never synced")
    func exclusions() {
        let plan = planner { $0.exclusions = ["@corp.example"] }.plan(person("staff@CORP.example"), in: OrgSnapshot())
        #expect(plan.person == .skip("excluded by the connector's exclusion list"))
        #expect(plan.member == .none)
    }

    @Test("too-long text is a per-person error, or cut when asked; values outside a restricted picklist are refused")
    func values() {
        let long = person(fields: ["size": .text("M"), "bio": .text("far longer than ten")])
        let refused = planner { $0.allowLeadCreation = false }.plan(long, in: OrgSnapshot())
        #expect(refused.error?.contains("Bio__c has 19 characters but Salesforce holds 10") == true)
        #expect(refused.member == .none)
        let cut = planner { $0.allowLeadCreation = false; $0.longText = .truncate }.plan(long, in: OrgSnapshot())
        if case .create(_, let fields) = cut.person { #expect(fields["Bio__c"] == "far longer") } else { Issue.record("\(cut.person)") }
        #expect(cut.warning == "Bio__c was cut to 10 characters")
        let bad = planner { $0.allowLeadCreation = false }.plan(person(fields: ["size": .text("XXL")]), in: OrgSnapshot())
        #expect(bad.error?.contains("XXL") == true)
    }
}
