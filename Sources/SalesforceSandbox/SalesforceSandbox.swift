/// One request the sandbox received, for tests that check what a client sent.
public struct RecordedRequest: Sendable {
    /// The HTTP method, e.g. `GET` or `PATCH`.
    public var method: String
    /// Path and query string.
    public var uri: String
    /// Whether it counted against the daily API allocation.
    public var counted: Bool
}

/// The Salesforce sandbox: an org, its connected app and the knobs tests turn.
///
/// Create one and serve it with ``start(configuration:)`` (tests, port 0) or
/// ``runSandbox(configuration:)`` (the `roster sandbox` command); or use
/// ``makeApplication()`` to add it to your own `ServiceGroup`.
public final class SalesforceSandbox: Sendable {
    /// The configuration with generated credentials filled in.
    public let configuration: SandboxConfiguration
    /// The org's data, for direct inspection and changes.
    public let org: SandboxOrg
    let auth: AuthServer
    let cursors = QueryCursorStore()
    private let control: ReadWriteLocked<ControlState>
    /// The URL clients reach the sandbox at; set once the server is bound.
    private let boundURL = ReadWriteLocked<String?>(nil)

    struct ControlState {
        var apiUsed = 0
        var apiMax: Int
        var latency: Duration
        var faults: FaultPlan
        var requests: [RecordedRequest] = []
        /// Records an object's automation can take in one DML before running out of CPU.
        var cpuLimits: [String: Int] = [:]
        /// Collection writes of an object whose rows another transaction holds, still to come.
        var rowLocks: [String: Int] = [:]
    }

    /// Builds the sandbox (and loads `seedFile` / `persistencePath`) without serving it.
    public init(configuration: SandboxConfiguration = SandboxConfiguration()) throws {
        self.configuration = configuration
        org = SandboxOrg(adminUsername: configuration.username, clock: configuration.clock)
        auth = AuthServer(configuration: configuration, userId: org.adminUserId, clock: SandboxOrg.now)
        control = ReadWriteLocked(ControlState(
            apiMax: configuration.apiDailyLimit, latency: configuration.latency,
            faults: FaultPlan(rate: configuration.faultRate, kinds: configuration.faultKinds,
                              random: SplitMix64(seed: configuration.randomSeed))))
        if let path = configuration.persistencePath, let snapshot = try SandboxPersistence.load(path) {
            try SandboxSeed.apply(snapshot, to: org)
        } else if let seedFile = configuration.seedFile {
            try SandboxSeed.apply(try SandboxSeed.read(path: seedFile), to: org)
        }
    }

    /// `http://host:port` once serving (before that, from the configuration).
    public var baseURL: String {
        boundURL.read { $0 } ?? "http://\(configuration.host):\(configuration.port)"
    }

    func setBoundURL(_ url: String) { boundURL.write { $0 = url } }

    // MARK: Test control

    /// REST calls counted against the daily allocation so far.
    public var apiCallCount: Int { control.read { $0.apiUsed } }

    /// Sets the usage counter, e.g. to just below the limit.
    public func setAPIUsage(_ used: Int, max: Int? = nil) {
        control.write {
            $0.apiUsed = used
            if let max { $0.apiMax = max }
        }
    }

    /// Every request received since start or the last ``reset()``, oldest first.
    public var requests: [RecordedRequest] { control.read { $0.requests } }

    /// Delay added before each REST response.
    public func setLatency(_ latency: Duration) { control.write { $0.latency = latency } }

    /// Injects faults into a share (`rate`, 0…1) of REST calls, drawn from `kinds`.
    public func setFaults(rate: Double, kinds: [SandboxFault]) {
        control.write {
            $0.faults.rate = rate
            $0.faults.kinds = kinds
        }
    }

    /// Makes writes of more than `records` records of `object` in one request fail as a trigger
    /// out of CPU time does (`nil` removes the limit).
    public func setCPULimit(object: String, records: Int?) { control.write { $0.cpuLimits[object.lowercased()] = records } }

    /// Makes the next `writes` collection writes of `object` fail every record of it with
    /// `UNABLE_TO_LOCK_ROW`, as when another job holds those rows.
    public func holdRows(of object: String, writes: Int) { control.write { $0.rowLocks[object.lowercased()] = writes } }

