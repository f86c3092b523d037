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
    /// `openapi.yaml` declares the same rule as a pattern.
    public static func isPlausible(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, email.count <= 80 * 3,
              !parts[0].contains(where: isForbidden), !parts[0].unicodeScalars.contains(where: ParticipantRules.isControl) else { return false }
        return isPlausibleDomain(parts[1])
    }

    /// A domain as an address may have: labels separated by dots, at least two, none empty, with
    /// no space, `@`, `,`, `;` or control character.
    public static func isPlausibleDomain(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { label in
            !label.isEmpty && !label.contains(where: { isForbidden($0) || $0 == "@" }) && !label.unicodeScalars.contains(where: ParticipantRules.isControl)
        }
    }

    private static func isForbidden(_ character: Character) -> Bool {
        character.isWhitespace || character == "," || character == ";"
    }
}
