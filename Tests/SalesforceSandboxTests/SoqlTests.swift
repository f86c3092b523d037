import Testing
@testable import SalesforceSandbox

@Suite("SOQL")
struct SoqlTests {
    let org: SandboxOrg

    init() throws {
        org = SandboxOrg()
        let account = try org.create("Account", ["Name": "Acme"])
        try org.create("Contact", ["LastName": "Lovelace", "FirstName": "Ada", "Email": "Ada@Example.com",
                                   "AccountId": .string(account), "Birthdate": "1815-12-10"])
        try org.create("Contact", ["LastName": "Hopper", "FirstName": "Grace", "Email": "grace@example.com"])
        try org.create("Contact", ["LastName": "O'Brien", "Title": "50% off_sale"])
    }

    @Test("IN and = compare text case-insensitively")
    func caseInsensitive() throws {
        let rows = try org.query("SELECT Id, Email FROM Contact WHERE Email IN ('ada@example.com', 'GRACE@EXAMPLE.COM')")
        #expect(rows.count == 2)
        #expect(rows[0]["Email"] == "Ada@Example.com", "stored case is returned unchanged")
        #expect(try org.query("SELECT Id FROM Contact WHERE LastName = 'lovelace'").count == 1)
    }

    @Test("!= keeps rows whose value is null, as SOQL does")
    func notEqualAndNull() throws {
        #expect(try org.query("SELECT Id FROM Contact WHERE Email != 'ada@example.com'").count == 2)
        #expect(try org.query("SELECT Id FROM Contact WHERE Email = null").count == 1)
        #expect(try org.query("SELECT Id FROM Contact WHERE Email != null").count == 2)
    }

    @Test("LIKE wildcards, escapes and NOT")
    func like() throws {
        #expect(try org.query("SELECT Id FROM Contact WHERE LastName LIKE 'Lo%'").count == 1)
        #expect(try org.query("SELECT Id FROM Contact WHERE LastName LIKE '_opper'").count == 1)
        #expect(try org.query("SELECT Id FROM Contact WHERE LastName LIKE 'O\\'B%'").count == 1)
        #expect(try org.query("SELECT Id FROM Contact WHERE Title LIKE '50\\% off\\_%'").count == 1)
        #expect(try org.query("SELECT Id FROM Contact WHERE Title LIKE '50\\%x%'").isEmpty)
        #expect(try org.query("SELECT Id FROM Contact WHERE NOT LastName LIKE 'Lo%'").count == 2)
    }

