import RosterCore
import SalesforceClient

/// A Contact or Lead as the match query read it.
public struct PersonRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case contact, lead }

    public var kind: Kind
    public var id: String
    public var email: String?
    public var lastModified: String
    public var isConverted: Bool
    public var convertedContactId: String?
    /// The fields read (defaults and mapped ones), by API name.
    public var fields: SalesforceRecord

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
    public var id: String
    /// The Contact or Lead it stands for.
    public var personId: String
    public var status: String
    public var fields: SalesforceRecord

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
    public private(set) var records: [String: PersonRecord] = [:]
    public var members: [String: MemberRecord] = [:]
    /// Record Ids by normalized email, so matching a batch stays linear.
    private var byEmail: [String: [String]] = [:]

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
