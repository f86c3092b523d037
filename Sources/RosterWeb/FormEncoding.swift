import Foundation

/// `application/x-www-form-urlencoded`, as HTML forms send a query string: pairs split on `&`
/// and `=`, `+` a space, then percent escapes. Hummingbird's `queryParameters` undoes only the
/// escapes, so a search typed as "Grace Hopper" would read "Grace+Hopper".
public enum FormEncoding {
    /// One name or value decoded: `+` is a space, then percent escapes; a malformed escape reads as empty.
    public static func decode(_ text: Substring) -> String {
        guard text.contains(where: { $0 == "%" || $0 == "+" }) else { return String(text) }
        return text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    /// The query string's parameters by name, the first of a repeated name winning; a pair
    /// without `=` is a name with an empty value.
    public static func parameters(_ query: String?) -> [String: String] {
        var values: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            let name = decode(pair[..<equals])
            guard values[name] == nil else { continue }
            values[name] = equals == pair.endIndex ? "" : decode(pair[pair.index(after: equals)...])
        }
        return values
    }
}
