import Testing
@testable import RosterSync

@Suite("The live sync's pace: a rush of changes gathers a little longer, a lone change never waits")
struct RushPaceTests {
    typealias Instant = ContinuousClock.Instant

    /// Rounds at these offsets (ms) from a start, each busy or not; answers the rush after each.
    static func rushes(_ rounds: [(ms: Int, busy: Bool)]) -> [Bool] {
        let start = ContinuousClock.now
        var rush = false
        var last: Instant?
        return rounds.map { round in
            (rush, last) = SyncService.rush(after: start.advanced(by: .milliseconds(round.ms)), busy: round.busy, lastBusyRound: last, wasRush: rush)
            return rush
        }
    }

    @Test("check-ins one after another make a rush, which lasts while they keep coming and ends after a quiet moment")
    func rushStartsLastsAndEnds() {
        #expect(Self.rushes([(0, true), (200, true), (800, true), (1_400, true), (1_700, false), (2_300, false)])
                == [false, true, true, true, true, false])
    }

    @Test("a change a second never makes a rush: each leaves at once")
    func oneASecond() {
        #expect(Self.rushes([(0, true), (100, false), (1_000, true), (1_100, false), (2_000, true)]) == [false, false, false, false, false])
    }

    @Test("the pace: a rush's rounds are further apart, within the second a check-in is promised")
    func pace() {
        #expect(SyncService.rushRoundInterval > SyncService.minimumRoundInterval)
        #expect(SyncService.rushRoundInterval < .seconds(1))
        #expect(SyncService.rushGap > SyncService.rushRoundInterval, "a rush's own rounds keep it going")
    }
}
