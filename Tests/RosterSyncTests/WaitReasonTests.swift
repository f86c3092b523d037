import RosterConnector
@testable import RosterSync
import SalesforceClient
import Testing

@Suite("What makes a run wait instead of fail")
struct WaitReasonTests {
    @Test func limitsAndLostConnectionsWaitRealErrorsFail() {
        let daily = SalesforceFailure.api(status: 403, errors: [.init(errorCode: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded.")])
        #expect(SyncEngine.waitReason(daily)?.contains("TotalRequests Limit exceeded.") == true)
        #expect(SyncEngine.waitReason(SalesforceFailure.connectionBroken("Salesforce refused to renew the session (invalid_grant)"))?
            .contains("resumes by itself once Roster is connected") == true)
        #expect(SyncEngine.waitReason(ConnectorError.notConnected("the event is not connected to Salesforce")) != nil)
        #expect(SyncEngine.waitReason(ConnectorError.salesforce(.unreachable("GET /limits after 4 tries"))) != nil)
        #expect(SyncEngine.waitReason(SalesforceFailure.outcomeUnknown("POST /composite: connection closed"))?.contains("matches those people again") == true)
        let unavailable = SalesforceFailure.api(status: 503, errors: [.init(errorCode: "SERVER_UNAVAILABLE", message: "Server temporarily unavailable")])
        #expect(SyncEngine.waitReason(unavailable)?.contains("kept answering SERVER_UNAVAILABLE") == true)
        #expect(SyncEngine.waitReason(SalesforceFailure.api(status: 400, errors: [.init(errorCode: "UNABLE_TO_LOCK_ROW", message: "unable to obtain exclusive access")])) != nil)
        #expect(SyncEngine.waitReason(SalesforceFailure.api(status: 400, errors: [.init(errorCode: "INVALID_FIELD", message: "No such column")])) == nil)
        #expect(SyncEngine.waitReason(SalesforceFailure.api(status: 403, errors: [.init(errorCode: "INSUFFICIENT_ACCESS", message: "no access")])) == nil)
        #expect(SyncEngine.waitReason(ConnectorError.missingSetting(field: "campaignName", message: "choose a campaign")) == nil)
    }

    @Test func theConcurrentLimitIsRetriedTheDailyOneIsNot() {
        let concurrent = SalesforceAPIError(errorCode: "REQUEST_LIMIT_EXCEEDED", message: "ConcurrentPerOrgLongTxn Limit exceeded.")
        let daily = SalesforceAPIError(errorCode: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded.")
        #expect(RetryPolicy.isRetryable(status: 403, errors: [concurrent]))
        #expect(!RetryPolicy.isRetryable(status: 403, errors: [daily]))
    }
}
