import Crypto
import Foundation
import RosterCore

/// What a participant list shows: which people (sync filter, search) in which order. The REST
/// list and the back office's grid both read through it, so they can't disagree.
public struct ParticipantQuery: Sendable, Hashable {
    /// The orders a list can take; each is a key plus the id, so keyset paging stays exact.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        /// Creation order (ids are time-ordered).
        case created
        case lastName
        case firstName
        case email
    }

    /// `true` only synced people (S4: "sync date is not empty"), `false` only the others.
    public var synced: Bool?
    /// Only the people in this state with Salesforce (``SalesforceSyncState``), judged with
    /// ``exclusions``.
    public var salesforceState: SalesforceSyncState?
    /// The connector's exclusions, for ``salesforceState``.
    public var exclusions: [String] = []
    /// What the list searches: the start of the email, of the first or last name or the company
    /// (ignoring case and accents), of the full name, or of the email's domain after an `@`.
    public var search: String?
    /// What a search may match: everything, or (for the check-in desk's callers that may not
    /// read participants) names and companies only, never an email's start or a domain.
    public var searchScope: SearchScope = .everything
    /// The key the list is ordered by (then the id).
    public var sort: Sort
    /// Whether the order runs from the highest key down.
    public var descending: Bool

    /// Makes a query; `search` is lower-cased, its words separated by single spaces, and a blank
    /// one filters nothing.
    public init(synced: Bool? = nil, search: String? = nil, sort: Sort = .created, descending: Bool = false) {
        self.synced = synced
        let trimmed = search?.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        self.search = trimmed?.isEmpty == false ? trimmed : nil
        self.sort = sort
        self.descending = descending
    }

    /// The longest search (`q`), as openapi.yaml declares it.
    public static let maxSearchLength = 200
    /// How far a search's count goes: past it, a page says "more than 2,000" (its total is the
    /// cap and ``ParticipantPage/totalExact`` false), so counting never costs more in a big event.
    public static let searchCountCap = 2_000

    /// Parses the `sort` parameter: a ``Sort`` name, `-` in front for descending (`-created`).
    public init(synced: Bool?, search: String?, sort text: String?) throws(ParticipantQueryError) {
        if let search, search.unicodeScalars.count > Self.maxSearchLength {
            throw .invalidValue(parameter: "q", value: String(search.prefix(20)) + "…", expected: "at most \(Self.maxSearchLength) characters long")
        }
        var name = text?.trimmed() ?? ""
        let descending = name.hasPrefix("-")
        if descending { name.removeFirst() }
        guard let sort = name.isEmpty ? .created : Sort(rawValue: name) else {
            throw .invalidSort(text ?? "", allowed: Sort.allCases.map(\.rawValue))
        }
        self.init(synced: synced, search: search, sort: sort, descending: descending)
    }

    /// The `sort` parameter that gives this order.
    public var sortParameter: String { (descending ? "-" : "") + sort.rawValue }

    /// The value a participant sorts by, as stored (folded names, the email key).
    func key(of participant: Participant) -> String {
        switch sort {
        case .created: participant.id
        case .lastName: SearchKeys.fold(participant.lastName)
        case .firstName: SearchKeys.fold(participant.firstName)
        case .email: participant.normalizedEmail
        }
    }

    /// The value a participant's ties on ``key(of:)`` sort by, as stored: for a name's order, the
    /// other name; `nil` for the other orders.
    func otherKey(of participant: Participant) -> String? {
        switch sort {
        case .lastName: SearchKeys.fold(participant.firstName)
        case .firstName: SearchKeys.fold(participant.lastName)
        case .created, .email: nil
        }
    }

    /// Identifies the filter and order, so a cursor can't be replayed on another list.
    var fingerprint: String {
        [synced.map { $0 ? "1" : "0" } ?? "-", search ?? "", sortParameter, salesforceState?.rawValue ?? "-", searchScope.rawValue].joined(separator: "\u{1F}")
    }
}

/// What a search may match (``ParticipantQuery/searchScope``).
public enum SearchScope: String, Sendable, Hashable {
    /// Emails, domains, names and companies.
    case everything
    /// Names and companies only.
    case namesAndCompany
}

