/// What the connected Salesforce user needs to write each object, in words for the check and
/// for a write Salesforce refused for a permission (`INSUFFICIENT_ACCESS_OR_READONLY`), each from
/// Salesforce's own pages (see docs/salesforce-setup.md).
public enum SalesforcePermissions {
    /// The permissions the connected user needs to create and edit `object`'s records, as a clause.
    public static func needed(toWrite object: String) -> String {
        switch object {
        case "CampaignMember":
            // Help, "Campaign Member Details" (sales.campaigns_members_detail.htm).
            "the Marketing User checkbox on their user record, Read on Campaigns, and Edit on Leads and on Contacts"
        case "Account":
            "Read and Create on Account (or set the connector's Accounts of new Contacts to a fixed Account, or to none)"
        default:
            "Read, Create and Edit on \(object)"
        }
    }

    /// A write's errors, with what to give the connected user when Salesforce refused it for a permission.
    public static func hint(for errorCodes: [String], object: String) -> String? {
        guard errorCodes.contains("INSUFFICIENT_ACCESS_OR_READONLY") else { return nil }
        return "the connected Salesforce user needs \(needed(toWrite: object))"
    }
}
