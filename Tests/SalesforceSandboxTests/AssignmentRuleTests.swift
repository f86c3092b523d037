import Testing
@testable import SalesforceSandbox

/// The Assignment Rule header as the REST API Developer Guide documents it: no header or `TRUE`
/// runs the active rule on created *and updated* Leads, `FALSE` runs none, an AssignmentRule Id
/// runs that rule (active or not) on created ones.
@Suite("Assignment rules and the Sforce-Auto-Assign header")
struct AssignmentRuleTests {
    static func harness() throws -> (SandboxHarness, active: String, inactive: String, rep: String) {
        let harness = try SandboxHarness()
        try SandboxSeed.apply(try JSONParser.parse(Array(#"""
            {"users": [{"Username": "rep@x.example", "LastName": "Rep"}, {"Username": "queue@x.example", "LastName": "Queue"},
                       {"Username": "other@x.example", "LastName": "Other"}],
             "assignmentRules": [{"Name": "Web", "SobjectType": "Lead", "Active": true, "AssigneeUsername": "queue@x.example"},
                                 {"Name": "Partners", "SobjectType": "Lead", "Active": false, "AssigneeUsername": "other@x.example"}]}
            """#.utf8)), to: harness.org)
        func id(_ soql: String) throws -> String { try #require(try harness.org.query(soql).first?["Id"]?.stringValue) }
        return (harness, try id("SELECT Id FROM AssignmentRule WHERE Name = 'Web'"), try id("SELECT Id FROM AssignmentRule WHERE Name = 'Partners'"),
                try id("SELECT Id FROM User WHERE Username = 'rep@x.example'"))
    }

    func owner(_ harness: SandboxHarness, _ id: String) throws -> String? {
        let owner = try harness.org.query("SELECT OwnerId FROM Lead WHERE Id = '\(id)'").first?["OwnerId"]?.stringValue
        return try owner.flatMap { try harness.org.query("SELECT Username FROM User WHERE Id = '\($0)'").first?["Username"]?.stringValue }
    }

    @Test func rulesAreQueryableAndReadOnly() async throws {
        let (harness, _, _, _) = try Self.harness()
        let rules = try harness.org.query("SELECT Name, Active FROM AssignmentRule WHERE SobjectType = 'Lead' ORDER BY Name")
        #expect(rules.map { $0["Name"]?.stringValue } == ["Partners", "Web"])
        #expect(rules.map { $0["Active"]?.boolValue } == [false, true])
        try await harness.run { client in
            let created = try await client.call(.post, "sobjects/AssignmentRule", json: .object(["Name": "Mine", "SobjectType": "Lead"]))
            #expect(created.status == 400 && created.errorCode == "INSUFFICIENT_ACCESS_OR_READONLY")
        }
    }

    @Test func theHeaderDecidesTheOwnerOnCreatesAndUpdates() async throws {
        let (harness, _, inactive, rep) = try Self.harness()
        try await harness.run { client in
            func create(_ header: String?) async throws -> String {
                let reply = try await client.call(.post, "sobjects/Lead", json: .object(["LastName": "L", "Company": "C"]),
                                                  headers: header.map { ["Sforce-Auto-Assign": $0] } ?? [:])
                return try #require(reply.json?["id"]?.stringValue)
            }
            #expect(try owner(harness, try await create(nil)) == "queue@x.example", "no header: the active rule")
            #expect(try owner(harness, try await create("true")) == "queue@x.example", "TRUE, in any case")
            #expect(try owner(harness, try await create("FALSE")) == "admin@test.example", "FALSE: the caller owns it")
            let named = try await create(inactive)
            #expect(try owner(harness, named) == "other@x.example", "a rule Id, even inactive, on create")

            // An update without FALSE takes the record from its owner; with FALSE or a rule Id it keeps it.
            for (header, expected) in [("FALSE", "rep@x.example"), (inactive, "rep@x.example"), (nil, "queue@x.example")] as [(String?, String)] {
                #expect(try await client.call(.patch, "sobjects/Lead/\(named)", json: .object(["OwnerId": .string(rep)]), headers: ["Sforce-Auto-Assign": "FALSE"]).status == 204)
                let reply = try await client.call(.patch, "sobjects/Lead/\(named)", json: .object(["Title": "CTO"]),
                                                  headers: header.map { ["Sforce-Auto-Assign": $0] } ?? [:])
                #expect(reply.status == 204)
                #expect(try owner(harness, named) == expected, "update with \(header ?? "no header")")
            }
        }
    }

    @Test func subrequestsCarryTheirOwnHeader() async throws {
        let (harness, _, _, _) = try Self.harness()
        try await harness.run { client in
            let reply = try await client.call(.post, "composite", json: .object(["allOrNone": false, "compositeRequest": .array([
                .object(["method": "POST", "url": "/services/data/v62.0/composite/sobjects", "referenceId": "a",
                         "httpHeaders": .object(["Sforce-Auto-Assign": "FALSE"]),
                         "body": .object(["allOrNone": false, "records": .array([.object(["attributes": .object(["type": "Lead"]), "LastName": "A", "Company": "C"])])])]),
                .object(["method": "POST", "url": "/services/data/v62.0/sobjects/Lead", "referenceId": "b",
                         "body": .object(["LastName": "B", "Company": "C"])]),
            ])]))
            #expect(reply.status == 200)
        }
        let owners = try harness.org.query("SELECT LastName, OwnerId FROM Lead ORDER BY LastName").map { $0["OwnerId"]?.stringValue }
        let queue = try harness.org.query("SELECT Id FROM User WHERE Username = 'queue@x.example'").first?["Id"]?.stringValue
        #expect(owners == [harness.org.adminUserId, queue])
    }
}
