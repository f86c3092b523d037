import Metrics

/// Every metric Roster exports (S64), declared here and nowhere else, each named
/// `roster_<area>_<what>_<unit>` (`_total` for counters, as Prometheus names them). `/metrics`
/// serves them through swift-prometheus; the modules record through these functions only.
public enum RosterMetrics {
    // MARK: HTTP

    /// A request answered: `roster_http_requests_total{route, method, status}` and
    /// `roster_http_request_duration_seconds{route, method}`.
    public static func request(route: String, method: String, status: Int, nanoseconds: UInt64) {
        Counter(label: "roster_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))]).increment()
        Timer(label: "roster_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(nanoseconds)
    }

    // MARK: Participants

    /// Participants registered or imported: `roster_participants_{created,updated,rejected}_total`.
    public static func participants(created: Int = 0, updated: Int = 0, rejected: Int = 0) {
        if created > 0 { participantsCreated.increment(by: created) }
        if updated > 0 { participantsUpdated.increment(by: updated) }
        if rejected > 0 { participantsRejected.increment(by: rejected) }
    }

    private static let participantsCreated = Counter(label: "roster_participants_created_total")
    private static let participantsUpdated = Counter(label: "roster_participants_updated_total")
    private static let participantsRejected = Counter(label: "roster_participants_rejected_total")

    // MARK: Salesforce

    /// `roster_salesforce_connection_up{event}`: 1 while the event's connection works, else 0.
    public static func connection(eventId: String, up: Bool) {
        Gauge(label: "roster_salesforce_connection_up", dimensions: [("event", eventId)]).record(up ? 1 : 0)
    }

    /// `roster_sync_health{event,state}`: 1 for the event's sync health state (`ok`, `retrying`,
    /// `unreachable`, `paused`, `disconnected`, `broken`), 0 for the others.
    public static func syncHealth(eventId: String, state: String, states: [String]) {
        for each in states {
            Gauge(label: "roster_sync_health", dimensions: [("event", eventId), ("state", each)]).record(each == state ? 1 : 0)
        }
    }

    /// Connections closed as they arrived because their address held its cap:
    /// `roster_connections_refused_total{reason="per_address"}`, and a request head too slow:
    /// `{reason="request_head"}`.
    public static func connectionRefused(_ reason: String) {
        Counter(label: "roster_connections_refused_total", dimensions: [("reason", reason)]).increment()
    }

    /// Calls spent: `roster_salesforce_api_calls_total`.
    public static func salesforceCalls(_ count: Int) {
        if count > 0 { Counter(label: "roster_salesforce_api_calls_total").increment(by: count) }
    }

    /// The org's daily API usage as Salesforce last reported it: `roster_salesforce_api_usage_calls{kind="used"|"max"}`.
    public static func salesforceUsage(used: Int, max: Int) {
        Gauge(label: "roster_salesforce_api_usage_calls", dimensions: [("kind", "used")]).record(used)
        Gauge(label: "roster_salesforce_api_usage_calls", dimensions: [("kind", "max")]).record(max)
    }

    // MARK: Sync

    /// People a sync wrote: `roster_sync_participants_total{outcome="synced"|"failed"}`.
    public static func synced(_ synced: Int, failed: Int) {
        if synced > 0 { Counter(label: "roster_sync_participants_total", dimensions: [("outcome", "synced")]).increment(by: synced) }
        if failed > 0 { Counter(label: "roster_sync_participants_total", dimensions: [("outcome", "failed")]).increment(by: failed) }
    }

    /// People the live sync sent: `roster_sync_live_participants_total`.
    public static func liveSynced(_ count: Int) {
        if count > 0 { Counter(label: "roster_sync_live_participants_total").increment(by: count) }
    }

    /// The live queue: `roster_sync_live_pending_events` (events with changes waiting) and
    /// `roster_sync_live_lag_seconds` (how long the oldest has waited).
    public static func liveQueue(events: Int, lagSeconds: Double) {
        Gauge(label: "roster_sync_live_pending_events").record(events)
        Gauge(label: "roster_sync_live_lag_seconds").record(lagSeconds)
    }
}
