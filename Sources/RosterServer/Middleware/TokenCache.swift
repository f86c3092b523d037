import Synchronization

/// Remembers recently verified API tokens for a minute, so a busy client costs one database
/// lookup a minute instead of one per request. Tokens are not revocable yet; when they become
/// so, revocation must clear this cache.
final class TokenCache: Sendable {
    private let lifetime: Duration
    private let capacity: Int
    private let entries = Mutex([String: ContinuousClock.Instant]())

    init(lifetime: Duration = .seconds(60), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func isKnown(_ token: String) -> Bool {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let expiry = entries[token] else { return false }
            if expiry < now { entries[token] = nil; return false }
            return true
        }
    }

    func remember(_ token: String) {
        let expiry = ContinuousClock.now + lifetime
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = expiry
        }
    }
}
