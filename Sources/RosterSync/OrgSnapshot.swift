import RosterCore
import SalesforceClient

/// A Contact or Lead as the match query read it.
public struct PersonRecord: Sendable, Hashable {
    /// The Salesforce object a record is: a Contact or a Lead.
    public enum Kind: String, Sendable, Hashable { case contact, lead }

    /// Whether the record is a Contact or a Lead.
    public var kind: Kind
    /// The record's Salesforce Id.
    public var id: String
    /// The record's `Email`, `nil` when Salesforce holds none.
    public var email: String?
    /// The record's `LastModifiedDate` as Salesforce sends it, empty when not read; among several
    /// matches the most recent wins.
    public var lastModified: String
    /// Whether the Lead has been converted; always `false` for a Contact.
    public var isConverted: Bool
    /// The Contact a converted Lead became, which matching follows instead of the Lead.
    public var convertedContactId: String?
    /// The fields read (defaults and mapped ones), by API name.
    public var fields: SalesforceRecord

    /// Makes a record; the defaults stand for what the query did not read.
    public init(kind: Kind, id: String, email: String?, lastModified: String = "", isConverted: Bool = false,
                convertedContactId: String? = nil, fields: SalesforceRecord = [:]) {
        self.kind = kind
        self.id = id
        self.email = email
        self.lastModified = lastModified
        self.isConverted = isConverted
        self.convertedContactId = convertedContactId
        self.fields = fields
    }
}

/// A campaign member as the member query read it.
public struct MemberRecord: Sendable, Hashable {
    /// The CampaignMember's Salesforce Id.
    public var id: String
    /// The Contact or Lead it stands for.
    public var personId: String
    /// The member's campaign status (`Status`), empty when Salesforce sent none.
    public var status: String
    /// The member fields read (defaults and mapped ones), by API name.
    public var fields: SalesforceRecord

    /// Makes a member as the member query read it.
    public init(id: String, personId: String, status: String, fields: SalesforceRecord = [:]) {
        self.id = id
        self.personId = personId
        self.status = status
        self.fields = fields
    }
}

/// What Salesforce holds for a batch of people: their Contacts and Leads (by email and by the
/// Ids Roster remembers) and the campaign's members.
public struct OrgSnapshot: Sendable {
    /// The Contacts and Leads read, by Salesforce Id; add more with ``add(_:)``.
    public private(set) var records: [String: PersonRecord] = [:]
    /// The campaign's members, by the Id of the Contact or Lead each stands for.
    public var members: [String: MemberRecord] = [:]
    /// Record Ids by normalized email, so matching a batch stays linear.
    private var byEmail: [String: [String]] = [:]

    /// Makes a snapshot holding these records and members.
    public init(records: [PersonRecord] = [], members: [MemberRecord] = []) {
        for record in records { add(record) }
        for member in members { self.members[member.personId] = member }
    }

    /// Adds (or replaces) a Contact or Lead.
    public mutating func add(_ record: PersonRecord) {
        if records.updateValue(record, forKey: record.id) == nil, let email = record.email {
            byEmail[EmailAddress.normalized(email), default: []].append(record.id)
        }
    }

    /// Contacts and Leads whose email is this one, in any case.
    func people(withEmail email: String, kind: PersonRecord.Kind) -> [PersonRecord] {
        (byEmail[EmailAddress.normalized(email)] ?? []).compactMap { records[$0] }.filter { $0.kind == kind }
    }
}
