import Foundation

/// Email addresses as Roster compares them.
public enum EmailAddress {
    /// The form used for uniqueness and matching: trimmed and lower-cased, so
    /// " Ada@Example.COM " and "ada@example.com" are the same person.
    public static func normalized(_ email: String) -> String {
        email.trimmed().lowercased()
    }

    /// A deliberately permissive check (one `@`, a dot in the domain, no spaces), close to what
    /// Salesforce accepts in an Email field; anything stricter refuses real addresses.
    public static func isPlausible(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 3,
              email.count <= 80 * 3, !email.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" }) else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }
}
