import Foundation
import Logging

/// A REST client for one Salesforce connection: one connected app, one user's tokens, one API
/// version. It renews the session itself, retries what Salesforce documents as transient, keeps
/// the org's API usage from every response, and caches describe results.
///
/// It knows nothing of Roster: the caller hears about renewed tokens and a broken connection
/// through ``SessionHooks`` and decides what to store.
public final class SalesforceClient: Sendable {
    /// How a session is renewed once the access token expires.
    public enum Renewal: Sendable {
        /// The refresh-token grant (web-server flow), with the refresh token the session holds
        /// last (this one at first; with Refresh Token Rotation, each renewal brings a new one).
        case refreshToken(String)
        /// A new client-credentials login (that flow has no refresh token).
        case clientCredentials
        /// The caller renews: given the tokens Salesforce refused, it answers new ones, from
        /// wherever it keeps them (another process may have renewed them meanwhile). A
        /// ``SalesforceFailure`` it throws counts as Salesforce's; any other error as passing.
        case delegated(@Sendable (SalesforceTokens) async throws -> SalesforceTokens)
        /// No renewal: an expired session is a broken connection.
        case none
    }

    /// Told when the session changes, so the caller can keep the tokens (encrypted) and show
    /// the connection's health.
    public struct SessionHooks: Sendable {
        /// Called with the new tokens after each renewal.
        public var renewed: @Sendable (SalesforceTokens) async -> Void
        /// Called once, when the connection breaks: Salesforce refused the renewal grant or the
        /// renewed session.
        public var broken: @Sendable (SalesforceFailure) async -> Void
        /// Called after each attempt of a REST request (each retry too), so the caller can show
        /// within moments that Salesforce is failing, and that it works again.
        public var attempted: @Sendable (Attempt) async -> Void

        /// Makes hooks; one left out does nothing.
        public init(renewed: @escaping @Sendable (SalesforceTokens) async -> Void = { _ in },
                    broken: @escaping @Sendable (SalesforceFailure) async -> Void = { _ in },
                    attempted: @escaping @Sendable (Attempt) async -> Void = { _ in }) {
            self.renewed = renewed
            self.broken = broken
            self.attempted = attempted
        }
    }

    /// How one attempt of a request ended.
    public enum Attempt: Sendable, Hashable {
        /// Salesforce answered: a success, or an error that is the request's own (not a passing one).
        case answered
        /// The attempt failed for a passing reason, and is retried (or the request fails after its
        /// last try). `reachable` is false when nothing came back or Salesforce answered 503.
        case failed(reason: String, reachable: Bool)
    }

    /// A recent version; the connector can ask for another.
    public static let defaultAPIVersion = "62.0"
    /// Salesforce refuses a request line plus headers over 16,384 bytes (help article
    /// 000386264); past this many bytes of URL, a query travels in a Composite body instead.
    public static let maxURLBytes = 12_000

    /// The connected app and login host the session belongs to.
    public let app: OAuthApp
    /// The REST API version, e.g. `62.0` (without the `v`).
    public let apiVersion: String
    let transport: any HTTPTransport
    let oauth: OAuthClient
    let retry: RetryPolicy
    let timeout: Duration
    let session: Session
    let logger: Logger

    /// Makes a client for a session already logged in: `tokens` are used until refused, then
    /// `renewal` says how to get new ones. Nothing is sent until the first request.
    public init(
        app: OAuthApp, tokens: SalesforceTokens, renewal: Renewal, apiVersion: String = SalesforceClient.defaultAPIVersion,
        transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(120),
        hooks: SessionHooks = SessionHooks(), logger: Logger = Logger(label: "roster.salesforce")
    ) {
        self.app = app
        self.apiVersion = apiVersion
        self.transport = transport
        self.oauth = OAuthClient(transport: transport)
        self.retry = retry
        self.timeout = timeout
        self.logger = logger
        session = Session(tokens: tokens, renewal: renewal, hooks: hooks)
    }

