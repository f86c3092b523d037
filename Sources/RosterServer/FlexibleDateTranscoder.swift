import Foundation
import OpenAPIRuntime
import RosterCore

/// RFC 3339 dates: written in UTC with milliseconds (`2026-11-24T09:30:00.000Z`), read with or
/// without fractional seconds and with any offset, as clients send both.
struct FlexibleDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { Self.rfc3339(date) }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, formatted by hand into 24 bytes: a FormatStyle per date showed
    /// in the registration profile, and string interpolation in the grid's (years 0–9999).
    static func rfc3339(_ date: Date) -> String {
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

    func decode(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-24T09:30:00Z"))
    }
}