/// A list parameter that can't be used, named so the caller can say which.
public enum ParticipantQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidSort(String, allowed: [String])
    case invalidCursor(String)
    /// A parameter whose text is not of its type (`limit=many`, `synced=perhaps`).
    case invalidValue(parameter: String, value: String, expected: String)

    /// The parameter at fault (`sort`, `cursor`, `limit`…).
    public var field: String {
        switch self {
        case .invalidSort: "sort"
        case .invalidCursor: "cursor"
        case .invalidValue(let parameter, _, _): parameter
        }
    }

    /// Says what is wrong with the parameter and what it takes.
    public var description: String {
        switch self {
        case .invalidSort(let text, let allowed):
            "sort '\(text)' is not one of \(allowed.joined(separator: ", ")) (add '-' in front for descending)"
        case .invalidCursor(let text):
            "the cursor '\(text)' is not one this list gave (or the filter or order changed); start again without a cursor"
        case .invalidValue(let parameter, let text, let expected):
            "\(parameter) '\(text)' is not \(expected)"
        }
    }
}

/// Where the next page starts: the last row's sort key and id, and the list's total counted on
/// its first page, so later pages need not count the whole event again. Opaque to clients
/// (base64url of JSON).
struct PageCursor: Codable, Sendable, Hashable {
    var key: String
    /// For a name's order, the other name (``ParticipantQuery/otherKey(of:)``).
    var other: String? = nil
    var id: String
    var total: Int
    /// `false` when ``total`` is a search's cap and more match; absent, the total is exact.
    var exact: Bool? = nil
    /// A search's: the event's participants on its first page, for the ``SearchPlan`` of the next.
    var population: Int?
    /// A search's: which of its alternatives matched on its first page, so a walk reads only
    /// those (see ``ParticipantRepository/ListCount/keys``); absent, all three.
    var keys: [Int]? = nil
    var fingerprint: String

    /// The cursor's JSON and its signature (HMAC-SHA256), each base64url
    /// without padding (RFC 4648, section 5), joined by a `.`: its bytes swapped one by one, as
    /// Foundation's `replacingOccurrences`, three of them each way, took 4 % of the server's CPU
    /// under 8 grid readers.
    func encoded(key: SymmetricKey) -> String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return Self.base64URL(data) + "." + Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: data, using: key)))
    }

    /// The cursor, if it is one this database signed for this query; an edited or forged cursor
    /// is `invalid_cursor`.
    static func decode(_ text: String, for query: ParticipantQuery, key: SymmetricKey) throws(ParticipantQueryError) -> PageCursor {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let data = bytes(base64URL: parts[0]), let mac = bytes(base64URL: parts[1]),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: data, using: key), // in constant time
              let cursor = try? JSONDecoder().decode(PageCursor.self, from: data), cursor.fingerprint == query.fingerprint,
              // A name's order needs both names (a cursor from before migration 0022 has one).
              (cursor.other != nil) == ([.lastName, .firstName] as [ParticipantQuery.Sort]).contains(query.sort)
        else { throw .invalidCursor(text) }
        return cursor
    }

    private static func base64URL(_ data: Data) -> String {
        var bytes = translate(Array(data.base64EncodedString().utf8), from: ("+", "/"), to: ("-", "_"))
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func bytes(base64URL text: Substring) -> Data? {
        var bytes = translate(Array(text.utf8), from: ("-", "_"), to: ("+", "/"))
        bytes += repeatElement(UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4)
        return Data(base64Encoded: Data(bytes))
    }

    /// `bytes`, each of the two `from` characters replaced by its `to`.
    private static func translate(_ bytes: [UInt8], from: (Unicode.Scalar, Unicode.Scalar), to: (Unicode.Scalar, Unicode.Scalar)) -> [UInt8] {
        let (first, second) = (UInt8(ascii: from.0), UInt8(ascii: from.1))
        let (firstTo, secondTo) = (UInt8(ascii: to.0), UInt8(ascii: to.1))
        return bytes.map { $0 == first ? firstTo : $0 == second ? secondTo : $0 }
    }
}
