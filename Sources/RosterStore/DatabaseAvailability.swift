import Foundation
import Logging
import PostgresKit
import Synchronization

/// Whether the database answers, as requests find it: an outage is told once, as one warning
/// when the first request finds the database away and one notice when it answers again, never
/// as an error per request (issue 34, #14). Requests meanwhile answer 503 `database_unavailable`.
public final class DatabaseAvailability: Sendable {
    private struct Outage {
        var since: Date
        var refused = 0
        var lastProbe: Date
    }

    private let outage = Mutex<Outage?>(nil)
    /// Read on every request's way out: a lock is taken only during an outage.
    private let away = Atomic<Bool>(false)
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// - Parameter logger: where the outage's two lines go.
    public init(logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.logger = logger
        self.now = now
    }

    /// Whether an outage is under way (the last request that reached the database found it away).
    public var isAway: Bool { away.load(ordering: .acquiring) }

    /// A request found the database away (`error` is ``Swift/Error/isDatabaseUnavailable``).
    public func failed(_ error: any Error) {
        let time = now()
        // `away` changes under the lock, with the outage it mirrors.
        let began = outage.withLock { outage -> Bool in
            if outage != nil { outage?.refused += 1; return false }
            outage = Outage(since: time, refused: 1, lastProbe: time)
            away.store(true, ordering: .releasing)
            return true
        }
        guard began else { return }
        logger.warning("the database does not answer; requests answer 503 database_unavailable until it does",
                       metadata: ["error": "\(Self.summary(error))"])
    }

    /// The error on one line, without the statement it interrupted (PostgresNIO's own
    /// reflection writes the whole SQL, across lines, into the log).
    static func summary(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            let message = error.serverInfo?[.message].map { ": \($0)" } ?? ""
            let state = error.serverInfo?[.sqlState].map { " \($0)" } ?? ""
            return "PostgreSQL \(error.code)\(state)\(message)"
        }
        return String(reflecting: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }

    /// Ends the outage if `probe` (a trivial query) now goes through; tried at most once a
    /// second, whatever the number of requests, in a task of its own (a database that drops
    /// packets makes the probe wait, not the request).
    public func recheck(_ probe: @escaping @Sendable () async throws -> Void) {
        guard isAway else { return }
        Task { await recheckNow(probe) }
    }

    private func recheckNow(_ probe: @Sendable () async throws -> Void) async {
        guard isAway else { return }
        let time = now()
        let due = outage.withLock { outage -> Bool in
            guard let current = outage, time.timeIntervalSince(current.lastProbe) >= 1 else { return false }
            outage?.lastProbe = time
            return true
        }
        guard due, (try? await probe()) != nil else { return }
        answered()
    }

    /// The database answered: ends the outage, if there was one, with one notice.
    public func answered() {
        guard isAway else { return }
        guard let ended = outage.withLock({ outage -> Outage? in
            defer { outage = nil }
            away.store(false, ordering: .releasing)
            return outage
        }) else { return }
        let seconds = String(format: "%.1f", now().timeIntervalSince(ended.since))
        logger.notice("the database answers again", metadata: ["away_seconds": "\(seconds)", "requests_refused": "\(ended.refused)"])
    }
}

extension Error {
    /// The database could not be reached, or dropped the connection, rather than refusing the
    /// statement: the same request may go through once it is back.
    public var isDatabaseUnavailable: Bool {
        if let error = self as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed: return true
            case .server:
                // Class 08 (connection exception); 57P01–57P03: shut down by an administrator,
                // crashed, or not accepting connections yet (PostgreSQL's appendix A).
                guard let state = error.serverInfo?[.sqlState] else { return false }
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default: return false
            }
        }
        // Not the pool's request timeout: every connection busy for 30 s is load or a leak, a
        // fault of ours to log, not the database away.
        if let error = self as? ConnectionPoolError, case .shutdown = error { return true }
        return false
    }

    /// No pooled connection was free within the pool's request timeout (30 s).
    public var isDatabasePoolExhausted: Bool { self is ConnectionPoolTimeoutError }
}
