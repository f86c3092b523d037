import Foundation
import RosterCore

/// One campaign member as a look at the campaign read it (Salesforce → event), with what its
/// Contact or Lead says of the person.
public struct InboundMember: Sendable, Hashable {
    /// The CampaignMember's Id.
    public var id: String
    /// Its status, as Salesforce holds it.
    public var status: String
    /// Its Contact's Id, or `nil` when it is a Lead's.
    public var contactId: String?
    /// Its Lead's Id, or `nil` when it is a Contact's.
    public var leadId: String?
    /// The person's email, `nil` when Salesforce holds none.
    public var email: String?
    /// The person's first name.
    public var firstName: String
    /// The person's last name.
    public var lastName: String
    /// Lead.Company, or the name of the Contact's Account.
    public var company: String
    /// The person's title.
    public var jobTitle: String
    /// When Salesforce last changed the member (`SystemModstamp`).
    public var changedAt: Date

    /// Makes a member as read.
    public init(id: String, status: String, contactId: String? = nil, leadId: String? = nil, email: String?, firstName: String = "", lastName: String = "",
                company: String = "", jobTitle: String = "", changedAt: Date) {
        self.id = id
        self.status = status
        self.contactId = contactId
        self.leadId = leadId
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.company = company
        self.jobTitle = jobTitle
        self.changedAt = changedAt
    }
}

/// What a look at the campaign does with one member: pure, decided from the member and the
/// participants Roster has.
enum InboundAction: Sendable, Equatable {
    /// Not a participant, and its status invites: a new participant, not registered, invited.
    case invite(member: InboundMember, draft: ParticipantDraft)
    /// Not a participant, its status invites, but its person has no email: skipped and counted,
    /// never invented.
    case skipWithoutEmail(memberId: String)
    /// A participant's member: the status Salesforce holds is kept on them; `registers` when it
    /// is the registered or attended status and Roster has them as not registered (a rep
    /// registering a VIP).
    case status(participantId: String, memberId: String, status: String, at: Date, registers: Bool)
    /// Not a participant, and its status does not invite: nothing to do.
    case ignore(memberId: String)
}

/// Decides what a look at the campaign does, member by member (``InboundAction``). A member is
/// a participant's when its Id, its Contact or Lead, or its person's email (in any case) is
/// theirs, in that order; two members of one person (a Contact and a Lead) make one invitee.
struct InboundPlanner: Sendable {
    let inbound: InboundSettings
    /// The connector's outbound statuses: seen on a participant not registered, they register them.
    let registeredStatus: String
    let attendedStatus: String

    func plan(_ members: [InboundMember], known: [Participant]) -> [InboundAction] {
        var byMember: [String: Participant] = [:]
        var byRecord: [String: Participant] = [:]
        var byEmail: [String: Participant] = [:]
        for participant in known {
            if let id = participant.salesforce.campaignMemberId { byMember[id] = participant }
            for id in [participant.salesforce.contactId, participant.salesforce.leadId].compactMap({ $0 }) { byRecord[id] = participant }
            byEmail[participant.normalizedEmail] = participant
        }
        var invited: Set<String> = []
        return members.sorted { ($0.changedAt, $0.id) < ($1.changedAt, $1.id) }.map { member in
            let email = member.email.map(EmailAddress.normalized).flatMap { $0.isEmpty ? nil : $0 }
            let participant = byMember[member.id] ?? (member.contactId ?? member.leadId).flatMap { byRecord[$0] } ?? email.flatMap { byEmail[$0] }
            if let participant {
                let registers = !participant.isRegistered && [registeredStatus, attendedStatus].contains { InboundSettings.same($0, member.status) }
                return .status(participantId: participant.id, memberId: member.id, status: member.status, at: member.changedAt, registers: registers)
            }
            guard inbound.invites(member.status) else { return .ignore(memberId: member.id) }
            guard let email else { return .skipWithoutEmail(memberId: member.id) }
            guard invited.insert(email).inserted else { return .ignore(memberId: member.id) }
            let draft = ParticipantDraft(email: member.email?.trimmed(), firstName: member.firstName, lastName: member.lastName,
                                         company: member.company, jobTitle: member.jobTitle, isRegistered: .bool(false))
            return .invite(member: member, draft: draft)
        }
    }
}
