import Foundation
import Logging
import RosterCore
import RosterMetrics
import RosterStore
import SalesforceClient
import Synchronization

/// The sync's health where people look (S53, issue 29): `roster_salesforce_connection_up{event}`
/// (1 while connected), a break logged once when it happens, and the trouble each event's calls
/// meet (failing, out of reach, held by the budget), recorded in the database for every process
/// to show within moments (``SyncTroubleRepository``) and cleared by the first call that goes
/// through. Writes happen on changes, and at most every ``renewEvery`` while a state lasts.
public final class ConnectionHealth: Sendable {
    let logger: Logger
    let troubles: SyncTroubleRepository?
    let now: @Sendable () -> Date
    /// Per event, what this process last wrote: the kind (`nil`: cleared) and when.
    private let written = Mutex<[String: (kind: SyncTrouble.Kind?, at: Date)]>([:])

    /// How often a lasting state is written again (a trouble's `seenAt`; a clear, in case another
    /// process recorded a trouble meanwhile); a write that failed is tried again after this too.
    /// Writes are awaited by the request that reported the attempt: they happen on changes of
    /// state only, so a Salesforce call waits on the database at most once per change.
    static let renewEvery: TimeInterval = 5

    /// Makes the health reporter; breaks are logged to `logger`, troubles kept in `troubles`
    /// (none: only the gauge and the log).
    public init(logger: Logger, troubles: SyncTroubleRepository? = nil, now: @escaping @Sendable () -> Date = Date.init) {
        self.logger = logger
        self.troubles = troubles
        self.now = now
    }

    /// Sets the gauge for an event.
    public func record(eventId: String, state: ConnectionState) {
        RosterMetrics.connection(eventId: eventId, up: state == .connected)
    }

    /// A connection just broke.
    public func broke(eventId: String, reason: String) {
        record(eventId: eventId, state: .broken)
        logger.error("the Salesforce connection is broken; log in to Salesforce again", metadata: ["event": "\(eventId)", "reason": "\(reason)"])
    }

    /// One attempt of a request of the event's client ended: a passing failure is recorded, an
    /// answer clears the failing calls' trouble.
    public func attempted(eventId: String, _ attempt: SalesforceClient.Attempt) async {
        switch attempt {
        case .answered: await clear(eventId: eventId, kinds: [.retrying, .unreachable])
        case .failed(let reason, let reachable): await note(eventId: eventId, kind: reachable ? .retrying : .unreachable, reason: reason)
        }
    }

    /// The API budget or Salesforce's request limit holds the event's sync.
    public func paused(eventId: String, reason: String) async {
        await note(eventId: eventId, kind: .paused, reason: reason)
    }

    /// The event's sync went through: no pause holds it any more.
    public func resumed(eventId: String) async {
        await clear(eventId: eventId, kinds: [.paused])
    }

    private func note(eventId: String, kind: SyncTrouble.Kind, reason: String) async {
        guard let troubles else { return }
        let time = now()
        let due = written.withLock { written in
            if let last = written[eventId], last.kind == kind, time.timeIntervalSince(last.at) < Self.renewEvery { return false }
            written[eventId] = (kind, time)
            return true
        }
        guard due else { return }
        if kind != .paused { logger.warning("Salesforce calls are failing; retrying", metadata: ["event": "\(eventId)", "state": "\(kind.rawValue)", "reason": "\(reason)"]) }
        do { try await troubles.record(eventId: eventId, kind: kind, reason: reason, at: time) } catch {
            logger.warning("could not record the sync's health", metadata: ["event": "\(eventId)", "error": "\(error)"])
        }
    }

    private func clear(eventId: String, kinds: Set<SyncTrouble.Kind>) async {
        guard let troubles else { return }
        let time = now()
        let due = written.withLock { written in
            let last = written[eventId]
            // A kind this process recorded goes at once; otherwise (cleared already, or another
            // kind) the delete is repeated only now and then, for what other processes recorded.
            let recordedHere = last?.kind.map { kinds.contains($0) } ?? false
            if let last, !recordedHere, time.timeIntervalSince(last.at) < Self.renewEvery { return false }
            written[eventId] = (recordedHere ? nil : last?.kind, time)
            return true
        }
        guard due else { return }
        do { try await troubles.clear(eventId: eventId, kinds: kinds) } catch {
            logger.warning("could not record the sync's health", metadata: ["event": "\(eventId)", "error": "\(error)"])
        }
    }
}
