import RosterCore
import Testing

@Suite("Inbound settings: what they accept, what they cost")
struct InboundSettingsTests {
    @Test("the defaults: off, Invited, every five minutes; no problem")
    func defaults() {
        let settings = InboundSettings()
        #expect(!settings.enabled)
        #expect(settings.statuses == ["Invited"])
        #expect(settings.intervalSeconds == 300)
        #expect(settings.problems().isEmpty)
        #expect(settings.callsPerDay == 0, "switched off costs nothing")
    }

    @Test("what looking costs a day: one call a look", arguments: [(60, 1_440), (300, 288), (3_600, 24), (7_000, 13), (86_400, 1)])
    func cost(interval: Int, calls: Int) {
        #expect(InboundSettings(enabled: true, intervalSeconds: interval).callsPerDay == calls)
    }

    @Test("an interval outside a minute to a day is refused, naming the field")
    func interval() {
        for seconds in [0, 59, 86_401, -5] {
            let issues = InboundSettings(intervalSeconds: seconds).problems()
            #expect(issues.map(\.field) == ["inbound.intervalSeconds"])
            #expect(issues.first?.message.contains("\(seconds)") == true)
        }
    }

    @Test("statuses: at least one when on; none blank, twice, or one Roster writes itself")
    func statuses() {
        #expect(InboundSettings(enabled: true, statuses: []).problems().map(\.field) == ["inbound.statuses"])
        #expect(InboundSettings(enabled: false, statuses: []).problems().isEmpty)
        let issues = InboundSettings(enabled: true, statuses: ["Invited", " ", "invited ", "Registered"])
            .problems(otherStatuses: [("registeredStatus", "Registered"), ("cancelledStatus", "")])
        #expect(issues.map(\.field) == ["inbound.statuses[1]", "inbound.statuses[2]", "inbound.statuses[3]"])
        #expect(issues[2].message.contains("registeredStatus"))
    }

    @Test("a status matches in any case and spacing")
    func invites() {
        let settings = InboundSettings(statuses: ["Invited", "Sent"])
        #expect(settings.invites(" invited"))
        #expect(settings.invites("SENT"))
        #expect(!settings.invites("Declined"))
    }
}
