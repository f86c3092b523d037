/// Comparison of secrets (CSRF tokens) whose time does not depend on where they differ, so an
/// attacker can't learn a token byte by byte from response times. swift-crypto keeps its own
/// constant-time comparison internal, hence these few lines.
public enum ConstantTime {
    /// Whether the two texts are equal, in time that depends only on their lengths.
    public static func equals(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0 && a.count == b.count
    }
}