    /// The tokens in use now.
    public var tokens: SalesforceTokens { get async { await session.tokens } }

    /// The org's API usage as the last response reported it; `nil` before the first call.
    public var apiUsage: APIUsage? { get async { await session.usage } }

    /// REST calls this client made that Salesforce counted (token requests are free).
    public var callCount: Int { get async { await session.calls } }

    /// `/services/data/vNN.N`.
    public var dataPath: String { "/services/data/v\(apiVersion)" }

    // MARK: Sending

    /// One REST request. `path` is either under the data path (`/sobjects/Lead`) or absolute
    /// (`/services/data/v62.0/query/01g…`, as `nextRecordsUrl` gives it).
    public struct Request: Sendable {
        /// The HTTP method, e.g. `GET`, `POST` or `PATCH`.
        public var method: String
        /// The path, as the type describes, with any query string.
        public var path: String
        /// The JSON body, or `nil` for none.
        public var body: SalesforceValue?
        /// Extra headers (e.g. `Sforce-Duplicate-Rule-Header`), sent after the `Authorization`,
        /// `Accept` and `Content-Type` the client sets itself.
        public var headers: [(String, String)]
        /// Safe to send twice: reads, and composite requests made only of queries.
        public var isIdempotent: Bool

        /// Makes a request; `isIdempotent` defaults to true for `GET` and `HEAD` only.
        public init(method: String, path: String, body: SalesforceValue? = nil, headers: [(String, String)] = [], isIdempotent: Bool? = nil) {
            self.method = method
            self.path = path
            self.body = body
            self.headers = headers
            self.isIdempotent = isIdempotent ?? (method == "GET" || method == "HEAD")
        }
    }

