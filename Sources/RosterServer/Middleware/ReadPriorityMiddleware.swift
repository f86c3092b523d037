import Hummingbird
import RosterStore
import SQLiteReader
import Synchronization

/// Runs reads (GET and HEAD: pages, lists, exports' first bytes) in a ``ReadLane``: while a
/// write (any other method) is in flight, on the database's background ``ReadThreads``, below
/// the CPU priority of writes, so back-office readers paging a 100,000-person grid cannot slow the
/// registrations and check-ins of the event's door; while none is, on its foreground threads at
/// the default priority, so other processes on the machine do not preempt them at will either.
/// The health check and the metrics stay where they are: a probe must answer when the CPU is busy.
struct ReadPriorityMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Below writes.
    let readThreads: ReadThreads
    /// At the default priority; `nil`: such reads run where the request does.
    let foregroundThreads: ReadThreads?
    private let writes = WritesInFlight()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path != "/healthz", request.uri.path != "/metrics" else { return try await next(request, context) }
        guard request.method == .get || request.method == .head else {
            writes.begin()
            defer { writes.end() }
            return try await next(request, context)
        }
        let lane = writes.lane
        return try await ReadLane.$current.withValue(lane) {
            guard let threads = lane == .background ? readThreads : foregroundThreads else { return try await next(request, context) }
            return try await withTaskExecutorPreference(threads) { try await next(request, context) }
        }
    }
}

/// How many write requests are being handled, for the lane of the reads that start meanwhile.
final class WritesInFlight: Sendable {
    private let count = Atomic<Int>(0)

    func begin() { count.add(1, ordering: .relaxed) }
    func end() { count.subtract(1, ordering: .relaxed) }

    /// Background while any write is in flight, foreground otherwise.
    var lane: ReadLane { count.load(ordering: .relaxed) > 0 ? .background : .foreground }
}
