import RosterCore
import SalesforceClient

/// What to do for one person on the Contact/Lead side.
public enum PersonAction: Sendable, Hashable {
    /// Nothing: excluded, or not to be in the campaign and unknown to Salesforce.
    case skip(String)
    /// Create a record with these fields.
    case create(PersonRecord.Kind, SalesforceRecord)
    /// Update an existing record with the fields that differ.
    case update(PersonRecord.Kind, id: String, SalesforceRecord)
    /// Use the existing record as it is.
    case link(PersonRecord.Kind, id: String)

    /// Whether the action concerns a Contact or a Lead; `nil` for `skip`.
    public var kind: PersonRecord.Kind? {
        switch self {
        case .skip: nil
        case .create(let kind, _), .update(let kind, _, _), .link(let kind, _): kind
        }
    }

    /// The Salesforce Id of the existing record updated or linked; `nil` for `create` and `skip`.
    public var recordId: String? {
        switch self {
        case .update(_, let id, _), .link(_, let id): id
        default: nil
        }
    }
}

/// What to do with the person's campaign membership.
public enum MemberAction: Sendable, Hashable {
    case none
    /// Add the person with this status (and the mapped member fields).
    case create(status: String, SalesforceRecord)
    /// Change the member's status and/or fields.
    case update(id: String, SalesforceRecord)
    /// Already right.
    case keep(id: String)
}

/// The plan for one participant.
public struct PersonPlan: Sendable, Hashable {
    /// The Roster participant the plan is for.
    public var participantId: String
    /// The participant's email as Roster holds it.
    public var email: String
    /// What to do with the participant's Contact or Lead.
    public var person: PersonAction
    /// What to do with the participant's campaign membership.
    public var member: MemberAction
    /// Why this person can't be synced; nothing is written for them.
    public var error: String?
    /// Something worth knowing that does not stop the sync (several matches…).
    public var warning: String?

    /// Nothing to send: the record and the membership are already right.
    public var isUnchanged: Bool {
        error == nil && { if case .link = person { true } else if case .skip = person { true } else { false } }()
            && { if case .keep = member { true } else if case .none = member { true } else { false } }()
    }
}
