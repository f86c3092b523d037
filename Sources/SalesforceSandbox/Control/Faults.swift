/// A failure the sandbox can inject into REST calls, to exercise a client's retries.
public enum SandboxFault: String, Sendable, CaseIterable, Codable {
    /// 503 `SERVER_UNAVAILABLE`, nothing written.
    case serverUnavailable
    /// 500 `UNKNOWN_EXCEPTION`, nothing written.
    case internalServerError
    /// The connection closes before the request is processed: nothing written.
    case dropBeforeCommit
    /// The request is processed and committed, then the connection closes without a response.
    case dropAfterCommit
    /// Writes fail with `UNABLE_TO_LOCK_ROW`: per record in sObject Collections, whole request otherwise.
    case unableToLockRow
    /// 403 `REQUEST_LIMIT_EXCEEDED`, as when the daily allocation is spent.
    case requestLimitExceeded
    /// 403 `REQUEST_LIMIT_EXCEEDED` "ConcurrentPerOrgLongTxn Limit exceeded.": too many long-running
    /// requests at once in the org, a transient limit (Salesforce Developer Limits and Allocations
    /// Quick Reference, "API Request Limits and Allocations": concurrent long-running requests).
    case concurrentRequestLimitExceeded
    /// Every access token expires and the call answers 401 `INVALID_SESSION_ID`, as when a session
    /// times out between two calls; the client must refresh and send the call again.
    case sessionExpired
}

/// Which faults fire: queued ones first (deterministic tests), then at `rate` (chaos runs).
struct FaultPlan: Sendable {
    var rate: Double
    var kinds: [SandboxFault]
    var queued: [SandboxFault] = []
    var random: SplitMix64
    /// How many of each fault fired (a record failing to lock counts one `unableToLockRow`).
    var injected: [SandboxFault: Int] = [:]

    /// The fault for the next call, if any.
    mutating func next() -> SandboxFault? {
        let fault: SandboxFault
        if !queued.isEmpty {
            fault = queued.removeFirst()
        } else {
            guard rate > 0, !kinds.isEmpty, random.nextDouble() < rate else { return nil }
            fault = kinds[Int(random.next() % UInt64(kinds.count))]
        }
        injected[fault, default: 0] += 1
        return fault
    }

    /// Whether one record of a collection fails to lock, at `rate` when lock faults are enabled.
    mutating func lockRow() -> Bool {
        guard rate > 0, kinds.contains(.unableToLockRow), random.nextDouble() < rate else { return false }
        injected[.unableToLockRow, default: 0] += 1
        return true
    }
}

/// A small, seedable generator so fault sequences can be replayed.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
