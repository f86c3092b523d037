extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line breaks, and the other
    /// Unicode white space). Pure Swift: Foundation's `trimmingCharacters(in:)` goes through
    /// NSString on Linux, which showed in the registration profile.
    public func trimmed() -> String {
        // Most values have nothing to trim: an ASCII letter at both ends says so without
        // Unicode's white-space tables (an import trims every cell).
        let bytes = utf8
        if let head = bytes.first, Self.isASCIIVisible(head),
           Self.isASCIIVisible(bytes[bytes.index(bytes.startIndex, offsetBy: bytes.count - 1)]) { return String(self) }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    private static func isASCIIVisible(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }

    /// Whether the text is empty or only white space.
    public var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
