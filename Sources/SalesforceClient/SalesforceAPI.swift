/// What the sync and the connector ask of a Salesforce org: Composite calls, queries, describes,
/// a delete (erasure) and the org's API usage. ``SalesforceClient`` is the live one; tests give
/// the sync a scripted org instead, so its bookkeeping (partial successes, smaller collections,
/// failed references) is tested without a server. The sandbox stays the fidelity test over HTTP.
public protocol SalesforceAPI: AnyObject, Sendable {
    /// The REST API version the calls use (`62.0`).
    var apiVersion: String { get }
    /// The org's daily API usage as the last answer's `Sforce-Limit-Info` said.
    var apiUsage: APIUsage? { get async }
    /// Sends up to 25 subrequests (at most 5 queries or collections) as one API call.
    func composite(_ subrequests: [CompositeSubrequest], allOrNone: Bool, headers: [(String, String)]) async throws(SalesforceFailure) -> [CompositeSubresponse]
    /// Runs a query and answers every record.
    func queryAll(_ soql: SOQL) async throws(SalesforceFailure) -> [SalesforceRecord]
    /// The objects' describes, from the cache unless `refresh`.
    func describe(_ objects: [String], refresh: Bool) async throws(SalesforceFailure) -> [String: SObjectDescribe]
    /// One object's describe, from the cache unless `refresh`.
    func describe(_ object: String, refresh: Bool) async throws(SalesforceFailure) -> SObjectDescribe
    /// Deletes one row; a row already gone answers `ENTITY_IS_DELETED` or `NOT_FOUND`.
    func delete(_ object: String, id: String) async throws(SalesforceFailure)
    /// The org's daily API usage, read from the Limits resource.
    func limits() async throws(SalesforceFailure) -> APIUsage
    /// Waits before the caller's own retry number `attempt` of work that failed for a transient reason.
    func backOff(beforeRetry attempt: Int, why: String) async throws(SalesforceFailure)
}

extension SalesforceAPI {
    /// One object's describe, from the cache.
    public func describe(_ object: String) async throws(SalesforceFailure) -> SObjectDescribe {
        try await describe(object, refresh: false)
    }

    /// A Composite call without extra headers.
    public func composite(_ subrequests: [CompositeSubrequest], allOrNone: Bool) async throws(SalesforceFailure) -> [CompositeSubresponse] {
        try await composite(subrequests, allOrNone: allOrNone, headers: [])
    }
}

extension SalesforceClient: SalesforceAPI {}
