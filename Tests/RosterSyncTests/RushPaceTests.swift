import Clocks
import Testing
@testable import RosterSync

@Suite("The live sync's pace: a rush of changes gathers a little longer, a lone change never waits")
struct RushPaceTests {
    /// Rounds at these offsets (ms) from a start, each busy or not; answers the rush after each.
    static func rushes(_ rounds: [(ms: Int, busy: Bool)]) -> [Bool] {
        let start = AnyClock(TestClock()).now
        var schedule = LiveSchedule()
        return rounds.map { round in
            schedule.roundStarts(at: start.advanced(by: .milliseconds(round.ms)))
            schedule.roundEnded(busy: round.busy)
            return schedule.rush
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
        #expect(LiveSchedule.rushRoundInterval > LiveSchedule.minimumRoundInterval)
        #expect(LiveSchedule.rushRoundInterval < .seconds(1))
        #expect(LiveSchedule.rushGap > LiveSchedule.rushRoundInterval, "a rush's own rounds keep it going")
    }
}
