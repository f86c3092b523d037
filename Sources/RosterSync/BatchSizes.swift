import SalesforceClient
import Synchronization

/// How many records of each Salesforce object go in one collection for an event: 200 (the API's
/// most) until the org's automation runs out of CPU on a write (`System.LimitException`, Apex
/// Developer Guide, "Execution Governors and Limits"), then half, down to one record. The size
/// that passed is kept for the rest of the run and for the event's live sync; a new forced run
/// starts from twice it, so the size grows back slowly as the org's automation changes.
/// Written by hand: a small counter per object under a lock, nothing a package offers.
final class BatchSizes: Sendable {
    private let state: Mutex<(sizes: [String: Int], smallest: [String: Int])>
    /// The most an object's collection holds (the API's limit, or the setting's cap).
    let most: @Sendable (String) -> Int

    init(kept: [String: Int] = [:], most: @escaping @Sendable (String) -> Int) {
        self.most = most
        state = Mutex((kept, [:]))
    }

    /// Records of `object` a collection may hold now.
    func size(for object: String) -> Int {
        state.withLock { min($0.sizes[object] ?? most(object), most(object)) }
    }

    /// Halves `object`'s size after a governor-limit failure; `false` when it is one record
    /// already (then the failure is the record's own).
    func shrink(_ object: String) -> Bool {
        let current = size(for: object)
        guard current > 1 else { return false }
        state.withLock {
            $0.sizes[object] = current / 2
            $0.smallest[object] = min($0.smallest[object] ?? current, current / 2)
        }
        return true
    }

    /// The sizes this batch had to fall back to, by object.
    var shrunk: [String: Int] { state.withLock { $0.smallest } }

    /// The sizes below the most, to keep for the event's next batches.
    var kept: [String: Int] {
        state.withLock { state in state.sizes.filter { $0.value < most($0.key) } }
    }

    /// Where a new forced run starts: twice each kept size (so it grows back slowly).
    static func grown(_ kept: [String: Int]) -> [String: Int] { kept.mapValues { $0 * 2 } }

    /// Whether a write failed because another transaction held its row.
    static func isRowLock(_ errors: [SalesforceAPIError]) -> Bool {
        errors.contains { $0.errorCode == "UNABLE_TO_LOCK_ROW" }
    }

    /// Whether a write failed because a trigger, flow or roll-up ran out of a governor limit.
    static func isGovernorLimit(_ errors: [SalesforceAPIError]) -> Bool {
        errors.contains { $0.errorCode == "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY" && $0.message.contains("LimitException") }
    }
}
