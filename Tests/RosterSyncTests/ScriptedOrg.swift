import Foundation
import SalesforceClient
import Synchronization

/// An org in memory that answers the Composite calls a sync batch makes, as Salesforce's
/// documentation says it does (SALESFORCE.md, "Composite"): queries find nobody, writes succeed
/// unless `refuse` says otherwise, each record of a collection answered on its own, and a
/// subrequest that refers to a failed one (`@{p0.id}`) halted with `PROCESSING_HALTED`. It
/// keeps every call, so a test asserts what was sent. Nothing here is the engine's logic.
final class ScriptedOrg: SalesforceAPI {
    let apiVersion = "62.0"
    /// Whether the org refuses one record of a write of `object` sent in a collection of
    /// `size` records (`nil`: a single-record write): the error it answers, or `nil`.
    let refuse: @Sendable (_ object: String, _ size: Int?, _ record: SalesforceRecord) -> SalesforceAPIError?
    /// A failure of a whole Composite call (the org's request limit), or `nil` to answer it.
    let interrupt: @Sendable (_ subrequests: [CompositeSubrequest]) -> SalesforceFailure?
    /// What `describe` answers, by object.
    let describes: [String: SObjectDescribe]
    /// Runs before each Composite call is answered (another process acting meanwhile).
    let meanwhile: @Sendable (_ subrequests: [CompositeSubrequest]) async -> Void
    private let state = Mutex<(calls: [[CompositeSubrequest]], created: [String: Int])>(([], [:]))

    init(describes: [String: SObjectDescribe] = [:],
         interrupt: @escaping @Sendable (_ subrequests: [CompositeSubrequest]) -> SalesforceFailure? = { _ in nil },
         refuse: @escaping @Sendable (_ object: String, _ size: Int?, _ record: SalesforceRecord) -> SalesforceAPIError? = { _, _, _ in nil },
         meanwhile: @escaping @Sendable (_ subrequests: [CompositeSubrequest]) async -> Void = { _ in }) {
        self.describes = describes
        self.meanwhile = meanwhile
        self.interrupt = interrupt
        self.refuse = refuse
    }

    /// How many records of each object the org created.
    var created: [String: Int] { state.withLock { $0.created } }

    /// Every Composite call, its subrequests in order.
    var calls: [[CompositeSubrequest]] { state.withLock { $0.calls } }

    var apiUsage: APIUsage? { get async { nil } }

    func composite(_ subrequests: [CompositeSubrequest], allOrNone: Bool, headers: [(String, String)]) async throws(SalesforceFailure) -> [CompositeSubresponse] {
        await meanwhile(subrequests)
        if let failure = interrupt(subrequests) { throw failure }
        state.withLock { $0.calls.append(subrequests) }
        var answered: [String: CompositeSubresponse] = [:]
        return subrequests.map { sub in
            let response = answer(sub, after: answered)
            answered[sub.referenceId] = response
            return response
        }
    }

    func queryAll(_ soql: SOQL) async throws(SalesforceFailure) -> [SalesforceRecord] { [] }
    func describe(_ objects: [String], refresh: Bool) async throws(SalesforceFailure) -> [String: SObjectDescribe] {
        describes.filter { objects.contains($0.key) }
    }
    func describe(_ object: String, refresh: Bool) async throws(SalesforceFailure) -> SObjectDescribe {
        guard let describe = describes[object] else {
            throw .api(status: 404, errors: [SalesforceAPIError(errorCode: "NOT_FOUND", message: "The requested resource does not exist")])
        }
        return describe
    }
    /// The sync never deletes: a delete is a test's mistake, answered as Salesforce answers a row it does not have.
    func delete(_ object: String, id: String) async throws(SalesforceFailure) {
        throw .api(status: 404, errors: [SalesforceAPIError(errorCode: "NOT_FOUND", message: "The requested resource does not exist")])
    }
    func limits() async throws(SalesforceFailure) -> APIUsage { APIUsage(used: 0, max: 15_000) }
    func backOff(beforeRetry attempt: Int, why: String) async throws(SalesforceFailure) {}

    private func answer(_ sub: CompositeSubrequest, after answered: [String: CompositeSubresponse]) -> CompositeSubresponse {
        if sub.method == "GET" {
            return CompositeSubresponse(referenceId: sub.referenceId, httpStatusCode: 200, body: .object(["totalSize": 0, "done": true, "records": .array([])]))
        }
        if sub.url.hasSuffix("/composite/sobjects") {
            let records = (sub.body?["records"]?.arrayValue ?? []).compactMap(\.objectValue)
            let results = records.map { record -> SalesforceValue in
                let object = record["attributes"]?["type"]?.stringValue ?? ""
                if let error = refuse(object, records.count, record) { return Self.failure(error) }
                return .object(["id": .string(record["Id"]?.stringValue ?? newId(object)), "success": true, "errors": .array([])])
            }
            return CompositeSubresponse(referenceId: sub.referenceId, httpStatusCode: 200, body: .array(results))
        }
        // A single record: a reference to a failed subrequest halts it.
        let fields = sub.body?.objectValue ?? [:]
        for case .string(let value) in fields.values where value.hasPrefix("@{") {
            let reference = String(value.dropFirst(2).prefix { $0 != "." })
            if let earlier = answered[reference], !(200..<300).contains(earlier.httpStatusCode) {
                return Self.halted(sub.referenceId, "Invalid reference specified. No value for \(reference).id found in \(reference).")
            }
        }
        let object = sub.url.split(separator: "/").drop { $0 != "sobjects" }.dropFirst().first.map(String.init) ?? ""
        if let error = refuse(object, nil, fields) {
            return CompositeSubresponse(referenceId: sub.referenceId, httpStatusCode: 400,
                                        body: .array([.object(["errorCode": .string(error.errorCode), "message": .string(error.message)])]))
        }
        if sub.method == "PATCH" { return CompositeSubresponse(referenceId: sub.referenceId, httpStatusCode: 204, body: .null) }
        return CompositeSubresponse(referenceId: sub.referenceId, httpStatusCode: 201,
                                    body: .object(["id": .string(newId(object)), "success": true, "errors": .array([])]))
    }

    private func newId(_ object: String) -> String {
        let prefix = ["Contact": "003", "Lead": "00Q", "CampaignMember": "00v", "Account": "001"][object] ?? "0XX"
        let number = state.withLock { state -> Int in
            state.created[object, default: 0] += 1
            return state.created.values.reduce(0, +)
        }
        return prefix + String(format: "%012d", number) + "AAA"
    }

    private static func failure(_ error: SalesforceAPIError) -> SalesforceValue {
        .object(["success": false, "errors": .array([.object(["statusCode": .string(error.errorCode), "message": .string(error.message), "fields": .array([])])])])
    }

    private static func halted(_ referenceId: String, _ message: String) -> CompositeSubresponse {
        CompositeSubresponse(referenceId: referenceId, httpStatusCode: 400,
                             body: .array([.object(["errorCode": "PROCESSING_HALTED", "message": .string(message)])]))
    }
}
