import Foundation
import Testing
@testable import RosterSync

@Suite("A sync over the API budget looks at the org's usage again at most once per interval")
struct UsageRecheckTests {
    @Test("the first look is due at once; the next only once the interval has passed; each event on its own")
    func oncePerInterval() {
        let recheck = UsageRecheck(interval: .seconds(60))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(recheck.take(eventId: "a", now: start))
        #expect(!recheck.take(eventId: "a", now: start.addingTimeInterval(59)))
        #expect(recheck.take(eventId: "b", now: start.addingTimeInterval(59)), "another event's look is its own")
        #expect(recheck.take(eventId: "a", now: start.addingTimeInterval(60)))
        #expect(!recheck.take(eventId: "a", now: start.addingTimeInterval(119)), "counted from the last look taken")
        #expect(recheck.take(eventId: "a", now: start.addingTimeInterval(120)))
    }
}
