import Logging
import ServiceLifecycle
import SQLKit
import Synchronization
import RosterCore

/// Group commit for participant writes.
///
/// A registration must be durable before it is answered, and a durable commit costs an fsync
/// (about a millisecond here): one transaction per request would cap registrations near a
/// thousand a second. The writer instead runs every write that arrived while the previous
/// commit was in flight in one transaction, each in its own savepoint, so one bad write fails
/// alone and all the others share a single commit. Registrations (the hot path) go further:
/// a batch's upserts of one event run as bulk statements, exactly as an import does. Callers
/// are answered only after the commit, so an answered write survives a crash.
public final class ParticipantWriter: Service, Sendable {
    /// The most writes one transaction takes.
    public static let maxBatch = 512

    private struct Job: Sendable {
        /// Runs the write; returns what answers the caller once the batch commits.
        let attempt: @Sendable (any SQLDatabase) async throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Upsert: Sendable {
        let event: Event
        let draft: ParticipantDraft
        let continuation: CheckedContinuation<ParticipantRepository.UpsertOutcome, any Error>
    }

    private struct State {
        var jobs: [Job] = []
        var upserts: [Upsert] = []
        var closed = false
    }

    private let database: RosterDatabase
    private let participants: ParticipantRepository
    private let logger: Logger
    private let state = Mutex(State())
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Makes the writer; nothing is written until it runs as a service (``run()``).
    public init(database: RosterDatabase, participants: ParticipantRepository, logger: Logger) {
        self.database = database
        self.participants = participants
        self.logger = logger
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs `work` inside a shared transaction and returns its result once committed.
    ///
    /// `work` must only use the database it is given. If it throws, nothing it wrote is kept
    /// and the error is rethrown here.
    public func perform<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                attempt: { db in
                    let value = try await work(db)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            let accepted = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.jobs.append(job)
                return true
            }
            if accepted { wake.yield() } else { continuation.resume(throwing: StoreError.unavailable("Roster is shutting down; try again in a moment")) }
        }
    }

