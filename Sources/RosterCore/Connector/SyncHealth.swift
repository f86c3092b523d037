import Foundation

/// Trouble the sync met on its way to Salesforce, as the process that met it recorded it (kept in
/// the database, so every process shows the same): the calls fail, or the API budget holds it.
public struct SyncTrouble: Sendable, Hashable {
    /// What kind of trouble.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Salesforce answers, with errors it documents as passing (500, a row lock, the
        /// concurrent-request limit): the calls are tried again.
        case retrying
        /// Salesforce does not answer, or answers 503: the calls are tried again.
        case unreachable
        /// The API budget (or Salesforce's daily request limit) is spent: the sync waits for it.
        case paused
    }

    /// The kind of trouble.
    public var kind: Kind
    /// When this kind of trouble began.
    public var since: Date
    /// The last failure or pause, in words.
    public var reason: String
    /// When it was last seen: a record nobody renewed for ``staleAfter`` is no longer believed
    /// (the process that saw it may be gone; while changes wait, the live sync tries again and
    /// renews it at least every minute, and clears it at its first answer).
    public var seenAt: Date

    /// How long a trouble stays believed without being seen again.
    public static let staleAfter: TimeInterval = 120

    /// Makes a record.
    public init(kind: Kind, since: Date, reason: String, seenAt: Date) {
        self.kind = kind
        self.since = since
        self.reason = reason
        self.seenAt = seenAt
    }
}

/// An event's sync as an organiser needs to see it (issue 29): one state, since when, why, and how
/// many people's changes wait. Shown by `GET …/connectors/salesforce` (`health`) and as the banner
/// on every page of the event.
public struct SyncHealth: Sendable, Hashable {
    /// The state, worst first in ``evaluate(enabled:connection:trouble:pausedRun:pending:now:)``.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Nothing stands in the way: changes leave as they come.
        case ok
        /// Salesforce answers with passing errors; the sync tries again.
        case retrying
        /// Salesforce cannot be reached; the sync tries again.
        case unreachable
        /// The API budget or Salesforce's request limit holds the sync; it resumes by itself.
        case paused
        /// The connector is on but nobody is logged in to Salesforce.
        case disconnected
        /// Salesforce refused the connection's tokens: someone must log in again.
        case broken
    }

    /// The state.
    public var state: State
    /// When the state began, when known.
    public var since: Date?
    /// Why, in words (Salesforce's error, the budget's figures); `nil` when all is well.
    public var reason: String?
    /// People whose changes wait to be sent.
    public var pending: Int

    /// Makes a health.
    public init(state: State, since: Date? = nil, reason: String? = nil, pending: Int) {
        self.state = state
        self.since = since
        self.reason = reason
        self.pending = pending
    }

    /// The one state to show, from what is known: the connection first (nothing goes without
    /// it), then failing calls, then a pause (a budget pause of the live sync, or a forced run
    /// paused), else `ok`. A connector switched off is `ok`: nobody asked for Salesforce.
    ///
    /// - Parameters:
    ///   - trouble: what the sync last recorded, if anything; ignored once stale.
    ///   - pausedRun: the reason and start of the event's paused forced run, if one is paused.
    public static func evaluate(enabled: Bool, connection: SalesforceConnection, trouble: SyncTrouble?,
                                pausedRun: (reason: String, since: Date?)?, pending: Int, now: Date) -> SyncHealth {
        guard enabled else { return SyncHealth(state: .ok, pending: pending) }
        switch connection.state {
        case .broken: return SyncHealth(state: .broken, reason: connection.error, pending: pending)
        case .disconnected: return SyncHealth(state: .disconnected, pending: pending)
        case .connected: break
        }
        if let trouble, now.timeIntervalSince(trouble.seenAt) < SyncTrouble.staleAfter {
            let state: State = switch trouble.kind {
            case .retrying: .retrying
            case .unreachable: .unreachable
            case .paused: .paused
            }
            return SyncHealth(state: state, since: trouble.since, reason: trouble.reason, pending: pending)
        }
        if let pausedRun { return SyncHealth(state: .paused, since: pausedRun.since, reason: pausedRun.reason, pending: pending) }
        return SyncHealth(state: .ok, pending: pending)
    }
}
