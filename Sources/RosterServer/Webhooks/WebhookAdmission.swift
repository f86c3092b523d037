import Foundation
import RosterCore
import Synchronization

/// What keeps the webhook receiver, open to anyone, cheap to call: how many deliveries are read
/// at once, and how often a refused one is written to its source's history.
final class WebhookAdmission: Sendable {
    /// Deliveries read at once; the next is answered 503 (a sender retries).
    static let concurrentDeliveries = 16
    /// At most one refused delivery a source is recorded in this time, so a flood of unsigned
    /// requests to a known URL costs no writes and does not push the real deliveries out.
    static let refusalInterval: TimeInterval = 10

    let inFlight = InFlight()
    private let lastRefusal = Mutex<[String: Date]>([:])

    /// Whether a refusal for `source` at `now` is recorded (and, if so, notes it).
    func recordsRefusal(for source: String, at now: Date) -> Bool {
        lastRefusal.withLock { last in
            if let previous = last[source], now.timeIntervalSince(previous) < Self.refusalInterval { return false }
            if last.count > 10_000 { last = last.filter { now.timeIntervalSince($0.value) < Self.refusalInterval } }
            last[source] = now
            return true
        }
    }
}
