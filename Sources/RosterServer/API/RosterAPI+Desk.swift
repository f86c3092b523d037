import Foundation
import RosterCore
import RosterStore

/// The check-in desk's search (issue 30): what a person at the door needs to find someone and
/// check them in, and no more.
extension RosterAPI {
    /// The most people one desk search answers.
    static let deskResults = 20
    /// The fewest letters a caller that may not read participants searches by: one letter would
    /// list the event 20 people at a time.
    static let deskShortestSearch = 2

    /// A caller that may read participants searches as the grid does. Anyone else (a registrar)
    /// finds people by name or company from two letters on, or by their whole email address, and
    /// sees emails masked and at most "more than 20" as the total: the desk is not a way to list
    /// the event or to rebuild its addresses.
    func searchDesk(_ input: Operations.SearchDesk.Input) async throws -> Operations.SearchDesk.Output {
        let event = try await event(input.path.eventId)
        let counts = try await participants.deskCounts(eventId: event.id)
        let search = input.query.q ?? ""
        if search.unicodeScalars.count > ParticipantQuery.maxSearchLength {
            throw APIError(.badRequest, "invalid_parameter", "q must be at most \(ParticipantQuery.maxSearchLength) characters long",
                           details: [.init(field: "q", row: nil, message: "at most \(ParticipantQuery.maxSearchLength) characters")])
        }
        let reader = Caller.current?.access.allows(.readParticipants) ?? false
        let found: [Participant], total: Int
        if reader {
            let query = ParticipantQuery(search: search, sort: .lastName)
            // No search, nobody: the desk is not a list of the event's people.
            let page = query.search == nil ? ParticipantPage(items: [], total: 0, nextCursor: nil)
                : try await participants.page(eventId: event.id, query: query, limit: Self.deskResults, cursor: nil)
            (found, total) = (page.items, page.total)
        } else if search.contains("@") {
            found = EmailAddress.isPlausible(search.trimmed()) ? try await participants.find(eventId: event.id, email: search).map { [$0] } ?? [] : []
            total = found.count
        } else if search.filter({ !$0.isWhitespace }).count >= Self.deskShortestSearch {
            var query = ParticipantQuery(search: search, sort: .lastName)
            query.searchScope = .namesAndCompany
            let page = try await participants.page(eventId: event.id, query: query, limit: Self.deskResults, cursor: nil)
            (found, total) = (page.items, min(page.total, Self.deskResults + 1))
        } else {
            (found, total) = ([], 0)
        }
        let items = found.map { person in
            Components.Schemas.DeskPerson(id: person.id, firstName: person.firstName, lastName: person.lastName,
                                          email: reader ? person.email : EmailAddress.masked(person.email), company: person.company,
                                          hasAttended: person.hasAttended, checkedInAt: person.checkedInAt)
        }
        return .ok(.init(body: .json(.init(items: items, total: total, participants: counts.participants, checkedIn: counts.checkedIn))))
    }
}

extension Components.Schemas.DeskPerson: EncodesEveryKey {
    /// `checkedInAt` is `null` for someone not checked in, not left out.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}
