/// The standard objects the sandbox's org starts with, modelled on their describe results in a
/// Developer Edition org (types, lengths, required fields, read-only fields, relationships).
enum StandardObjects {
    static func all() -> [SObjectSchema] {
        [user(), account(), contact(), lead(), campaign(), campaignMember(), campaignMemberStatus(), assignmentRule()]
    }

    // MARK: Field shorthands

    private static func text(_ name: String, _ length: Int, label: String? = nil, required: Bool = false) -> SObjectField {
        SObjectField(name, .string, label: label, length: length, nillable: !required)
    }

    private static func longText(_ name: String, label: String? = nil) -> SObjectField {
        SObjectField(name, .textarea, label: label, length: 32000, extraTypeInfo: "plaintextarea")
    }

    private static func readOnly(_ field: SObjectField) -> SObjectField {
        var field = field
        field.createable = false
        field.updateable = false
        return field
    }

    private static func picklist(_ name: String, _ values: [String], label: String? = nil, restricted: Bool = false,
                                 defaultValue: String? = nil) -> SObjectField
    {
        SObjectField(
            name, .picklist, label: label, length: 255, nillable: defaultValue == nil,
            defaultedOnCreate: defaultValue != nil,
            picklistValues: values.map { PicklistValue($0, defaultValue: $0 == defaultValue) },
            restrictedPicklist: restricted, defaultValue: .from(defaultValue))
    }

    private static func reference(_ name: String, _ target: String, relationship: String, required: Bool = false,
                                  updateable: Bool = true, label: String? = nil) -> SObjectField
    {
        SObjectField(name, .reference, label: label, nillable: !required, referenceTo: [target],
                     relationshipName: relationship)
            .with { $0.updateable = updateable }
    }

    private static func checkbox(_ name: String, label: String? = nil, defaultValue: Bool = false) -> SObjectField {
        SObjectField(name, .boolean, label: label, nillable: false, defaultedOnCreate: true,
                     defaultValue: .bool(defaultValue))
    }

    private static var owner: SObjectField {
        SObjectField("OwnerId", .reference, label: "Owner ID", nillable: false, defaultedOnCreate: true,
                     referenceTo: ["User"], relationshipName: "Owner")
    }

    private static func personName() -> SObjectField {
        readOnly(SObjectField("Name", .string, label: "Full Name", length: 121, nameField: true,
                              extraTypeInfo: "personname"))
    }

    private static func address(prefix: String) -> [SObjectField] {
        [
            SObjectField("\(prefix)Street", .textarea, label: "\(prefix) Street", length: 255),
            text("\(prefix)City", 40, label: "\(prefix) City"),
            text("\(prefix)State", 80, label: "\(prefix) State/Province"),
            text("\(prefix)PostalCode", 20, label: "\(prefix) Zip/Postal Code"),
            text("\(prefix)Country", 80, label: "\(prefix) Country"),
            SObjectField("\(prefix)Latitude", .double, label: "\(prefix) Latitude", precision: 18, scale: 15),
            SObjectField("\(prefix)Longitude", .double, label: "\(prefix) Longitude", precision: 18, scale: 15),
            readOnly(SObjectField("\(prefix)Address", .address, label: "\(prefix) Address")),
        ]
    }

