import Foundation
import Logging
import RosterMetrics
import RosterConnector
import RosterStore
import ServiceLifecycle
import Synchronization

/// The sync workers, as one `Service`: forced runs claimed from the database, paused runs
/// retried as the budget allows, and the live sync that drains the outbox. Any number of
/// processes may run it on one database: each forced run and each event's live changes are
/// taken by one of them at a time (``SyncRepository/claimRun(holder:seconds:excluding:)``, the
/// event lease), different events in parallel, at most ``maxEvents`` at a time per process. Runs
/// left by a process that died are taken over once its lease expires; one stopped with SIGTERM
/// finishes its batch, keeps its place and is taken over at once.
public final class SyncService: Service, Sendable {
    let engine: SyncEngine
    let repository: SyncRepository
    let logger: Logger
    /// How long changes are left to gather after the commit that wakes the live sync, so the
    /// writes of one moment (a group commit, a few check-ins) leave in one batch.
    let window: Duration
    /// How often runs paused by the API budget are tried again.
    let pausedRetry: Duration
    /// How many events this process syncs at once (forced runs and the live sync together).
    let maxEvents: Int
    private let slots: EventSlots
    /// Rung when this process queues a run, so it is claimed at once rather than at the next look.
    private let runsQueued = ChangeSignal()
    /// Set at graceful shutdown: no new claim, and running batches end at their boundary.
    private let stopping = Mutex(false)
    /// The events this process's forced runs are on: the live sync leaves them to the run.
    private let active = Mutex(Set<String>())
    /// Events whose live sync back-off ends at its next round (``retryNow(eventId:)``).
    private let retriesAsked = Mutex(Set<String>())

    /// How often the database is looked at for runs another process queued.
    static let claimPoll: Duration = .seconds(1)

    /// Makes the service; `window` is how long changes gather before a live sync, `pausedRetry` how
    /// often runs paused by the API budget are tried again, `maxEvents` how many events it syncs at once.
    public init(engine: SyncEngine, repository: SyncRepository, logger: Logger, window: Duration = .milliseconds(10),
                pausedRetry: Duration = .seconds(60), maxEvents: Int = 2) {
        self.engine = engine
        self.pausedRetry = pausedRetry
        self.repository = repository
        self.logger = logger
        self.window = window
        self.maxEvents = max(1, maxEvents)
        self.slots = EventSlots(max(1, maxEvents))
    }

    /// Someone asked to send the event's people in error again, or changed its connector: the
    /// live sync stops waiting out its back-off for the event (up to a minute after failures)
    /// and looks at it in its next round. In this process: a worker process of its own keeps
    /// its back-off.
    public func retryNow(eventId: String) {
        retriesAsked.withLock { _ = $0.insert(eventId) }
    }

    /// Queues a forced sync; a worker (this process or another) claims it from the database, its
    /// progress readable by id. A run of the event paused by the API budget is resumed instead of
    /// starting over.
    public func enqueue(eventId: String, dryRun: Bool, startedBy: String? = nil) async throws -> SyncRun {
        if var paused = try await repository.unfinishedRuns().first(where: { $0.eventId == eventId && $0.state == .paused && $0.dryRun == dryRun }) {
            paused.state = .queued
            try await repository.save(paused)
            runsQueued.signal()
            return paused
        }
        let run = try await engine.queueRun(eventId: eventId, dryRun: dryRun, startedBy: startedBy)
        runsQueued.signal()
        return run
    }

    /// Runs the workers until graceful shutdown. Forced runs are not cancelled then: each ends
    /// its current batch, keeps its cursor and gives its event up for another process to take.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.runForcedSyncs() }
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        await withTaskGroup(of: Void.self) { loops in
                            loops.addTask { await self.runLiveSync() }
                            loops.addTask { await self.retryPausedRuns() }
                            loops.addTask { await self.resumeOnConnection() }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.runsQueued.signal()
        }
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    /// Claims runs while there is a free slot: queued ones, and those a dead process left.
    private func runForcedSyncs() async {
        await withDiscardingTaskGroup { group in
            while !isStopping {
                await slots.acquire()
                let busy = active.withLock { $0 }
                let claimed: SyncRun?
                do {
                    claimed = try await repository.claimRun(holder: engine.holder, seconds: engine.leaseSeconds, excluding: busy)
                    repository.availability.answered()
                } catch {
                    warn("could not look for sync runs", error)
                    claimed = nil
                }
                guard let run = claimed, !isStopping else {
                    if let run = claimed { try? await repository.releaseLease(eventId: run.eventId, holder: engine.holder) }
                    await slots.release()
                    await runsQueued.wait(upTo: Self.claimPoll, on: engine.clock)
                    continue
                }
                active.withLock { _ = $0.insert(run.eventId) }
                let claimedRun = run
                group.addTask { [self] in
                    let run = claimedRun
                    do {
                        try await self.engine.execute(run, until: { self.isStopping })
                    } catch {
                        self.logger.error("a forced sync could not run", metadata: ["run": "\(run.id)", "error": "\(error)"])
                        try? await self.repository.releaseLease(eventId: run.eventId, holder: self.engine.holder)
                    }
                    self.active.withLock { _ = $0.remove(run.eventId) }
                    await self.slots.release()
                    self.runsQueued.signal()
                }
            }
        }
    }

    /// Every `pausedRetry` (a minute by default): paused runs (API budget) are queued again — a
    /// run pauses again at its first call if the budget still forbids it — and the no-show passes
    /// that came due are queued.
    private func retryPausedRuns() async {
        while !Task.isCancelled {
            do { try await engine.clock.sleep(for: pausedRetry) } catch { return }
            await requeuePaused { _ in true }
            await queueDueNoShows()
        }
    }