    /// Registers a participant (creates, or updates the one with that email) and returns once committed.
    ///
    /// - Throws: ``ValidationFailure`` for this draft alone; ``StoreError``.
    public func upsert(into event: Event, _ draft: ParticipantDraft) async throws -> ParticipantRepository.UpsertOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.upserts.append(Upsert(event: event, draft: draft, continuation: continuation))
                return true
            }
            if accepted { wake.yield() } else { continuation.resume(throwing: StoreError.unavailable("Roster is shutting down; try again in a moment")) }
        }
    }

    /// Commits batches until graceful shutdown, then finishes what was already queued.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakeUps { await drain() }
        } onGracefulShutdown: {
            self.state.withLock { $0.closed = true }
            self.wake.finish()
        }
        await drain()
    }

    private func drain() async {
        while true {
            let (upserts, jobs) = state.withLock { state -> ([Upsert], [Job]) in
                let upserts = Array(state.upserts.prefix(Self.maxBatch))
                state.upserts.removeFirst(upserts.count)
                let jobs = Array(state.jobs.prefix(Self.maxBatch - upserts.count))
                state.jobs.removeFirst(jobs.count)
                return (upserts, jobs)
            }
            if upserts.isEmpty && jobs.isEmpty { return }
            await commit(upserts, jobs)
        }
    }

    private func commit(_ upserts: [Upsert], _ jobs: [Job]) async {
        let failedJobs = Mutex(Set<Int>())
        let participants = self.participants
        do {
            // Every caller is answered after the transaction ends: successes only once committed.
            let answers = try await database.transaction { db -> [@Sendable () -> Void] in
                var answers: [@Sendable () -> Void] = []
                for (index, group) in Dictionary(grouping: upserts, by: \.event.id).values.enumerated() {
                    answers += try await Self.upsert(group, savepoint: "u\(index)", participants: participants, on: db)
                }
                for (index, job) in jobs.enumerated() {
                    if let answer = try await Self.attempt(job, savepoint: "w\(index)", on: db) {
                        answers.append(answer)
                    } else {
                        failedJobs.withLock { _ = $0.insert(index) }
                    }
                }
                return answers
            }
            Outbox.changesCommitted(in: database)
            for answer in answers { answer() }
        } catch {
            if error.isDatabaseUnavailable {
                database.availability.failed(error) // the outage is told once, not per batch
            } else {
                logger.error("a participant write batch failed to commit", metadata: ["error": "\(error)", "writes": "\(upserts.count + jobs.count)"])
            }
            for upsert in upserts { upsert.continuation.resume(throwing: error) }
            let answered = failedJobs.withLock { $0 }
            for (index, job) in jobs.enumerated() where !answered.contains(index) { job.fail(error) }
        }
    }

    /// How many times a write that lost a race with another process (the same email inserted,
    /// the same participant updated) is tried again, reading what is there now.
    static let raceAttempts = 3

    /// One event's upserts in bulk, in a savepoint. When another process wrote one of the same
    /// people meanwhile (an email inserted, a participant updated), the bulk statement fails as a
    /// whole: it is undone and the upserts go one by one, each reading what is there now, so one
    /// race costs nobody their write.
    private static func upsert(_ group: [Upsert], savepoint: String, participants: ParticipantRepository,
                               on db: any SQLDatabase) async throws -> [@Sendable () -> Void] {
        try await db.raw("SAVEPOINT \(unsafeRaw: savepoint)").run()
        do {
            let outcomes = try await participants.upsertBatch(into: group[0].event, group.map(\.draft), on: db)
            try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: savepoint)").run()
            return zip(group, outcomes).map { upsert, outcome in { upsert.continuation.resume(with: outcome.mapError { $0 as any Error }) } }
        } catch where error.isRace {
            try await db.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: savepoint)").run()
            try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: savepoint)").run()
        }
        // Each answer waits for the commit (a failed transaction answers everyone with its error).
        var answers: [@Sendable () -> Void] = []
        for (index, upsert) in group.enumerated() {
            let name = "\(savepoint)_\(index)"
            var failure: (any Error)?
            for attempt in 1...raceAttempts {
                try await db.raw("SAVEPOINT \(unsafeRaw: name)").run()
                do {
                    let outcome = try await participants.upsertBatch(into: upsert.event, [upsert.draft], on: db)[0]
                    try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
                    answers.append { upsert.continuation.resume(with: outcome.mapError { $0 as any Error }) }
                    failure = nil
                    break
                } catch {
                    try await db.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: name)").run()
                    try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
                    failure = error
                    if !(error.isRace && attempt < raceAttempts) { break }
                }
            }
            if let failure { answers.append { upsert.continuation.resume(throwing: failure) } }
        }
        return answers
    }

    /// Runs one job in its own savepoint; a failed job is answered at once and leaves no trace.
    /// - Returns: the job's answer, or `nil` when it failed.
    private static func attempt(_ job: Job, savepoint: String, on db: any SQLDatabase) async throws -> (@Sendable () -> Void)? {
        // Another Roster process may have written the same person meanwhile: read again, try again.
        for attempt in 1...raceAttempts {
            try await db.raw("SAVEPOINT \(unsafeRaw: savepoint)").run()
            do {
                let answer = try await job.attempt(db)
                try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: savepoint)").run()
                return answer
            } catch {
                try await db.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: savepoint)").run()
                try await db.raw("RELEASE SAVEPOINT \(unsafeRaw: savepoint)").run()
                if error.isRace && attempt < raceAttempts { continue }
                job.fail(error)
                return nil
            }
        }
        return nil
    }
}

extension Error {
    /// Lost a race with another writer: the same email inserted, or the same participant updated,
    /// since this write read them. Reading again and writing again resolves it.
    var isRace: Bool {
        if isUniqueViolation || isDeadlock { return true }
        if case StoreError.versionConflict? = self as? StoreError { return true }
        return false
    }
}
