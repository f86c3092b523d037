import Synchronization

/// Tells one waiter that something it waits for happened, so it starts at once instead of
/// polling: participant changes committed (the live sync, ``Outbox/waitForChanges(upTo:on:)``), a
/// forced run queued in this process (the sync service's dispatcher). A signal set while nobody
/// waits is kept for the next wait, so nothing signalled during the work is missed.
public final class ChangeSignal: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Makes a signal nobody has set.
    public init() {}

    /// Wakes the waiter, or leaves the signal set for the next wait.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.signalled = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when signalled, or after `timeout` on `clock` at the latest (what other processes
    /// do is found by looking, not signalled).
    public func wait<C: Clock>(upTo timeout: Duration, on clock: C) async where C.Duration == Duration {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await clock.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when signalled (at once if it already was), or when the calling task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.signalled || state.cancelled {
                        state.signalled = false
                        state.cancelled = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter else {
                    // Cancelled before it waited: the wait returns as soon as it starts.
                    state.cancelled = true
                    return nil
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume()
        }
    }
}
