import SalesforceClient

/// What a batch sends again after Salesforce answered a round of collection writes, and which
/// objects' collections it halves first: decided from the answers alone, no call made here
/// (``SyncBatch/send(_:)`` carries it out).
///
/// - A record refused because the org's automation ran out of a governor limit goes again in a
///   collection half the size, unless its object's size is one record already: then the failure
///   is the record's own.
/// - Row locks on most of what was just sent of an object (four records or more) are contention,
///   not chance: that object's collections get smaller too.
/// - A record that failed for a transient reason (`UNABLE_TO_LOCK_ROW`, `SERVER_UNAVAILABLE`,
///   `UNKNOWN_EXCEPTION`: nothing was written) goes again after the back-off, while tries remain.
/// - Any other refusal (a validation rule, a duplicate rule, a missing permission) is final.
struct WriteRetries: Equatable {
    /// Objects whose collections are halved before the next send.
    var shrink: Set<String> = []
    /// Positions of the records sent again because their object's collections got smaller.
    var smaller: [Int] = []
    /// Positions of the records sent again after the back-off.
    var transient: [Int] = []

    /// Nothing to send again.
    var isEmpty: Bool { smaller.isEmpty && transient.isEmpty }

    /// Every position sent again, each once, in order.
    var again: [Int] { Array(Set(smaller + transient)).sorted() }

    /// The decision for `answers` (each write's object and Salesforce's result, by position), of
    /// which `sent` were sent in the round just answered; `size` is each object's collection size
    /// now, and `transientTriesLeft` whether a transient failure may still be tried again.
    static func after(_ answers: [(object: String, result: RecordResult)], sent: [Int], size: (String) -> Int,
                      transientTriesLeft: Bool) -> WriteRetries {
        let failed = answers.indices.filter { !answers[$0].result.success }
        let limited = failed.filter { BatchSizes.isGovernorLimit(answers[$0].result.errors) }
        let contended = Dictionary(grouping: sent, by: { answers[$0].object }).filter { _, positions in
            positions.count >= 4 && positions.filter { BatchSizes.isRowLock(answers[$0].result.errors) }.count * 2 > positions.count
        }.keys
        let shrink = Set(limited.map { answers[$0].object }).union(contended).filter { size($0) > 1 }
        let transient = transientTriesLeft
            ? failed.filter { answers[$0].result.errors.contains { RetryPolicy.retryableCodes.contains($0.errorCode) } }
            : []
        return WriteRetries(shrink: shrink, smaller: limited.filter { shrink.contains(answers[$0].object) }, transient: transient)
    }
}
