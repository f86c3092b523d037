/// What a REST handler needs besides the request.
struct RestContext {
    let access: any OrgAccess
    let cursors: QueryCursorStore
    /// API calls used and allowed today, for the `limits` resource.
    let apiUsage: (used: Int, max: Int)
    let nowMilliseconds: Int64
    /// The Composite request's `allOrNone`, which overrides its collection subrequests'.
    var forcedAllOrNone: Bool? = nil
    /// Asked once per record written through sObject Collections: `true` fails that record with
    /// `UNABLE_TO_LOCK_ROW` (fault injection).
    var lockRowFault: () -> Bool = { false }
    /// Objects whose automation (triggers, flows, roll-ups) runs out of CPU past this many records
    /// in one DML, by lower-cased name (test control).
    var cpuLimits: [String: Int] = [:]
    /// Asked once per object a collection write touches: `true` when another transaction holds
    /// that object's rows for this request (test control: every record of it fails to lock).
    var rowLocked: (String) -> Bool = { _ in false }
}

/// Routes `/services/data/...` requests to their handlers. Synchronous: handlers work on the
/// in-memory org under its lock and never wait on I/O.
enum RestAPI {
    static func handle(_ request: RestRequest, _ context: RestContext) -> RestResponse {
        do {
            return try route(request, context)
        } catch {
            return .error(error)
        }
    }

    /// The API version of a path such as `/services/data/v62.0/...`, when supported.
    static func version(of path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "services", parts[1] == "data" else { return nil }
        return parseVersion(parts[2])
    }

    static func parseVersion(_ text: Substring) -> String? {
        guard text.hasPrefix("v") else { return nil }
        let number = text.dropFirst()
        let pieces = number.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[1] == "0", let major = Int(pieces[0]),
              SandboxDefaults.supportedVersions.contains(major)
        else { return nil }
        return String(number)
    }

    private static func route(_ request: RestRequest, _ context: RestContext) throws(SalesforceError) -> RestResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "services", parts[1] == "data" else { throw .notFound() }
        if parts.count == 2 {
            return .json(200, versionsList())
        }
        guard let version = parseVersion(Substring(parts[2])) else { throw .notFound() }
        let rest = Array(parts.dropFirst(3))
        let method = request.method
        switch (method, rest.first, rest.count) {
        case ("GET", nil, _):
            return .json(200, resourceList(version))
        case ("GET", "limits", 1):
            return .json(200, limits(context.apiUsage))
        case (_, "sobjects", _):
            return try SObjectRoutes.handle(request, Array(rest.dropFirst()), version: version, context)
        case ("GET", "query", _), ("GET", "queryAll", _):
            return try QueryRoutes.handle(request, Array(rest.dropFirst()), all: rest[0] == "queryAll",
                                          version: version, context)
        case (_, "composite", _):
            let tail = Array(rest.dropFirst())
            if tail.first == "sobjects" {
                return try CollectionRoutes.handle(request, Array(tail.dropFirst()), version: version, context)
            }
            throw .notFound()
        default:
            throw .notFound()
        }
    }

    static func versionsList() -> JSONValue {
        .array(SandboxDefaults.supportedVersions.map { major in
            .object([
                "label": .string(SandboxDefaults.releaseLabel(major)), "url": .string("/services/data/v\(major).0"),
                "version": .string("\(major).0"),
            ])
        })
    }

    private static func resourceList(_ version: String) -> JSONValue {
        let base = "/services/data/v\(version)"
        var object = JSONObject()
        for name in ["composite", "limits", "query", "queryAll", "sobjects"] {
            object.append(name, .string("\(base)/\(name)"))
        }
        return .object(object)
    }

    private static func limits(_ usage: (used: Int, max: Int)) -> JSONValue {
        func limit(_ max: Int, _ remaining: Int) -> JSONValue {
            .object(["Max": .number(Double(max)), "Remaining": .number(Double(remaining))])
        }
        return .object([
            "ConcurrentAsyncGetReportInstances": limit(200, 200),
            "DailyApiRequests": limit(usage.max, max(0, usage.max - usage.used)),
            "DailyAsyncApexExecutions": limit(250_000, 250_000),
            "DailyBulkApiBatches": limit(15_000, 15_000),
            "DailyBulkV2QueryJobs": limit(10_000, 10_000),
            "DataStorageMB": limit(5, 5),
            "FileStorageMB": limit(20, 20),
            "SingleEmail": limit(15, 15),
        ])
    }
}
