import RosterCore
import Testing

@Suite("Roles, events and refusals")
struct AccessRulesTests {
    @Test func eachRoleGrantsWhatTheContractSays() {
        #expect(Role.admin.permissions == Set(Permission.allCases))
        #expect(Role.organiser.permissions == [.readEvent, .updateEvents, .readParticipants, .writeParticipants, .checkIn, .eraseParticipants,
                                               .exportParticipants, .manageConnector, .runSync, .readRuns, .manageWebhooks])
        #expect(Role.registrar.permissions == [.readEvent, .writeParticipants, .checkIn])
        #expect(Role.viewer.permissions == [.readEvent, .readParticipants, .readRuns])
    }

    @Test func anEventOutsideTheCallersIsUnknownBeforeTheRoleIsAsked() {
        let viewer = Access(role: .viewer, events: ["a"])
        #expect(viewer.refusal(.readParticipants, eventId: "a") == nil)
        #expect(viewer.refusal(.exportParticipants, eventId: "a") == .forbidden(.exportParticipants, .viewer))
        #expect(viewer.refusal(.exportParticipants, eventId: "b") == .eventNotFound("b"))
        #expect(viewer.refusal(.createEvents, eventId: nil) == .forbidden(.createEvents, .viewer))
    }

    @Test func noEventsMeansEveryEvent() {
        #expect(Access(role: .organiser, events: []).events == nil)
        #expect(Access(role: .organiser).covers(eventId: "any"))
    }

    @Test func onlyAnAdminOnEveryEventManagesAccess() {
        #expect(Access(role: .admin).allows(.manageAccess))
        #expect(!Access(role: .admin, events: ["a"]).allows(.manageAccess), "a scoped admin can't mint a wider token")
        #expect(!Access(role: .admin, events: ["a"]).allows(.createEvents), "nor make events it would not see")
        #expect(Access(role: .admin, events: ["a"]).refusal(.manageAccess, eventId: nil) == .needsEveryEvent(.manageAccess))
        #expect(Access(role: .admin, events: ["a"]).allows(.exportParticipants))
    }

    @Test func secretsCompareOnlyWhenEqual() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abd", "abc"))
        #expect(!ConstantTime.equals("ab", "abc"))
        #expect(!ConstantTime.equals("abcd", "abc"))
        #expect(!ConstantTime.equals(nil, "abc"))
        #expect(!ConstantTime.equals("", "a"))
    }
}
