import Foundation
import RosterCore
import RosterStore
import RosterWeb
import SalesforceClient

/// The participant list's query parameters, read in one pass over the query string.
///
/// The generated layer reads the whole query string again for each parameter (6 % of the
/// server's CPU under the grid's load), and when a value can't be decoded its error does not
/// say which parameter it was. This reads them once, by the generated layer's rules for
/// `style: form, explode: true` (swift-openapi-runtime's `URIParser`): pairs split on `&`
/// and `=`, the first of a repeated name wins, `+` is a space, a malformed escape reads as
/// empty, numbers and booleans as Swift's `Int(_:)` and `Bool(_:)` read them. A value it can't
/// use is an error naming the parameter. A query string outside those rules (a pair without
/// `=`) gives `nil`: the generated layer answers it, exactly as before.
enum ListQueryParameters {
    static func parse(_ query: Substring?) throws(ParticipantQueryError) -> Operations.ListParticipants.Input.Query? {
        var values: [Name: String] = [:]
        for pair in query?.split(separator: "&", omittingEmptySubsequences: false) ?? [] {
            // The generated parser stops at an empty trailing pair, and fails on any other
            // pair without `=`.
            guard let equals = pair.firstIndex(of: "=") else {
                if pair.isEmpty && pair.endIndex == query?.endIndex { break }
                return nil
            }
            guard let name = Name(rawValue: FormEncoding.decode(pair[..<equals])), values[name] == nil else { continue }
            values[name] = FormEncoding.decode(pair[pair.index(after: equals)...])
        }
        return .init(
            synced: try values[.synced].map { text throws(ParticipantQueryError) in
                guard let value = Bool(text) else { throw .invalidValue(parameter: "synced", value: text, expected: "true or false") }
                return value
            },
            salesforceState: try values[.salesforceState].map { text throws(ParticipantQueryError) in
                guard let value = Operations.ListParticipants.Input.Query.SalesforceStatePayload(rawValue: text) else {
                    throw .invalidValue(parameter: "salesforceState", value: text, expected: SalesforceSyncState.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return value
            },
            q: values[.q],
            sort: values[.sort],
            limit: try values[.limit].map { text throws(ParticipantQueryError) in
                guard let value = Int(text) else { throw .invalidValue(parameter: "limit", value: text, expected: "a whole number from \(RosterAPI.pageSizes.lowerBound) to \(RosterAPI.pageSizes.upperBound)") }
                return value
            },
            cursor: values[.cursor]
        )
    }

    /// The parameters the list takes; any other name is ignored, as the generated layer does.
    private enum Name: String {
        case synced, salesforceState, q, sort, limit, cursor
    }
}
