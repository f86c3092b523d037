import Foundation
@testable import RosterSync
import SalesforceClient
import Testing

@Suite("One look at the campaigns: the query, the window, the members as read")
struct InboundLookTests {
    static let since = Date(timeIntervalSince1970: 1_796_119_230) // 2026-12-01T10:00:30Z

    @Test("changed members of every campaign in one query, at or after the last look, oldest change first")
    func query() {
        let soql = InboundLook.changedMembers(campaigns: ["701A", "701B"], since: Self.since).text
        #expect(soql.hasPrefix("SELECT Id, CampaignId, Status, ContactId, LeadId, SystemModstamp, Contact.Email"))
        #expect(soql.hasSuffix("FROM CampaignMember WHERE (CampaignId IN ('701A', '701B') AND SystemModstamp >= 2026-12-01T10:00:30Z) ORDER BY SystemModstamp, Id"))
        #expect(InboundLook.changedMembers(campaigns: ["701A"], since: nil).text.hasSuffix("WHERE CampaignId IN ('701A') ORDER BY SystemModstamp, Id"),
                "the first look reads every member")
    }

    @Test("the deletions go in the same Composite call, when asked for")
    func subrequests() {
        let now = Self.since.addingTimeInterval(600)
        let both = InboundLook.subrequests(campaigns: ["701A"], since: Self.since, deletedSince: Self.since, now: now, version: "62.0")
        #expect(both.map(\.referenceId) == ["members", "deleted"])
        #expect(both[1].url.hasSuffix("/sobjects/CampaignMember/deleted/?start=2026-12-01T10%3A00%3A30Z&end=2026-12-01T10%3A10%3A30Z"))
        #expect(InboundLook.subrequests(campaigns: ["701A"], since: nil, deletedSince: nil, now: now, version: "62.0").count == 1)
    }

    @Test("a Contact's member reads its Account's name as the company; a Lead's, its Company")
    func members() throws {
        let contact: SalesforceRecord = [
            "Id": "00v1", "CampaignId": "701A", "Status": "Invited", "ContactId": "0031", "LeadId": .null,
            "SystemModstamp": "2026-12-01T10:00:30.000+0000",
            "Contact": .object(["Email": "grace@navy.mil", "FirstName": "Grace", "LastName": "Hopper", "Title": "Admiral",
                                "Account": .object(["Name": "Navy"])]),
            "Lead": .null,
        ]
        let read = try #require(InboundLook.member(contact))
        #expect(read.campaignId == "701A")
        #expect(read.member == InboundMember(id: "00v1", status: "Invited", contactId: "0031", email: "grace@navy.mil", firstName: "Grace",
                                             lastName: "Hopper", company: "Navy", jobTitle: "Admiral", changedAt: Self.since))
        let lead: SalesforceRecord = [
            "Id": "00v2", "CampaignId": "701B", "Status": "Sent", "ContactId": .null, "LeadId": "00Q1",
            "SystemModstamp": "2026-12-01T10:00:30.500Z",
            "Lead": .object(["Email": .null, "FirstName": "Alan", "LastName": "Turing", "Company": "Bletchley", "Title": .null]),
        ]
        let readLead = try #require(InboundLook.member(lead))
        #expect(readLead.member.leadId == "00Q1")
        #expect(readLead.member.email == nil)
        #expect(readLead.member.company == "Bletchley")
        #expect(readLead.member.changedAt == Self.since.addingTimeInterval(0.5))
        #expect(InboundLook.member(["Id": "00v3"]) == nil, "no campaign, no stamp: not a member")
    }
}
