import Logging
import RosterMetrics
import RosterCore

/// The connection's health where people look (S53): `roster_salesforce_connection_up{event}`
/// is 1 while connected and 0 otherwise, and a break is logged once, when it happens.
public struct ConnectionHealth: Sendable {
    let logger: Logger

    /// Makes the health reporter; breaks are logged to `logger`.
    public init(logger: Logger) { self.logger = logger }

    /// Sets the gauge for an event.
    public func record(eventId: String, state: ConnectionState) {
        RosterMetrics.connection(eventId: eventId, up: state == .connected)
    }

    /// A connection just broke.
    public func broke(eventId: String, reason: String) {
        record(eventId: eventId, state: .broken)
        logger.error("the Salesforce connection is broken; log in to Salesforce again", metadata: ["event": "\(eventId)", "reason": "\(reason)"])
    }
}
