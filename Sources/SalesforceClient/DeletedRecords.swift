import Foundation

/// What the Get Deleted Records resource answers (REST API Developer Guide, "Get Deleted
/// Records", `GET /sobjects/{object}/deleted/?start=&end=`): the rows of one object deleted in
/// the window, for the whole org, at most 15 days back.
public struct DeletedRecords: Sendable, Hashable, Decodable {
    /// One deleted row.
    public struct Record: Sendable, Hashable, Decodable {
        /// The row's Id.
        public var id: String
        /// When it was deleted, as Salesforce writes it (`2026-12-01T10:01:30.000+0000`).
        public var deletedDate: String
    }

    /// The rows deleted in the window, oldest first.
    public var deletedRecords: [Record]
    /// The earliest start the org still answers for; an earlier one is `INVALID_REPLICATION_DATE`.
    public var earliestDateAvailable: String
    /// Where the window really ended: the next look starts here.
    public var latestDateCovered: String

    /// Reads an answer (a Composite subresponse's body).
    public static func decode(_ body: SalesforceValue) throws(SalesforceFailure) -> DeletedRecords {
        try SalesforceClient.decode(DeletedRecords.self, from: body, what: "Get Deleted Records")
    }
}

extension CompositeSubrequest {
    /// The rows of `object` deleted between `start` and `end` (Get Deleted Records), as a
    /// Composite subrequest: it costs no call of its own. `object` is the caller's constant (an
    /// API name such as `CampaignMember`), never user input: it goes into the path as it is.
    public static func deleted(_ object: String, from start: Date, to end: Date, version: String, referenceId: String) -> CompositeSubrequest {
        // The dates as SOQL writes them (UTC, to the second): the API truncates the seconds away, and a window must span more than a minute.
        let window = "start=\(FormEncoding.percentEncode(SOQL.dateTimeLiteral(start)))&end=\(FormEncoding.percentEncode(SOQL.dateTimeLiteral(end)))"
        return CompositeSubrequest(method: "GET", url: "/services/data/v\(version)/sobjects/\(object)/deleted/?\(window)", referenceId: referenceId)
    }
}
