/// How request handlers reach the org: each call takes the lock, or, inside a Composite
/// all-or-none request, all calls share one write lock and one transaction.
protocol OrgAccess {
    func read<T>(_ body: (OrgState) throws(SalesforceError) -> T) throws(SalesforceError) -> T
    func write<T>(_ body: (inout OrgState) throws(SalesforceError) -> T) throws(SalesforceError) -> T
}

/// Takes the org's lock for each call: reads in parallel, writes one at a time.
struct LockedOrgAccess: OrgAccess {
    let storage: ReadWriteLocked<OrgState>

    func read<T>(_ body: (OrgState) throws(SalesforceError) -> T) throws(SalesforceError) -> T {
        try storage.read(body)
    }

    func write<T>(_ body: (inout OrgState) throws(SalesforceError) -> T) throws(SalesforceError) -> T {
        try storage.write { (state: inout OrgState) throws(SalesforceError) -> T in
            try state.transaction { (inner: inout OrgState) throws(SalesforceError) -> T in try body(&inner) }
        }
    }
}

/// Used while the caller already holds the write lock (a Composite request).
struct HeldOrgAccess: OrgAccess {
    let state: UnsafeMutablePointer<OrgState>

    func read<T>(_ body: (OrgState) throws(SalesforceError) -> T) throws(SalesforceError) -> T {
        try body(state.pointee)
    }

    func write<T>(_ body: (inout OrgState) throws(SalesforceError) -> T) throws(SalesforceError) -> T {
        try state.pointee.transaction { (inner: inout OrgState) throws(SalesforceError) -> T in try body(&inner) }
    }
}
