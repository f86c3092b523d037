import Hummingbird

/// `/__sandbox/...`: the test-control API (only when started with `testControl`).
///
/// | route | body | does |
/// |---|---|---|
/// | `POST /__sandbox/reset` | | empties the org, counters, log, faults, latency |
/// | `POST /__sandbox/seed` | a seed document (``SandboxSeed``) | loads it |
/// | `GET /__sandbox/calls` | | `{"apiCalls", "apiMax", "faults": {"kind": n}, "requests": [{"method","uri","counted"}]}` |
/// | `POST /__sandbox/latency` | `{"ms": 250}` | delay before each REST response |
/// | `POST /__sandbox/faults` | `{"rate": 0.1, "kinds": ["serverUnavailable", …]}` and/or `{"next": ["dropAfterCommit"]}` | fault injection |
/// | `POST /__sandbox/cpu-limit` | `{"object": "Lead", "records": 40}` (no `records`: none) | writes of more records of the object in one request fail with a trigger's CPU limit |
/// | `POST /__sandbox/row-locks` | `{"object": "Lead", "writes": 1}` | the next collection writes of the object fail every record of it with `UNABLE_TO_LOCK_ROW` |
/// | `POST /__sandbox/tokens/expire` | | every access token expires |
/// | `GET /__sandbox/oauth` | | `{"refreshes", "reuses", "codeExchanges", "revocations"}`: refresh grants answered, rotated refresh tokens presented again, codes presented, revoke requests |
/// | `POST /__sandbox/tokens/revoke-refresh` | | every refresh token is revoked |
/// | `POST /__sandbox/api-usage` | `{"used": 14990, "max": 15000}` | sets the counter |
/// | `POST /__sandbox/duplicate-rules` | `{"object": "Lead", "active": true}` | switches a duplicate rule |
/// | `POST /__sandbox/leads/{id}/convert` | `{"contactId"?}` | converts a Lead → `{"contactId"}` |
/// | `POST /__sandbox/merge` | `{"masterId", "duplicateIds": [...]}` | merges records |
/// | `DELETE /__sandbox/records/{id}` | | deletes a record behind the client's back |
/// | `POST /__sandbox/token` | | `{"access_token"}` without OAuth |
extension SalesforceSandbox {
    func addControlRoutes(to router: Router<BasicRequestContext>) {
        let group = router.group("/__sandbox")
        group.post("reset") { _, _ in
            self.reset()
            return Self.json(200, .object(["ok": true]))
        }
        group.post("seed") { request, _ in
            try await self.control(request) { body throws in try self.seed(body) }
        }
        group.get("calls") { _, _ in
            let requests = self.requests.map { request -> JSONValue in
                .object(["method": .string(request.method), "uri": .string(request.uri), "counted": .bool(request.counted)])
            }
            let (max, injected) = self.control { ($0.apiMax, $0.faults.injected) }
            var faults = JSONObject()
            for (fault, count) in injected.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { faults[fault.rawValue] = .number(Double(count)) }
            return Self.json(200, .object([
                "apiCalls": .number(Double(self.apiCallCount)), "apiMax": .number(Double(max)), "faults": .object(faults),
                "requests": .array(requests),
            ]))
        }
        group.post("latency") { request, _ in
            try await self.control(request) { body in
                self.setLatency(.milliseconds(Int(body["ms"]?.doubleValue ?? 0)))
            }
        }
        group.post("faults") { request, _ in
            try await self.control(request) { body throws in
                func kinds(_ value: JSONValue?) throws -> [SandboxFault]? {
                    try value?.arrayValue?.map { item in
                        guard let name = item.stringValue, let fault = SandboxFault(rawValue: name) else {
                            throw SalesforceError("INVALID_FIELD", "unknown fault \(item); known: "
                                + SandboxFault.allCases.map(\.rawValue).joined(separator: ", "))
                        }
                        return fault
                    }
                }
                if let rate = body["rate"]?.doubleValue {
                    self.setFaults(rate: rate, kinds: try kinds(body["kinds"]) ?? [.serverUnavailable])
                }
                if let next = try kinds(body["next"]) { self.queueFaults(next) }
            }
        }
        group.post("cpu-limit") { request, _ in
            try await self.control(request) { body throws in
                guard let object = body["object"]?.stringValue else { throw SalesforceError("REQUIRED_FIELD_MISSING", "cpu-limit needs an object") }
                self.setCPULimit(object: object, records: body["records"]?.doubleValue.map { max(1, Int($0)) })
            }
        }
        group.post("row-locks") { request, _ in
            try await self.control(request) { body throws in
                guard let object = body["object"]?.stringValue else { throw SalesforceError("REQUIRED_FIELD_MISSING", "row-locks needs an object") }
                self.holdRows(of: object, writes: Int(body["writes"]?.doubleValue ?? 1))
            }
        }
        group.get("oauth") { _, _ in
            let counts = self.auth.counts
            return Self.json(200, .object(["refreshes": .number(Double(counts.refreshes)), "reuses": .number(Double(counts.reuses)),
                                           "codeExchanges": .number(Double(counts.codeExchanges)),
                                           "revocations": .number(Double(counts.revocations))]))
        }
        group.post("tokens/expire") { _, _ in
            self.expireAccessTokens()
            return Self.json(200, .object(["ok": true]))
        }
        group.post("tokens/revoke-refresh") { _, _ in
            self.revokeRefreshTokens()
            return Self.json(200, .object(["ok": true]))
        }
        group.post("token") { _, _ in
            Self.json(200, .object(["access_token": .string(self.issueAccessToken()), "instance_url": .string(self.baseURL)]))
        }
        group.post("api-usage") { request, _ in
            try await self.control(request) { body in
                self.setAPIUsage(Int(body["used"]?.doubleValue ?? 0), max: body["max"]?.doubleValue.map { Int($0) })
            }
        }
        group.post("duplicate-rules") { request, _ in
            try await self.control(request) { body in
                self.org.setDuplicateRule(object: body["object"]?.stringValue ?? "", active: body["active"]?.boolValue ?? true)
            }
        }
        group.post("leads/:id/convert") { request, context in
            let id = context.parameters.get("id") ?? ""
            var contactId = ""
            let response = try await self.control(request) { body throws in
                contactId = try self.convertLead(id, into: body["contactId"]?.stringValue)
            }
            return contactId.isEmpty ? response : Self.json(200, .object(["contactId": .string(contactId)]))
        }
        group.post("merge") { request, _ in
            try await self.control(request) { body throws in
                try self.merge(master: body["masterId"]?.stringValue ?? "",
                               duplicates: (body["duplicateIds"]?.arrayValue ?? []).compactMap(\.stringValue))
            }
        }
        group.delete("records/:id") { _, context in
            do throws(SalesforceError) {
                try self.org.delete(context.parameters.get("id") ?? "")
                return Self.json(200, .object(["ok": true]))
            } catch {
                return Self.http(.error(error))
            }
        }
    }

    func control<T>(_ body: (ControlState) -> T) -> T { controlState(body) }

    /// Runs a control action on the JSON body; Salesforce-style errors become REST error JSON.
    private func control(_ request: Request, _ action: (JSONValue) throws -> Void) async throws -> Response {
        var request = request
        let bytes = Array(buffer: try await request.collectBody(upTo: 200 * 1024 * 1024))
        do {
            let body = bytes.isEmpty ? JSONValue.object([:]) : try JSONParser.parse(bytes)
            try action(body)
            return Self.json(200, .object(["ok": true]))
        } catch let error as SalesforceError {
            return Self.http(.error(error))
        } catch let error as JSONParser.Failure {
            return Self.http(.error(.jsonParser(error.message)))
        }
    }
}
