import RosterCore
import SalesforceClient
import Synchronization

/// The Accounts of the Contacts a sync creates (``ContactAccount``): found by name in the same
/// Composite call as the people (one `IN` query a batch), the missing ones created once each, in
/// collections, and remembered for the rest of the run, so two batches never create the same
/// Account twice. Written by hand: a small name-to-Id map under a lock.
final class AccountDirectory: Sendable {
    private let known = Mutex<[String: (id: String, modified: String)]>([:])

    /// A company name as Accounts are compared: surrounding spaces and case ignored.
    static func key(_ name: String) -> String { name.trimmed().lowercased() }

    /// The Account Id for this name, if known.
    func id(for name: String) -> String? { known.withLock { $0[Self.key(name)]?.id } }

    /// Names among `names` not known yet.
    func unknown(_ names: some Sequence<String>) -> [String] {
        known.withLock { known in Array(Set(names.map(Self.key))).filter { known[$0] == nil }.sorted() }
    }

    /// Remembers an Account; of several with one name, the most recently modified.
    func add(name: String, id: String, modified: String) {
        known.withLock { known in
            let key = Self.key(name)
            if let current = known[key], current.modified >= modified { return }
            known[key] = (id, modified)
        }
    }
}

extension SyncBatch {
    /// The Account names the batch's new Contacts may need, when Contacts get one by company.
    func accountNames(_ participants: [Participant]) -> [String] {
        guard !settings.allowLeadCreation, settings.contactAccount.mode == .byCompany else { return [] }
        return accounts.unknown(participants.filter { !settings.isExcluded(email: $0.email) }.compactMap { accountName(company: $0.company) })
    }

    /// The Account a new Contact with this company goes to by company: the company's, or
    /// without one the event's (`nil` when `accountId` takes those people).
    func accountName(company: String) -> String? {
        company.isBlank ? (settings.contactAccount.accountId == nil ? planner.event.name : nil) : company.trimmed()
    }

    /// Looks Accounts up by name (the names lower-cased: SOQL's `=` and `IN` ignore case).
    func accountQueries(_ names: [String]) -> [SOQL] {
        Self.chunks(names).map { SOQL.select(["Id", "Name", "LastModifiedDate"], from: "Account", where: .in("Name", $0)) }
    }

    func rememberAccounts(_ records: [SalesforceRecord]) {
        for record in records {
            if let id = record["Id"]?.stringValue, let name = record["Name"]?.stringValue {
                accounts.add(name: name, id: id, modified: record["LastModifiedDate"]?.stringValue ?? "")
            }
        }
    }

    /// The Account each new Contact goes to, by plan index, or why it has none. By company: the
    /// company's Account (the names not found are created first, many to a collection, each
    /// once); without a company, `accountId`, else the event's Account. Fixed: `accountId`.
    func accountIds(for creates: [(index: Int, company: String)]) async throws -> [Int: Result<String, AccountFailure>] {
        let setting = settings.contactAccount
        guard !creates.isEmpty, setting.mode != .none else { return [:] }
        if setting.mode == .fixed {
            guard let id = setting.accountId else { return [:] }
            return Dictionary(uniqueKeysWithValues: creates.map { ($0.index, .success(id)) })
        }
        let wanted = creates.compactMap { accountName(company: $0.company) }
        // Names this batch did not look up with its people (a live batch, say): one query.
        let unknown = accounts.unknown(wanted)
        if !unknown.isEmpty {
            try await run(accountQueries(unknown).map { ((), $0) }) { _, records in rememberAccounts(records) }
        }
        let missing = accounts.unknown(wanted)
        var failures: [String: String] = [:]
        if !missing.isEmpty {
            var spelled: [String: String] = [:]
            for name in wanted where spelled[AccountDirectory.key(name)] == nil { spelled[AccountDirectory.key(name)] = name }
            let writes = missing.enumerated().map { index, key in
                Write(index: index, operation: .create, record: RecordWrite(object: "Account", fields: ["Name": .string(spelled[key] ?? key)]))
            }
            for (write, result) in try await send(writes) {
                let name = write.record.fields["Name"]?.stringValue ?? ""
                if result.success, let id = result.id { accounts.add(name: name, id: id, modified: "") }
                else { failures[AccountDirectory.key(name)] = Self.describe(result.errors, object: "Account") }
            }
        }
        var result: [Int: Result<String, AccountFailure>] = [:]
        for create in creates {
            guard let name = accountName(company: create.company) else {
                if let id = setting.accountId { result[create.index] = .success(id) }
                continue
            }
            if let id = accounts.id(for: name) {
                result[create.index] = .success(id)
            } else {
                result[create.index] = .failure(AccountFailure(
                    message: "the Account \"\(name)\" could not be created: \(failures[AccountDirectory.key(name)] ?? "Salesforce did not say why")"))
            }
        }
        return result
    }
}

/// Why a new Contact has no Account.
struct AccountFailure: Error, Sendable {
    var message: String
}
