import Clocks
import Testing
@testable import RosterSync

/// The live sync's timetable, decided without waiting: instants are a test clock's, stepped by hand.
@Suite("The live sync's timetable: back-offs, rechecks, how long it sleeps and how long a round gathers")
struct LiveScheduleTests {
    let start = AnyClock(TestClock()).now

    func at(_ milliseconds: Int) -> LiveSchedule.Instant { start.advanced(by: .milliseconds(milliseconds)) }

    @Test("an event that keeps failing waits 1, 2, 4 … s, at most a minute; one success ends its back-off")
    func backOffDoublesAndEnds() {
        var schedule = LiveSchedule()
        var waits: [Duration] = []
        for attempt in 0..<8 { waits.append(schedule.failed("e1", at: at(attempt * 100_000))) }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
        let lastFailure = at(7 * 100_000)
        #expect(!schedule.isDue("e1", at: lastFailure.advanced(by: .seconds(59))))
        #expect(schedule.isDue("e1", at: lastFailure.advanced(by: .seconds(60))))
        #expect(schedule.isDue("e2", at: lastFailure), "another event is not held by e1's failures")

        schedule.succeeded("e1")
        #expect(schedule.failed("e1", at: at(900_000)) == .seconds(1), "after a success, the next failure starts again at 1 s")
    }

    @Test("someone asking to retry ends the event's back-off at once")
    func retryNow() {
        var schedule = LiveSchedule()
        _ = schedule.failed("e1", at: at(0))
        _ = schedule.failed("e1", at: at(0))
        #expect(!schedule.isDue("e1", at: at(1_000)))
        schedule.retryNow(["e1"])
        #expect(schedule.isDue("e1", at: at(1_000)))
        #expect(schedule.failed("e1", at: at(1_000)) == .seconds(1))
    }

    @Test("a connection down is looked at again after a second, without growing")
    func recheck() {
        var schedule = LiveSchedule()
        schedule.recheck("e1", at: at(0))
        schedule.recheck("e1", at: at(1_000))
        #expect(!schedule.isDue("e1", at: at(1_999)))
        #expect(schedule.isDue("e1", at: at(2_000)))
    }

    @Test("the loop sleeps until the next retry is due, at most the fallback poll")
    func longestWait() {
        var schedule = LiveSchedule()
        #expect(schedule.longestWait(at: at(0)) == .seconds(5))
        _ = schedule.failed("e1", at: at(0))
        #expect(schedule.longestWait(at: at(300)) == .milliseconds(700))
        #expect(schedule.longestWait(at: at(1_500)) == .zero, "a retry already due: no sleep")
        for _ in 0..<5 { _ = schedule.failed("e2", at: at(0)) } // 16 s
        schedule.succeeded("e1")
        #expect(schedule.longestWait(at: at(0)) == .seconds(5))
    }

    @Test("a round gathers for the window; under a stream of changes, rounds keep their pace")
    func gathering() {
        var schedule = LiveSchedule()
        let window = Duration.milliseconds(10)
        #expect(schedule.gathering(at: at(0), window: window) == window, "the first round starts at once")
        schedule.roundStarts(at: at(0))
        schedule.roundEnded(busy: true)
        #expect(schedule.gathering(at: at(30), window: window) == .milliseconds(70), "100 ms between round starts")
        #expect(schedule.gathering(at: at(500), window: window) == window, "after a quiet moment, at once")
        schedule.roundStarts(at: at(200))
        schedule.roundEnded(busy: true) // two busy rounds 200 ms apart: a rush
        #expect(schedule.rush)
        #expect(schedule.gathering(at: at(250), window: window) == .milliseconds(550), "600 ms apart in a rush")
    }
}
