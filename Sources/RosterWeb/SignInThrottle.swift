import Foundation
import RosterCore
import Synchronization

/// Slows password guessing (S62): after ``maxFailures`` failed sign-ins for one email within
/// ``window``, that email is refused until the window has passed since the first failure. A
/// success clears the count. Kept in memory: a restart forgives, which is acceptable for a
/// limit measured in minutes.
public final class SignInThrottle: Sendable {
    /// Failures that lock an email.
    public let maxFailures: Int
    /// Seconds from the first failure during which failures count, and the lock lasts.
    public let window: TimeInterval
    private let now: @Sendable () -> Date
    private let failures = Mutex([String: (first: Date, count: Int)]())

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60, now: @escaping @Sendable () -> Date = Date.init) {
        self.maxFailures = maxFailures
        self.window = window
        self.now = now
    }

    /// How long this email must wait before trying again, or `nil` when it may try now.
    public func retryAfter(email: String) -> TimeInterval? {
        let key = EmailAddress.normalized(email)
        let time = now()
        return failures.withLock { table in
            guard let entry = table[key] else { return nil }
            let elapsed = time.timeIntervalSince(entry.first)
            if elapsed >= window { table[key] = nil; return nil }
            return entry.count >= maxFailures ? window - elapsed : nil
        }
    }

    /// Counts a failed sign-in for the email (in any case).
    public func recordFailure(email: String) {
        let key = EmailAddress.normalized(email)
        let time = now()
        failures.withLock { table in
            if let entry = table[key], time.timeIntervalSince(entry.first) < window {
                table[key] = (entry.first, entry.count + 1)
            } else {
                table[key] = (time, 1)
            }
        }
    }

    /// Forgets the email's failures after it signed in.
    public func recordSuccess(email: String) {
        let key = EmailAddress.normalized(email)
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }
}
