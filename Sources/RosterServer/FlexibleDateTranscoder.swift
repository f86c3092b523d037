import Foundation
import OpenAPIRuntime
import RosterCore

/// RFC 3339 dates: written in UTC with milliseconds (`2026-11-24T09:30:00.000Z`), read with or
/// without fractional seconds and with any offset, as clients send both.
struct FlexibleDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { RFC3339.string(from: date) }

    func decode(_ text: String) throws -> Date {
        // Foundation's parsers read "12:99" as 13:39 and June 31 as July 1; the shape, the ranges
        // (as openapi.yaml's pattern declares them) and the month's length are checked first.
        guard let match = text.wholeMatch(of: Self.shape), let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
              day <= Self.days(inMonth: month, of: year) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-24T09:30:00Z"))
        }
        if let date = parsed(text) {
            // Years 1583 to 9999: Roster writes four digits, and before 1583 Foundation reads the
            // Julian calendar while Roster writes the Gregorian one, so the day would move.
            guard Self.writable.contains(date) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is outside the years 1583 to 9999"))
            }
            return date
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-24T09:30:00Z"))
    }

    private func parsed(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// How many days the month has (a Gregorian leap year gives February 29).
    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 1583-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
    static let writable = Date(timeIntervalSince1970: -12_212_553_600)...Date(timeIntervalSince1970: 253_402_300_799.999)

    /// RFC 3339's `date-time`, with its fields' ranges (upper-case `T` and `Z`).
    nonisolated(unsafe) static let shape = /(158[3-9]|159[0-9]|1[6-9][0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-](0[0-9]|1[0-7]):[0-5][0-9]|[+-]18:00)/
}
