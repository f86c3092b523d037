import Foundation

/// `application/x-www-form-urlencoded` both ways, and percent-encoding of URL query values: the
/// OAuth bodies and query strings this client sends, and the query strings the back office's
/// forms send (Hummingbird's `queryParameters` undoes only the escapes, so a search typed as
/// "Grace Hopper" would read "Grace+Hopper"). Here, in the leaf every other target can reach.
public enum FormEncoding {
    /// `name=value` pairs joined with `&`, both sides percent-encoded (a space is `%20`).
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// Everything but RFC 3986 unreserved characters is escaped.
    public static func percentEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += byte < 16 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return out
    }

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
