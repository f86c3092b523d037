/// Composite (`/composite`: dependent subrequests, one transaction when `allOrNone`) and
/// Composite Batch (`/composite/batch`: independent subrequests).
enum CompositeRoutes {
    private static let halted = SalesforceError(
        "PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.")

    static func composite(_ request: RestRequest, version: String, storage: ReadWriteLocked<OrgState>, _ base: RestContext) -> RestResponse {
        do throws(SalesforceError) {
            let body = try request.objectBody()
            guard let items = body["compositeRequest"]?.arrayValue, !items.isEmpty else {
                throw SalesforceError("INVALID_FIELD", "compositeRequest is required", fields: [])
            }
            guard items.count <= SandboxDefaults.compositeLimit else {
                throw SalesforceError("LIMIT_EXCEEDED", "Composite request limit exceeded: \(SandboxDefaults.compositeLimit)")
            }
            let subrequests = try items.map { item throws(SalesforceError) -> JSONObject in
                guard let object = item.objectValue, object["method"]?.stringValue != nil, object["url"]?.stringValue != nil,
                      object["referenceId"]?.stringValue != nil
                else { throw SalesforceError("INVALID_FIELD", "Each subrequest needs method, url and referenceId", fields: []) }
                return object
            }
            let heavy = subrequests.filter { sub in
                let url = sub["url"]?.stringValue ?? ""
                return url.contains("/query") || url.contains("/composite/sobjects")
            }
            guard heavy.count <= SandboxDefaults.compositeQueryOrCollectionLimit else {
                throw SalesforceError("LIMIT_EXCEEDED", "Composite request limit exceeded: no more than "
                    + "\(SandboxDefaults.compositeQueryOrCollectionLimit) query or sObject Collections subrequests")
            }
            let allOrNone = body["allOrNone"]?.boolValue ?? false
            let entries = storage.write { state in run(subrequests, allOrNone: allOrNone, version: version, state: &state, base) }
            return .json(200, .object(["compositeResponse": .array(entries)]))
        } catch {
            return .error(error)
        }
    }

    private static func run(
        _ subrequests: [JSONObject], allOrNone: Bool, version: String, state: inout OrgState, _ base: RestContext
    ) -> [JSONValue] {
        var entries: [JSONValue] = []
        var outcomes: [String: (status: Int, body: JSONValue?)] = [:]
        let rollback = SalesforceError("__rollback__", "")
        var failedAt: Int?
        _ = try? state.transaction { (inner: inout OrgState) throws(SalesforceError) in
            try withUnsafeMutablePointer(to: &inner) { (pointer) throws(SalesforceError) in
                let context = RestContext(access: HeldOrgAccess(state: pointer), cursors: base.cursors, apiUsage: base.apiUsage,
                                      nowMilliseconds: base.nowMilliseconds,
                                      forcedAllOrNone: allOrNone ? true : nil, lockRowFault: base.lockRowFault, cpuLimits: base.cpuLimits, rowLocked: base.rowLocked)
                for (position, sub) in subrequests.enumerated() {
                    let referenceId = sub["referenceId"]!.stringValue!
                    let response: RestResponse
                    do throws(SalesforceError) {
                        response = try perform(sub, outcomes: outcomes, version: version, context)
                    } catch {
                        response = .error(error)
                    }
                    outcomes[referenceId] = (response.status, response.body)
                    entries.append(entry(response, referenceId: referenceId))
                    if allOrNone, response.status >= 400 {
                        failedAt = position
                        throw rollback
                    }
                }
            }
        }
        guard let failedAt else { return entries }
        // Every other subrequest, run or not, reports that the transaction was rolled back.
        return subrequests.enumerated().map { position, sub in
            if position == failedAt { return entries[position] }
            return entry(.error(halted), referenceId: sub["referenceId"]!.stringValue!)
        }
    }

