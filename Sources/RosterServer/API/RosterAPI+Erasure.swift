import Foundation
import RosterConnector
import RosterCore
import RosterStore

/// Erasing a person on request (GDPR art. 17, issue 30).
extension RosterAPI {
    func eraseParticipant(_ input: Operations.EraseParticipant.Input) async throws -> Operations.EraseParticipant.Output {
        let event = try await event(input.path.eventId)
        let participantId = input.path.participantId
        guard let person = try await participants.find(eventId: event.id, id: participantId) else {
            throw APIError.notFound("no participant with id '\(participantId)' in event '\(event.id)'")
        }
        var member = ParticipantErasure.CampaignMember.kept
        if input.query.salesforce == .removeMember, let memberId = person.salesforce.campaignMemberId {
            // Salesforce first: a refusal leaves the person as they were, to try again.
            do {
                try await connectors.removeCampaignMember(eventId: event.id, memberId: memberId)
            } catch let error as ConnectorError {
                // The connector's own answer (not connected: 409; Salesforce refused: 502…), saying
                // that nothing was erased and how to go on.
                var answer = APIError.from(error)
                answer.message = "the person was not erased: removing them from the Salesforce campaign failed (\(error)); try again, or erase them with salesforce=keep"
                throw answer
            }
            member = .removed
        }
        guard let erasure = try await participants.erase(eventId: event.id, participantId: participantId, by: Caller.current?.name, campaignMember: member)
        else { throw APIError.notFound("no participant with id '\(participantId)' in event '\(event.id)'") }
        logger.notice("participant erased", metadata: ["event": "\(event.id)", "participant": "\(erasure.participantId)",
                                                       "campaignMember": "\(erasure.campaignMember.rawValue)", "by": "\(erasure.erasedBy ?? "?")"])
        return .noContent(.init())
    }
}
