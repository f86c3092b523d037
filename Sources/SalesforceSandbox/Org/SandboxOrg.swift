#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The in-memory org behind the sandbox: its schema and rows, safe to use from any task.
///
/// Tests use it to look at or change what "Salesforce" holds without going through HTTP, e.g.
/// to check a sync created the right Contacts or to convert a Lead behind the client's back.
public final class SandboxOrg: Sendable {
    let storage: ReadWriteLocked<OrgState>
    private let adminUsername: String

    /// An empty org with the standard objects and its admin user.
    public init(adminUsername: String = "admin@sandbox.example", clock: @escaping @Sendable () -> Int64 = SandboxOrg.now) {
        self.adminUsername = adminUsername
        var state = OrgState(clock: clock)
        state.ensureAdminUser(username: adminUsername, email: adminUsername)
        storage = ReadWriteLocked(state)
    }

    /// Wall-clock milliseconds since 1970.
    public static let now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    var access: LockedOrgAccess { LockedOrgAccess(storage: storage) }

    /// The Id of the org's admin user (owner of everything created).
    public var adminUserId: String { storage.read { $0.adminUserId.value } }

    /// Writes made here (seeds, test control) are like an admin's edit in Setup without "Assign
    /// using active assignment rule" ticked: no assignment rule runs, the owner is the one given.
    static let directWrite = WriteContext(autoAssign: .none)

    /// A stable, fake organisation Id (`00D…`).
    public static let organizationId = SalesforceId(keyPrefix: "00D", serial: 1).value

    // MARK: Reading

    /// The row with this Id as `GET /sobjects/X/id` would return it (deleted rows included), or `nil`.
    public func record(_ id: String) -> JSONObject? {
        guard let id = SalesforceId(id) else { return nil }
        return storage.read { state in
            state.record(id).flatMap { state.render($0, version: SandboxDefaults.apiVersion).objectValue }
        }
    }

    /// Runs a SOQL query and answers its records (all of them, not paged).
    public func query(_ soql: String, includeDeleted: Bool = false) throws(SalesforceError) -> [JSONObject] {
        let parsed = try SoqlParser.parse(soql, nowMilliseconds: SandboxOrg.now())
        return try storage.read { (state: OrgState) throws(SalesforceError) -> [JSONObject] in
            try SoqlEvaluator(state: state, query: parsed, version: SandboxDefaults.apiVersion)
                .run(includeDeleted: includeDeleted).records.compactMap(\.objectValue)
        }
    }

    /// How many live rows `object` has.
    public func count(_ object: String) -> Int { storage.read { $0.count(of: object) } }

    // MARK: Writing

    /// Creates a row with the same checks as the REST API and answers its Id.
    @discardableResult
    public func create(_ object: String, _ fields: JSONObject) throws(SalesforceError) -> String {
        try access.write { (state: inout OrgState) throws(SalesforceError) -> String in
            try state.create(object, fields, context: Self.directWrite).value
        }
    }

    /// Updates a row with the same checks as the REST API.
    public func update(_ id: String, _ fields: JSONObject) throws(SalesforceError) {
        guard let id = SalesforceId(id) else { throw .notFound() }
        try access.write { (state: inout OrgState) throws(SalesforceError) in try state.update(id, fields, context: Self.directWrite) }
    }

    /// Deletes a row as an admin would in the UI, behind the client's back.
    public func delete(_ id: String) throws(SalesforceError) {
        guard let id = SalesforceId(id) else { throw .notFound() }
        try access.write { (state: inout OrgState) throws(SalesforceError) in try state.delete(id) }
    }

    /// Inserts many rows under one lock, with every check a create makes, for large fixtures.
    /// Answers the new Ids in order; the first failure rolls all of them back.
    @discardableResult
    public func bulkCreate(_ object: String, _ rows: [JSONObject]) throws(SalesforceError) -> [String] {
        try access.write { (state: inout OrgState) throws(SalesforceError) -> [String] in
            var ids: [String] = []
            ids.reserveCapacity(rows.count)
            for row in rows { ids.append(try state.create(object, row, context: Self.directWrite).value) }
            return ids
        }
    }

    /// Switches the standard duplicate rule of `object` (Lead or Contact) on or off.
    public func setDuplicateRule(object: String, active: Bool) {
        storage.write { state in
            if active { state.activeDuplicateRules.insert(object.lowercased()) } else {
                state.activeDuplicateRules.remove(object.lowercased())
            }
        }
    }

    /// Adds a custom field to an object, as an admin would in Setup.
    public func addField(_ field: SObjectField, to object: String) throws(SalesforceError) {
        try storage.write { (state: inout OrgState) throws(SalesforceError) in try state.addField(field, to: object) }
    }

    /// Grants or withdraws Create and Edit on an object for the admin user (a profile change).
    public func setPermissions(of object: String, createable: Bool, updateable: Bool) throws(SalesforceError) {
        try storage.write { (state: inout OrgState) throws(SalesforceError) in
            try state.setPermissions(of: object, createable: createable, updateable: updateable)
        }
    }

    /// Removes every row (the schema, custom fields included, stays) and re-creates the admin user.
    public func removeAllRecords() {
        storage.write { state in
            state.removeAllRecords()
            state.ensureAdminUser(username: adminUsername, email: adminUsername)
        }
    }
}
