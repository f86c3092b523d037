import Hummingbird
import RosterStore

/// Runs reads (GET and HEAD: pages, lists, exports' first bytes) on the database's
/// ``ReadThreads``, below the CPU priority of writes, so back-office readers paging a
/// 100,000-person grid cannot slow the registrations and check-ins of the event's door. The
/// health check and the metrics stay at the default priority: a probe must answer when the CPU
/// is busy.
struct ReadPriorityMiddleware<Context: RequestContext>: RouterMiddleware {
    let readThreads: ReadThreads

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head,
              request.uri.path != "/healthz", request.uri.path != "/metrics" else {
            return try await next(request, context)
        }
        return try await withTaskExecutorPreference(readThreads) { try await next(request, context) }
    }
}
