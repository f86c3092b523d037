import Foundation

/// A person registered to an event, as Roster stores it.
public struct Participant: Sendable, Hashable, Identifiable {
    /// Roster's id for the participant (a UUIDv7 by default, so ids sort in creation order).
    public var id: String
    /// The id of the ``Event`` the person is registered to.
    public var eventId: String
    /// The email, trimmed; unique within the event once normalized (``normalizedEmail``), which is
    /// also how the sync finds the person in Salesforce. Synced to `Email`, at most 80 characters.
    public var email: String
    /// The first name, trimmed; synced to `FirstName`, at most 40 characters.
    public var firstName: String
    /// The last name, trimmed; synced to `LastName`, at most 80 characters.
    public var lastName: String
    /// The company, at most 255 characters; empty when not given. A new Lead's `Company`
    /// (``ConnectorSettings/leadCompanyPlaceholder`` when empty).
    public var company: String
    /// The job title, at most 128 characters; empty when not given. Synced to `Title`.
    public var jobTitle: String
    /// "Est inscrit": gives the campaign's registered status.
    public var isRegistered: Bool
    /// "Est venu": gives the attended status, which wins over registered.
    public var hasAttended: Bool
    /// When the person was last checked in (``hasAttended`` turned true); `nil` when not checked
    /// in, or checked in before Roster kept the time.
    public var checkedInAt: Date?
    /// The "allow networking" consent; kept in Roster only, it cannot be mapped to Salesforce.
    public var allowNetworking: Bool
    /// Custom field values by field code; absent codes have no value.
    public var fields: [String: FieldValue]
    /// When Roster first stored the participant.
    public var createdAt: Date
    /// When the participant's data last changed; later than `salesforce.syncedAt` means a sync is due.
    public var updatedAt: Date
    /// What the sync knows of this person in Salesforce.
    public var salesforce: SalesforceState

    /// Makes a participant from its fields; a new one is registered, not attended, by default.
    public init(
        id: String, eventId: String, email: String, firstName: String, lastName: String,
        company: String = "", jobTitle: String = "", isRegistered: Bool = true, hasAttended: Bool = false,
        allowNetworking: Bool = false, fields: [String: FieldValue] = [:], createdAt: Date, updatedAt: Date,
        checkedInAt: Date? = nil, salesforce: SalesforceState = .init()
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
        self.checkedInAt = checkedInAt
        self.salesforce = salesforce
    }

    /// The email as used for uniqueness within the event.
    public var normalizedEmail: String { EmailAddress.normalized(email) }
}

/// A participant's Salesforce state, filled by the sync (S22).
public struct SalesforceState: Sendable, Hashable, Codable {
    /// When the person was last written to Salesforce successfully ("salesforceSyncDate").
    public var syncedAt: Date?
    /// The Id of the Salesforce Contact the person is linked to, if any.
    public var contactId: String?
    /// The Id of the Salesforce Lead the person is linked to, if any.
    public var leadId: String?
    /// The Id of the person's CampaignMember in the event's campaign, once the sync made or found it.
    public var campaignMemberId: String?
    /// The last sync error for this person, in words; nil once a sync succeeds.
    public var error: String?
    /// A fingerprint of the data last sent, so a change that leaves it alone (a check-in) can
    /// take the short path. Internal to the sync; never shown.
    public var dataHash: String?

    /// Makes a state from its fields; all `nil` is a person never synced.
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
