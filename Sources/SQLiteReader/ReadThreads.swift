import Foundation
import NIOPosix
import Synchronization

/// Threads for work that only reads, at a CPU priority of their own: the SQLite read connections
/// run their statements here, and a request handled under `withTaskExecutorPreference(readThreads)`
/// decodes, encodes and renders here too. The database keeps two sets, one per ``ReadLane``: the
/// background one below the rest of the server (nice 19), so that while registrations and
/// check-ins are in flight they go first and a crowd of back-office readers takes what is left;
/// the foreground one at the process's own priority, for reads while no write is.
///
/// The priority is a nice value set on each of these threads: on Linux it is a per-thread
/// attribute (setpriority(2), section "Bugs"), so no other thread of the process changes.
/// Elsewhere (macOS sets it for the whole process) the threads keep the process's priority.
/// Swift has no thread pool that is also a `TaskExecutor` among this project's packages (NIO's
/// `NIOThreadPool` is not one), hence this small adapter over it.
public final class ReadThreads: TaskExecutor, Sendable {
    private let pool: NIOThreadPool
    /// Set on each of the threads to the set they belong to: how work tells it already runs on
    /// one of them. One key for the process (a process has at most 1,024, and every store
    /// opened, in tests a great many, would otherwise take one for good).
    private static let member = ThreadSpecificVariable<Member>()
    /// Whether the threads run below the rest of the process: `false` when they were asked not
    /// to, or when the system refused (a process already at the lowest priority, or not Linux).
    public let belowProcess: Bool

    /// Starts `count` threads and returns once every one of them runs at its priority: the lowest
    /// (nice 19) when `lowerPriority`, the process's own otherwise.
    public init(count: Int, lowerPriority: Bool = true) {
        pool = NIOThreadPool(numberOfThreads: count)
        pool.start()
        // One job per thread: each holds its thread until all have started, so every thread
        // runs exactly one and none is left at the process's priority.
        let arrived = DispatchGroup()
        for _ in 0..<count { arrived.enter() }
        let member = Self.member
        let identity = ObjectIdentifier(pool)
        let lowered = Mutex(0)
        for _ in 0..<count {
            pool.submit { _ in
                if lowerPriority, Self.lowerCurrentThread() { lowered.withLock { $0 += 1 } }
                member.currentValue = Member(identity)
                arrived.leave()
                arrived.wait()
            }
        }
        arrived.wait()
        belowProcess = lowered.withLock { $0 } == count
    }

    /// Sets the calling thread to nice 19; `true` when that lowered it.
    private static func lowerCurrentThread() -> Bool {
        #if os(Linux)
        guard let before = currentNiceness, before < 19 else { return false }
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19) == 0
        #else
        return false
        #endif
    }

    /// The nice value of the calling thread (Linux keeps one per thread); `nil` where the
    /// system does not say, or has no per-thread value.
    public static var currentNiceness: Int32? {
        #if os(Linux)
        errno = 0
        let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? value : nil
        #else
        return nil
        #endif
    }

    /// Whether the caller runs on one of these threads.
    var isCurrent: Bool { Self.member.currentValue?.threads == ObjectIdentifier(pool) }

    /// Runs blocking `work` on one of these threads: right here when the caller already is on one
    /// (a request under `withTaskExecutorPreference(self)`: no hand-off, no wake-up), otherwise
    /// handed to one and awaited.
    func perform<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        if isCurrent { return try work() }
        return try await pool.runIfActive(work)
    }

    /// Runs a task's job on one of the threads (`TaskExecutor`); after shutdown it runs at once, on
    /// the caller's thread, as cancelled.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // A pool that has shut down runs the item at once, on this thread, as cancelled: the
        // job still runs, so no task is left waiting forever.
        pool.submit { _ in job.runSynchronously(on: executor) }
    }

    private final class Member: Sendable {
        let threads: ObjectIdentifier
        init(_ threads: ObjectIdentifier) { self.threads = threads }
    }

    /// Stops the threads once the work already submitted has run.
    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
