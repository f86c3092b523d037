extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line breaks, and the other
    /// Unicode white space). Pure Swift: Foundation's `trimmingCharacters(in:)` goes through
    /// NSString on Linux, which showed in the registration profile.
    public func trimmed() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// Whether the text is empty or only white space.
    public var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
