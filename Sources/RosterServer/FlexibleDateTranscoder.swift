import Foundation
import OpenAPIRuntime
import RosterCore

/// RFC 3339 dates: written in UTC with milliseconds (`2026-11-24T09:30:00.000Z`), read with or
/// without fractional seconds and with any offset, as clients send both.
struct FlexibleDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { RFC3339.string(from: date) }

    func decode(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-24T09:30:00Z"))
    }
}
