import Foundation
import NIOPosix

/// Threads for work that only reads, at a CPU priority of their own: the SQLite read connections
/// run their statements here, and a request handled under `withTaskExecutorPreference(readThreads)`
/// decodes, encodes and renders here too. The database keeps two sets, one per ``ReadLane``: the
/// background one below the rest of the server (nice 19), so that while registrations and
/// check-ins are in flight they go first and a crowd of back-office readers takes what is left;
/// the foreground one at the default priority, for reads while no write is.
///
/// The priority is a nice value set on each of these threads: on Linux it is a per-thread
/// attribute (setpriority(2), section "Bugs"), so no other thread of the process changes.
/// Swift has no thread pool that is also a `TaskExecutor` among this project's packages (NIO's
/// `NIOThreadPool` is not one), hence this small adapter over it.
public final class ReadThreads: TaskExecutor, Sendable {
    private let pool: NIOThreadPool
    /// Set on each of the threads: how work tells it already runs on one of them.
    private let member = ThreadSpecificVariable<Member>()
    /// The nice value of the threads (0 is the default; 19 the lowest priority).
    public let niceness: Int32

    /// Starts `count` threads, each at `niceness`, and returns once every one of them has it.
    public init(count: Int, niceness: Int32 = 19) {
        self.niceness = niceness
        pool = NIOThreadPool(numberOfThreads: count)
        pool._start(threadNamePrefix: "roster-read-")
        // One job per thread: each holds its thread until all have started, so every thread
        // runs exactly one and none is left at the default priority.
        let arrived = DispatchGroup()
        for _ in 0..<count { arrived.enter() }
        let member = self.member
        for _ in 0..<count {
            pool.submit { _ in
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
                member.currentValue = Member()
                arrived.leave()
                arrived.wait()
            }
        }
        arrived.wait()
    }

    /// Whether the caller runs on one of these threads.
    var isCurrent: Bool { member.currentValue != nil }

    /// Runs blocking `work` on one of these threads: right here when the caller already is on one
    /// (a request under `withTaskExecutorPreference(self)`: no hand-off, no wake-up), otherwise
    /// handed to one and awaited.
    func perform<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        if isCurrent { return try work() }
        return try await pool.runIfActive(work)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // A pool that has shut down runs the item at once, on this thread, as cancelled: the
        // job still runs, so no task is left waiting forever.
        pool.submit { _ in job.runSynchronously(on: executor) }
    }

    private final class Member: Sendable {}

    /// Stops the threads once the work already submitted has run.
    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
