/// A Salesforce record Id: 15 case-sensitive characters (3-character key prefix, then pod and
/// serial) plus the 3-character case-safe suffix that makes the 18-character form unique even
/// when compared case-insensitively.
public struct SalesforceId: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 18-character case-safe form, the one the REST API returns.
    public let value: String

    /// The 3-character key prefix that names the object type (`003` is Contact).
    public var keyPrefix: String { String(value.prefix(3)) }

    /// The 15-character case-sensitive form.
    public var shortForm: String { String(value.prefix(15)) }

    /// The 18-character form.
    public var description: String { value }

    /// Parses a 15- or 18-character Id; `nil` when it is not shaped like one.
    ///
    /// An 18-character Id whose suffix does not match its first 15 characters is refused, as
    /// Salesforce refuses it (`MALFORMED_ID`); the suffix of a valid one may be in any case.
    public init?(_ text: String) {
        let chars = Array(text.utf8)
        guard chars.count == 15 || chars.count == 18,
              chars.allSatisfy({ SalesforceId.alphabet.contains($0) })
        else { return nil }
        let short = String(decoding: chars[0..<15], as: UTF8.self)
        let full = short + SalesforceId.suffix(for: chars[0..<15])
        if chars.count == 18 && text.uppercased() != full.uppercased() { return nil }
        value = full
    }

    /// Builds the Id of the `serial`-th record of the object whose key prefix is `keyPrefix`.
    init(keyPrefix: String, pod: String = "5g00000", serial: UInt64) {
        precondition(keyPrefix.utf8.count == 3 && pod.utf8.count == 7)
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 5)
        var rest = serial
        for index in stride(from: 4, through: 0, by: -1) {
            digits[index] = SalesforceId.base62[Int(rest % 62)]
            rest /= 62
        }
        let short = Array((keyPrefix + pod).utf8) + digits
        value = String(decoding: short, as: UTF8.self) + SalesforceId.suffix(for: short[...])
    }

    /// The serial encoded in the last five characters of the 15-character form.
    var serial: UInt64 {
        value.utf8.dropFirst(10).prefix(5).reduce(0) { result, char in
            result * 62 + UInt64(SalesforceId.base62.firstIndex(of: char) ?? 0)
        }
    }

    /// Orders by the 18-character form, so the sandbox's Ids of one object sort in creation order.
    public static func < (lhs: SalesforceId, rhs: SalesforceId) -> Bool { lhs.value < rhs.value }

    /// The documented checksum: for each 5-character chunk, a 5-bit number whose bit i is set
    /// when character i is an upper-case letter, mapped onto `A…Z0…5`.
    static func suffix(for short: ArraySlice<UInt8>) -> String {
        let bytes = Array(short)
        var out = ""
        for chunk in 0..<3 {
            var flags = 0
            for bit in 0..<5 {
                let char = bytes[chunk * 5 + bit]
                if char >= UInt8(ascii: "A") && char <= UInt8(ascii: "Z") { flags |= 1 << bit }
            }
            out.append(Character(Unicode.Scalar(checksumAlphabet[flags])))
        }
        return out
    }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let checksumAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".utf8)
    private static let alphabet = Set(base62)
}
