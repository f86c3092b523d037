import Foundation
import Logging
@testable import RosterStore
import Synchronization
import Testing

@Suite("A database outage is told once")
struct DatabaseAvailabilityTests {
    /// Keeps what is logged, for the assertions.
    struct Recorder: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            // The values told, but the error's own text (its type's spelling is the test's).
            let told = (metadata ?? [:]).filter { $0.key != "error" }.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            lines.lines.withLock { $0.append((level, "\(message)\(told)")) }
        }
    }

    final class Lines: Sendable {
        let lines = Mutex<[(Logger.Level, String)]>([])
        var all: [String] { lines.withLock { $0.map { "\($0.0): \($0.1)" } } }
    }

    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    struct Refused: Error {}

    @Test("many failed requests make one warning; the end of the outage one notice with its length and count")
    func oneWarningPerOutage() async throws {
        let lines = Lines()
        let clock = Clock()
        let logger = Logger(label: "test") { _ in Recorder(lines: lines) }
        let availability = DatabaseAvailability(logger: logger, now: { clock.now })
        #expect(!availability.isAway)
        availability.answered()
        #expect(lines.all.isEmpty, "nothing to tell while the database answers")

        for _ in 0..<500 { availability.failed(Refused()) }
        #expect(availability.isAway)
        clock.advance(3.5)
        availability.answered()
        #expect(!availability.isAway)
        #expect(lines.all == [
            "warning: the database does not answer; requests answer 503 database_unavailable until it does",
            "notice: the database answers again away_seconds=3.5 requests_refused=500",
        ])

        // A second outage is told again.
        availability.failed(Refused())
        availability.answered()
        #expect(lines.all.count == 4)
    }

    /// An error whose reflection spans lines, as PostgresNIO's writes the statement it interrupted.
    struct Interrupted: Error, CustomDebugStringConvertible {
        var debugDescription: String { "terminating connection\nquery: INSERT INTO salesforce_event_leases (event_id)\nON CONFLICT (event_id) DO UPDATE" }
    }

    @Test("the warning tells the error on one line, without the statement it interrupted")
    func theErrorIsOneLine() {
        #expect(DatabaseAvailability.summary(Interrupted()) == "terminating connection")
        #expect(DatabaseAvailability.summary(Refused()) == String(reflecting: Refused()))
    }
}
