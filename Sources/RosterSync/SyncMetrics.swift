import Metrics
import RosterStore
import SalesforceClient

/// The sync's metrics (S64), in one place: people synced and failed, API calls spent, the org's
/// API usage, and the live queue's depth and lag.
enum SyncMetrics {
    static func record(_ results: [ParticipantSyncResult], calls: Int, usage: APIUsage?) {
        let failed = results.filter { $0.error != nil }.count
        Counter(label: "roster_sync_participants_total", dimensions: [("outcome", "synced")]).increment(by: results.count - failed)
        if failed > 0 { Counter(label: "roster_sync_participants_total", dimensions: [("outcome", "failed")]).increment(by: failed) }
        if calls > 0 { Counter(label: "roster_salesforce_api_calls_total").increment(by: calls) }
        if let usage {
            Gauge(label: "roster_salesforce_api_usage", dimensions: [("kind", "used")]).record(usage.used)
            Gauge(label: "roster_salesforce_api_usage", dimensions: [("kind", "max")]).record(usage.max)
        }
    }

    /// Events with changes waiting, and how long the oldest has waited.
    static func queue(events: Int, oldestWaitSeconds: Double) {
        Gauge(label: "roster_sync_live_events_pending").record(events)
        Gauge(label: "roster_sync_live_lag_seconds").record(oldestWaitSeconds)
    }
}
