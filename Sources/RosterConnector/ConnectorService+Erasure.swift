import SalesforceClient

extension ConnectorService {
    /// Removes a person's campaign member from the event's campaign before they are erased
    /// (`DELETE /sobjects/CampaignMember/{id}`): the member only, never the Contact or Lead, which
    /// belong to the org. A member already gone (deleted in Salesforce meanwhile) counts as removed.
    ///
    /// - Throws: ``ConnectorError`` when the event is not connected, or Salesforce refused.
    public func removeCampaignMember(eventId: String, memberId: String) async throws {
        let client = try await client(eventId: eventId)
        do {
            try await client.delete("CampaignMember", id: memberId)
        } catch let failure {
            if case .api(404, _) = failure, ["ENTITY_IS_DELETED", "NOT_FOUND"].contains(failure.errorCode ?? "") { return }
            throw ConnectorError.salesforce(failure)
        }
    }
}
