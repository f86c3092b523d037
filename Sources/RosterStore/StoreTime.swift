import Foundation

/// Times are stored as integer milliseconds since 1970 (UTC): portable across SQLite and
/// PostgreSQL, sortable, and exact to what the API shows.
enum StoreTime {
    static func now() -> Int64 { millis(Date()) }
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
    /// The date as it will read back: whole milliseconds.
    static func truncated(_ date: Date) -> Date { Self.date(millis(date)) }
}
