import Foundation
import SalesforceClient

/// One look at an org's inbound campaigns (Salesforce → event), as one Composite call: the
/// members of every campaign changed since the last look (`SystemModstamp`, with their Contact's
/// or Lead's email, names, company and title), and the members deleted since (Get Deleted
/// Records). Building the subrequests and reading the answers is pure; docs/sync.md, "Reading
/// the campaign back", has the documented facts it relies on.
enum InboundLook {
    /// What a member is read with: its own fields, and its person's through the relationships.
    static let memberFields = [
        "Id", "CampaignId", "Status", "ContactId", "LeadId", "SystemModstamp",
        "Contact.Email", "Contact.FirstName", "Contact.LastName", "Contact.Title", "Contact.Account.Name",
        "Lead.Email", "Lead.FirstName", "Lead.LastName", "Lead.Title", "Lead.Company",
    ]

    /// The query of the members of `campaigns` changed at or after `since` (every member when
    /// `nil`: the first look), oldest change first. At or after, to the second: a member seen
    /// twice changes nothing the second time, and none changed in the same second is missed.
    static func changedMembers(campaigns: [String], since: Date?) -> SOQL {
        let inCampaigns = SOQL.Condition.in("CampaignId", campaigns)
        let condition = since.map { SOQL.Condition.and([inCampaigns, .onOrAfter("SystemModstamp", $0)]) } ?? inCampaigns
        return SOQL.select(memberFields, from: "CampaignMember", where: condition, orderBy: "SystemModstamp, Id")
    }

    /// The look's subrequests: the changed members (`members`), and the members deleted from
    /// `deletedSince` to `now` when given (`deleted`); one Composite call for both.
    static func subrequests(campaigns: [String], since: Date?, deletedSince: Date?, now: Date, version: String) -> [CompositeSubrequest] {
        var subrequests = [CompositeSubrequest.query(changedMembers(campaigns: campaigns, since: since).text, version: version, referenceId: "members")]
        if let deletedSince {
            subrequests.append(.deleted("CampaignMember", from: deletedSince, to: now, version: version, referenceId: "deleted"))
        }
        return subrequests
    }

    /// A member as read, with its campaign; `nil` for a record that is not one.
    static func member(_ record: SalesforceRecord) -> (campaignId: String, member: InboundMember)? {
        guard let id = record["Id"]?.stringValue, let campaignId = record["CampaignId"]?.stringValue,
              let stamp = record["SystemModstamp"]?.stringValue, let changedAt = salesforceDate(stamp) else { return nil }
        let contactId = record["ContactId"]?.stringValue
        let leadId = record["LeadId"]?.stringValue
        let person = (contactId != nil ? record["Contact"] : record["Lead"])?.objectValue ?? [:]
        func text(_ key: String) -> String { person[key]?.stringValue ?? "" }
        let company = contactId != nil ? (person["Account"]?["Name"]?.stringValue ?? "") : text("Company")
        return (campaignId, InboundMember(id: id, status: record["Status"]?.stringValue ?? "", contactId: contactId, leadId: leadId,
                                          email: person["Email"]?.stringValue, firstName: text("FirstName"), lastName: text("LastName"),
                                          company: company, jobTitle: text("Title"), changedAt: changedAt))
    }

    /// A date-time as Salesforce writes it in records (`2026-12-01T10:00:30.000+0000`).
    static func salesforceDate(_ text: String) -> Date? {
        // `+0000` has no colon: ISO 8601's basic form of the offset, which the parser below takes.
        try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
