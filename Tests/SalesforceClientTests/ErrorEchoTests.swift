@testable import SalesforceClient
import Testing

/// An answer that is not Salesforce's (a host in the operator's network, a proxy's page) is never
/// echoed into Roster's errors: only a status and Salesforce's own codes and messages pass.
@Suite("Foreign answers are not echoed")
struct ErrorEchoTests {
    static let foreign = Array("<html><body>internal admin panel: db=prod password=hunter2</body></html>".utf8)

    @Test func aRESTAnswerOutsideSalesforcesFormKeepsOnlyItsStatus() {
        let errors = SalesforceClient.errors(in: HTTPReply(status: 404, body: Self.foreign))
        #expect(errors.map(\.errorCode) == ["HTTP_404"])
        #expect(!errors.description.contains("hunter2") && !errors.description.contains("<html>"))
        let salesforce = SalesforceClient.errors(in: HTTPReply(status: 400, body: Array(#"[{"errorCode": "INVALID_FIELD", "message": "No such column"}]"#.utf8)))
        #expect(salesforce.map(\.description) == ["INVALID_FIELD: No such column"], "Salesforce's own errors pass as they are")
    }

    @Test func aLoginAnswerOutsideOAuthsFormKeepsOnlyItsStatus() {
        let failure = OAuthClient.oauthFailure(HTTPReply(status: 200, body: Self.foreign))
        #expect(failure.errorCode == "http_200")
        #expect(!failure.description.contains("hunter2") && !failure.description.contains("<html>"))
        let refused = OAuthClient.oauthFailure(HTTPReply(status: 400, body: Array(#"{"error": "invalid_grant", "error_description": "expired access/refresh token"}"#.utf8)))
        #expect(refused == .oauth(status: 400, error: "invalid_grant", description: "expired access/refresh token"))
    }
}
