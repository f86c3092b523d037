import Foundation

/// RFC 3339 timestamps as Roster writes them everywhere: in UTC, with milliseconds
/// (`2026-11-24T09:30:00.000Z`), in the API's JSON and in exports.
public enum RFC3339 {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, as Foundation's `ISO8601DateFormatter` writes it with
    /// fractional seconds, formatted by hand into 24 bytes (years 0–9999): a FormatStyle per date
    /// showed in the registration profile, string interpolation in the grid's, and a formatter
    /// made per cell took 50 s to write a 100,000-row CSV export.
    public static func string(from date: Date) -> String {
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let inDay = millis - days * 86_400_000
        let day = CalendarDate(daysSinceEpoch: days)
        return String(unsafeUninitializedCapacity: 24) { bytes in
            func put(_ value: Int, width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(day.year, width: 4, at: 0)
            put(day.month, width: 2, at: 5)
            put(day.day, width: 2, at: 8)
            put(inDay / 3_600_000, width: 2, at: 11)
            put(inDay / 60_000 % 60, width: 2, at: 14)
            put(inDay / 1000 % 60, width: 2, at: 17)
            put(inDay % 1000, width: 3, at: 20)
            (bytes[4], bytes[7], bytes[10]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"))
            (bytes[13], bytes[16], bytes[19], bytes[23]) = (UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "Z"))
            return 24
        }
    }
}
