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
    /// The most keys kept (issue 34): past it, expired keys are swept, then the oldest dropped, so
    /// a spray of emails or addresses costs bounded memory (keys of at most 260 bytes: under
    /// 30 MB at the default).
    public let maxEntries: Int
    private let now: @Sendable () -> Date
    private let failures = Mutex([String: (first: Date, count: Int)]())

    /// Makes a throttle; `now` is the clock failures are timed by.
    public init(maxFailuresPerEmail: Int = 5, maxFailuresPerAddress: Int = 20, window: TimeInterval = 15 * 60,
                maxEntries: Int = 50_000, now: @escaping @Sendable () -> Date = Date.init) {
        self.maxEntries = max(2, maxEntries)
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
            if table.count > maxEntries { forgetOld(&table, at: time) }
        }
    }

    /// How many keys are kept now.
    public var count: Int { failures.withLock { $0.count } }

    /// Sweeps the keys whose window has passed; if that is not enough, drops the oldest until a
    /// tenth of the room is free again (rare: each sweep makes room for many failures).
    private func forgetOld(_ table: inout [String: (first: Date, count: Int)], at time: Date) {
        table = table.filter { time.timeIntervalSince($0.value.first) < window }
        guard table.count > maxEntries - maxEntries / 10 else { return }
        let oldest = table.sorted { $0.value.first < $1.value.first }.prefix(table.count - (maxEntries - maxEntries / 10))
        for (key, _) in oldest { table[key] = nil }
    }

    /// Forgets the email's failures after it signed in (the address's stay: a sprayer may guess right once).
    public func recordSuccess(email: String) {
        _ = failures.withLock { $0.removeValue(forKey: "email:" + EmailAddress.normalized(email)) }
    }

    private static func keys(email: String, address: String?) -> [(String, (SignInThrottle) -> Int)] {
        // A key's size is bounded too, in bytes: an email has at most 254 (RFC 5321), more is noise.
        let normalized = EmailAddress.normalized(email)
        let bounded = normalized.utf8.count <= 254 ? normalized : String(decoding: normalized.utf8.prefix(254), as: UTF8.self)
        var keys: [(String, (SignInThrottle) -> Int)] = [("email:" + bounded, \.maxFailuresPerEmail)]
        if let address { keys.append(("address:" + String(decoding: address.utf8.prefix(64), as: UTF8.self), \.maxFailuresPerAddress)) }
        return keys
    }
}
