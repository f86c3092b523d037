/// The outcome of a REST call at the HTTP boundary.
enum GatewayOutcome: Sendable {
    case respond(RestResponse)
    /// Close the connection without answering (injected fault).
    case drop
}

/// Authentication, API accounting, latency and fault injection in front of ``RestAPI``.
extension SalesforceSandbox {
    func handleREST(_ request: RestRequest, uri: String) async -> GatewayOutcome {
        let parts = request.path.split(separator: "/")
        // The versions list needs no session and costs nothing, as on a real instance.
        if parts.count == 2 {
            record(request.method, uri, counted: false)
            return .respond(.json(200, RestAPI.versionsList()))
        }
        guard let token = bearer(request.headers["authorization"]), auth.isValid(token) else {
            record(request.method, uri, counted: false)
            return .respond(.error(.invalidSession()))
        }
        guard let version = RestAPI.version(of: request.path) else {
            record(request.method, uri, counted: false)
            return .respond(.error(.notFound()))
        }
        let isBatch = parts.count == 5 && parts[3] == "composite" && parts[4] == "batch" && request.method == "POST"
        let isComposite = parts.count == 4 && parts[3] == "composite" && request.method == "POST"
        // Composite Batch subrequests each count as a call; a Composite request counts once.
        var cost = 1
        if isBatch, let body = try? request.jsonBody(), let items = body["batchRequests"]?.arrayValue {
            cost = max(1, items.count)
        }
        let latency = self.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        switch admit(cost: cost) {
        case .refused(let response):
            record(request.method, uri, counted: false)
            return .respond(response)
        case .admitted(let fault, let usage):
            record(request.method, uri, counted: true)
            let isWrite = request.method != "GET" && request.method != "HEAD"
            var context = RestContext(access: org.access, cursors: cursors, apiUsage: usage,
                                      nowMilliseconds: SandboxOrg.now())
            context.cpuLimits = controlState { $0.cpuLimits }
            context.rowLocked = { [self] object in takeRowLock(object) }
            switch fault {
            case .serverUnavailable?:
                return .respond(withUsage(.error(SalesforceError("SERVER_UNAVAILABLE", "Server temporarily unavailable",
                                                                 status: 503)), usage))
            case .internalServerError?:
                return .respond(withUsage(.error(SalesforceError(
                    "UNKNOWN_EXCEPTION",
                    "An unexpected error occurred. Please include this ErrorId if you contact support: 1457816375-1 (-1161431423)",
                    status: 500)), usage))
            case .dropBeforeCommit?:
                return .drop
            case .unableToLockRow? where isWrite:
                if request.path.contains("/composite/sobjects") {
                    context.lockRowFault = { true }
                } else {
                    return .respond(withUsage(.error(.unableToLockRow("")), usage))
                }
            default:
                break
            }
            if fault == nil, isWrite {
                context.lockRowFault = { [self] in lockRowFault() }
            }
            let response: RestResponse
            if isComposite {
                response = CompositeRoutes.composite(request, version: version, storage: org.storage, context)
            } else if isBatch {
                response = CompositeRoutes.batch(request, version: version) {
                    RestContext(access: org.access, cursors: cursors, apiUsage: usage, nowMilliseconds: SandboxOrg.now())
                }
            } else {
                response = RestAPI.handle(request, context)
            }
            if fault == .dropAfterCommit { return .drop }
            if isWrite, configuration.persistencePath != nil { try? persist() }
            return .respond(withUsage(response, usage))
        }
    }

    private func withUsage(_ response: RestResponse, _ usage: (used: Int, max: Int)) -> RestResponse {
        var response = response
        response.headers["Sforce-Limit-Info"] = "api-usage=\(usage.used)/\(usage.max)"
        return response
    }

    func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let pieces = header.split(separator: " ", maxSplits: 1)
        guard pieces.count == 2, ["bearer", "oauth"].contains(pieces[0].lowercased()) else { return nil }
        return String(pieces[1])
    }
}
