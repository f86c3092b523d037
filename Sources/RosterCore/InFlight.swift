import Synchronization

/// A count of work in flight, bounded by whoever enters: what lets a server refuse the next
/// expensive request (a password check, a workbook to read, a webhook delivery) rather than queue it.
public final class InFlight: Sendable {
    private let count = Mutex(0)

    /// Starts at none in flight.
    public init() {}

    /// Counts one more, unless `limit` are already in flight.
    public func enter(limit: Int) -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// One fewer in flight.
    public func leave() { count.withLock { $0 -= 1 } }
}
