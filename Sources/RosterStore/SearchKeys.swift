import Foundation
import RosterCore

/// What the participant list searches and sorts names by, stored beside each participant
/// (migration 0019) so an index serves them on SQLite and PostgreSQL alike: each name and the
/// company folded (lower case, accents dropped, typographic apostrophes made plain), and the
/// email's domain. "helene" finds Hélène, "o'brien" finds O’Brien, "@corp.com" finds everyone at
/// corp.com.
///
/// Folded here, in Swift, rather than by the database: SQLite's `lower()` knows only ASCII and has
/// no accent folding, PostgreSQL's `unaccent` is an extension an org's database may lack, and the
/// key a page's cursor holds must be the very one stored.
struct SearchKeys: Equatable {
    var firstName: String
    var lastName: String
    var company: String
    var domain: String

    /// The columns, in the order of ``values``.
    static let columns = ["first_key", "last_key", "company_key", "domain_key"]

    init(_ participant: Participant) {
        self.init(firstName: participant.firstName, lastName: participant.lastName, company: participant.company, emailKey: participant.normalizedEmail)
    }

    init(firstName: String, lastName: String, company: String, emailKey: String) {
        self.firstName = Self.fold(firstName)
        self.lastName = Self.fold(lastName)
        self.company = Self.fold(company)
        domain = Self.domain(ofKey: emailKey)
    }

    /// The keys in the order of ``columns``.
    var values: [String] { [firstName, lastName, company, domain] }

    /// `text` as it is searched: lower case, without accents, typographic apostrophes plain, its
    /// words separated by single spaces.
    static func fold(_ text: String) -> String {
        // Most names are plain ASCII: lower-casing them is all folding does.
        let folded = text.utf8.allSatisfy { $0 < 0x80 } ? text.lowercased()
            : text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).replacingOccurrences(of: "\u{2019}", with: "'").lowercased()
        guard folded.contains("  ") || folded.hasPrefix(" ") || folded.hasSuffix(" ") else { return folded }
        return folded.split(separator: " ").joined(separator: " ")
    }

    /// The part of an email key after its `@` (all of it when there is none).
    static func domain(ofKey key: String) -> String {
        guard let at = key.lastIndex(of: "@") else { return key }
        return String(key[key.index(after: at)...])
    }
}
