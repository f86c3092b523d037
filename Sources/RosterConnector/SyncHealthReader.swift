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
    public func health(eventId: String, view: ConnectorView? = nil) async throws -> SyncHealth {
        let settings = if let view { view } else { try await connectors.view(eventId: eventId) }
        let pending = try await runs.outbox.queue(eventId: eventId).pending
        let trouble = try await troubles.trouble(eventId: eventId)
        let pausedRun = try await runs.runs(eventId: eventId, limit: 1).first.flatMap { run in
            run.state == .paused ? (reason: run.pausedReason ?? "", since: Date?.none) : nil
        }
        let health = SyncHealth.evaluate(enabled: settings.settings.enabled, connection: settings.connection, trouble: trouble,
                                         pausedRun: pausedRun, pending: pending, now: now())
        RosterMetrics.syncHealth(eventId: eventId, state: health.state.rawValue, states: SyncHealth.State.allCases.map(\.rawValue))
        return health
    }
}
