import Foundation

/// A JSON Pointer (RFC 6901): `/attendee/email`, `/answers/0/text`; `""` is the whole document.
/// `~1` stands for `/` and `~0` for `~` inside a name.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The reference tokens, unescaped, in order.
    public let tokens: [String]

    /// Parses a pointer.
    /// - Throws: when it is not empty and does not start with `/`, or has a `~` not followed by 0 or 1.
    public init(_ text: String) throws(ValidationFailure) {
        guard !text.isEmpty else { tokens = []; return }
        guard text.hasPrefix("/") else {
            throw ValidationFailure(field: "pointer", message: "'\(text)' is not a JSON Pointer: it must start with '/' (e.g. /attendee/email)")
        }
        var tokens: [String] = []
        for part in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var characters = part.makeIterator()
            while let character = characters.next() {
                guard character == "~" else { token.append(character); continue }
                switch characters.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: throw ValidationFailure(field: "pointer", message: "'\(text)' has a '~' that is not '~0' or '~1' (RFC 6901)")
                }
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// The pointer as written, its names escaped.
    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    /// The value the pointer names in `document`, or `nil` when there is none.
    public func value(in document: InputValue) -> InputValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                // RFC 6901: an index is 0 or digits without a leading zero.
                guard let index = Int(token), String(index) == token, items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}
