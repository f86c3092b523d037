import Foundation
import RosterCore
import RosterMetrics
import RosterStore

/// Reads an event's ``SyncHealth`` from what every process shares: the connection, the trouble
/// the sync recorded, the latest run and the queue. The API's `health` and the banner on every
/// page of the event both come from here; each read also sets `roster_sync_health{event,state}`.
public struct SyncHealthReader: Sendable {
    let connectors: ConnectorService
    let runs: SyncRepository
    let troubles: SyncTroubleRepository
    let now: @Sendable () -> Date

    /// Makes the reader.
    public init(connectors: ConnectorService, runs: SyncRepository, troubles: SyncTroubleRepository, now: @escaping @Sendable () -> Date) {
        self.connectors = connectors
        self.runs = runs
        self.troubles = troubles
        self.now = now
    }

    /// The event's sync health; `view` is the connector when the caller read it already.
    /// - Parameter countingPending: `false` leaves `pending` at 0 while the state is `ok` (a
    ///   banner needs the count only when it shows), sparing the queue's count on every page.
    public func health(eventId: String, view: ConnectorSummary? = nil, countingPending: Bool = true) async throws -> SyncHealth {
        let settings = if let view { view } else { try await connectors.view(eventId: eventId) }
        let trouble = try await troubles.trouble(eventId: eventId)
        // The latest run that writes: a dry run started since does not hide a paused one.
        let pausedRun = try await runs.runs(eventId: eventId, limit: 10).first { !$0.dryRun }.flatMap { run in
            run.state == .paused ? (reason: run.pausedReason ?? "", since: Date?.none) : nil
        }
        var health = SyncHealth.evaluate(enabled: settings.settings.enabled, connection: settings.connection, trouble: trouble,
                                         pausedRun: pausedRun, pending: 0, now: now())
        if countingPending || health.state != .ok { health.pending = try await runs.outbox.queue(eventId: eventId).pending }
        RosterMetrics.syncHealth(eventId: eventId, state: health.state.rawValue, states: SyncHealth.State.allCases.map(\.rawValue))
        return health
    }
}