    @Test("string escapes decode as the SOQL reference lists them")
    func escapes() throws {
        try org.create("Contact", ["LastName": "Tab\there \"quoted\" back\\slash"])
        let rows = try org.query(#"SELECT LastName FROM Contact WHERE LastName = 'Tab\there \"quoted\" back\\slash'"#)
        #expect(rows.count == 1)
        #expect(try org.query(#"SELECT Id FROM Contact WHERE LastName = '\u0048opper'"#).count == 1)
        #expect(throws: SalesforceError.self) { try org.query(#"SELECT Id FROM Contact WHERE LastName = 'a\qb'"#) }
    }

    @Test("parent fields come back as nested objects with attributes; null parents as null")
    func parentFields() throws {
        let rows = try org.query("SELECT LastName, Account.Name FROM Contact ORDER BY LastName")
        let hopper = try #require(rows.first)
        #expect(hopper["Account"] == .null)
        let lovelace = rows[1]
        #expect(lovelace["Account"]?["Name"] == "Acme")
        #expect(lovelace["Account"]?["attributes"]?["type"] == "Account")
    }

    @Test("ORDER BY with NULLS FIRST/LAST, DESC, LIMIT and OFFSET")
    func ordering() throws {
        let nullsLast = try org.query("SELECT Email FROM Contact ORDER BY Email ASC NULLS LAST")
        #expect(nullsLast.last?["Email"] == .null)
        let nullsFirst = try org.query("SELECT Email FROM Contact ORDER BY Email")
        #expect(nullsFirst.first?["Email"] == .null, "ASC defaults to NULLS FIRST")
        let desc = try org.query("SELECT LastName FROM Contact ORDER BY LastName DESC LIMIT 2 OFFSET 1")
        #expect(desc.map { $0["LastName"] } == ["Lovelace", "Hopper"])
    }

    @Test("COUNT() answers a size and no rows; date literals compare as dates")
    func countAndDates() throws {
        let parsed = try SoqlParser.parse("SELECT COUNT() FROM Contact WHERE Birthdate < 1900-01-01", nowMilliseconds: 0)
        let result = try org.storage.read { state in try SoqlEvaluator(state: state, query: parsed, version: "62.0").run(includeDeleted: false) }
        #expect(result.totalSize == 1)
        #expect(result.records.isEmpty)
        #expect(try org.query("SELECT Id FROM Contact WHERE CreatedDate > 2020-01-01T00:00:00Z").count == 3)
        #expect(try org.query("SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:2").count == 3)
    }

    @Test("unknown field: INVALID_FIELD with the org's caret message")
    func invalidField() {
        let error = #expect(throws: SalesforceError.self) { try org.query("SELECT Id, Foo FROM Contact") }
        #expect(error?.errorCode == "INVALID_FIELD")
        #expect(error?.message.contains("ERROR at Row:1:Column:12") == true)
        #expect(error?.message.contains("No such column 'Foo' on entity 'Contact'") == true)
        let relation = #expect(throws: SalesforceError.self) { try org.query("SELECT Bogus.Name FROM Contact") }
        #expect(relation?.message.contains("Didn't understand relationship 'Bogus'") == true)
    }

    @Test("syntax errors and over-long statements are MALFORMED_QUERY")
    func malformed() {
        for soql in ["SELECT FROM Contact", "SELECT Id FROM Contact WHERE", "SELECT Id FROM Contact WHERE LastName = 'a' AND Email = 'b' OR Title = 'c'",
                     "SELECT Id FROM Contact LIMIT x", "SELECT Id FROM Contact WHERE LastName = 'open"]
        {
            let error = #expect(throws: SalesforceError.self, "\(soql)") { try org.query(soql) }
            #expect(error?.errorCode == "MALFORMED_QUERY", "\(soql)")
        }
        let long = "SELECT Id FROM Contact WHERE LastName IN (" + Array(repeating: "'abcdefghij'", count: 8000).joined(separator: ",") + ")"
        let error = #expect(throws: SalesforceError.self) { try org.query(long) }
        #expect(error?.errorCode == "MALFORMED_QUERY")
        #expect(error?.message.contains("100,000") == true)
    }

    @Test("Id = and Id IN accept 15- and 18-character Ids")
    func byId() throws {
        let ids = try org.query("SELECT Id FROM Contact ORDER BY LastName").compactMap { $0["Id"]?.stringValue }
        #expect(try org.query("SELECT LastName FROM Contact WHERE Id = '\(ids[0])'").first?["LastName"] == "Hopper")
        let short = String(ids[1].prefix(15))
        #expect(try org.query("SELECT Id FROM Contact WHERE Id IN ('\(short)', '\(ids[2])')").count == 2)
        #expect(try org.query("SELECT Id FROM Account WHERE Id = '\(ids[0])'").isEmpty, "a Contact Id is no Account")
    }

    @Test("parenthesised AND/OR and NOT IN evaluate like SOQL")
    func logic() throws {
        let rows = try org.query("SELECT Id FROM Contact WHERE (LastName = 'Hopper' OR LastName = 'Lovelace') AND Email NOT IN ('grace@example.com')")
        #expect(rows.count == 1)
    }

    @Test("literal types are checked against field types")
    func literalTypes() {
        let quoted = #expect(throws: SalesforceError.self) { try org.query("SELECT Id FROM Contact WHERE Birthdate = '2020-01-01'") }
        #expect(quoted?.errorCode == "INVALID_FIELD")
        let badId = #expect(throws: SalesforceError.self) { try org.query("SELECT Id FROM Contact WHERE Id = 'nope'") }
        #expect(badId?.errorCode == "INVALID_QUERY_FILTER_OPERATOR")
        let type = #expect(throws: SalesforceError.self) { try org.query("SELECT Id FROM Nothing__c") }
        #expect(type?.errorCode == "INVALID_TYPE")
    }
}
