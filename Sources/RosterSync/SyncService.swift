import Foundation
import Logging
import Metrics
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
    /// How long live changes are left to gather before a sync (a burst becomes one batch).
    let window: Duration
    /// How often runs paused by the API budget are tried again.
    let pausedRetry: Duration
    private let queue: AsyncStream<SyncRun>
    private let continuation: AsyncStream<SyncRun>.Continuation

    public init(engine: SyncEngine, repository: SyncRepository, logger: Logger, window: Duration = .milliseconds(100),
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
    public func enqueue(eventId: String, dryRun: Bool) async throws -> SyncRun {
        if var paused = try await repository.unfinishedRuns().first(where: { $0.eventId == eventId && $0.state == .paused && $0.dryRun == dryRun }) {
            paused.state = .queued
            try await repository.save(paused)
            continuation.yield(paused)
            return paused
        }
        let run = try await engine.queueRun(eventId: eventId, dryRun: dryRun)
        continuation.yield(run)
        return run
    }

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

    /// Drains the outbox: events with pending changes are synced after a short window, each
    /// under its lease; an event that fails waits longer before the next try.
    private func runLiveSync() async {
        var retryAt: [String: ContinuousClock.Instant] = [:]
        var delays: [String: Duration] = [:]
        let clock = ContinuousClock()
        while !Task.isCancelled {
            do { try await Task.sleep(for: window) } catch { return }
            guard let events = try? await repository.eventsWithPendingChanges() else { continue }
            SyncMetrics.queue(events: events.count, oldestWaitSeconds: (try? await repository.oldestPendingChangeAge()) ?? 0)
            for eventId in events where (retryAt[eventId].map { $0 <= clock.now } ?? true) {
                do {
                    if let count = try await engine.syncPendingChanges(eventId: eventId), count > 0 {
                        Counter(label: "roster_sync_live_participants_total").increment(by: count)
                    }
                    retryAt[eventId] = nil
                    delays[eventId] = nil
                } catch is LiveSyncWaiting {
                    // Nothing lost: the changes stay pending; the connection is looked at again soon,
                    // so they leave within moments of a new login.
                    retryAt[eventId] = clock.now.advanced(by: Self.connectionRecheck)
                } catch {
                    let delay = min((delays[eventId] ?? .milliseconds(500)) * 2, .seconds(60))
                    delays[eventId] = delay
                    retryAt[eventId] = clock.now.advanced(by: delay)
                    logger.warning("live sync failed; retrying later", metadata: ["event": "\(eventId)", "error": "\(error)", "retryIn": "\(delay)"])
                }
            }
        }
    }
}
