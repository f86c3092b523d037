/// The existing campaign names closest to a name that matched none (S12 *beyond*): case and
/// stray spaces are ignored first, then spelling is compared by edit distance.
public enum CampaignSuggestions {
    /// Up to `limit` names, closest first.
    public static func closest(to name: String, among names: [String], limit: Int = 3) -> [String] {
        let target = normalized(name)
        guard !target.isEmpty else { return [] }
        let budget = max(2, target.count / 3)
        var scored: [(name: String, distance: Int)] = []
        var seen: Set<String> = []
        for candidate in names where seen.insert(candidate).inserted {
            let key = normalized(candidate)
            let distance = key == target ? 0 : editDistance(key, target)
            if distance <= budget || (key.count >= 4 && (key.contains(target) || target.contains(key))) {
                scored.append((candidate, distance))
            }
        }
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(limit).map(\.name)
    }

    /// Lower case, spaces trimmed and collapsed: "  Tech  Summit " → "tech summit".
    public static func normalized(_ name: String) -> String {
        name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
