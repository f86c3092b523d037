import Foundation
import RosterCore
@testable import RosterSync
import Testing

/// Salesforce → event, decided without I/O: who becomes an invitee, whose status is kept, who is
/// registered by a rep, who is skipped.
@Suite("Reading the campaign back: invitees, statuses set in Salesforce, members without an email")
struct InboundPlannerTests {
    static let planner = InboundPlanner(inbound: InboundSettings(enabled: true, statuses: ["Invited", "Sent"]),
                                        registeredStatus: "Registered", attendedStatus: "Attended")
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func member(_ id: String, _ status: String, email: String?, contactId: String? = nil, leadId: String? = nil, seconds: Double = 0) -> InboundMember {
        InboundMember(id: id, status: status, contactId: contactId, leadId: leadId, email: email, firstName: "Grace", lastName: "Hopper",
                      company: "Navy", jobTitle: "Rear Admiral", changedAt: at.addingTimeInterval(seconds))
    }

    static func participant(_ id: String, _ email: String, registered: Bool = true, memberId: String? = nil, contactId: String? = nil) -> Participant {
        Participant(id: id, eventId: "e", email: email, firstName: "Ada", lastName: "L", isRegistered: registered, createdAt: at, updatedAt: at,
                    salesforce: .init(contactId: contactId, campaignMemberId: memberId))
    }

    @Test("a member invited in Salesforce who is not a participant becomes an invitee, not registered, with the person's data")
    func invitee() {
        let actions = Self.planner.plan([Self.member("00v1", "invited", email: " Grace@Navy.mil ", contactId: "0031")], known: [])
        let expected = ParticipantDraft(email: "Grace@Navy.mil", firstName: "Grace", lastName: "Hopper", company: "Navy", jobTitle: "Rear Admiral",
                                        isRegistered: .bool(false))
        #expect(actions == [.invite(member: Self.member("00v1", "invited", email: " Grace@Navy.mil ", contactId: "0031"), draft: expected)])
    }

    @Test("a member whose status does not invite, and who is not a participant, is left alone")
    func notInvited() {
        #expect(Self.planner.plan([Self.member("00v1", "Responded", email: "a@x.org")], known: []) == [.ignore(memberId: "00v1")])
    }

    @Test("an invited member without an email is skipped, never invented")
    func noEmail() {
        #expect(Self.planner.plan([Self.member("00v1", "Invited", email: nil), Self.member("00v2", "Sent", email: "  ")], known: [])
                == [.skipWithoutEmail(memberId: "00v1"), .skipWithoutEmail(memberId: "00v2")])
    }

    @Test("a participant's member keeps its status as Salesforce holds it, matched by member Id, then Contact, then email")
    func statuses() {
        let known = [Self.participant("p1", "one@x.org", memberId: "00v1"), Self.participant("p2", "two@x.org", contactId: "0032"),
                     Self.participant("p3", "three@x.org")]
        let actions = Self.planner.plan([Self.member("00v1", "Declined", email: "changed@x.org"),
                                         Self.member("00v2", "Declined", email: "other@x.org", contactId: "0032", seconds: 1),
                                         Self.member("00v3", "Invited", email: "THREE@x.org", seconds: 2)], known: known)
        #expect(actions == [.status(participantId: "p1", memberId: "00v1", status: "Declined", at: Self.at, registers: false),
                            .status(participantId: "p2", memberId: "00v2", status: "Declined", at: Self.at.addingTimeInterval(1), registers: false),
                            .status(participantId: "p3", memberId: "00v3", status: "Invited", at: Self.at.addingTimeInterval(2), registers: false)])
    }

    @Test("a rep setting the registered or attended status on someone Roster has as not registered registers them")
    func repRegisters() {
        let known = [Self.participant("p1", "vip@x.org", registered: false, memberId: "00v1"), Self.participant("p2", "vip2@x.org", registered: false),
                     Self.participant("p3", "already@x.org", memberId: "00v3")]
        let actions = Self.planner.plan([Self.member("00v1", "registered", email: "vip@x.org"),
                                         Self.member("00v2", "Attended", email: "vip2@x.org", seconds: 1),
                                         Self.member("00v3", "Registered", email: "already@x.org", seconds: 2)], known: known)
        let registers = actions.map { action -> Bool? in if case .status(_, _, _, _, let registers) = action { registers } else { nil } }
        #expect(registers == [true, true, false])
    }

    @Test("a person in the campaign twice (a Contact and a Lead) becomes one invitee, the earliest change first")
    func onePersonTwice() {
        let lead = Self.member("00v2", "Invited", email: "grace@navy.mil", leadId: "00Q1", seconds: 5)
        let contact = Self.member("00v1", "Invited", email: "Grace@Navy.mil", contactId: "0031", seconds: 1)
        let actions = Self.planner.plan([lead, contact], known: [])
        #expect(actions.count == 2)
        if case .invite(let member, _) = actions[0] { #expect(member.id == "00v1") } else { Issue.record("the first change should invite") }
        #expect(actions[1] == .ignore(memberId: "00v2"))
    }

    @Test("statuses compare in any case and spacing; a blank outbound status never matches")
    func same() {
        #expect(InboundSettings.same("Registered", " registered "))
        #expect(!InboundSettings.same("", ""))
        #expect(!InboundSettings.same("Registered", "Attended"))
    }
}
