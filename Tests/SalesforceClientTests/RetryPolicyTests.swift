import SalesforceClient
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("transient failures are retryable, the others are not")
    func classification() {
        #expect(RetryPolicy.isRetryable(status: 503, errors: []))
        #expect(RetryPolicy.isRetryable(status: 500, errors: []))
        #expect(RetryPolicy.isRetryable(status: 400, errors: [SalesforceAPIError(errorCode: "UNABLE_TO_LOCK_ROW", message: "")]))
        #expect(!RetryPolicy.isRetryable(status: 400, errors: [SalesforceAPIError(errorCode: "REQUIRED_FIELD_MISSING", message: "")]))
        #expect(!RetryPolicy.isRetryable(status: 403, errors: [SalesforceAPIError(errorCode: "REQUEST_LIMIT_EXCEEDED", message: "")]))
    }

    @Test("back-off grows exponentially with full jitter, capped")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        var random = SystemRandomNumberGenerator()
        for attempt in 1...6 {
            let cap = min(Duration.seconds(1), .milliseconds(100) * (1 << (attempt - 1)))
            for _ in 0..<50 {
                let delay = policy.delay(beforeRetry: attempt, using: &random)
                #expect(delay >= .zero && delay <= cap)
            }
        }
    }

    @Test("a PKCE challenge is base64url(SHA-256(verifier)), RFC 7636 appendix B")
    func pkce() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.generate().verifier.count == 43)
    }
}
