import Foundation
import Synchronization

/// When a sync stopped by the API budget (S41) may ask Salesforce for the org's usage again. The
/// usage the last response carried is all a sync knows, and a paused sync makes no call: without a
/// look of its own it would wait on a figure hours old while the rolling 24 hours freed the budget.
/// One look per event at most every `interval` (`ROSTER_PAUSED_RUN_RETRY_SECONDS`), shared by the
/// forced runs and the live sync of this process.
final class UsageRecheck: Sendable {
    /// The least time between two looks at one event's org usage.
    let interval: TimeInterval
    private let lastLook = Mutex<[String: Date]>([:])

    init(interval: Duration) {
        let (seconds, attoseconds) = interval.components
        self.interval = Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whether a look is due for the event at `now`; if it is, the look is counted as taken.
    func take(eventId: String, now: Date) -> Bool {
        lastLook.withLock { looks in
            if let last = looks[eventId], now.timeIntervalSince(last) < interval { return false }
            looks[eventId] = now
            return true
        }
    }
}