    /// Takes one held write of `object`, if any is left.
    func takeRowLock(_ object: String) -> Bool {
        control.write { state in
            guard let left = state.rowLocks[object], left > 0 else { return false }
            state.rowLocks[object] = left - 1
            return true
        }
    }

    /// Makes the next REST calls fail with these faults, one each, in order.
    public func queueFaults(_ faults: [SandboxFault]) { control.write { $0.faults.queued += faults } }

    /// Ends every session: REST calls answer 401 `INVALID_SESSION_ID` until the client refreshes.
    public func expireAccessTokens() { auth.expireAccessTokens() }

    /// Revokes every refresh token, as an admin revoking the app's access does.
    public func revokeRefreshTokens() { auth.revokeRefreshTokens() }

    /// What the OAuth endpoints were asked since the start.
    public var oauthCounts: OAuthCounts { auth.counts }

    /// A valid access token without going through OAuth, for tests that are not about login.
    public func issueAccessToken() -> String {
        auth.issue(scope: "api", withRefreshToken: false, baseURL: baseURL)["access_token"]?.stringValue ?? ""
    }

    /// Converts a Lead into a Contact (created, or `contactId` when given) and answers the Contact Id.
    @discardableResult
    public func convertLead(_ leadId: String, into contactId: String? = nil) throws(SalesforceError) -> String {
        guard let lead = SalesforceId(leadId) else { throw .notFound() }
        let contact = contactId.flatMap(SalesforceId.init)
        return try org.access.write { (state: inout OrgState) throws(SalesforceError) -> String in
            try state.convertLead(lead, contactId: contact).value
        }
    }

    /// Merges duplicates into a master record behind the client's back.
    public func merge(master: String, duplicates: [String]) throws(SalesforceError) {
        guard let masterId = SalesforceId(master) else { throw .notFound() }
        let ids = duplicates.compactMap(SalesforceId.init)
        try org.access.write { (state: inout OrgState) throws(SalesforceError) in try state.merge(master: masterId, duplicates: ids) }
    }

    /// Empties the org, the counters, the request log, the faults and the latency.
    public func reset() {
        org.removeAllRecords()
        cursors.removeAll()
        control.write {
            $0.apiUsed = 0
            $0.apiMax = configuration.apiDailyLimit
            $0.requests = []
            $0.latency = .zero
            $0.faults.rate = 0
            $0.faults.queued = []
            $0.faults.injected = [:]
            $0.cpuLimits = [:]
            $0.rowLocks = [:]
        }
    }

    /// Loads a seed document (see ``SandboxSeed``) into the org.
    public func seed(_ document: JSONValue) throws {
        try SandboxSeed.apply(document, to: org)
    }

    /// Saves the org to `persistencePath`, when configured.
    public func persist() throws {
        guard let path = configuration.persistencePath else { return }
        try SandboxPersistence.save(org, to: path)
    }

    // MARK: Gateway

    func record(_ method: String, _ uri: String, counted: Bool) {
        control.write { $0.requests.append(RecordedRequest(method: method, uri: uri, counted: counted)) }
    }

    var latency: Duration { control.read { $0.latency } }

    func controlState<T>(_ body: (ControlState) -> T) -> T { control.read(body) }

    /// What the REST gateway decided before dispatching: count the call(s), fault, or refuse.
    enum Admission {
        case refused(RestResponse)
        case admitted(fault: SandboxFault?, usage: (used: Int, max: Int))
    }

    func admit(cost: Int) -> Admission {
        control.write { state in
            if state.apiUsed + cost > state.apiMax {
                var response = RestResponse.error(.requestLimitExceeded())
                response.headers["Sforce-Limit-Info"] = "api-usage=\(state.apiUsed)/\(state.apiMax)"
                return .refused(response)
            }
            let fault = state.faults.next()
            if fault == .requestLimitExceeded || fault == .concurrentRequestLimitExceeded {
                var response = RestResponse.error(fault == .requestLimitExceeded ? .requestLimitExceeded() : .concurrentRequestLimitExceeded())
                response.headers["Sforce-Limit-Info"] = "api-usage=\(state.apiUsed)/\(state.apiMax)"
                return .refused(response)
            }
            if fault == .sessionExpired {
                auth.expireAccessTokens()
                return .refused(.error(.invalidSession()))
            }
            state.apiUsed += cost
            return .admitted(fault: fault, usage: (state.apiUsed, state.apiMax))
        }
    }

    func lockRowFault() -> Bool { control.write { $0.faults.lockRow() } }
}