    private static let salutations = ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."]
    private static let leadSources = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]
    private static let industries = ["Agriculture", "Banking", "Education", "Technology", "Retail", "Other"]

    // MARK: Objects

    static func user() -> SObjectSchema {
        SObjectSchema(name: "User", label: "User", labelPlural: "Users", keyPrefix: "005", createable: false,
                      deletable: false, fields: [
            SObjectField("Username", .string, length: 80, nillable: false, idLookup: true, unique: true),
            text("LastName", 80, label: "Last Name", required: true),
            text("FirstName", 40, label: "First Name"),
            personName(),
            SObjectField("Email", .email, length: 128, nillable: false),
            text("Alias", 8, required: true),
            SObjectField("CommunityNickname", .string, label: "Nickname", length: 40, nillable: false, idLookup: true,
                         unique: true),
            checkbox("IsActive", label: "Active", defaultValue: true),
            text("Title", 80),
            picklist("TimeZoneSidKey", ["Europe/Paris", "America/Los_Angeles", "GMT"], label: "Time Zone",
                     restricted: true, defaultValue: "Europe/Paris"),
            picklist("LocaleSidKey", ["en_US", "fr_FR"], label: "Locale", restricted: true, defaultValue: "en_US"),
            picklist("LanguageLocaleKey", ["en_US", "fr"], label: "Language", restricted: true,
                     defaultValue: "en_US"),
        ])
    }

    static func account() -> SObjectSchema {
        SObjectSchema(name: "Account", label: "Account", labelPlural: "Accounts", keyPrefix: "001", fields: [
            SObjectField("Name", .string, label: "Account Name", length: 255, nillable: false, nameField: true),
            picklist("Type", ["Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"],
                     label: "Account Type"),
            reference("ParentId", "Account", relationship: "Parent", label: "Parent Account ID"),
            text("AccountNumber", 40, label: "Account Number"),
            SObjectField("Phone", .phone, label: "Account Phone"),
            SObjectField("Website", .url, length: 255),
            picklist("Industry", industries),
            SObjectField("AnnualRevenue", .currency, label: "Annual Revenue", precision: 18, scale: 0),
            SObjectField("NumberOfEmployees", .int, label: "Employees", precision: 8),
            longText("Description", label: "Account Description"),
            picklist("Rating", ["Hot", "Warm", "Cold"], label: "Account Rating"),
            owner,
            readOnly(reference("MasterRecordId", "Account", relationship: "MasterRecord",
                               label: "Master Record ID")),
        ] + address(prefix: "Billing"))
    }

    static func contact() -> SObjectSchema {
        SObjectSchema(name: "Contact", label: "Contact", labelPlural: "Contacts", keyPrefix: "003", fields: [
            reference("AccountId", "Account", relationship: "Account", label: "Account ID"),
            text("LastName", 80, label: "Last Name", required: true),
            text("FirstName", 40, label: "First Name"),
            picklist("Salutation", salutations),
            personName(),
            SObjectField("Email", .email, length: 80, idLookup: true),
            SObjectField("Phone", .phone, label: "Business Phone"),
            SObjectField("MobilePhone", .phone, label: "Mobile Phone"),
            text("Title", 128),
            text("Department", 80),
            SObjectField("Birthdate", .date),
            longText("Description", label: "Contact Description"),
            picklist("LeadSource", leadSources, label: "Lead Source"),
            checkbox("HasOptedOutOfEmail", label: "Email Opt Out"),
            checkbox("DoNotCall", label: "Do Not Call"),
            owner,
            readOnly(reference("MasterRecordId", "Contact", relationship: "MasterRecord",
                               label: "Master Record ID")),
            readOnly(SObjectField("LastActivityDate", .date, label: "Last Activity")),
        ] + address(prefix: "Mailing"))
    }

    static func lead() -> SObjectSchema {
        SObjectSchema(name: "Lead", label: "Lead", labelPlural: "Leads", keyPrefix: "00Q", fields: [
            text("LastName", 80, label: "Last Name", required: true),
            text("FirstName", 40, label: "First Name"),
            picklist("Salutation", salutations),
            personName(),
            text("Title", 128),
            SObjectField("Company", .string, length: 255, nillable: false),
            SObjectField("Email", .email, length: 80, idLookup: true),
            SObjectField("Phone", .phone),
            SObjectField("MobilePhone", .phone, label: "Mobile Phone"),
            SObjectField("Website", .url, length: 255),
            longText("Description"),
            picklist("LeadSource", leadSources, label: "Lead Source"),
            picklist("Status", ["Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                                "Closed - Not Converted"], label: "Lead Status", defaultValue: "Open - Not Contacted"),
            picklist("Industry", industries),
            picklist("Rating", ["Hot", "Warm", "Cold"]),
            SObjectField("AnnualRevenue", .currency, label: "Annual Revenue", precision: 18, scale: 0),
            SObjectField("NumberOfEmployees", .int, label: "Employees", precision: 8),
            checkbox("HasOptedOutOfEmail", label: "Email Opt Out"),
            owner,
            SObjectField("IsConverted", .boolean, label: "Converted", updateable: false, nillable: false,
                         defaultedOnCreate: true, defaultValue: .bool(false)),
            readOnly(SObjectField("ConvertedDate", .date, label: "Converted Date")),
            readOnly(reference("ConvertedAccountId", "Account", relationship: "ConvertedAccount",
                               label: "Converted Account ID")),
            readOnly(reference("ConvertedContactId", "Contact", relationship: "ConvertedContact",
                               label: "Converted Contact ID")),
            checkbox("IsUnreadByOwner", label: "Unread By Owner", defaultValue: true),
            readOnly(reference("MasterRecordId", "Lead", relationship: "MasterRecord", label: "Master Record ID")),
        ] + address(prefix: ""))
    }

    static func campaign() -> SObjectSchema {
        SObjectSchema(name: "Campaign", label: "Campaign", labelPlural: "Campaigns", keyPrefix: "701", fields: [
            SObjectField("Name", .string, label: "Campaign Name", length: 80, nillable: false, nameField: true),
            reference("ParentId", "Campaign", relationship: "Parent", label: "Parent Campaign ID"),
            picklist("Type", ["Conference", "Webinar", "Trade Show", "Email", "Advertisement", "Other"]),
            picklist("Status", ["Planned", "In Progress", "Completed", "Aborted"]),
            SObjectField("StartDate", .date, label: "Start Date"),
            SObjectField("EndDate", .date, label: "End Date"),
            SObjectField("ExpectedRevenue", .currency, label: "Expected Revenue in Campaign", precision: 18),
            SObjectField("BudgetedCost", .currency, label: "Budgeted Cost in Campaign", precision: 18),
            SObjectField("ActualCost", .currency, label: "Actual Cost in Campaign", precision: 18),
            SObjectField("ExpectedResponse", .percent, label: "Expected Response (%)", precision: 10, scale: 2),
            SObjectField("NumberSent", .double, label: "Num Sent in Campaign", precision: 18),
            checkbox("IsActive", label: "Active"),
            longText("Description"),
            owner,
            readOnly(SObjectField("NumberOfLeads", .int, label: "Leads in Campaign", precision: 9,
                                  calculated: true, calculatedFormula: "COUNT(CampaignMember.LeadId)")),
            readOnly(SObjectField("NumberOfContacts", .int, label: "Contacts in Campaign", precision: 9,
                                  calculated: true, calculatedFormula: "COUNT(CampaignMember.ContactId)")),
            readOnly(SObjectField("NumberOfResponses", .int, label: "Responses in Campaign", precision: 9,
                                  calculated: true, calculatedFormula: "COUNT(CampaignMember WHERE HasResponded)")),
        ])
    }

    static func campaignMember() -> SObjectSchema {
        SObjectSchema(name: "CampaignMember", label: "Campaign Member", labelPlural: "Campaign Members",
                      keyPrefix: "00v", fields: [
            reference("CampaignId", "Campaign", relationship: "Campaign", required: true, updateable: false,
                      label: "Campaign ID"),
            reference("LeadId", "Lead", relationship: "Lead", updateable: false, label: "Lead ID"),
            reference("ContactId", "Contact", relationship: "Contact", updateable: false, label: "Contact ID"),
            SObjectField("Status", .picklist, length: 40, defaultedOnCreate: true, restrictedPicklist: true),
            readOnly(SObjectField("HasResponded", .boolean, label: "Responded", nillable: false,
                                  defaultedOnCreate: true, defaultValue: .bool(false))),
            readOnly(SObjectField("FirstRespondedDate", .date, label: "Member First Responded")),
            readOnly(SObjectField("Type", .string, length: 40)),
            readOnly(SObjectField("Name", .string, length: 121, extraTypeInfo: "personname")),
            readOnly(SObjectField("FirstName", .string, label: "First Name", length: 40)),
            readOnly(SObjectField("LastName", .string, label: "Last Name", length: 80)),
            readOnly(SObjectField("Email", .email, length: 80)),
            readOnly(SObjectField("Title", .string, length: 128)),
            readOnly(SObjectField("CompanyOrAccount", .string, label: "Company (Account)", length: 255)),
            readOnly(SObjectField("LeadOrContactId", .reference, label: "Contact or Lead ID",
                                  referenceTo: ["Contact", "Lead"])),
        ])
    }

    /// Assignment rules (Object Reference, "AssignmentRule"): queryable, not writable through the
    /// API. Who a rule assigns to lives in its rule entries, which the API does not expose; the
    /// sandbox keeps one assignee a rule, set by a seed's `assignmentRules`.
    static func assignmentRule() -> SObjectSchema {
        SObjectSchema(name: "AssignmentRule", label: "Assignment Rule", labelPlural: "Assignment Rules", keyPrefix: "01Q",
                      createable: false, updateable: false, deletable: false, fields: [
            SObjectField("Name", .string, label: "Name", length: 120, nillable: false, nameField: true),
            picklist("SobjectType", ["Account", "Case", "Lead"], label: "Object", restricted: true),
            checkbox("Active"),
        ])
    }

    static func campaignMemberStatus() -> SObjectSchema {
        SObjectSchema(name: "CampaignMemberStatus", label: "Campaign Member Status",
                      labelPlural: "Campaign Member Statuses", keyPrefix: "01Y", fields: [
            reference("CampaignId", "Campaign", relationship: "Campaign", required: true, updateable: false,
                      label: "Campaign ID"),
            SObjectField("Label", .string, label: "Member Status", length: 765, nillable: false),
            SObjectField("SortOrder", .int, label: "Sort Order", precision: 9),
            checkbox("IsDefault", label: "Default"),
            checkbox("HasResponded", label: "Responded"),
        ])
    }
}

extension SObjectField {
    /// A copy changed by `change`, for declaring variants tersely.
    func with(_ change: (inout SObjectField) -> Void) -> SObjectField {
        var copy = self
        change(&copy)
        return copy
    }
}
