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
        // One pass over the scalars (every import row asks): where the `@` is, and no scalar a
        // part may not hold.
        var at: String.UnicodeScalarView.Index?
        var count = 0
        for index in email.unicodeScalars.indices {
            let scalar = email.unicodeScalars[index]
            count += 1
            if scalar == "@" {
                guard at == nil else { return false }
                at = index
            } else if isForbidden(scalar) {
                return false
            }
        }
        guard let at, at != email.unicodeScalars.startIndex, count <= 80 * 3 else { return false }
        return isPlausibleDomain(Substring(email.unicodeScalars[email.unicodeScalars.index(after: at)...]))
    }

    /// A domain as an address may have: labels separated by dots, at least two, none empty, with
    /// no space, `@`, `,`, `;` or control character.
    public static func isPlausibleDomain(_ domain: Substring) -> Bool {
        var labels = 1
        var labelLength = 0
        for scalar in domain.unicodeScalars {
            if scalar == "." {
                guard labelLength > 0 else { return false }
                labels += 1
                labelLength = 0
            } else if scalar == "@" || isForbidden(scalar) {
                return false
            } else {
                labelLength += 1
            }
        }
        return labels >= 2 && labelLength > 0
    }

    /// White space, `,`, `;` and control characters: never in an address.
    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value <= 0x20 || scalar == "," || scalar == ";" || scalar.value == 0x7F }
        return scalar.properties.isWhitespace || ParticipantRules.isControl(scalar)
    }
}

extension EmailAddress {
    /// The email as the check-in desk shows it to someone who may not read participants:
    /// the first character of the local part and the domain (`g…@corp.com`), enough to tell two
    /// namesakes apart, not an address to write to.
    public static func masked(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@") else { return "…" }
        // A local part of one or two characters would be shown whole: none of it is.
        let local = email[..<at]
        return (local.count > 2 ? String(local.prefix(1)) : "") + "…" + email[at...]
    }
}
