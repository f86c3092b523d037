/// When and how long to wait before trying a request again: exponential back-off with full
/// jitter (each wait is random in `0…min(maxDelay, baseDelay · 2^attempt)`), for failures
/// Salesforce documents as transient.
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    /// The cap on the wait before the first retry; it doubles with each further retry.
    public var baseDelay: Duration
    /// The most any one wait can be, however many retries came before.
    public var maxDelay: Duration

    /// Makes a policy; a `maxAttempts` below 1 counts as 1.
    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Error codes worth another try: the row lock is released, the server comes back.
    public static let retryableCodes: Set<String> = ["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION"]

    /// Whether an answered request is worth repeating: 500 and 503, or a transient code.
    public static func isRetryable(status: Int, errors: [SalesforceAPIError]) -> Bool {
        if status == 500 || status == 502 || status == 503 || status == 504 { return true }
        return errors.contains { retryableCodes.contains($0.errorCode) || isConcurrencyLimit($0) }
    }

    /// 403 `REQUEST_LIMIT_EXCEEDED` for too many concurrent long-running requests
    /// (`ConcurrentPerOrgLongTxn Limit exceeded`): it passes as soon as other requests finish,
    /// unlike the daily allocation (`TotalRequests Limit exceeded`), which passes as the rolling
    /// 24 hours move.
    public static func isConcurrencyLimit(_ error: SalesforceAPIError) -> Bool {
        error.errorCode == "REQUEST_LIMIT_EXCEEDED" && error.message.contains("Concurrent")
    }

    /// The wait before retry number `attempt` (1 for the first retry).
    public func delay(beforeRetry attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(attempt - 1, 20)
        let cap = min(maxDelay, baseDelay * (1 << exponent))
        let nanos = cap.components.seconds * 1_000_000_000 + cap.components.attoseconds / 1_000_000_000
        guard nanos > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanos, using: &random))
    }
}
