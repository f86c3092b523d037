/// Salesforce → event, opt-in per event (API.md, "Salesforce → event"): every
/// ``intervalSeconds`` Roster reads what changed in the campaign since its last look; members
/// whose status is one of ``statuses`` and who are not participants become invitees.
public struct InboundSettings: Sendable, Hashable, Codable {
    /// Whether the campaign is read back at all.
    public var enabled: Bool
    /// The member statuses that make an invitee of someone who is not a participant yet.
    public var statuses: [String]
    /// How often the campaign is looked at, in seconds (``intervals``).
    public var intervalSeconds: Int

    /// The intervals allowed: a minute to a day.
    public static let intervals = 60...86_400

    /// Makes the settings; the defaults are switched off, "Invited", every five minutes.
    public init(enabled: Bool = false, statuses: [String] = ["Invited"], intervalSeconds: Int = 300) {
        self.enabled = enabled
        self.statuses = statuses
        self.intervalSeconds = intervalSeconds
    }

    /// Whether `status` (as Salesforce holds it, in any case) makes an invitee.
    public func invites(_ status: String) -> Bool {
        statuses.contains { Self.same($0, status) }
    }

    /// Whether two member statuses are the same, in any case and spacing, as Salesforce compares
    /// picklist values; a blank one is the same as none.
    public static func same(_ a: String, _ b: String) -> Bool {
        !a.isBlank && a.trimmed().lowercased() == b.trimmed().lowercased()
    }

    /// What looking costs the org a day at this interval, in API calls: one a look for all of an
    /// org's inbound events together, when it finds nothing; a look that finds changes costs a
    /// call more per page of 2,000 members beyond the first. Switched off, nothing.
    public var callsPerDay: Int {
        let interval = min(max(intervalSeconds, Self.intervals.lowerBound), Self.intervals.upperBound)
        return enabled ? (86_400 + interval - 1) / interval : 0
    }

    /// Every problem with the values themselves, each naming its field (`inbound.…`).
    /// `otherStatuses` are the connector's outbound statuses by setting name: an invitation
    /// status equal to one of them would read Roster's own writes back as invitations.
    public func problems(otherStatuses: [(field: String, status: String)] = []) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !Self.intervals.contains(intervalSeconds) {
            issues.append(.init(field: "inbound.intervalSeconds",
                                message: "between \(Self.intervals.lowerBound) (a minute) and \(Self.intervals.upperBound) (a day) seconds, not \(intervalSeconds)"))
        }
        if enabled, statuses.allSatisfy(\.isBlank) {
            issues.append(.init(field: "inbound.statuses", message: "name at least one member status that makes an invitee, such as Invited"))
        }
        var seen: Set<String> = []
        for (index, status) in statuses.enumerated() {
            let field = "inbound.statuses[\(index)]"
            let key = status.trimmed().lowercased()
            if status.isBlank {
                issues.append(.init(field: field, message: "a status can't be blank"))
            } else if !seen.insert(key).inserted {
                issues.append(.init(field: field, message: "'\(status)' is listed twice"))
            } else if let same = otherStatuses.first(where: { Self.same($0.status, status) }) {
                issues.append(.init(field: field, message: "'\(status)' is the \(same.field) Roster writes itself; an invitation status must differ from it"))
            }
            if status.unicodeScalars.count > 255 { issues.append(.init(field: field, message: "at most 255 characters")) }
            if let issue = ParticipantRules.controlCharacterIssue(status, field: field) { issues.append(issue) }
        }
        return issues
    }
}
