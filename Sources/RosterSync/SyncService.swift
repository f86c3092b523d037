import Foundation
import Logging
import RosterMetrics
import RosterConnector
import RosterStore
import ServiceLifecycle

/// The sync workers, as one `Service`: forced runs one after another, paused runs retried as
/// the budget allows, and the live sync that drains the outbox. Runs left unfinished by a
/// crash or a restart are picked up at start.
public final class SyncService: Service, Sendable {
    let engine: SyncEngine
    let repository: SyncRepository
    let logger: Logger
    /// How long changes are left to gather after the commit that wakes the live sync, so the
    /// writes of one moment (a group commit, a few check-ins) leave in one batch.
    let window: Duration
    /// How often runs paused by the API budget are tried again.
    let pausedRetry: Duration
    private let queue: AsyncStream<SyncRun>
    private let continuation: AsyncStream<SyncRun>.Continuation

    /// Makes the service; `window` is how long changes gather before a live sync, `pausedRetry` how
    /// often runs paused by the API budget are tried again.
    public init(engine: SyncEngine, repository: SyncRepository, logger: Logger, window: Duration = .milliseconds(10),
                pausedRetry: Duration = .seconds(60)) {
        self.engine = engine
        self.pausedRetry = pausedRetry
        self.repository = repository
        self.logger = logger
        self.window = window
        (queue, continuation) = AsyncStream.makeStream(of: SyncRun.self)
    }

    /// Queues a forced sync; it runs in the background, its progress readable by id. A run of
    /// the event paused by the API budget is resumed instead of starting over.
    public func enqueue(eventId: String, dryRun: Bool, startedBy: String? = nil) async throws -> SyncRun {
        if var paused = try await repository.unfinishedRuns().first(where: { $0.eventId == eventId && $0.state == .paused && $0.dryRun == dryRun }) {
            paused.state = .queued
            try await repository.save(paused)
            continuation.yield(paused)
            return paused
        }
        let run = try await engine.queueRun(eventId: eventId, dryRun: dryRun, startedBy: startedBy)
        continuation.yield(run)
        return run
    }

    /// Runs the workers until graceful shutdown: forced runs (unfinished ones first), the live sync,
    /// the retry of paused runs and their resumption when a connection comes back.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.runForcedSyncs() }
                group.addTask { await self.runLiveSync() }
                group.addTask { await self.retryPausedRuns() }
                group.addTask { await self.resumeOnConnection() }
            }
        }
        continuation.finish()
    }

    private func runForcedSyncs() async {
        if let unfinished = try? await repository.unfinishedRuns() {
            // Paused runs too: a restart is a good moment to see whether what they wait for has passed;
            // one that still cannot go on pauses again at its first call.
            for run in unfinished { continuation.yield(run) }
        }
        for await run in queue {
            guard !Task.isCancelled else { break }
            do { try await engine.execute(run) } catch { logger.error("a forced sync could not run", metadata: ["run": "\(run.id)", "error": "\(error)"]) }
        }
    }

    /// Paused runs (API budget) are tried again every `pausedRetry` (a minute by default); a run
    /// pauses again at its first call if the budget still forbids it.
    private func retryPausedRuns() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: pausedRetry) } catch { return }
            for run in (try? await repository.unfinishedRuns()) ?? [] where run.state == .paused {
                continuation.yield(run)
            }
        }
    }

    /// Runs paused for a lost connection go on as soon as the event is connected again.
    private func resumeOnConnection() async {
        for await eventId in engine.connectors.connections {
            guard !Task.isCancelled else { return }
            for run in (try? await repository.unfinishedRuns()) ?? [] where run.eventId == eventId && run.state == .paused {
                continuation.yield(run)
            }
        }
    }

    /// How often an event whose connection is down is looked at again.
    static let connectionRecheck: Duration = .seconds(1)

    /// How long the live sync waits for a commit before it looks at the outbox anyway: changes
    /// another process wrote (several `serve` on one PostgreSQL) are found within this.
    static let fallbackPoll: Duration = .seconds(5)

    /// The least time between the starts of two rounds of the live sync. A change after a quiet
    /// moment leaves at once; under a stream of writes (registrations, an import) rounds come at
    /// this pace, each taking everything committed since, so the outbox's bookkeeping does not
    /// compete with the writes for the single writer connection (one round per commit cost a
    /// fifth of the registrations' rate).
    static let minimumRoundInterval: Duration = .milliseconds(100)

    /// Drains the outbox: woken by each commit that logged changes (``Outbox/waitForChanges(upTo:)``),
    /// it syncs each event with pending changes under the event's lease. Changes committed while a
    /// sync is in flight make the next batch, so a burst costs a few calls, not one per person;
    /// an event that fails waits longer before the next try. An idle server runs no query but the
    /// fallback poll.
    private func runLiveSync() async {
        var retryAt: [String: ContinuousClock.Instant] = [:]
        var delays: [String: Duration] = [:]
        let clock = ContinuousClock()
        let outbox = repository.outbox
        // At start, changes a previous process left are looked at at once.
        var lookAgain = true
        var lastRound = clock.now.advanced(by: .zero - Self.minimumRoundInterval)
        while !Task.isCancelled {
            if !lookAgain {
                let nextRetry = retryAt.values.min().map { max(.zero, clock.now.duration(to: $0)) } ?? Self.fallbackPoll
                await outbox.waitForChanges(upTo: min(nextRetry, Self.fallbackPoll))
            }
            // Changes committed within the window join this batch; rounds keep their pace.
            let pace = clock.now.duration(to: lastRound.advanced(by: Self.minimumRoundInterval))
            do { try await Task.sleep(for: max(window, pace)) } catch { return }
            lastRound = clock.now
            lookAgain = false
            guard !Task.isCancelled, let events = try? await outbox.eventsWithPendingChanges() else { continue }
            RosterMetrics.liveQueue(events: events.count, lagSeconds: events.isEmpty ? 0 : ((try? await outbox.oldestPendingAge()) ?? 0))
            for eventId in events where (retryAt[eventId].map { $0 <= clock.now } ?? true) {
                do {
                    switch try await engine.syncPendingChanges(eventId: eventId) {
                    case nil:
                        // A forced run holds the event: its changes go once it is done.
                        retryAt[eventId] = clock.now.advanced(by: Self.connectionRecheck)
                        continue
                    case let count? where count > 0:
                        RosterMetrics.liveSynced(count)
                        // More may have come meanwhile, or been left past one batch.
                        lookAgain = true
                    default: break
                    }
                    retryAt[eventId] = nil
                    delays[eventId] = nil
                } catch is LiveSyncWaiting {
                    // Nothing lost: the changes stay pending; the connection is looked at again soon,
                    // so they leave within moments of a new login.
                    retryAt[eventId] = clock.now.advanced(by: Self.connectionRecheck)
                } catch {
                    if Task.isCancelled { return } // shutting down: the changes stay pending for the next start
                    let delay = min((delays[eventId] ?? .milliseconds(500)) * 2, .seconds(60))
                    delays[eventId] = delay
                    retryAt[eventId] = clock.now.advanced(by: delay)
                    logger.warning("live sync failed; retrying later", metadata: ["event": "\(eventId)", "error": "\(error)", "retryIn": "\(delay)"])
                }
            }
        }
    }
}
