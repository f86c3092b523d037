@testable import RosterSync
import SalesforceClient
import Testing

/// What a batch sends again after Salesforce's answers, decided without a call: every error code
/// the engine acts on, and those it leaves as the record's own.
@Suite("What a batch sends again: governor limits, row locks, transient failures, final refusals")
struct WriteRetriesTests {
    static let ok = RecordResult(id: "003000000000001AAA", success: true, errors: [])
    static func refused(_ code: String, _ message: String = "refused") -> RecordResult {
        RecordResult(id: nil, success: false, errors: [SalesforceAPIError(errorCode: code, message: message)])
    }
    /// A trigger out of CPU (Apex Developer Guide, "Execution Governors and Limits").
    static let cpu = refused("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "ContactTrigger: execution of AfterInsert caused by: System.LimitException: Apex CPU time limit exceeded")
    static let lock = refused("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record")

    static func decide(_ answers: [(String, RecordResult)], sent: [Int]? = nil, sizes: [String: Int] = [:], triesLeft: Bool = true) -> WriteRetries {
        WriteRetries.after(answers.map { (object: $0.0, result: $0.1) }, sent: sent ?? Array(answers.indices),
                           size: { sizes[$0] ?? 200 }, transientTriesLeft: triesLeft)
    }

    @Test("a trigger out of CPU: its object's collections halve and the refused records go again, the others stay done")
    func governorLimit() {
        let retries = Self.decide([("Contact", Self.ok), ("Contact", Self.cpu), ("Lead", Self.ok), ("Contact", Self.cpu)])
        #expect(retries == WriteRetries(shrink: ["Contact"], smaller: [1, 3], transient: []))
        #expect(retries.again == [1, 3])
    }

    @Test("at one record a collection, a governor limit is the record's own: nothing goes again")
    func governorLimitAtOne() {
        let retries = Self.decide([("Contact", Self.cpu)], sizes: ["Contact": 1])
        #expect(retries.isEmpty)
        #expect(retries.shrink.isEmpty)
    }

    @Test("a CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY that is not a governor limit (a trigger's own error) is final")
    func triggerErrorIsFinal() {
        #expect(Self.decide([("Contact", Self.refused("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "ContactTrigger: bad phone"))]).isEmpty)
    }

    @Test("row locks on most of an object's records (four or more) halve its collections and go again after the back-off")
    func contention() {
        let retries = Self.decide([("Contact", Self.lock), ("Contact", Self.lock), ("Contact", Self.lock), ("Contact", Self.ok)])
        #expect(retries == WriteRetries(shrink: ["Contact"], smaller: [], transient: [0, 1, 2]))
    }

    @Test("a lone row lock is chance: sent again after the back-off, at the same size")
    func loneLock() {
        let answers: [(String, RecordResult)] = [("Contact", Self.lock)] + Array(repeating: ("Contact", Self.ok), count: 9)
        #expect(Self.decide(answers) == WriteRetries(shrink: [], smaller: [], transient: [0]))
    }

    @Test("only what was sent last counts toward contention: three locked resends of ten are not most of ten")
    func contentionCountsTheLastSend() {
        let answers: [(String, RecordResult)] = Array(repeating: ("Contact", Self.lock), count: 3) + Array(repeating: ("Contact", Self.ok), count: 7)
        #expect(Self.decide(answers, sent: Array(0..<10)).shrink.isEmpty)
        #expect(Self.decide(answers, sent: [0, 1, 2, 3]).shrink == ["Contact"])
    }

    @Test("every transient code goes again while tries remain; none once they are spent",
          arguments: ["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION"])
    func transientCodes(code: String) {
        #expect(Self.decide([("Lead", Self.refused(code)), ("Lead", Self.ok)]).transient == [0])
        #expect(Self.decide([("Lead", Self.refused(code))], triesLeft: false).isEmpty)
    }

    @Test("refusals that are the record's own are final",
          arguments: ["FIELD_CUSTOM_VALIDATION_EXCEPTION", "DUPLICATES_DETECTED", "INVALID_EMAIL_ADDRESS", "INSUFFICIENT_ACCESS_OR_READONLY",
                      "INVALID_FIELD_FOR_INSERT_UPDATE", "DUPLICATE_VALUE", "ENTITY_IS_DELETED", "REQUIRED_FIELD_MISSING"])
    func finalRefusals(code: String) {
        #expect(Self.decide([("Contact", Self.refused(code)), ("Contact", Self.ok)]).isEmpty)
    }

    @Test("a governor limit on one object leaves another object's sizes alone")
    func perObject() {
        let retries = Self.decide([("Contact", Self.cpu), ("CampaignMember", Self.ok), ("Lead", Self.refused("REQUIRED_FIELD_MISSING"))])
        #expect(retries.shrink == ["Contact"])
        #expect(retries.again == [0])
    }
}
