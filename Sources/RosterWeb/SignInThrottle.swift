import Foundation
import RosterCore
import Synchronization

/// Slows password guessing (S62) on two keys: after ``maxFailuresPerEmail`` failed sign-ins for
/// one email, or ``maxFailuresPerAddress`` from one client address, within ``window``, that key is
/// refused until the window has passed since its first failure. The address limit stops spraying
/// one password over many emails; the email limit stops many addresses guessing one account. A
/// success clears the email's count. Kept in memory: a restart forgives, which is acceptable
/// for a limit measured in minutes.
public final class SignInThrottle: Sendable {
    /// Failures that lock an email.
    public let maxFailuresPerEmail: Int
    /// Failures that lock a client address (higher: an office may share one address).
    public let maxFailuresPerAddress: Int
    /// Seconds from the first failure during which failures count, and the lock lasts.
    public let window: TimeInterval
    private let now: @Sendable () -> Date
    private let failures = Mutex([String: (first: Date, count: Int)]())

    /// Makes a throttle; `now` is the clock failures are timed by.
    public init(maxFailuresPerEmail: Int = 5, maxFailuresPerAddress: Int = 20, window: TimeInterval = 15 * 60,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.maxFailuresPerEmail = maxFailuresPerEmail
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
        self.now = now
    }

    /// How long this email, or this address, must wait before trying again, or `nil` when it may try now.
    public func retryAfter(email: String, address: String?) -> TimeInterval? {
        let keys = Self.keys(email: email, address: address)
        let time = now()
        return failures.withLock { table in
            keys.compactMap { key, limit -> TimeInterval? in
                guard let entry = table[key] else { return nil }
                let elapsed = time.timeIntervalSince(entry.first)
                if elapsed >= window { table[key] = nil; return nil }
                return entry.count >= limit(self) ? window - elapsed : nil
            }.max()
        }
    }

    /// Counts a failed sign-in for the email (in any case) and the address.
    public func recordFailure(email: String, address: String?) {
        let time = now()
        failures.withLock { table in
            for (key, _) in Self.keys(email: email, address: address) {
                if let entry = table[key], time.timeIntervalSince(entry.first) < window {
                    table[key] = (entry.first, entry.count + 1)
                } else {
                    table[key] = (time, 1)
                }
            }
        }
    }

    /// Forgets the email's failures after it signed in (the address's stay: a sprayer may guess right once).
    public func recordSuccess(email: String) {
        _ = failures.withLock { $0.removeValue(forKey: "email:" + EmailAddress.normalized(email)) }
    }

    private static func keys(email: String, address: String?) -> [(String, (SignInThrottle) -> Int)] {
        var keys: [(String, (SignInThrottle) -> Int)] = [("email:" + EmailAddress.normalized(email), \.maxFailuresPerEmail)]
        if let address { keys.append(("address:" + address, \.maxFailuresPerAddress)) }
        return keys
    }
}
