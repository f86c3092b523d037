import Foundation

/// A person registered to an event, as Roster stores it.
public struct Participant: Sendable, Hashable, Identifiable {
    public var id: String
    public var eventId: String
    public var email: String
    public var firstName: String
    public var lastName: String
    public var company: String
    public var jobTitle: String
    /// "Est inscrit": gives the campaign's registered status.
    public var isRegistered: Bool
    /// "Est venu": gives the attended status, which wins over registered.
    public var hasAttended: Bool
    public var allowNetworking: Bool
    /// Custom field values by field code; absent codes have no value.
    public var fields: [String: FieldValue]
    public var createdAt: Date
    public var updatedAt: Date
    /// What the sync knows of this person in Salesforce.
    public var salesforce: SalesforceState

    public init(
        id: String, eventId: String, email: String, firstName: String, lastName: String,
        company: String = "", jobTitle: String = "", isRegistered: Bool = true, hasAttended: Bool = false,
        allowNetworking: Bool = false, fields: [String: FieldValue] = [:], createdAt: Date, updatedAt: Date,
        salesforce: SalesforceState = .init()
    ) {
        self.id = id
        self.eventId = eventId
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.company = company
        self.jobTitle = jobTitle
        self.isRegistered = isRegistered
        self.hasAttended = hasAttended
        self.allowNetworking = allowNetworking
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.salesforce = salesforce
    }

    /// The email as used for uniqueness within the event.
    public var normalizedEmail: String { EmailAddress.normalized(email) }
}

/// A participant's Salesforce state, filled by the sync (S22).
public struct SalesforceState: Sendable, Hashable, Codable {
    /// When the person was last written to Salesforce successfully ("salesforceSyncDate").
    public var syncedAt: Date?
    public var contactId: String?
    public var leadId: String?
    public var campaignMemberId: String?
    /// The last sync error for this person, in words; nil once a sync succeeds.
    public var error: String?
    /// A fingerprint of the data last sent, so a change that leaves it alone (a check-in) can
    /// take the short path. Internal to the sync; never shown.
    public var dataHash: String?

    public init(syncedAt: Date? = nil, contactId: String? = nil, leadId: String? = nil, campaignMemberId: String? = nil, error: String? = nil,
                dataHash: String? = nil) {
        self.dataHash = dataHash
        self.syncedAt = syncedAt
        self.contactId = contactId
        self.leadId = leadId
        self.campaignMemberId = campaignMemberId
        self.error = error
    }
}
