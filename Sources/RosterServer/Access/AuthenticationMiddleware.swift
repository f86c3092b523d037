import Foundation
import HTTPTypes
import Hummingbird
import RosterCore
import RosterStore
import RosterWeb
import SQLiteReader
import Synchronization

/// Who is calling, on every route of the API group: `Authorization: Bearer <token>` with a token
/// that is neither revoked nor expired, or a back-office session (the pages' scripts) whose CSRF
/// token comes with every request that changes something. Anyone else gets 401. The router runs
/// it for the routes of its group only, so no spelling of a path can go around it.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenRepository
    let usage: TokenUsage
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let caller: Caller
        if request.headers[.authorization] == nil, let session = BackOfficeSession.current {
            let safe = request.method == .get || request.method == .head
            guard safe || ConstantTime.equals(request.headers[Self.csrfHeader], session.csrfToken) else {
                throw APIError(.forbidden, "csrf_token_invalid", "this request needs the page's CSRF token in the \(BackOfficeSession.csrfHeader) header; reload the page")
            }
            caller = Caller(name: session.email, access: session.access)
        } else {
            caller = try await bearer(request)
        }
        return try await Caller.$current.withValue(caller) { try await next(request, context) }
    }

    private func bearer(_ request: Request) async throws -> Caller {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthorized", "this route needs an 'Authorization: Bearer <token>' header; create a token with 'roster token create --name NAME'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIError(.unauthorized, "unauthorized", "the Authorization header must be 'Bearer <token>'")
        }
        // Looked up on every request (one indexed read on a read connection), so a token revoked
        // by another process, or expired a second ago, is refused at once. In the foreground lane:
        // a registration's own lookup must not queue behind the grid pages that yield to it.
        let given = String(parts[1]).trimmed()
        guard let token = try await ReadLane.$current.withValue(.foreground, operation: { try await tokens.verify(given) }) else {
            throw APIError(.unauthorized, "unauthorized", "this API token is not valid, revoked or expired; 'roster token list' shows the tokens, 'roster token create --name NAME' makes one")
        }
        let time = now()
        if usage.shouldRecord(token.name, at: time) { try await tokens.markUsed(name: token.name, at: time) }
        return Caller(name: token.name, access: token.access)
    }

    static var csrfHeader: HTTPField.Name { HTTPField.Name(BackOfficeSession.csrfHeader)! }
}

/// When each token's use was last written: `last used` is kept to the minute, so a busy client
/// costs one write a minute, not one per request.
final class TokenUsage: Sendable {
    private let written = Mutex([String: Date]())
    private let interval: TimeInterval

    init(interval: TimeInterval = 60) { self.interval = interval }

    /// Whether this use should be written (and notes it as written).
    func shouldRecord(_ name: String, at time: Date) -> Bool {
        written.withLock { written in
            if let last = written[name], time.timeIntervalSince(last) < interval { return false }
            if written.count > 10_000 { written.removeAll(keepingCapacity: true) }
            written[name] = time
            return true
        }
    }
}