    private static func entry(_ response: RestResponse, referenceId: String) -> JSONValue {
        var headers = JSONObject()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) { headers[name] = .string(value) }
        return .object([
            "body": response.body ?? .null, "httpHeaders": .object(headers),
            "httpStatusCode": .number(Double(response.status)), "referenceId": .string(referenceId),
        ])
    }

    private static func perform(
        _ sub: JSONObject, outcomes: [String: (status: Int, body: JSONValue?)], version: String, _ context: RestContext
    ) throws(SalesforceError) -> RestResponse {
        let url = try References.resolve(sub["url"]!.stringValue!, outcomes)
        let body = try sub["body"].map { value throws(SalesforceError) in try References.resolve(value, outcomes) }
        guard url.hasPrefix("/services/data/v"), RestAPI.version(of: url) != nil else {
            throw SalesforceError("INVALID_FIELD", "The url must start with /services/data/vXX.X/", fields: [])
        }
        if url.contains("/composite") && !url.contains("/composite/sobjects") {
            throw SalesforceError("INVALID_FIELD", "A Composite subrequest cannot itself be a Composite request", fields: [])
        }
        var headers: [String: String] = [:]
        for (name, value) in sub["httpHeaders"]?.objectValue ?? [:] {
            headers[name.lowercased()] = value.stringValue
        }
        let request = RestRequest(method: sub["method"]!.stringValue!, url: url, headers: headers, json: body)
        var response = RestAPI.handle(request, context)
        if response.status == 201, let id = response.body?["id"]?.stringValue {
            let path = request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
            response.headers["Location"] = "\(path)/\(id)"
        }
        return response
    }

    // MARK: Composite Batch

    static func batch(_ request: RestRequest, version: String, _ makeContext: () -> RestContext) -> RestResponse {
        do throws(SalesforceError) {
            let body = try request.objectBody()
            let items = body["batchRequests"]?.arrayValue ?? []
            guard items.count <= SandboxDefaults.compositeLimit else {
                throw SalesforceError("LIMIT_EXCEEDED", "Batch request limit exceeded: \(SandboxDefaults.compositeLimit)")
            }
            let haltOnError = body["haltOnError"]?.boolValue ?? false
            var results: [JSONValue] = []
            var halted = false
            var hasErrors = false
            for item in items {
                if halted {
                    results.append(.object([
                        "statusCode": 412,
                        "result": .array([.object(["errorCode": "BATCH_PROCESSING_HALTED",
                                                    "message": "Batch processing halted per request"])]),
                    ]))
                    continue
                }
                var url = item["url"]?.stringValue ?? ""
                if !url.hasPrefix("/") { url = "/services/data/" + url }
                let response: RestResponse
                if url.contains("/composite") && !url.contains("/composite/sobjects") {
                    response = .error(SalesforceError("INVALID_FIELD", "A batch cannot contain Composite requests"))
                } else {
                    let sub = RestRequest(method: item["method"]?.stringValue ?? "GET", url: url, json: item["richInput"])
                    response = RestAPI.handle(sub, makeContext())
                }
                if response.status >= 400 {
                    hasErrors = true
                    if haltOnError { halted = true }
                }
                results.append(.object(["statusCode": .number(Double(response.status)), "result": response.body ?? .null]))
            }
            return .json(200, .object(["hasErrors": .bool(hasErrors), "results": .array(results)]))
        } catch {
            return .error(error)
        }
    }
}

/// `@{referenceId.path}` substitution between Composite subrequests.
enum References {
    static func resolve(_ value: JSONValue, _ outcomes: [String: (status: Int, body: JSONValue?)]) throws(SalesforceError) -> JSONValue {
        switch value {
        case .string(let text):
            // A string that is exactly one reference takes the referenced value with its type.
            if text.hasPrefix("@{"), text.hasSuffix("}"), text.dropFirst(2).firstIndex(of: "@") == nil,
               text.filter({ $0 == "}" }).count == 1
            {
                return try lookup(String(text.dropFirst(2).dropLast()), outcomes)
            }
            return .string(try resolve(text, outcomes))
        case .array(let items):
            return .array(try items.map { item throws(SalesforceError) in try resolve(item, outcomes) })
        case .object(let object):
            var copy = JSONObject()
            for (key, member) in object { copy.append(key, try resolve(member, outcomes)) }
            return .object(copy)
        default:
            return value
        }
    }

    static func resolve(_ text: String, _ outcomes: [String: (status: Int, body: JSONValue?)]) throws(SalesforceError) -> String {
        guard text.contains("@{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "@{") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let value = try lookup(String(rest[start.upperBound..<end]), outcomes)
            switch value {
            case .string(let string): out += string
            default: out += JSONWriter.string(value)
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    private static func lookup(_ expression: String, _ outcomes: [String: (status: Int, body: JSONValue?)]) throws(SalesforceError) -> JSONValue {
        let segments = expression.split(separator: ".").map(String.init)
        let failure = SalesforceError(
            "PROCESSING_HALTED",
            "Invalid reference specified. No value for \(expression) found in \(segments.first ?? ""). Provided referenceId "
                + "('\(expression)') must start with a letter or a number, and it can contain only letters, numbers and "
                + "underscores ('_').")
        guard let first = segments.first, let outcome = outcomes[first], outcome.status < 400, var current = outcome.body
        else { throw failure }
        for segment in segments.dropFirst() {
            // `records[0]` style indexing.
            var name = Substring(segment)
            var indexes: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indexes.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty {
                guard let next = current[String(name)] else { throw failure }
                current = next
            }
            for index in indexes {
                guard let items = current.arrayValue, index < items.count else { throw failure }
                current = items[index]
            }
        }
        return current
    }
}