    /// Who the Sync history says started a no-show pass.
    public static let noShowRunner = "no-shows"

    /// Queues, once per event, the forced run that moves registered people who never checked in
    /// to the connector's no-show status, when the event is over by the grace period
    /// (``ConnectorSettings/noShowsDue(for:at:)``). Batched like any forced sync and shown in the
    /// history as started by ``noShowRunner``; the planner gives the no-show status from then on.
    /// Two worker processes looking at the same minute may each queue one; the second pass finds
    /// everyone moved already and changes nothing.
    func queueDueNoShows() async {
        let time = engine.now()
        // Past events whose pass has run are left out by the read itself.
        guard let events = try? await engine.events.endedWithoutRun(startedBy: Self.noShowRunner, at: time) else { return }
        for event in events {
            do {
                let settings = try await engine.connectors.view(eventId: event.id).settings
                guard settings.enabled, settings.noShowsDue(for: event, at: time) else { continue }
                _ = try await enqueue(eventId: event.id, dryRun: false, startedBy: Self.noShowRunner)
                logger.notice("no-show pass queued", metadata: ["event": "\(event.id)", "status": "\(settings.noShowStatus)"])
            } catch {
                warn("could not queue the event's no-show pass", error, ["event": "\(event.id)"])
            }
        }
    }

    /// Runs paused for a lost connection go on as soon as the event is connected again.
    private func resumeOnConnection() async {
        for await eventId in engine.connectors.connections {
            guard !Task.isCancelled else { return }
            await requeuePaused { $0.eventId == eventId }
        }
    }

    private func requeuePaused(_ which: (SyncRun) -> Bool) async {
        var queued = false
        for var run in (try? await repository.unfinishedRuns()) ?? [] where run.state == .paused && which(run) {
            run.state = .queued
            if (try? await repository.requeue(run)) == true { queued = true }
        }
        if queued { runsQueued.signal() }
    }

    /// Drains the outbox: woken by each commit that logged changes (``Outbox/waitForChanges(upTo:on:)``),
    /// it syncs each event with pending changes under the event's lease. Changes committed while a
    /// sync is in flight make the next batch, so a burst costs a few calls, not one per person;
    /// an event that fails waits longer before the next try. An idle server runs no query but the
    /// fallback poll. When to look, and at which events, is ``LiveSchedule``'s to say; the waits
    /// are on the engine's clock.
    private func runLiveSync() async {
        let clock = engine.clock
        let outbox = repository.outbox
        var schedule = LiveSchedule()
        // At start, changes a previous process left are looked at at once.
        var lookAgain = true
        while !Task.isCancelled {
            if !lookAgain {
                await outbox.waitForChanges(upTo: schedule.longestWait(at: clock.now), on: clock)
            }
            // Changes committed within the window join this batch; rounds keep their pace.
            do { try await clock.sleep(for: schedule.gathering(at: clock.now, window: window)) } catch { return }
            schedule.retryNow(retriesAsked.withLock { asked in defer { asked = [] }; return asked })
            schedule.roundStarts(at: clock.now)
            lookAgain = false
            var busy = false
            guard !Task.isCancelled, let events = try? await outbox.eventsWithPendingChanges() else { continue }
            RosterMetrics.liveQueue(events: events.count, lagSeconds: events.isEmpty ? 0 : ((try? await outbox.oldestPendingAge()) ?? 0))
            let running = active.withLock { $0 }
            for eventId in events where schedule.isDue(eventId, at: clock.now) {
                // A forced run of this process holds the event: its changes go once it is done.
                if running.contains(eventId) {
                    schedule.recheck(eventId, at: clock.now)
                    continue
                }
                await slots.acquire()
                let synced: Result<Int?, any Error>
                do { synced = .success(try await engine.syncPendingChanges(eventId: eventId)) } catch { synced = .failure(error) }
                await slots.release()
                do {
                    switch try synced.get() {
                    case nil:
                        // A forced run holds the event: its changes go once it is done.
                        schedule.recheck(eventId, at: clock.now)
                        continue
                    case let count? where count > 0:
                        RosterMetrics.liveSynced(count)
                        busy = true
                        // More may have come meanwhile, or been left past one batch.
                        lookAgain = true
                    default: break
                    }
                    schedule.succeeded(eventId)
                } catch is LiveSyncWaiting {
                    // Nothing lost: the changes stay pending; the connection is looked at again soon,
                    // so they leave within moments of a new login.
                    schedule.recheck(eventId, at: clock.now)
                } catch {
                    if Task.isCancelled { return } // shutting down: the changes stay pending for the next start
                    let backOff = schedule.failed(eventId, at: clock.now)
                    warn("live sync failed; retrying later", error, ["event": "\(eventId)", "retryIn": "\(backOff)"])
                }
            }
            schedule.roundEnded(busy: busy)
        }
    }

    /// Logs a worker's failure, unless the database is away: that outage is told once, by
    /// ``RosterStore/DatabaseAvailability``, however many attempts it fails.
    private func warn(_ message: Logger.Message, _ error: any Error, _ metadata: Logger.Metadata = [:]) {
        if error.isDatabaseUnavailable { return repository.availability.failed(error) }
        logger.warning(message, metadata: metadata.merging(["error": "\(error)"]) { $1 })
    }
}

/// A counting semaphore over the events one process syncs at once.
///
/// Written here because neither the standard library nor the packages this project has offer
/// an async semaphore, and a task group's width can't be shared by the two loops that draw
/// from it (forced runs and the live sync). A waiter is not cancellable: the loops only
/// acquire a slot for work they then finish, and a shutdown lets that work end.
actor EventSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    /// Takes a slot, waiting for one to be released when none is free.
    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Gives a slot back, to the longest waiter if there is one.
    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
