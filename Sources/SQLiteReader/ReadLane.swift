/// Which of the database's two sets of read threads a read runs on: the request path decides
/// (``ReadLane/current``, a task-local value), the database follows it.
///
/// Reads yield the CPU to writes only while there are writes: a page read while registrations or
/// check-ins are in flight runs on the background threads (nice 19, see ``ReadThreads``), below
/// them; a page read while none are runs on the foreground threads, at the default priority,
/// where no other process on the machine (a load generator, a backup) preempts it at will.
public enum ReadLane: Sendable, Hashable {
    /// The default priority: no write is waiting for the CPU.
    case foreground
    /// Below writes: registrations and check-ins go first.
    case background

    /// The lane of the reads the current task makes. Outside a request (services, commands) reads
    /// stay in the background, below any write.
    @TaskLocal public static var current: ReadLane = .background
}