    /// Sends a request: renews an expired session once, retries transient failures with
    /// back-off, and never repeats a write whose answer was lost (``SalesforceFailure/outcomeUnknown(_:)``).
    ///
    /// - Returns: the status and the JSON body (`.null` when empty) of a 2xx answer.
    public func send(_ request: Request) async throws(SalesforceFailure) -> (status: Int, body: SalesforceValue) {
        let body = try request.body.map { value throws(SalesforceFailure) in try SalesforceJSON.encode(value) }
        var random = SystemRandomNumberGenerator()
        var attempt = 1
        // A session renewed and still refused is renewed once more (the new token may not have
        // reached every server yet) before the connection is called broken.
        var renewals = 0
        while true {
            let tokens = await session.tokens
            let path = request.path.hasPrefix("/services/") ? request.path : dataPath + request.path
            var headers = [("Authorization", "Bearer \(tokens.accessToken)"), ("Accept", "application/json")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            headers += request.headers
            let exchange = HTTPExchange(method: request.method, url: tokens.instanceURL + path, headers: headers, body: body)

            let reply: HTTPReply
            do {
                reply = try await transport.send(exchange, timeout: timeout)
            } catch {
                let (sent, reason): (Bool, String) = switch error {
                case .notSent(let reason): (false, reason)
                case .noAnswer(let reason): (true, reason)
                case .hostNotAllowed(let reason): throw .hostNotAllowed(reason)
                }
                await session.hooks.attempted(.failed(reason: reason, reachable: false))
                if sent && !request.isIdempotent {
                    throw .outcomeUnknown("\(request.method) \(path): \(reason)")
                }
                if attempt < retry.maxAttempts {
                    try await pause(beforeRetry: attempt, &random, why: reason, path: path)
                    attempt += 1
                    continue
                }
                throw .unreachable("\(request.method) \(path) after \(attempt) tries: \(reason)")
            }

            if let header = reply.header("Sforce-Limit-Info"), let usage = APIUsage(limitInfoHeader: header) {
                await session.observe(usage)
            }
            if (200..<300).contains(reply.status) {
                await session.hooks.attempted(.answered)
                let value = reply.body.isEmpty ? SalesforceValue.null
                    : try SalesforceJSON.decode(SalesforceValue.self, from: reply.body, what: "\(request.method) \(path)")
                return (reply.status, value)
            }
            let errors = Self.errors(in: reply)
            if reply.status == 401, renewals < 2, errors.contains(where: { $0.errorCode == "INVALID_SESSION_ID" }) || errors.isEmpty {
                if renewals > 0 { try await pause(beforeRetry: renewals, &random, why: "the renewed session was refused", path: path) }
                renewals += 1
                _ = try await session.renew(after: tokens, oauth: oauth, app: app, retry: retry, logger: logger)
                continue
            }
            if reply.status == 401 {
                let failure = SalesforceFailure.connectionBroken("Salesforce refused the renewed session (\(errors.first?.message ?? "401"))")
                await session.markBroken(failure)
                throw failure
            }
            let passing = RetryPolicy.isRetryable(status: reply.status, errors: errors)
            await session.hooks.attempted(passing ? .failed(reason: Self.reason(errors, status: reply.status), reachable: reply.status != 503) : .answered)
            if passing, attempt < retry.maxAttempts {
                try await pause(beforeRetry: attempt, &random, why: errors.first?.errorCode ?? "HTTP \(reply.status)", path: path)
                attempt += 1
                continue
            }
            throw .api(status: reply.status, errors: errors)
        }
    }

    /// Waits as the client does before its own retry number `attempt` (back-off with full
    /// jitter), for work the caller repeats itself: records a collection answered as failed for a
    /// transient reason (`UNABLE_TO_LOCK_ROW`) while the request itself succeeded.
    public func backOff(beforeRetry attempt: Int, why: String) async throws(SalesforceFailure) {
        var random = SystemRandomNumberGenerator()
        try await pause(beforeRetry: attempt, &random, why: why, path: "records")
    }

    private func pause(beforeRetry attempt: Int, _ random: inout SystemRandomNumberGenerator, why: String, path: String) async throws(SalesforceFailure) {
        let delay = retry.delay(beforeRetry: attempt, using: &random)
        logger.debug("retrying a Salesforce request", metadata: ["path": "\(path)", "attempt": "\(attempt + 1)", "reason": "\(why)"])
        do { try await Task.sleep(for: delay) } catch { throw .unreachable("cancelled while waiting to retry \(path)") }
    }

    /// A failed answer in a line: Salesforce's first error code and message.
    static func reason(_ errors: [SalesforceAPIError], status: Int) -> String {
        guard let first = errors.first else { return "HTTP \(status)" }
        return "\(first.errorCode): \(first.message)"
    }

    /// The error array of a failed REST response (Salesforce's documented shape), or one made
    /// from the status when the body is something else (a proxy's page, an empty 503).
    static func errors(in reply: HTTPReply) -> [SalesforceAPIError] {
        if let errors = try? JSONDecoder().decode([SalesforceAPIError].self, from: Data(reply.body)) { return errors }
        if let error = try? JSONDecoder().decode(SalesforceAPIError.self, from: Data(reply.body)) { return [error] }
        let code = reply.status == 503 ? "SERVER_UNAVAILABLE" : reply.status == 401 ? "INVALID_SESSION_ID" : "HTTP_\(reply.status)"
        // Salesforce's code and message only: a body that is not Salesforce's error JSON is not echoed.
        return [SalesforceAPIError(errorCode: code, message: "Salesforce answered HTTP \(reply.status) without an error in its documented form")]
    }
}

/// The mutable side of a connection: tokens (renewed at most once at a time), the last API
/// usage seen, and the describe cache.
actor Session {
    private(set) var tokens: SalesforceTokens
    private let renewal: SalesforceClient.Renewal
    nonisolated let hooks: SalesforceClient.SessionHooks
    private var renewing: Task<Result<SalesforceTokens, SalesforceFailure>, Never>?
    private(set) var usage: APIUsage?
    private(set) var calls = 0
    var describes: [String: SObjectDescribe] = [:]
    private var isBroken = false

    init(tokens: SalesforceTokens, renewal: SalesforceClient.Renewal, hooks: SalesforceClient.SessionHooks) {
        self.tokens = tokens
        self.renewal = renewal
        self.hooks = hooks
    }

    func observe(_ usage: APIUsage) {
        self.usage = usage
        calls += 1
    }

    func cache(_ describe: SObjectDescribe, for key: String) { describes[key] = describe }
    func cachedDescribe(_ key: String) -> SObjectDescribe? { describes[key] }

    func markBroken(_ failure: SalesforceFailure) async {
        guard !isBroken else { return }
        isBroken = true
        await hooks.broken(failure)
    }

    /// New tokens after `stale` was refused; concurrent callers share one renewal.
    ///
    /// A renewal that fails for a passing reason (the login host out of reach or answering 5xx)
    /// is tried again with back-off, and if it still fails the connection is left as it is: only
    /// Salesforce refusing the grant (`invalid_grant`, a revoked app) breaks it.
    func renew(after stale: SalesforceTokens, oauth: OAuthClient, app: OAuthApp, retry: RetryPolicy, logger: Logger) async throws(SalesforceFailure) -> SalesforceTokens {
        if tokens.accessToken != stale.accessToken { return tokens }
        if let renewing { return try await renewing.value.get() }
        let renewal = self.renewal
        // With Refresh Token Rotation the token to present is the last one Salesforce answered.
        let latestRefresh = tokens.refreshToken
        let task = Task { () -> Result<SalesforceTokens, SalesforceFailure> in
            var random = SystemRandomNumberGenerator()
            var attempt = 1
            while true {
                do throws(SalesforceFailure) {
                    switch renewal {
                    case .refreshToken(let refresh): return .success(try await oauth.refresh(refreshToken: latestRefresh ?? refresh, app: app))
                    case .clientCredentials: return .success(try await oauth.clientCredentials(app: app))
                    case .delegated(let renew):
                        do { return .success(try await renew(stale)) } catch let failure as SalesforceFailure { throw failure } catch {
                            throw .outcomeUnknown("the renewed session could not be kept: \(error)")
                        }
                    case .none: return .failure(.connectionBroken("the session expired and this connection cannot renew it"))
                    }
                } catch {
                    guard Self.isPassing(error) else { return .failure(error) }
                    guard attempt < retry.maxAttempts else { return .failure(.unreachable("the session could not be renewed after \(attempt) tries: \(error)")) }
                    logger.notice("renewing the Salesforce session failed; trying again", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                    try? await Task.sleep(for: retry.delay(beforeRetry: attempt, using: &random))
                    attempt += 1
                }
            }
        }
        renewing = task
        let result = await task.value
        renewing = nil
        switch result {
        case .success(let fresh):
            tokens = fresh
            isBroken = false
            logger.info("renewed the Salesforce session")
            await hooks.renewed(fresh)
            return fresh
        case .failure(let failure):
            if Self.isPassing(failure) { throw failure }
            let broken: SalesforceFailure = if case .connectionBroken = failure { failure } else {
                .connectionBroken("Salesforce refused to renew the session (\(failure.errorCode ?? "\(failure)"))")
            }
            await markBroken(broken)
            throw broken
        }
    }

    /// A renewal failure that may pass: the login host unreachable, its answer lost or unreadable,
    /// or a 5xx from it. A 4xx OAuth error (`invalid_grant`, `invalid_client_id`) is Salesforce's
    /// refusal and does not pass by waiting.
    static func isPassing(_ failure: SalesforceFailure) -> Bool {
        switch failure {
        case .unreachable, .outcomeUnknown, .invalidResponse: true
        case .oauth(let status, _, _): status >= 500 || status == 429
        default: false
        }
    }
}
