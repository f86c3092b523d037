import Clocks

/// The live sync's timetable, apart from the loop that follows it, so its decisions are tested
/// without waiting: how long a round lets changes gather (a rush of check-ins slows the pace),
/// how long the loop may sleep before it looks anyway, and when each event may be looked at again
/// (after a failure, while its connection is down or a forced run holds it).
///
/// A value: the loop reads its clock and passes the instant in; nothing here reads time.
struct LiveSchedule: Sendable {
    typealias Instant = AnyClock<Duration>.Instant

    /// How often an event whose connection is down (or held by a forced run) is looked at again.
    static let connectionRecheck: Duration = .seconds(1)

    /// How long the live sync waits for a commit before it looks at the outbox anyway: changes
    /// another process wrote (several `serve` on one PostgreSQL) are found within this.
    static let fallbackPoll: Duration = .seconds(5)

    /// The least time between the starts of two rounds. A change after a quiet moment leaves at
    /// once; under a stream of writes (registrations, an import) rounds come at this pace, each
    /// taking everything committed since, so the outbox's bookkeeping does not compete with the
    /// writes for the single writer connection (one round per commit cost a fifth of the
    /// registrations' rate).
    static let minimumRoundInterval: Duration = .milliseconds(100)

    /// The least time between the starts of two rounds while a rush lasts (check-ins at the door:
    /// two rounds in a row found changes, within ``rushGap``). Each round then takes a few more
    /// people in its one call: at 10 check-ins a second, about six a call instead of one or two,
    /// and a check-in still reaches Salesforce within the second. A change after a quiet moment,
    /// or one a second, never waits for it (`scripts/bench --only rush` measures both).
    static let rushRoundInterval: Duration = .milliseconds(600)
    /// Rounds that found changes this close together make a rush.
    static let rushGap: Duration = .milliseconds(750)

    /// The first back-off after a failure; each failure in a row doubles it, up to ``longestBackOff``.
    static let firstBackOff: Duration = .seconds(1)
    /// The longest an event that keeps failing waits between two tries.
    static let longestBackOff: Duration = .seconds(60)

    /// When each event waiting out a back-off or a recheck may be looked at again.
    private(set) var retryAt: [String: Instant] = [:]
    /// Each failing event's current back-off.
    private var backOffs: [String: Duration] = [:]
    /// Whether a rush lasts: rounds start ``rushRoundInterval`` apart.
    private(set) var rush = false
    /// When the last round started; `nil` before the first, which starts at once.
    private var lastRound: Instant?
    /// When the last round that found changes started.
    private var lastBusyRound: Instant?

    /// How long the loop may wait for a commit before it looks anyway: until the next event's
    /// retry is due, at most ``fallbackPoll``.
    func longestWait(at now: Instant) -> Duration {
        guard let next = retryAt.values.min() else { return Self.fallbackPoll }
        return min(max(.zero, now.duration(to: next)), Self.fallbackPoll)
    }

    /// How long the round about to start lets changes gather: at least `window` (the writes of one
    /// moment leave in one batch), longer if the pace asks for it.
    func gathering(at now: Instant, window: Duration) -> Duration {
        guard let lastRound else { return window }
        let pace = now.duration(to: lastRound.advanced(by: rush ? Self.rushRoundInterval : Self.minimumRoundInterval))
        return max(window, pace)
    }

    /// A round starts now.
    mutating func roundStarts(at now: Instant) {
        lastRound = now
    }

    /// Whether the event may be looked at now (no back-off or recheck still running).
    func isDue(_ eventId: String, at now: Instant) -> Bool {
        retryAt[eventId].map { $0 <= now } ?? true
    }

    /// The event waits for its connection or for a forced run: looked at again after ``connectionRecheck``.
    mutating func recheck(_ eventId: String, at now: Instant) {
        retryAt[eventId] = now.advanced(by: Self.connectionRecheck)
    }

    /// The event's round went through: no back-off any more.
    mutating func succeeded(_ eventId: String) {
        retryAt[eventId] = nil
        backOffs[eventId] = nil
    }

    /// The event's round failed: it waits twice as long as after its last failure in a row
    /// (``firstBackOff`` the first time, ``longestBackOff`` at most). Answers the wait.
    mutating func failed(_ eventId: String, at now: Instant) -> Duration {
        let backOff = backOffs[eventId].map { min($0 * 2, Self.longestBackOff) } ?? Self.firstBackOff
        backOffs[eventId] = backOff
        retryAt[eventId] = now.advanced(by: backOff)
        return backOff
    }

    /// Someone asked for these events now: their back-offs end (``SyncService/retryNow(eventId:)``).
    mutating func retryNow(_ eventIds: Set<String>) {
        for eventId in eventIds { succeeded(eventId) }
    }

    /// The round that started last ended, having found changes or not. A rush starts when two
    /// rounds in a row found changes within ``rushGap``, and ends once none did for that long.
    mutating func roundEnded(busy: Bool) {
        guard let round = lastRound else { return }
        guard busy else {
            let quiet = lastBusyRound.map { $0.duration(to: round) > Self.rushGap } ?? true
            rush = rush && !quiet
            return
        }
        rush = lastBusyRound.map { $0.duration(to: round) <= Self.rushGap } ?? false
        lastBusyRound = round
    }
}
