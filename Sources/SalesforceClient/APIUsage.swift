/// The org's daily REST API usage, as `Sforce-Limit-Info: api-usage=USED/MAX` reports it on
/// every counted response (REST API Developer Guide, "Limit Info Header").
public struct APIUsage: Sendable, Hashable, Codable {
    /// API calls counted in the last 24 hours: the first number of `api-usage`.
    public var used: Int
    /// The org's daily allocation of API calls: the second number of `api-usage`.
    public var max: Int

    /// Makes a usage from its two counts.
    public init(used: Int, max: Int) {
        self.used = used
        self.max = max
    }

    /// The share of the daily maximum used, 0…1 (or more during a burst).
    public var share: Double { max > 0 ? Double(used) / Double(max) : 1 }

    /// Reads the header. Fields are `;`-separated `name=value` pairs (`api-usage=110018/100000;
    /// api-bursts=1/750`), so `api-usage` is found by name, wherever it stands.
    public init?(limitInfoHeader header: String) {
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "api-usage" else { continue }
            let numbers = pair[1].split(separator: "/")
            guard numbers.count == 2, let used = Int(numbers[0]), let max = Int(numbers[1]) else { return nil }
            self.init(used: used, max: max)
            return
        }
        return nil
    }
}
