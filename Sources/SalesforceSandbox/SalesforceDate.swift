/// Date and date-time text as Salesforce writes it (`2024-05-01`, `2024-05-01T09:30:00.000+0000`),
/// converted without Foundation so that comparing 100,000 values stays cheap.
enum SalesforceDate {
    /// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// `yyyy-MM-dd` for a day number.
    static func formatDate(days: Int) -> String {
        let (y, m, d) = civil(days: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSS+0000` for milliseconds since the epoch.
    static func formatDateTime(milliseconds: Int64) -> String {
        let ms = Int(milliseconds)
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let rest = ms - days * 86_400_000
        let time = "\(pad(rest / 3_600_000, 2)):\(pad(rest / 60_000 % 60, 2)):\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))"
        return "\(formatDate(days: days))T\(time)+0000"
    }

    /// Parses `yyyy-MM-dd` into a day number.
    static func parseDate(_ text: some StringProtocol) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let dayNumber = days(year: y, month: m, day: d)
        guard civil(days: dayNumber) == (y, m, d) else { return nil }
        return dayNumber
    }

    /// Parses ISO 8601 date-times the API accepts: `2024-05-01T09:30:00Z`, `…:00.000+0000`,
    /// `…:00+02:00`; the result is milliseconds since the epoch (UTC).
    static func parseDateTime(_ text: String) -> Int64? {
        guard let tIndex = text.firstIndex(where: { $0 == "T" || $0 == "t" }),
              let day = parseDate(text[..<tIndex])
        else { return nil }
        var rest = Substring(text[text.index(after: tIndex)...])
        var offsetMinutes = 0
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            rest = rest.dropLast()
        } else if let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: signIndex)...].filter { $0 != ":" }
            guard zone.count == 4, let hours = Int(zone.prefix(2)), let minutes = Int(zone.suffix(2)) else { return nil }
            offsetMinutes = (hours * 60 + minutes) * (rest[signIndex] == "-" ? -1 : 1)
            rest = rest[..<signIndex]
        } else {
            return nil
        }
        var millis = 0
        if let dot = rest.firstIndex(of: ".") {
            let fraction = rest[rest.index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isNumber) else { return nil }
            millis = Int((fraction + "000").prefix(3)) ?? 0
            rest = rest[..<dot]
        }
        let clock = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3 || clock.count == 2, let h = Int(clock[0]), let mi = Int(clock[1]),
              (0..<24).contains(h), (0..<60).contains(mi)
        else { return nil }
        let s = clock.count == 3 ? Int(clock[2]) ?? -1 : 0
        guard (0..<60).contains(s) else { return nil }
        let seconds = day * 86_400 + h * 3600 + mi * 60 + s - offsetMinutes * 60
        return Int64(seconds) * 1000 + Int64(millis)
    }

    /// Parses `HH:mm:ss.SSSZ` / `HH:mm:ss` into milliseconds of the day.
    static func parseTime(_ text: String) -> Int? {
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        var millis = 0
        if let dot = body.firstIndex(of: ".") {
            millis = Int((body[body.index(after: dot)...] + "000").prefix(3)) ?? 0
            body = body[..<dot]
        }
        let clock = body.split(separator: ":")
        guard clock.count >= 2, let h = Int(clock[0]), let m = Int(clock[1]), (0..<24).contains(h),
              (0..<60).contains(m)
        else { return nil }
        let s = clock.count > 2 ? Int(clock[2]) ?? 0 : 0
        return ((h * 60 + m) * 60 + s) * 1000 + millis
    }

    static func formatTime(milliseconds ms: Int) -> String {
        "\(pad(ms / 3_600_000, 2)):\(pad(ms / 60_000 % 60, 2)):\(pad(ms / 1000 % 60, 2)).\(pad(ms % 1000, 3))Z"
    }
}
